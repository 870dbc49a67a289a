package metrics

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestParseWatchList(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"empty", "", nil},
		{"flag", "asml,ing", []string{"asml", "ing"}},
		{"spaces and case", " ASML , ing ,, ", []string{"asml", "ing"}},
		{"file with comments", "# banks\ning\nabn-amro # watched since 2024\n\r\nasml\n", []string{"ing", "abn-amro", "asml"}},
		{"duplicates keep first", "ing,asml\ning", []string{"ing", "asml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseWatchList(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("ParseWatchList(%q): got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestWatchBounds(t *testing.T) {
	many := make([]string, MaxWatched+1)
	for i := range many {
		many[i] = fmt.Sprintf("c%d", i)
	}
	tests := []struct {
		name    string
		ids     []string
		wantErr string
	}{
		{"none", nil, ""},
		{"max", many[:MaxWatched], ""},
		{"too many", many, "at most 50"},
		{"empty id", []string{"asml", ""}, "empty company id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(prometheus.NewRegistry())
			err := m.Watch(tt.ids)
			if got := fmt.Sprint(err); (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(got, tt.wantErr)) {
				t.Fatalf("Watch: got %v, want error containing %q", err, tt.wantErr)
			}
			if err == nil {
				if got, want := testutil.CollectAndCount(m.CompanyArticles), len(tt.ids); got != want {
					t.Errorf("pre-created company series: got %d, want %d", got, want)
				}
			}
		})
	}
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestSetCompanyDays(t *testing.T) {
	m, _ := newTest(t)
	if err := m.Watch([]string{"asml", "ing", "shell"}); err != nil {
		t.Fatal(err)
	}
	// A first run mentions shell; the second does not, so shell's gauges
	// must disappear rather than keep the old values.
	m.SetCompanyDays([]CompanyDayValue{{CompanyID: "shell", Date: day("2024-01-02"), Articles: 1, Sentiment: -0.2, Risk: 0.9}})
	m.SetCompanyDays([]CompanyDayValue{
		// Out of date order on purpose: the latest day wins, not the last row.
		{CompanyID: "asml", Date: day("2024-03-15"), Articles: 2, Sentiment: 0.5, Risk: 0.1},
		{CompanyID: "asml", Date: day("2024-03-14"), Articles: 1, Sentiment: -0.5, Risk: 0.7},
		{CompanyID: "philips", Date: day("2024-03-16"), Articles: 4, Sentiment: 0.3, Risk: 0.3}, // not watched
	})
	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{"asml sentiment", testutil.ToFloat64(m.CompanySentiment.WithLabelValues("asml")), 0.5},
		{"asml risk", testutil.ToFloat64(m.CompanyRisk.WithLabelValues("asml")), 0.1},
		{"asml day", testutil.ToFloat64(m.CompanyDay.WithLabelValues("asml")), float64(day("2024-03-15").Unix())},
		{"asml articles", testutil.ToFloat64(m.CompanyArticles.WithLabelValues("asml")), 3},
		{"shell articles (counter keeps the first run)", testutil.ToFloat64(m.CompanyArticles.WithLabelValues("shell")), 1},
		{"ing articles", testutil.ToFloat64(m.CompanyArticles.WithLabelValues("ing")), 0},
		{"sentiment series (asml only)", float64(testutil.CollectAndCount(m.CompanySentiment)), 1},
		{"risk series (asml only)", float64(testutil.CollectAndCount(m.CompanyRisk)), 1},
		{"article series (watched only)", float64(testutil.CollectAndCount(m.CompanyArticles)), 3},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func TestLexiconAndDuplicateLabels(t *testing.T) {
	m, _ := newTest(t)
	m.AddLexiconHits("finance-sentiment", "", 3)
	m.AddLexiconHits("regulatory", "tax", 2)
	m.DropDuplicate(DuplicateID)
	tests := []struct {
		name      string
		got, want float64
	}{
		{"sentiment hits get category none", testutil.ToFloat64(m.LexiconHits.WithLabelValues("finance-sentiment", NoCategory)), 3},
		{"regulatory hits keep their category", testutil.ToFloat64(m.LexiconHits.WithLabelValues("regulatory", "tax")), 2},
		{"lexicon series are the pre-created pairs", float64(testutil.CollectAndCount(m.LexiconHits)), 2},
		{"duplicate id", testutil.ToFloat64(m.DuplicatesDropped.WithLabelValues("id")), 1},
		{"duplicate near is pre-created", testutil.ToFloat64(m.DuplicatesDropped.WithLabelValues("near")), 0},
		{"duplicate kinds", float64(testutil.CollectAndCount(m.DuplicatesDropped)), 2},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

// A watch-list from a flag: the per-company gauges show the latest day of
// each watched company that the run mentions.
func ExampleMetrics_SetCompanyDays() {
	reg := prometheus.NewRegistry()
	m := New(reg)
	if err := m.Watch(ParseWatchList("asml,ing")); err != nil {
		fmt.Println(err)
		return
	}
	m.SetCompanyDays([]CompanyDayValue{
		{CompanyID: "asml", Date: time.Date(2024, 3, 14, 0, 0, 0, 0, time.UTC), Articles: 1, Sentiment: 0.25, Risk: 0.5},
		{CompanyID: "asml", Date: time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC), Articles: 2, Sentiment: 0.5, Risk: 0.125},
	})
	fmt.Println(testutil.ToFloat64(m.CompanySentiment.WithLabelValues("asml")), testutil.ToFloat64(m.CompanyRisk.WithLabelValues("asml")),
		testutil.ToFloat64(m.CompanyArticles.WithLabelValues("asml")), testutil.CollectAndCount(m.CompanySentiment))
	// Output: 0.5 0.125 3 1
}
