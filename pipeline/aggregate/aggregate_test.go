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
	p := New()
	// Added out of order: output must be sorted and order-independent.
	p.Add(Obs{CompanyID: "philips", CompanyName: "Philips", Date: day("2021-09-02"), ArticleID: "b", Mentions: 1, Relevance: 0, Sentiment: -0.5, Risk: 0.1})
	p.Add(Obs{CompanyID: "asml", CompanyName: "ASML", Date: day("2021-09-01"), ArticleID: "b", Mentions: 3, Relevance: 75, Sentiment: 0.6, Risk: 0.0})
	p.Add(Obs{CompanyID: "asml", CompanyName: "ASML", Date: day("2021-09-01"), ArticleID: "a", Mentions: 1, Relevance: 25, Sentiment: -0.2, Risk: 0.8})
	p.Add(Obs{CompanyID: "philips", CompanyName: "Philips", Date: day("2021-09-02"), ArticleID: "a", Mentions: 2, Relevance: 0, Sentiment: 0.1, Risk: 0.3})

	got := p.Days()
	want := []Day{
		{CompanyID: "asml", CompanyName: "ASML", Date: day("2021-09-01"), Articles: 2, Mentions: 4,
			SentimentMean: 0.2, SentimentWeighted: (0.6*75 - 0.2*25) / 100, RiskMean: 0.4, RiskMax: 0.8},
		{CompanyID: "philips", CompanyName: "Philips", Date: day("2021-09-02"), Articles: 2, Mentions: 3,
			SentimentMean: -0.2, SentimentWeighted: -0.2, RiskMean: 0.2, RiskMax: 0.3},
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
		} {
			if math.Abs(f.got-f.want) > 1e-12 {
				t.Errorf("%s %s: got %v, want %v", g.CompanyID, f.name, f.got, f.want)
			}
		}
	}
}

func ExamplePanel() {
	p := New()
	d := time.Date(2021, 9, 14, 0, 0, 0, 0, time.UTC)
	p.Add(Obs{CompanyID: "ing", CompanyName: "ING Groep", Date: d, ArticleID: "x", Mentions: 2, Relevance: 80, Sentiment: -0.4, Risk: 0.7})
	p.Add(Obs{CompanyID: "ing", CompanyName: "ING Groep", Date: d, ArticleID: "y", Mentions: 1, Relevance: 20, Sentiment: 0.6, Risk: 0.1})
	for _, day := range p.Days() {
		fmt.Printf("%s %s articles=%d mean=%.2f weighted=%.2f risk_max=%.2f\n",
			day.CompanyID, day.Date.Format("2006-01-02"), day.Articles, day.SentimentMean, day.SentimentWeighted, day.RiskMax)
	}
	// Output: ing 2021-09-14 articles=2 mean=0.10 weighted=-0.20 risk_max=0.70
}
