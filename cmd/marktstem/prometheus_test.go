package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// needTool finds an external program the integration tests use. On CI
// (CI=true) a missing program fails the test: the test command installs it.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed (CI=true): run bash scripts/test.sh, which installs it", name)
		}
		t.Skipf("%s not installed; bash scripts/test.sh installs it", name)
	}
	return p
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// start runs a program until the test ends and returns its combined output.
func start(t *testing.T, name string, args ...string) *bytes.Buffer {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(name), out.String())
		}
	})
	return &out
}

// waitHTTP polls url until it answers 200 or the deadline passes.
func waitHTTP(t *testing.T, u string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(u)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not become ready", u)
}

// promQuery asks Prometheus for an instant vector and returns the value of
// its single sample, or false when the result is not exactly one sample.
func promQuery(t *testing.T, base, q string) (float64, bool) {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/query?query=" + url.QueryEscape(q))
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	var r struct {
		Status string
		Data   struct {
			Result []struct {
				Value [2]any `json:"value"`
			}
		}
	}
	body, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(body, &r); err != nil || r.Status != "success" || len(r.Data.Result) != 1 {
		return 0, false
	}
	s, _ := r.Data.Result[0].Value[1].(string)
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

// TestPrometheusIntegration runs a real Prometheus that scrapes a real
// Pushgateway (to which a batch run pushes) and `marktstem serve`, and
// checks through Prometheus' HTTP API that the series arrive with the
// values the run reported.
func TestPrometheusIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test")
	}
	promBin := needTool(t, "prometheus")
	pgwBin := needTool(t, "prometheus-pushgateway")
	dir := t.TempDir()

	pgwAddr, serveAddr, promAddr := freeAddr(t), freeAddr(t), freeAddr(t)
	start(t, pgwBin, "--web.listen-address="+pgwAddr)
	waitHTTP(t, "http://"+pgwAddr+"/-/ready")

	// A batch run pushes its metrics at the end.
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"score", "--quiet", "--out", filepath.Join(dir, "out"),
		"--pushgateway", "http://" + pgwAddr, "--push-instance", "ci", "--metrics-textfile", filepath.Join(dir, "m.prom")},
		strings.NewReader(""), &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("score: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	scored := scoredCount(t, stdout.String())

	// marktstem serve scores the same corpus and exposes /metrics.
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan int, 1)
	go func() {
		served <- run(ctx, []string{"serve", "--quiet", "--addr", serveAddr, "--out", filepath.Join(dir, "serve-out")},
			strings.NewReader(""), io.Discard, io.Discard)
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-served; code != exitOK {
			t.Errorf("serve: exit %d", code)
		}
	})
	waitHTTP(t, "http://"+serveAddr+"/healthz")

	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: pushgateway
    honor_labels: true
    static_configs: [{targets: ['%s']}]
  - job_name: marktstem-serve
    static_configs: [{targets: ['%s']}]
`, pgwAddr, serveAddr)
	cfgPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	start(t, promBin, "--config.file="+cfgPath, "--storage.tsdb.path="+filepath.Join(dir, "tsdb"),
		"--web.listen-address="+promAddr, "--log.level=warn")
	base := "http://" + promAddr
	waitHTTP(t, base+"/-/ready")

	checks := []struct {
		query string
		want  float64
	}{
		{`marktstem_articles_scored_total{job="marktstem",instance="ci"}`, float64(scored)},
		{`marktstem_articles_scored_total{job="marktstem-serve"}`, float64(scored)},
		{`marktstem_build_info{job="marktstem",version="` + version + `"}`, 1},
		{`sum(marktstem_articles_rejected_total{job="marktstem"})`, 0},
		{`marktstem_last_success_timestamp_seconds{job="marktstem"} > 0`, -1}, // any value
		{`up{job="marktstem-serve"}`, 1},
	}
	deadline := time.Now().Add(45 * time.Second)
	for _, c := range checks {
		for {
			got, ok := promQuery(t, base, c.query)
			if ok && (c.want < 0 || got == c.want) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("query %s: got %v (found %v), want %v", c.query, got, ok, c.want)
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
}

// scoredCount reads "N scored" from the score summary.
func scoredCount(t *testing.T, summary string) int {
	t.Helper()
	for _, line := range strings.Split(summary, "\n") {
		var read, scored int
		if _, err := fmt.Sscanf(line, "articles   %d read = %d scored", &read, &scored); err == nil {
			return scored
		}
	}
	t.Fatalf("no article counts in summary:\n%s", summary)
	return 0
}

// TestPromtoolCheckMetrics lints the textfile of a real run with promtool.
func TestPromtoolCheckMetrics(t *testing.T) {
	promtool := needTool(t, "promtool")
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	textfile := filepath.Join(dir, "marktstem.prom")
	if code := run(context.Background(), []string{"score", "--quiet", "--out", filepath.Join(dir, "out"), "--metrics-textfile", textfile},
		strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Fatalf("score: exit %d\n%s", code, stderr.String())
	}
	data, err := os.ReadFile(textfile)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}
