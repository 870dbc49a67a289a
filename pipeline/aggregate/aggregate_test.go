package aggregate

import (
	"fmt"
	"math"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDays(t *testing.T) {
	p := New(Options{})
	// Added out of order: output must be sorted and order-independent.
	p.Add(Obs{CompanyID: "philips", CompanyName: "Philips", Date: day("2021-09-02"), ArticleID: "b", Mentions: 1, Relevance: 0, Sentiment: -0.5, Risk: 0.1})
	p.Add(Obs{CompanyID: "asml", CompanyName: "ASML", Date: day("2021-09-01"), ArticleID: "b", Mentions: 3, Relevance: 75, Sentiment: 0.6, Risk: 0.0})
	p.Add(Obs{CompanyID: "asml", CompanyName: "ASML", Date: day("2021-09-01"), ArticleID: "a", Mentions: 1, Relevance: 25, Sentiment: -0.2, Risk: 0.8})
	p.Add(Obs{CompanyID: "philips", CompanyName: "Philips", Date: day("2021-09-02"), ArticleID: "a", Mentions: 2, Relevance: 0, Sentiment: 0.1, Risk: 0.3})

	got := mustDays(t, p)
	want := []Day{
		{CompanyID: "asml", CompanyName: "ASML", Date: day("2021-09-01"), Articles: 2, Mentions: 4,
			SentimentMean: 0.2, SentimentWeighted: (0.6*75 - 0.2*25) / 100, RiskMean: 0.4, RiskWeighted: 0.8 * 25 / 100, RiskMax: 0.8,
			SentimentStd: math.Sqrt(0.32), RiskStd: math.Sqrt(0.32), NegativeShare: 0.5},
		{CompanyID: "philips", CompanyName: "Philips", Date: day("2021-09-02"), Articles: 2, Mentions: 3,
			SentimentMean: -0.2, SentimentWeighted: -0.2, RiskMean: 0.2, RiskWeighted: 0.2, RiskMax: 0.3,
			SentimentStd: math.Sqrt(0.18), RiskStd: math.Sqrt(0.02), NegativeShare: 0.5},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d days, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.CompanyID != w.CompanyID || !g.Date.Equal(w.Date) || g.Articles != w.Articles || g.Mentions != w.Mentions {
			t.Errorf("day %d: got %+v, want %+v", i, g, w)
		}
		for _, f := range []struct {
			name      string
			got, want float64
		}{
			{"sentiment_mean", g.SentimentMean, w.SentimentMean},
			{"sentiment_weighted", g.SentimentWeighted, w.SentimentWeighted},
			{"regulatory_risk_mean", g.RiskMean, w.RiskMean},
			{"regulatory_risk_max", g.RiskMax, w.RiskMax},
			{"regulatory_risk_weighted", g.RiskWeighted, w.RiskWeighted},
			{"sentiment_std", g.SentimentStd, w.SentimentStd},
			{"regulatory_risk_std", g.RiskStd, w.RiskStd},
			{"negative_share", g.NegativeShare, w.NegativeShare},
			// One day per company: the index is the day's own value.
			{"sentiment_index", g.SentimentIndex, w.SentimentWeighted},
			{"regulatory_risk_index", g.RiskIndex, w.RiskWeighted},
		} {
			if math.Abs(f.got-f.want) > 1e-12 {
				t.Errorf("%s %s: got %v, want %v", g.CompanyID, f.name, f.got, f.want)
			}
		}
	}
}

func ExamplePanel() {
	p := New(Options{})
	defer p.Close() // removes spilled runs, if the panel outgrew Options.MaxCells
	d := time.Date(2021, 9, 14, 0, 0, 0, 0, time.UTC)
	p.Add(Obs{CompanyID: "ing", CompanyName: "ING Groep", Date: d, ArticleID: "x", Mentions: 2, Relevance: 80, Sentiment: -0.4, Risk: 0.7})
	p.Add(Obs{CompanyID: "ing", CompanyName: "ING Groep", Date: d, ArticleID: "y", Mentions: 1, Relevance: 20, Sentiment: 0.6, Risk: 0.1})
	err := p.Each(func(day Day) error {
		_, err := fmt.Printf("%s %s articles=%d mean=%.2f weighted=%.2f risk_max=%.2f\n",
			day.CompanyID, day.Date.Format("2006-01-02"), day.Articles, day.SentimentMean, day.SentimentWeighted, day.RiskMax)
		return err
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output: ing 2021-09-14 articles=2 mean=0.10 weighted=-0.20 risk_max=0.70
}

// near compares floats, NaN equal to NaN.
func near(got, want float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= 1e-12
}

func TestHistory(t *testing.T) {
	// ASML on days 1, 2 and 11 of September, one article each; the run
	// starts on 1 September.
	p := New(Options{Smoothing: Smoothing{Scheme: Equal, Window: 10}, ZMin: 2})
	p.Add(Obs{CompanyID: "asml", Date: day("2021-09-01"), ArticleID: "a", Mentions: 2, Sentiment: 0.5, Risk: 0.2, Categories: []float64{0.2, 0}})
	p.Add(Obs{CompanyID: "asml", Date: day("2021-09-02"), ArticleID: "b", Mentions: 6, Sentiment: -0.1, Risk: 0.4, Categories: []float64{0, 0.4}})
	p.Add(Obs{CompanyID: "asml", Date: day("2021-09-02"), ArticleID: "c", Mentions: 0, Sentiment: 0.3, Risk: 0.0})
	p.Add(Obs{CompanyID: "asml", Date: day("2021-09-11"), ArticleID: "d", Mentions: 4, Sentiment: 0.9, Risk: 0.6})
	// Two other companies on 2 September for the z-scores.
	p.Add(Obs{CompanyID: "ing", Date: day("2021-09-02"), ArticleID: "b", Mentions: 1, Sentiment: 0.3, Risk: 0.0})
	p.Add(Obs{CompanyID: "kbc", Date: day("2021-09-02"), ArticleID: "e", Mentions: 1, Sentiment: 0.1, Risk: 0.8})
	days := mustDays(t, p)
	if len(days) != 5 {
		t.Fatalf("got %d days, want 5", len(days))
	}
	zSent := (0.1 - 0.5/3) / math.Sqrt(((0.1-0.5/3)*(0.1-0.5/3)+(0.3-0.5/3)*(0.3-0.5/3)+(0.1-0.5/3)*(0.1-0.5/3))/2)
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"day 1 buzz: no history", days[0].Buzz, math.NaN()},
		{"day 2 buzz: 6 against 2 a day", days[1].Buzz, 3},
		// 1–10 September: 8 mentions over 10 covered days.
		{"day 11 buzz", days[2].Buzz, 4 / 0.8},
		{"day 1 index", days[0].SentimentIndex, 0.5},
		{"day 2 index: equal weights", days[1].SentimentIndex, (0.5 + 0.1) / 2},
		{"day 2 risk index", days[1].RiskIndex, (0.2 + 0.2) / 2},
		// Window 10: 2 September is 9 days back and still counts, 1 September does not.
		{"day 11 index", days[2].SentimentIndex, (0.1 + 0.9) / 2},
		{"day 2 category 0 mean", days[1].Categories[0], 0},
		{"day 2 category 1 mean", days[1].Categories[1], 0.2},
		{"day 2 negative share", days[1].NegativeShare, 0.5},
		{"day 1 z: one company", days[0].SentimentZ, math.NaN()},
		{"day 2 z", days[1].SentimentZ, zSent},
		{"day 1 std: one article", days[0].SentimentStd, math.NaN()},
	} {
		if !near(tc.got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	// z-scores of a day sum to zero.
	var sum float64
	for _, d := range days {
		if d.Date.Equal(day("2021-09-02")) {
			sum += d.RiskZ
		}
	}
	if math.Abs(sum) > 1e-12 {
		t.Errorf("risk z-scores of 2 September: got sum %v, want 0", sum)
	}
}

func TestWeights(t *testing.T) {
	for _, tc := range []struct {
		spec   string
		window int
		want   []float64
	}{
		{"equal", 3, []float64{1, 1, 1}},
		{"linear", 3, []float64{3, 2, 1}},
		{"exp:1", 3, []float64{1, 0.5, 0.25}},
		{"exp:7", 15, nil}, // checked below: w(7) = ½, w(14) = ¼
		// sentometrics::weights_almon(3, orders = 1:3, do.inverse = TRUE), b = 1, unnormalised.
		{"almon:1", 3, []float64{(1 - 2.0/3) * (2.0 / 3) * (2.0 / 3), (1 - 1.0/3) * (1.0 / 3) * (1.0 / 3), 0}},
		{"almon:2,2", 2, []float64{1 - 0.25, 1}},
	} {
		sm, err := ParseSmoothing(tc.spec, tc.window)
		if err != nil {
			t.Fatalf("%s: %v", tc.spec, err)
		}
		got := sm.Weights()
		if tc.want == nil {
			if !near(got[7], 0.5) || !near(got[14], 0.25) {
				t.Errorf("%s: got w(7)=%v w(14)=%v, want 0.5 and 0.25", tc.spec, got[7], got[14])
			}
			continue
		}
		if len(got) != len(tc.want) {
			t.Fatalf("%s: got %d weights, want %d", tc.spec, len(got), len(tc.want))
		}
		for i := range got {
			if !near(got[i], tc.want[i]) {
				t.Errorf("%s: w(%d): got %v, want %v", tc.spec, i, got[i], tc.want[i])
			}
		}
		if back, err := ParseSmoothing(sm.String(), tc.window); err != nil || back != sm {
			t.Errorf("%s: String %q does not parse back: got %+v, %v", tc.spec, sm.String(), back, err)
		}
	}
	for _, bad := range []string{"", "exp", "exp:0", "exp:-1", "exp:x", "almon:0", "almon:4,3", "linear:2", "gauss"} {
		if _, err := ParseSmoothing(bad, 30); err == nil {
			t.Errorf("ParseSmoothing(%q): got nil error, want one", bad)
		}
	}
	if _, err := ParseSmoothing("equal", 0); err == nil {
		t.Error("window 0: got nil error, want one")
	}
}

func ExampleParseSmoothing() {
	sm, err := ParseSmoothing("exp:7", 30)
	if err != nil {
		fmt.Println(err)
		return
	}
	w := sm.Weights()
	// A week back counts half, two weeks a quarter.
	fmt.Printf("%s over %d days: w(0)=%.2f w(7)=%.2f w(14)=%.2f\n", sm, sm.Window, w[0], w[7], w[14])
	// Output: exp:7 over 30 days: w(0)=1.00 w(7)=0.50 w(14)=0.25
}

// TestAddHistory checks that a panel seeded with the rows of earlier days
// gives the last day exactly the row a panel over every day gives it.
func TestAddHistory(t *testing.T) {
	obs := []Obs{
		{CompanyID: "asml", Date: day("2021-08-01"), ArticleID: "z", Mentions: 9, Sentiment: -0.4, Risk: 0.1, Relevance: 40},
		{CompanyID: "asml", Date: day("2021-09-01"), ArticleID: "a", Mentions: 2, Sentiment: 0.5, Risk: 0.2, Relevance: 80},
		{CompanyID: "asml", Date: day("2021-09-02"), ArticleID: "b", Mentions: 6, Sentiment: -0.1, Risk: 0.4, Relevance: 30},
		{CompanyID: "ing", Date: day("2021-09-02"), ArticleID: "b", Mentions: 1, Sentiment: 0.3, Risk: 0.0, Relevance: 10},
		{CompanyID: "asml", Date: day("2021-09-11"), ArticleID: "d", Mentions: 4, Sentiment: 0.9, Risk: 0.6, Relevance: 70},
		{CompanyID: "ing", Date: day("2021-09-11"), ArticleID: "e", Mentions: 3, Sentiment: 0.2, Risk: 0.3, Relevance: 50},
		{CompanyID: "kbc", Date: day("2021-09-11"), ArticleID: "e", Mentions: 1, Sentiment: -0.6, Risk: 0.9, Relevance: 20},
	}
	opts := Options{Smoothing: Smoothing{Scheme: Linear, Window: 12}, ZMin: 2}
	all := New(opts)
	for _, o := range obs {
		all.Add(o)
	}
	var want []Day
	for _, d := range mustDays(t, all) {
		if d.Date.Equal(day("2021-09-11")) {
			want = append(want, d)
		}
	}
	for _, tc := range []struct {
		name     string
		setFirst bool // the history's first day lies outside the rows given
		from     string
	}{
		{"every earlier row", false, "2021-08-01"},
		{"window only, first day set", true, "2021-08-11"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := New(opts)
			for _, d := range mustDays(t, all) {
				if d.Date.Before(day("2021-09-11")) && !d.Date.Before(day(tc.from)) {
					p.AddHistory(d)
				}
			}
			if tc.setFirst {
				p.SetFirst(day("2021-08-01"))
			}
			for _, o := range obs[4:] {
				p.Add(o)
			}
			got := mustDays(t, p)
			if len(got) != len(want) {
				t.Fatalf("got %d rows, want %d (history rows must not be returned)", len(got), len(want))
			}
			for i := range want {
				g, w := got[i], want[i]
				for _, c := range []struct {
					col       string
					got, want float64
				}{
					{"buzz", g.Buzz, w.Buzz}, {"sentiment_index", g.SentimentIndex, w.SentimentIndex},
					{"risk_index", g.RiskIndex, w.RiskIndex}, {"sentiment_z", g.SentimentZ, w.SentimentZ},
					{"risk_z", g.RiskZ, w.RiskZ}, {"sentiment_weighted", g.SentimentWeighted, w.SentimentWeighted},
				} {
					if math.Float64bits(c.got) != math.Float64bits(c.want) {
						t.Errorf("%s %s: got %v, want %v", g.CompanyID, c.col, c.got, c.want)
					}
				}
			}
		})
	}
}

// mustDays returns p.Days() and fails the test on error.
func mustDays(t *testing.T, p *Panel) []Day {
	t.Helper()
	days, err := p.Days()
	if err != nil {
		t.Fatalf("Days: %v", err)
	}
	return days
}

// TestAddCivilDay checks that each observation counts on its date's own
// civil day, whatever came before: Add keeps the last date's day, and the
// same instant in another location may fall on another day.
func TestAddCivilDay(t *testing.T) {
	late := time.Date(2021, 9, 1, 23, 30, 0, 0, time.UTC)
	east := late.In(time.FixedZone("UTC+2", 2*3600)) // 2021-09-02 01:30 there
	west := late.In(time.FixedZone("UTC-2", -2*3600))
	for _, tc := range []struct {
		name  string
		dates []time.Time
		want  []string // the panel's company-days, as id@date
	}{
		{"same instant, other zones", []time.Time{late, east, late, west}, []string{"c0@2021-09-01", "c1@2021-09-02", "c2@2021-09-01", "c3@2021-09-01"}},
		{"zero time first", []time.Time{{}, late, {}}, []string{"c0@0001-01-01", "c1@2021-09-01", "c2@0001-01-01"}},
		{"same date twice", []time.Time{east, east, late}, []string{"c0@2021-09-02", "c1@2021-09-02", "c2@2021-09-01"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := New(Options{})
			for i, d := range tc.dates {
				if err := p.Add(Obs{CompanyID: fmt.Sprintf("c%d", i), Date: d, ArticleID: "a", Mentions: 1}); err != nil {
					t.Fatal(err)
				}
			}
			var got []string
			for _, d := range mustDays(t, p) {
				got = append(got, d.CompanyID+"@"+d.Date.Format("2006-01-02"))
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
