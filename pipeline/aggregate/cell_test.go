package aggregate

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat"
)

func TestSum(t *testing.T) {
	tests := []struct {
		name string
		in   []float64
		want float64
	}{
		{"empty", nil, 0},
		{"tenths", []float64{0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}, 1},
		{"cancellation", []float64{1e16, 1, -1e16}, 1},
		{"tiny and huge", []float64{1e100, 1, -1e100, 1e-100}, 1},
		{"signs", []float64{-0.5, 0.25, 0.25}, 0},
	}
	for _, tt := range tests {
		var s Sum
		for _, x := range tt.in {
			s.Add(x)
		}
		if got := s.Value(); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestCellOrder checks that a cell's day does not depend on the order of
// its observations nor on how partial cells are merged, and that it agrees
// with gonum's two-pass statistics.
func TestCellOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	obs := make([]Obs, 200)
	sent, risk, rel := make([]float64, len(obs)), make([]float64, len(obs)), make([]float64, len(obs))
	for i := range obs {
		obs[i] = Obs{CompanyID: "asml", CompanyName: "ASML", Mentions: 1 + rng.IntN(4),
			Relevance: 100 * rng.Float64(), Sentiment: 2*rng.Float64() - 1, Risk: rng.Float64(),
			Categories: []float64{rng.Float64(), 0}}
		sent[i], risk[i], rel[i] = obs[i].Sentiment, obs[i].Risk, obs[i].Relevance
	}
	date := time.Date(2024, 3, 14, 0, 0, 0, 0, time.UTC)
	var whole Cell
	for _, o := range obs {
		whole.Add(o)
	}
	want := whole.Day("asml", date)
	for round := 0; round < 20; round++ {
		perm := rng.Perm(len(obs))
		parts := make([]Cell, 1+rng.IntN(7))
		for _, i := range perm {
			parts[rng.IntN(len(parts))].Add(obs[i])
		}
		var merged Cell
		for _, p := range parts {
			merged.Merge(p)
		}
		got := merged.Day("asml", date)
		if got.SentimentMean != want.SentimentMean || got.SentimentWeighted != want.SentimentWeighted ||
			got.RiskStd != want.RiskStd || got.Categories[0] != want.Categories[0] || got.RiskMax != want.RiskMax {
			t.Fatalf("round %d: merged cell differs: got %+v, want %+v", round, got, want)
		}
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"sentiment mean", want.SentimentMean, stat.Mean(sent, nil)},
		{"sentiment weighted", want.SentimentWeighted, stat.Mean(sent, rel)},
		{"sentiment std", want.SentimentStd, stat.StdDev(sent, nil)},
		{"risk std", want.RiskStd, stat.StdDev(risk, nil)},
	}
	for _, c := range checks {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("%s: got %.17g, want %.17g (gonum)", c.name, c.got, c.want)
		}
	}
}

// TestCellSumsApart checks that a cell's sums, which share one block of
// memory for their first partials (Cell.reserve), keep apart as they
// outgrow it: each must hold exactly the partials of a Sum fed the same
// values on its own. Values of wildly different magnitudes make many
// partials.
func TestCellSumsApart(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	wild := func() float64 { return (rng.Float64() - 0.5) * math.Ldexp(1, rng.IntN(120)-60) }
	most := 0 // partials in a sum
	for round := 0; round < 200; round++ {
		var c Cell
		var want [7]Sum
		for n := 1 + rng.IntN(30); n > 0; n-- {
			o := Obs{Relevance: wild(), Sentiment: wild(), Risk: wild()}
			if rng.IntN(4) == 0 {
				o.Risk = 0
			}
			c.Add(o)
			for i, x := range []float64{o.Sentiment, o.Sentiment * o.Sentiment, o.Risk, o.Risk * o.Risk,
				o.Relevance, o.Relevance * o.Sentiment, o.Relevance * o.Risk} {
				want[i].Add(x)
			}
		}
		for i, s := range c.sums() {
			if !slices.Equal(s.Partials, want[i].Partials) {
				t.Fatalf("round %d, sum %d: partials %v, want %v", round, i, s.Partials, want[i].Partials)
			}
			most = max(most, len(s.Partials))
		}
	}
	if most <= reservedPartials {
		t.Errorf("at most %d partials: want sums that outgrow the reserved %d", most, reservedPartials)
	}
}

// TestSumPartials checks Add's branch-free TwoSum against Shewchuk's
// Fast2Sum with its values ordered by magnitude, as in Python's fsum: the
// partials, which runs on disk hold, must be the same bit for bit.
func TestSumPartials(t *testing.T) {
	fast2Sum := func(partials []float64, x float64) []float64 {
		i := 0
		for _, y := range partials {
			if math.Abs(x) < math.Abs(y) {
				x, y = y, x
			}
			hi := x + y
			lo := y - (hi - x)
			if lo != 0 {
				partials[i] = lo
				i++
			}
			x = hi
		}
		return append(partials[:i], x)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for round := 0; round < 200; round++ {
		var got Sum
		var want []float64
		for range 300 {
			// Scores of either sign, their squares and products, and
			// values far apart in magnitude.
			x := (2*rng.Float64() - 1) * math.Pow(10, float64(rng.IntN(40)-20))
			if rng.IntN(4) == 0 {
				x = float64(rng.IntN(7)-3) / 8 // exact, cancels
			}
			got.Add(x)
			if x != 0 {
				want = fast2Sum(want, x)
			}
			if !slices.Equal(got.Partials, want) {
				t.Fatalf("round %d: got partials %v, want %v", round, got.Partials, want)
			}
		}
	}
}
