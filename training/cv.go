package training

import (
	"context"
	"fmt"

	"github.com/marktstem/marktstem/lexicons"
)

// Confusion counts texts by gold label (row) and predicted label (column),
// both indexed label+1.
type Confusion [3][3]int

// Add counts one text.
func (c *Confusion) Add(gold, pred int) { c[gold+1][pred+1]++ }

// N is the number of texts counted.
func (c *Confusion) N() int {
	n := 0
	for _, row := range c {
		for _, v := range row {
			n += v
		}
	}
	return n
}

// Accuracy is the share of texts labelled correctly.
func (c *Confusion) Accuracy() float64 {
	if c.N() == 0 {
		return 0
	}
	return float64(c[0][0]+c[1][1]+c[2][2]) / float64(c.N())
}

// PRF returns precision, recall and F1 of one label (−1, 0 or 1).
func (c *Confusion) PRF(label int) (precision, recall, f1 float64) {
	k := label + 1
	var row, col int
	for j := 0; j < 3; j++ {
		row += c[k][j]
		col += c[j][k]
	}
	tp := float64(c[k][k])
	precision, recall = ratio(tp, float64(col)), ratio(tp, float64(row))
	return precision, recall, ratio(2*precision*recall, precision+recall)
}

// MacroF1 is the unweighted mean F1 over the three labels.
func (c *Confusion) MacroF1() float64 {
	sum := 0.0
	for l := -1; l <= 1; l++ {
		_, _, f := c.PRF(l)
		sum += f
	}
	return sum / 3
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// FoldResult is one held-out fold: the lexicons alone and with weights
// learned on the other folds.
type FoldResult struct {
	Fold          int
	Train, Test   int
	Before, After Confusion
	Lambda        float64
	Calibration   lexicons.Calibration
	Terms         int          // learned terms
	Predictions   []Prediction // the held-out texts, in input order
}

// Prediction is one held-out text's labels: the lexicons alone (Before)
// and with the weights learned on the other folds (After), whose scores
// are given too.
type Prediction struct {
	ID            string
	Gold          int
	Before, After int
	Sentiment     float64 // with learning
	Risk          float64 // regulatory risk, with learning
}

// CrossValidate splits examples into k folds by Fold(id), learns on k−1
// folds from base and scores the held-out fold with the learned lexicon.
// base must not contain a learned lexicon: the held-out texts would have
// been learned from.
func CrossValidate(ctx context.Context, base *lexicons.Set, examples []Example, k int, cfg Config) ([]FoldResult, error) {
	cfg = cfg.withDefaults()
	if k < 2 {
		return nil, fmt.Errorf("cross-validation: %d folds, want at least 2", k)
	}
	for _, f := range base.Files {
		if isLearnedPath(f.Path) {
			return nil, fmt.Errorf("cross-validation: base lexicons include %s; use Set.WithoutLearned", f.Path)
		}
	}
	before := cfg.Scorer(base)
	var out []FoldResult
	for f := 0; f < k; f++ {
		var train, test []Example
		for _, e := range examples {
			if Fold(e.ID, k) == f {
				test = append(test, e)
			} else {
				train = append(train, e)
			}
		}
		l, err := Learn(ctx, base, train, cfg)
		if err != nil {
			return nil, fmt.Errorf("fold %d: %w", f+1, err)
		}
		set, err := l.Set(base, fmt.Sprintf("fold %d of %d", f+1, k), "cv")
		if err != nil {
			return nil, fmt.Errorf("fold %d: %w", f+1, err)
		}
		after := cfg.Scorer(set)
		r := FoldResult{Fold: f + 1, Train: len(train), Test: len(test), Lambda: l.Lambda, Calibration: l.Calibration, Terms: len(l.Terms)}
		for _, e := range test {
			b, a := before(e.Text).Result, after(e.Text).Result
			p := Prediction{ID: e.ID, Gold: e.Label, Before: LabelValue(b.Label), After: LabelValue(a.Label), Sentiment: a.Sentiment, Risk: a.Risk}
			r.Before.Add(p.Gold, p.Before)
			r.After.Add(p.Gold, p.After)
			r.Predictions = append(r.Predictions, p)
		}
		out = append(out, r)
	}
	return out, nil
}

// LabelValue maps a scorer label to −1, 0 or 1.
func LabelValue(label string) int {
	switch label {
	case "positive":
		return 1
	case "negative":
		return -1
	}
	return 0
}

func isLearnedPath(p string) bool { return p == "nl/sentiment_learned.tsv" }
