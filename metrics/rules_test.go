package metrics

import (
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

const (
	alertsFile     = "alerts.yml"
	alertsTestFile = "alerts_test.yml"
	dashboardFile  = "dashboards/marktstem.json"
)

// needPromtool finds promtool. On CI (CI=true) a missing promtool fails the
// test: scripts/test.sh installs it with Debian's prometheus package.
func needPromtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("promtool not installed (CI=true): run bash scripts/test.sh, which installs it")
		}
		t.Skip("promtool not installed; bash scripts/test.sh installs it")
	}
	return p
}

// TestPromtoolRules checks the alerting rules' syntax and runs their unit
// tests (input series, expected alerts at given times) with promtool.
func TestPromtoolRules(t *testing.T) {
	promtool := needPromtool(t)
	for _, args := range [][]string{
		{"check", "rules", alertsFile},
		{"test", "rules", alertsTestFile},
	} {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			out, err := exec.Command(promtool, args...).CombinedOutput()
			if err != nil {
				t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
			}
		})
	}
}

// registeredNames returns the metric names New registers, as PromQL sees
// them: histograms as their _bucket, _sum and _count series.
func registeredNames(t *testing.T) map[string]bool {
	t.Helper()
	reg := prometheus.NewRegistry()
	m := New(reg)
	// Vectors without children are not gathered: give every one a child.
	m.Init("test", []string{"empty"}, []LexiconLabel{{Lexicon: "regulatory", Category: "tax"}})
	if err := m.Watch([]string{"asml"}); err != nil {
		t.Fatal(err)
	}
	m.SetCompanyDays([]CompanyDayValue{{CompanyID: "asml", Date: time.Now(), Articles: 1}})
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range families {
		names[f.GetName()] = true
		if f.GetType().String() == "HISTOGRAM" {
			for _, s := range []string{"_bucket", "_sum", "_count"} {
				names[f.GetName()+s] = true
			}
		}
	}
	return names
}

// A marktstem metric name in PromQL; recording rules (marktstem:…) use
// colons and are not matched.
var metricName = regexp.MustCompile(`\bmarktstem_[a-z_]+`)

// TestReferencedMetricsExist checks that every marktstem_ name in the
// alerting rules, their tests and the dashboard's queries is one that New
// registers, so a renamed metric cannot leave a silent alert or an empty
// panel behind.
func TestReferencedMetricsExist(t *testing.T) {
	names := registeredNames(t)
	dash := dashboardQueries(t)
	tests := []struct {
		file    string
		queries []string
	}{
		{alertsFile, []string{readFile(t, alertsFile)}},
		{alertsTestFile, []string{readFile(t, alertsTestFile)}},
		{dashboardFile, dash},
	}
	used := map[string]bool{}
	for _, tt := range tests {
		n := 0
		for _, q := range tt.queries {
			for _, name := range metricName.FindAllString(q, -1) {
				n++
				used[strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")] = true
				if !names[name] {
					t.Errorf("%s: %s: got a metric New does not register", tt.file, name)
				}
			}
		}
		if n == 0 {
			t.Errorf("%s: got no marktstem_ metric names, want some", tt.file)
		}
	}
	// Every metric should be on the dashboard or in an alert; list the ones
	// that are not, so that a new metric is a conscious choice.
	var unused []string
	for name := range names {
		base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
		if strings.HasPrefix(name, "marktstem_") && !used[base] {
			unused = append(unused, name)
		}
	}
	sort.Strings(unused)
	if len(unused) > 0 {
		t.Errorf("metrics on neither the dashboard nor an alert: got %v, want none", unused)
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// dashboard is the part of the Grafana dashboard JSON model the tests check.
type dashboard struct {
	UID        string  `json:"uid"`
	Title      string  `json:"title"`
	Schema     int     `json:"schemaVersion"`
	Panels     []panel `json:"panels"`
	Templating struct {
		List []struct {
			Name       string          `json:"name"`
			Type       string          `json:"type"`
			Query      json.RawMessage `json:"query"`
			Definition string          `json:"definition"`
			Datasource *datasource     `json:"datasource"`
		} `json:"list"`
	} `json:"templating"`
}

type datasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type panel struct {
	ID         int                       `json:"id"`
	Type       string                    `json:"type"`
	Title      string                    `json:"title"`
	Datasource *datasource               `json:"datasource"`
	GridPos    *struct{ H, W, X, Y int } `json:"gridPos"`
	Targets    []struct {
		RefID      string      `json:"refId"`
		Expr       string      `json:"expr"`
		Datasource *datasource `json:"datasource"`
	} `json:"targets"`
}

func loadDashboard(t *testing.T) dashboard {
	t.Helper()
	var d dashboard
	if err := json.Unmarshal([]byte(readFile(t, dashboardFile)), &d); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	return d
}

// dashboardQueries returns every PromQL expression of the dashboard: panel
// targets and template variable queries.
func dashboardQueries(t *testing.T) []string {
	t.Helper()
	d := loadDashboard(t)
	var qs []string
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			qs = append(qs, tg.Expr)
		}
	}
	for _, v := range d.Templating.List {
		if v.Type == "query" {
			qs = append(qs, v.Definition)
		}
	}
	return qs
}

// TestDashboard checks the dashboard's structure: Grafana 10 schema, the
// datasource as the ${DS_PROMETHEUS} variable on every panel and query,
// unique panel ids, a grid position and at least one query per panel.
func TestDashboard(t *testing.T) {
	d := loadDashboard(t)
	if d.UID == "" || d.Title == "" {
		t.Errorf("uid %q, title %q: want both set", d.UID, d.Title)
	}
	if d.Schema < 38 {
		t.Errorf("schemaVersion: got %d, want ≥ 38 (Grafana 10)", d.Schema)
	}
	vars := map[string]string{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v.Type
		if v.Type == "query" && (v.Datasource == nil || v.Datasource.UID != "${DS_PROMETHEUS}") {
			t.Errorf("variable %s: got datasource %+v, want uid ${DS_PROMETHEUS}", v.Name, v.Datasource)
		}
	}
	for name, typ := range map[string]string{"DS_PROMETHEUS": "datasource", "job": "query", "instance": "query", "company": "query"} {
		if vars[name] != typ {
			t.Errorf("variable %s: got type %q, want %q", name, vars[name], typ)
		}
	}
	ids := map[int]bool{}
	types := map[string]int{}
	for _, p := range d.Panels {
		if ids[p.ID] {
			t.Errorf("panel %q: duplicate id %d", p.Title, p.ID)
		}
		ids[p.ID] = true
		types[p.Type]++
		if p.GridPos == nil || p.GridPos.W == 0 || p.GridPos.H == 0 {
			t.Errorf("panel %q: got gridPos %+v, want a size", p.Title, p.GridPos)
		}
		if p.Type == "row" {
			continue
		}
		if p.Datasource == nil || p.Datasource.UID != "${DS_PROMETHEUS}" || p.Datasource.Type != "prometheus" {
			t.Errorf("panel %q: got datasource %+v, want prometheus ${DS_PROMETHEUS}", p.Title, p.Datasource)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q: got no queries", p.Title)
		}
		refs := map[string]bool{}
		for _, tg := range p.Targets {
			if tg.Expr == "" || tg.RefID == "" || refs[tg.RefID] {
				t.Errorf("panel %q: got target refId %q expr %q, want a unique refId and an expression", p.Title, tg.RefID, tg.Expr)
			}
			refs[tg.RefID] = true
			if tg.Datasource == nil || tg.Datasource.UID != "${DS_PROMETHEUS}" {
				t.Errorf("panel %q target %s: got datasource %+v, want uid ${DS_PROMETHEUS}", p.Title, tg.RefID, tg.Datasource)
			}
		}
	}
	for _, typ := range []string{"row", "stat", "timeseries", "heatmap", "table"} {
		if types[typ] == 0 {
			t.Errorf("got no %s panel, want at least one", typ)
		}
	}
}
