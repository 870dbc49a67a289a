package metrics

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func newTest(t *testing.T) (*Metrics, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.Init("test", []string{"bad_json", "empty"}, []LexiconLabel{{Lexicon: "finance-sentiment"}, {Lexicon: "regulatory", Category: "tax"}})
	return m, reg
}

func TestLint(t *testing.T) {
	m, reg := newTest(t)
	m.ArticlesRead.Add(3)
	m.StageDuration.WithLabelValues("tokenize").Observe(0.0001)
	m.DropDuplicate(DuplicateID)
	if err := m.Watch([]string{"asml"}); err != nil {
		t.Fatal(err)
	}
	m.SetCompanyDays([]CompanyDayValue{{CompanyID: "asml", Date: time.Now(), Articles: 1, Sentiment: 0.1, Risk: 0.2}})
	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}

func TestPrecreatedLabels(t *testing.T) {
	m, _ := newTest(t)
	if got := testutil.ToFloat64(m.ArticlesRejected.WithLabelValues("bad_json")); got != 0 {
		t.Errorf("got %v, want 0", got)
	}
	if got, want := testutil.CollectAndCount(m.ArticlesRejected), 2; got != want {
		t.Errorf("reject series: got %d, want %d", got, want)
	}
	if got, want := testutil.CollectAndCount(m.StageDuration), len(Stages()); got != want {
		t.Errorf("stage series: got %d, want %d", got, want)
	}
}

func TestTextfile(t *testing.T) {
	m, reg := newTest(t)
	m.ArticlesScored.Add(42)
	path := filepath.Join(t.TempDir(), "marktstem.prom")
	if err := WriteTextfile(path, reg); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "marktstem_articles_scored_total 42\n") {
		t.Errorf("textfile lacks the counter:\n%s", data)
	}
	if err := testutil.CollectAndCompare(m.ArticlesScored, strings.NewReader(`# HELP marktstem_articles_scored_total Articles scored and written.
# TYPE marktstem_articles_scored_total counter
marktstem_articles_scored_total 42
`)); err != nil {
		t.Error(err)
	}
}

func TestServe(t *testing.T) {
	m, reg := newTest(t)
	m.ArticlesRead.Add(7)
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, "127.0.0.1:0", Handler(reg, nil), func(a net.Addr) { addrc <- a }) }()
	addr := <-addrc
	for path, want := range map[string]string{"/metrics": "marktstem_articles_read_total 7", "/healthz": "ok"} {
		resp, err := http.Get("http://" + addr.String() + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("%s: got %d %q, want 200 containing %q", path, resp.StatusCode, body, want)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("server did not stop")
	}
}

func ExampleNew() {
	reg := prometheus.NewRegistry()
	m := New(reg)
	m.ArticlesScored.Add(3)
	families, _ := reg.Gather()
	for _, f := range families {
		if f.GetName() == "marktstem_articles_scored_total" {
			fmt.Println(f.GetName(), f.GetMetric()[0].GetCounter().GetValue())
		}
	}
	// Output: marktstem_articles_scored_total 3
}

// TestPushOnlyMarktstem checks that a push carries the marktstem_ metrics
// and not the runtime collectors' (see Push).
func TestPushOnlyMarktstem(t *testing.T) {
	m, reg := newTest(t)
	reg.MustRegister(collectors.NewGoCollector())
	m.ArticlesScored.Add(5)
	var body []byte
	var path string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path = r.URL.Path
		body, _ = io.ReadAll(r.Body)
	}))
	defer srv.Close()
	if err := Push(context.Background(), srv.URL, "marktstem", "ci", reg); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"grouping path", path == "/metrics/job/marktstem/instance/ci", true},
		{"marktstem_ pushed", strings.Contains(string(body), "marktstem_articles_scored_total"), true},
		{"go_ pushed", strings.Contains(string(body), "go_goroutines"), false},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v (path %s)", tt.name, tt.got, tt.want, path)
		}
	}
}
