// Package training learns sentiment term weights from labelled text.
//
// The model sits on top of the lexicons rather than beside them: its
// features are the hits the scorer already produces (each lexicon entry with
// its shifter factors) plus candidate words that appear in at least
// MinSupport labelled texts and no lexicon covers. With F_t the summed
// factors of the hits of term t in a text, divided by √max(1, n) for n
// sentiment hits, the scorer's sum is x = Σ_t w_t·F_t + d·D (D: direction
// pairs), exactly as the scorer computes it. An ordinal logistic model
//
//	P(y ≤ −1) = σ(c₁ − a·x),   P(y ≤ 0) = σ(c₂ − a·x)
//
// is fitted by L-BFGS (gonum/optimize) with the penalty
// λ/2·Σ_t (w_t − w⁰_t)², where w⁰ is the lexicon weight (0 for a new word),
// so the lexicon is corrected where the data disagree and kept where they
// are silent. The result is a lexicon file of term weights plus the label
// thresholds that maximise training accuracy: the score stays a sum of
// explainable terms.
package training

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/dutch"

	"github.com/marktstem/marktstem/lexicons"
	"github.com/marktstem/marktstem/pipeline/tokenize"
	"github.com/marktstem/marktstem/scoring"
)

// Example is one labelled text.
type Example struct {
	ID    string
	Text  string
	Label int // −1, 0 or 1
}

// Scored is what a ScoreFunc returns for one text.
type Scored struct {
	Result scoring.Result
	Tokens []tokenize.Token
	Masked []bool // tokens kept out of the lexicon lookups (company names); may be nil
}

// ScoreFunc scores one text. Learning must score texts exactly as they will
// be scored later, so the caller supplies it.
type ScoreFunc func(text string) Scored

// Config controls learning.
type Config struct {
	// Scorer builds a ScoreFunc for a lexicon set. Nil scores the text as
	// a headline with scoring.New and nothing masked.
	Scorer func(*lexicons.Set) ScoreFunc
	// MinSupport is the number of texts a new word must occur in (default 3).
	MinSupport int
	// Lambdas are the candidate penalties; with more than one, the penalty
	// is chosen by InnerFolds-fold cross-validation on the training texts
	// only (default 1, 3, 10, 30).
	Lambdas []float64
	// InnerFolds is the number of folds for choosing λ (default 3).
	InnerFolds int
	// Prune drops new words whose learned |weight| stays below it; the
	// model is then refitted without them (default 0.03).
	Prune float64
}

func (c Config) withDefaults() Config {
	if c.Scorer == nil {
		c.Scorer = HeadlineScorer
	}
	if c.MinSupport <= 0 {
		c.MinSupport = 3
	}
	if len(c.Lambdas) == 0 {
		c.Lambdas = []float64{1, 3, 10, 30}
	}
	if c.InnerFolds < 2 {
		c.InnerFolds = 3
	}
	if c.Prune <= 0 {
		c.Prune = 0.03
	}
	return c
}

// HeadlineScorer scores each text as a headline with nothing masked.
func HeadlineScorer(set *lexicons.Set) ScoreFunc {
	sc, tk := scoring.New(set), tokenize.New(set.Abbreviations)
	return func(text string) Scored {
		var tok tokenize.Result
		tk.Tokenize(text, &tok)
		return Scored{Result: sc.Score(text, &tok, len(text)), Tokens: tok.Tokens}
	}
}

// Weight is one learned term.
type Weight struct {
	Term    string
	POS     string
	Weight  float64
	Prior   float64 // the lexicon weight it corrects (0 for a new word)
	New     bool    // not in any lexicon before
	Support [3]int  // texts containing it, by label −1, 0, 1
}

// Learned is the outcome of learning: term weights and calibration.
type Learned struct {
	Terms       []Weight // sorted by term
	Calibration lexicons.Calibration
	Lambda      float64 // the penalty used
	Examples    int
	// TrainAccuracy is the accuracy on the texts learned from (optimistic).
	TrainAccuracy float64
}

// ErrNoData is returned when there is nothing to learn from.
var ErrNoData = errors.New("no labelled examples")

// Learn fits term weights on examples on top of base, which must not
// contain a learned lexicon (see lexicons.Set.WithoutLearned).
func Learn(ctx context.Context, base *lexicons.Set, examples []Example, cfg Config) (*Learned, error) {
	cfg = cfg.withDefaults()
	if len(examples) == 0 {
		return nil, ErrNoData
	}
	for _, e := range examples {
		if e.Label < -1 || e.Label > 1 {
			return nil, fmt.Errorf("example %s: label %d, want -1, 0 or 1", e.ID, e.Label)
		}
	}
	cands := candidates(base, examples, cfg)
	ext, err := extend(base, cands)
	if err != nil {
		return nil, err
	}
	ds, err := extract(ctx, ext, examples, cfg)
	if err != nil {
		return nil, err
	}
	lambda := cfg.Lambdas[0]
	if len(cfg.Lambdas) > 1 {
		if lambda, err = chooseLambda(ctx, ds, cfg); err != nil {
			return nil, err
		}
	}
	p, err := fit(ctx, ds, lambda, nil)
	if err != nil {
		return nil, err
	}
	// Drop new words the data gave (almost) no weight: they would only
	// dilute √n. Refit so the file is exactly what was fitted.
	var kept []lexicons.Term
	for _, c := range cands {
		if k, ok := ds.index[c.Term]; ok && math.Abs(p.w[k]) >= cfg.Prune {
			kept = append(kept, c)
		}
	}
	if len(kept) != len(cands) {
		if ext, err = extend(base, kept); err != nil {
			return nil, err
		}
		if ds, err = extract(ctx, ext, examples, cfg); err != nil {
			return nil, err
		}
		if p, err = fit(ctx, ds, lambda, nil); err != nil {
			return nil, err
		}
	}
	// Lexicon weights live in [−1, 1]; the thresholds are placed for the
	// clipped weights the scorer will use.
	for k := range p.w {
		p.w[k] = clamp(p.w[k], -1, 1)
	}
	p.d = clamp(p.d, 0, 2)
	l := &Learned{Lambda: lambda, Examples: len(examples)}
	neg, pos, acc := thresholds(ds.predict(p), ds.labels)
	l.TrainAccuracy = acc
	l.Calibration = lexicons.Calibration{Negative: squash(neg), Positive: squash(pos), Direction: p.d}
	for k, f := range ds.feats {
		w := p.w[k]
		if !f.isNew && math.Abs(w-f.prior) < 0.005 {
			continue // the lexicon was right; keep the file small
		}
		l.Terms = append(l.Terms, Weight{Term: f.term, POS: f.pos, Weight: w, Prior: f.prior, New: f.isNew, Support: f.support})
	}
	sort.Slice(l.Terms, func(a, b int) bool { return l.Terms[a].Term < l.Terms[b].Term })
	return l, nil
}

// Set returns base with the learned weights loaded on top, as the scorer
// will see them once the file is written.
func (l *Learned) Set(base *lexicons.Set, dataset, version string) (*lexicons.Set, error) {
	var b strings.Builder
	if err := l.Write(&b, dataset, version); err != nil {
		return nil, err
	}
	return base.WithLearned([]byte(b.String()))
}

func squash(x float64) float64 { return x / math.Sqrt(x*x+1) }

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// candidates finds words no lexicon entry covers that occur in at least
// MinSupport texts. A word is represented by its shortest form among the
// forms sharing its Snowball stem, so that the scorer's stem route matches
// the longer forms. Capitalised words inside a sentence are proper names
// (places, people, firms): weighting them would make the score a verdict on
// a name rather than on what is said, so they are left out.
func candidates(base *lexicons.Set, examples []Example, cfg Config) []lexicons.Term {
	score := cfg.Scorer(base)
	shifter := map[string]bool{}
	for _, s := range base.Shifters {
		for _, w := range strings.Fields(s.Term) {
			shifter[w] = true
		}
	}
	type group struct {
		form string
		docs int
	}
	groups := map[string]*group{}
	for _, e := range examples {
		sc := score(e.Text)
		covered := make([]bool, len(sc.Tokens))
		for _, h := range sc.Result.Hits {
			for i := h.First; i < h.First+h.N && i < len(covered); i++ {
				covered[i] = true
			}
		}
		seen := map[string]bool{}
		for i, t := range sc.Tokens {
			if covered[i] || (i < len(sc.Masked) && sc.Masked[i]) || !candidateWord(sc.Tokens, i, e.Text) || shifter[t.Norm] {
				continue
			}
			st := stem(t.Norm)
			if seen[st] {
				continue
			}
			seen[st] = true
			g := groups[st]
			if g == nil {
				g = &group{form: t.Norm}
				groups[st] = g
			}
			g.docs++
			if len(t.Norm) < len(g.form) || (len(t.Norm) == len(g.form) && t.Norm < g.form) {
				g.form = t.Norm
			}
		}
	}
	var out []lexicons.Term
	for _, g := range groups {
		if g.docs >= cfg.MinSupport {
			out = append(out, lexicons.Term{Term: g.form, POS: "X", Lexicon: lexicons.LearnedName})
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Term < out[b].Term })
	// Two stems can share a shortest form; keep one entry per term.
	uniq := out[:0]
	for i, t := range out {
		if i == 0 || t.Term != out[i-1].Term {
			uniq = append(uniq, t)
		}
	}
	return uniq
}

// candidateWord reports whether token i may become a learned word: a
// lower-case word of at least three letters, or the capitalised first word
// of a sentence.
func candidateWord(toks []tokenize.Token, i int, text string) bool {
	t := toks[i]
	if t.Kind != tokenize.Word || utf8.RuneCountInString(t.Norm) < 3 || t.Upper {
		return false
	}
	first := i == 0 || toks[i-1].Sentence != t.Sentence
	if !first {
		r, _ := utf8.DecodeRuneInString(text[t.Start:t.End])
		if unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

func stem(w string) string {
	env := snowballstem.NewEnv(w)
	dutch.Stem(env)
	return env.Current()
}

// extend returns base with the candidate words added at weight 0, written
// and parsed as a learned lexicon so that lookups behave as they will.
func extend(base *lexicons.Set, cands []lexicons.Term) (*lexicons.Set, error) {
	l := &Learned{Calibration: lexicons.DefaultCalibration()}
	for _, c := range cands {
		l.Terms = append(l.Terms, Weight{Term: c.Term, POS: c.POS, New: true})
	}
	return l.Set(base, "candidates", "0")
}

// Fold assigns an id to one of k folds by a hash of the id, so the split
// does not depend on file order and is the same on every run.
func Fold(id string, k int) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % uint32(k))
}
