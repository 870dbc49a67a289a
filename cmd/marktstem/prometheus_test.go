package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
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

	// A batch run pushes its metrics at the end. It watches three
	// companies, whose gauges must carry the latest day of company_daily.
	var stdout, stderr bytes.Buffer
	out := filepath.Join(dir, "out")
	code := run(context.Background(), []string{"score", "--quiet", "--out", out, "--watch", "asml,ing,shell",
		"--pushgateway", "http://" + pgwAddr, "--push-instance", "ci", "--metrics-textfile", filepath.Join(dir, "m.prom")},
		strings.NewReader(""), &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("score: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	scored := scoredCount(t, stdout.String())
	latest := latestCompanyDays(t, filepath.Join(out, "company_daily.arrow"))
	withCompany := distinctArticles(t, filepath.Join(out, "mentions.arrow"))

	// A second instance reads one good article, a duplicate of it and a
	// line that is not JSON: a reject rate of 2/3 that the reject-rate
	// alert must catch, and one duplicate dropped.
	bad := filepath.Join(dir, "bad.jsonl")
	if err := os.WriteFile(bad, []byte(`{"id":"a1","published":"2024-03-14","title":"ASML boekt recordwinst","body":"De omzet van ASML steeg sterk."}
{"id":"a1","published":"2024-03-14","title":"ASML boekt recordwinst","body":"De omzet van ASML steeg sterk."}
not json
`), 0o644); err != nil {
		t.Fatal(err)
	}
	if code := run(context.Background(), []string{"score", "--quiet", "--out", filepath.Join(dir, "out-bad"),
		"--pushgateway", "http://" + pgwAddr, "--push-instance", "ci-rejects", bad},
		strings.NewReader(""), io.Discard, &stderr); code != exitOK {
		t.Fatalf("score bad.jsonl: exit %d\n%s", code, stderr.String())
	}

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

	// The alerting rules shipped in metrics/ are loaded as they are.
	rules, err := filepath.Abs(filepath.Join("..", "..", "metrics", "alerts.yml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: ['%s']
scrape_configs:
  - job_name: pushgateway
    honor_labels: true
    static_configs: [{targets: ['%s']}]
  - job_name: marktstem-serve
    static_configs: [{targets: ['%s']}]
`, rules, pgwAddr, serveAddr)
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
		{`marktstem_build_info{job="marktstem",instance="ci",version="` + version + `"}`, 1},
		{`sum(marktstem_articles_rejected_total{job="marktstem",instance="ci"})`, 0},
		{`marktstem_last_success_timestamp_seconds{job="marktstem",instance="ci-rejects"} > 0`, -1}, // any value
		{`up{job="marktstem-serve"}`, 1},
		{`marktstem_articles_with_company_total{job="marktstem",instance="ci"}`, float64(withCompany)},
		{`count(marktstem_lexicon_hits_total{job="marktstem",instance="ci",lexicon="regulatory"})`, 12}, // one per category
		{`sum(marktstem_lexicon_hits_total{job="marktstem",instance="ci",category!="none"}) > 0`, -1},
		{`count(marktstem_company_sentiment{job="marktstem",instance="ci"})`, float64(len(latest))},
		{`marktstem_company_articles_total{job="marktstem",instance="ci",company="ing"}`, float64(latest["ing"].articles)},
		{`marktstem_duplicates_dropped_total{job="marktstem",instance="ci-rejects",kind="id"}`, 1},
		{`marktstem_duplicates_dropped_total{job="marktstem",instance="ci-rejects",kind="near"}`, 0},
		{`sum(marktstem_articles_rejected_total{job="marktstem",instance="ci-rejects"})`, 2},
	}
	for id, d := range latest {
		checks = append(checks,
			struct {
				query string
				want  float64
			}{`marktstem_company_sentiment{job="marktstem",instance="ci",company="` + id + `"}`, d.sentiment},
			struct {
				query string
				want  float64
			}{`marktstem_company_regulatory_risk{job="marktstem",instance="ci",company="` + id + `"}`, d.risk},
			struct {
				query string
				want  float64
			}{`marktstem_company_latest_day_timestamp_seconds{job="marktstem",instance="ci",company="` + id + `"}`, d.day})
	}
	deadline := time.Now().Add(45 * time.Second)
	for _, c := range checks {
		for {
			got, ok := promQuery(t, base, c.query)
			if ok && (c.want < 0 || math.Abs(got-c.want) <= 1e-9*max(1, math.Abs(c.want))) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("query %s: got %v (found %v), want %v", c.query, got, ok, c.want)
			}
			time.Sleep(250 * time.Millisecond)
		}
	}

	checkRules(t, base, deadline)
	checkDashboardQueries(t, base)
}

// checkRules waits until Prometheus has evaluated every rule of alerts.yml
// on the pushed series and checks their state: all healthy, the reject-rate
// alert active for the instance with rejects only, and no run-missing alert
// for runs that just succeeded.
func checkRules(t *testing.T, base string, deadline time.Time) {
	t.Helper()
	type alert struct {
		Labels map[string]string
		State  string
	}
	type rule struct {
		Name, Type, Health, State, LastError string
		LastEvaluation                       time.Time
		Alerts                               []alert
	}
	var rules map[string]rule
	for {
		rules = map[string]rule{}
		var r struct {
			Status string
			Data   struct{ Groups []struct{ Rules []rule } }
		}
		if resp, err := http.Get(base + "/api/v1/rules"); err == nil {
			json.NewDecoder(resp.Body).Decode(&r)
			resp.Body.Close()
		}
		evaluated := r.Status == "success"
		for _, g := range r.Data.Groups {
			for _, ru := range g.Rules {
				rules[ru.Name] = ru
				evaluated = evaluated && !ru.LastEvaluation.IsZero()
			}
		}
		active := false
		for _, a := range rules["MarktstemRejectRateHigh"].Alerts {
			active = active || a.Labels["instance"] == "ci-rejects"
		}
		if evaluated && len(rules) > 0 && active {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("rules not evaluated or reject-rate alert not active in time: %+v", rules)
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Logf("rules: %d loaded and evaluated", len(rules))
	for _, name := range []string{"marktstem:lexicon_hits_per_token:ratio", "MarktstemNightlyRunMissing", "MarktstemMetricsAbsent",
		"MarktstemRejectRateHigh", "MarktstemLexiconHitRateCollapse", "MarktstemNoLexiconHitShareHigh", "MarktstemWatchedCompanyRiskSpike"} {
		ru, ok := rules[name]
		if !ok {
			t.Errorf("rule %s: not loaded", name)
			continue
		}
		if ru.Health != "ok" {
			t.Errorf("rule %s: got health %q (%s), want ok", name, ru.Health, ru.LastError)
		}
	}
	tests := []struct {
		alert string
		want  map[string]string // instance → state ("pending" and "firing" are both active)
	}{
		// "for: 5m" keeps it pending during the test; pending means the
		// expression matched.
		{"MarktstemRejectRateHigh", map[string]string{"ci-rejects": "active"}},
		{"MarktstemNightlyRunMissing", map[string]string{}},
		{"MarktstemMetricsAbsent", map[string]string{}},
		// A week of history is needed; a fresh Prometheus has none.
		{"MarktstemWatchedCompanyRiskSpike", map[string]string{}},
		{"MarktstemLexiconHitRateCollapse", map[string]string{}},
	}
	for _, tt := range tests {
		got := map[string]string{}
		for _, a := range rules[tt.alert].Alerts {
			if a.State == "pending" || a.State == "firing" {
				got[a.Labels["instance"]] = "active"
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s: got active alerts %v, want %v", tt.alert, got, tt.want)
		}
	}
}

// checkDashboardQueries runs every panel query of the Grafana dashboard,
// with its variables set to "all", against Prometheus: each must parse and
// return data from the pushed and scraped series.
func checkDashboardQueries(t *testing.T, base string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "metrics", "dashboards", "marktstem.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	vars := strings.NewReplacer("$job", ".*", "$instance", ".*", "$company", ".*")
	n := 0
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			n++
			q := vars.Replace(tg.Expr)
			resp, err := http.Get(base + "/api/v1/query?query=" + url.QueryEscape(q))
			if err != nil {
				t.Fatal(err)
			}
			var r struct {
				Status, Error string
				Data          struct{ Result []json.RawMessage }
			}
			err = json.NewDecoder(resp.Body).Decode(&r)
			resp.Body.Close()
			if err != nil || r.Status != "success" {
				t.Errorf("panel %q: query %s: got %s %s (%v), want success", p.Title, q, r.Status, r.Error, err)
				continue
			}
			if len(r.Data.Result) == 0 {
				t.Errorf("panel %q: query %s: got no series, want some", p.Title, q)
			}
		}
	}
	if n == 0 {
		t.Error("dashboard: got no queries")
	}
	t.Logf("dashboard: %d queries answered by Prometheus", n)
}

// companyDay is what the per-company gauges must show for a company.
type companyDay struct {
	day, sentiment, risk float64
	articles             int
}

// readCSV reads an Arrow file through `marktstem cat --format csv` and
// returns its rows as maps from column name to value.
func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	var out, stderr bytes.Buffer
	if code := run(context.Background(), []string{"cat", "--format", "csv", path}, strings.NewReader(""), &out, &stderr); code != exitOK {
		t.Fatalf("cat %s: exit %d\n%s", path, code, stderr.String())
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("cat %s: %v", path, err)
	}
	var rows []map[string]string
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, col := range recs[0] {
			row[col] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

// latestCompanyDays returns, for asml, ing and shell, the latest row of
// company_daily: relevance-weighted sentiment and mean risk, which is what
// the gauges report, and the article count over all days.
func latestCompanyDays(t *testing.T, path string) map[string]companyDay {
	t.Helper()
	out := map[string]companyDay{}
	latestDate := map[string]string{}
	for _, row := range readCSV(t, path) {
		id := row["company_id"]
		if id != "asml" && id != "ing" && id != "shell" {
			continue
		}
		d := out[id]
		n, _ := strconv.Atoi(row["n_articles"])
		d.articles += n
		if row["date"] > latestDate[id] {
			latestDate[id] = row["date"]
			day, err := time.Parse(time.DateOnly, row["date"])
			if err != nil {
				t.Fatalf("%s: date %q: %v", path, row["date"], err)
			}
			d.day = float64(day.Unix())
			d.sentiment, _ = strconv.ParseFloat(row["sentiment_weighted"], 64)
			d.risk, _ = strconv.ParseFloat(row["regulatory_risk_mean"], 64)
		}
		out[id] = d
	}
	if len(out) != 3 {
		t.Fatalf("%s: got rows for %d of asml, ing, shell, want 3", path, len(out))
	}
	return out
}

// distinctArticles counts the articles with at least one row in
// mentions.arrow: the articles that name a company.
func distinctArticles(t *testing.T, path string) int {
	t.Helper()
	ids := map[string]bool{}
	for _, row := range readCSV(t, path) {
		ids[row["article_id"]] = true
	}
	return len(ids)
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
