// Package training learns sentiment term weights from labelled text.
//
// The model sits on top of the lexicons rather than beside them: its
// features are the hits the scorer already produces (each lexicon entry with
// its shifter factors) plus candidate words that appear in at least
// MinSupport labelled texts and no lexicon covers. With F_t the summed
// factors of the hits of term t in a text, divided by √max(1, n) for n
// sentiment hits, the scorer's sum is x = Σ_t w_t·F_t + d·D − o·√n (D:
// direction pairs; o the offset, the weight of an average hit in neutral
// text), exactly as the scorer computes it. An ordinal logistic model
//
//	P(y ≤ −1) = σ(c₁ − a·x),   P(y ≤ 0) = σ(c₂ − a·x)
//
// is fitted by L-BFGS (gonum/optimize) with the penalty
// λ/2·Σ_t (w_t − w⁰_t)² (and the same pull of d and o towards their
// priors), where w⁰ is the lexicon weight (0 for a new word),
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
	// Phrases is the longest phrase learned: runs of 2…Phrases adjacent
	// words within a clause become candidate lexicon phrases (0 or 1: words
	// only). The scorer matches a phrase before its words and consumes
	// them, so a phrase hit replaces the hits of the words inside it.
	Phrases int
	// PhraseSupport is the number of texts a phrase must occur in
	// (default MinSupport).
	PhraseSupport int
	// Balanced weighs each text by the inverse frequency of its label in
	// the loss, so that the model does not favour the largest class.
	Balanced bool
	// HeldOutThresholds places the label thresholds on the held-out sums of
	// the inner folds that chose λ rather than on the training sums, which
	// are more confident than the sums of unseen texts will be.
	HeldOutThresholds bool
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
	if c.PhraseSupport <= 0 {
		c.PhraseSupport = c.MinSupport
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
	// trainX is the sum x of each training text as the model computed it
	// (clipped weights): the scorer must compute the same with the file.
	trainX []float64
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
	var held []float64 // inner held-out sums, for the thresholds
	if len(cfg.Lambdas) > 1 {
		if lambda, held, err = chooseLambda(ctx, ds, cfg); err != nil {
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
		k, ok := ds.index[c.Term]
		// A phrase must also say more than its words do.
		if ok && math.Abs(p.w[k]) >= cfg.Prune && (c.POS != "PHR" || math.Abs(p.w[k]-c.Weight) >= cfg.Prune) {
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
	p.o = clamp(p.o, -0.5, 0.5)
	l := &Learned{Lambda: lambda, Examples: len(examples)}
	l.trainX = ds.predict(p)
	neg, pos, acc := thresholds(l.trainX, ds.labels)
	l.TrainAccuracy = acc
	if cfg.HeldOutThresholds && held != nil {
		neg, pos, _ = thresholds(held, ds.labels)
	}
	l.Calibration = lexicons.Calibration{Negative: squash(neg), Positive: squash(pos), Direction: p.d, Offset: p.o}
	if c := &l.Calibration; c.Positive-c.Negative < 2e-4 {
		// No neutral band: keep the thresholds apart in the file's four decimals.
		mid := (c.Positive + c.Negative) / 2
		c.Negative, c.Positive = mid-1e-4, mid+1e-4
	}
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
// a name rather than on what is said, so they are left out, and so is a
// word written capitalised more often than not inside sentences (after a
// word, in headlines that are not title-cased) where it starts one:
// Griekenland, Rutte, Rotterdam. Calendar words are left out for the
// same reason (calendarWord). With cfg.Phrases ≥ 2 it adds phrases (see
// phrases).
func candidates(base *lexicons.Set, examples []Example, cfg Config) []lexicons.Term {
	score := cfg.Scorer(base)
	shifter := map[string]bool{}
	negator := map[string]float64{}
	for _, s := range base.Shifters {
		for _, w := range strings.Fields(s.Term) {
			shifter[w] = true
		}
		if s.Kind == lexicons.Negator && !strings.Contains(s.Term, " ") {
			negator[s.Term] = s.Factor
		}
	}
	type group struct {
		form string
		docs int
	}
	groups := map[string]*group{}
	// Inside a sentence a name is capitalised; at its start every word is.
	// A word written capitalised inside sentences more often than not is a
	// name (Rotterdam, Schiphol) even where it starts one, and is left out.
	type caseCount struct{ upper, lower int }
	inner := map[string]*caseCount{}
	caseOf := func(st string) *caseCount {
		c := inner[st]
		if c == nil {
			c = &caseCount{}
			inner[st] = c
		}
		return c
	}
	phr := map[string]*phraseCount{}
	for _, e := range examples {
		sc := score(e.Text)
		covered := make([]bool, len(sc.Tokens))
		for _, h := range sc.Result.Hits {
			for i := h.First; i < h.First+h.N && int(i) < len(covered); i++ {
				covered[i] = true
			}
		}
		if cfg.Phrases >= 2 {
			phrases(sc, e.Text, cfg.Phrases, negator, phr)
		}
		// Inner words of this text by case; a title-cased headline (Economie
		// Groeit Harder) says nothing about which words are names.
		var up, low []string
		for i, t := range sc.Tokens {
			// Only after a word or number: after a colon, dash or quote
			// headlines capitalise too (Analyse: Groei …).
			if t.Kind != tokenize.Word || t.Upper || i == 0 || sc.Tokens[i-1].Sentence != t.Sentence ||
				(sc.Tokens[i-1].Kind != tokenize.Word && sc.Tokens[i-1].Kind != tokenize.Number) {
				continue
			}
			if r, _ := utf8.DecodeRuneInString(e.Text[t.Start:t.End]); unicode.IsUpper(r) {
				up = append(up, stem(t.Norm))
			} else {
				low = append(low, stem(t.Norm))
			}
		}
		if len(up) <= len(low) {
			for _, st := range up {
				caseOf(st).upper++
			}
			for _, st := range low {
				caseOf(st).lower++
			}
		}
		seen := map[string]bool{}
		for i, t := range sc.Tokens {
			if covered[i] || (i < len(sc.Masked) && sc.Masked[i]) || !candidateWord(sc.Tokens, i, e.Text) || shifter[t.Norm] || calendarWord(t.Norm) {
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
	for st, g := range groups {
		if c := inner[st]; c != nil && c.upper > c.lower {
			continue // a name
		}
		if g.docs >= cfg.MinSupport {
			out = append(out, lexicons.Term{Term: g.form, POS: "X", Lexicon: lexicons.LearnedName})
		}
	}
	for term, c := range phr {
		if c.docs >= cfg.PhraseSupport {
			out = append(out, lexicons.Term{Term: term, POS: "PHR", Lexicon: lexicons.LearnedName, Weight: clamp(c.prior/float64(c.n), -1, 1)})
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

// phraseCount counts a candidate phrase: texts it occurs in, occurrences
// and the summed prior weight of those occurrences.
type phraseCount struct {
	docs, n int
	prior   float64
}

// phrases counts the runs of 2…maxN adjacent words of one scored text that
// may become lexicon phrases: words (no numbers, punctuation or proper
// names) of one clause, none masked or part of a direction pair, and not
// cutting through a lexicon hit, since the scorer would then match the
// phrase in place of that hit. A phrase's prior is what the lexicon says
// of its words: the sum of the weights of the sentiment hits inside it,
// flipped by a negator inside it (the scorer applies no shifter that is
// part of a hit), so that the penalty pulls a rare phrase towards its
// words rather than towards zero.
func phrases(sc Scored, text string, maxN int, negator map[string]float64, out map[string]*phraseCount) {
	toks := sc.Tokens
	clause := sc.Result.ClauseOf
	hitAt := make([]int, len(toks)) // 1 + index of the sentiment hit covering a token
	blocked := make([]bool, len(toks))
	for hi, h := range sc.Result.Hits {
		for i := h.First; i < h.First+h.N && int(i) < len(toks); i++ {
			switch h.Kind {
			case scoring.Direction:
				blocked[i] = true
			case scoring.Sentiment:
				hitAt[i] = hi + 1
			}
		}
	}
	ok := func(i int) bool {
		t := toks[i]
		if blocked[i] || (i < len(sc.Masked) && sc.Masked[i]) || t.Kind != tokenize.Word || t.Upper || i >= len(clause) {
			return false
		}
		if i > 0 && toks[i-1].Sentence == t.Sentence {
			if r, _ := utf8.DecodeRuneInString(text[t.Start:t.End]); unicode.IsUpper(r) {
				return false
			}
		}
		return true
	}
	seen := map[string]bool{}
	for i := range toks {
		if !ok(i) {
			continue
		}
		for n := 2; n <= maxN && i+n <= len(toks); n++ {
			j := i + n - 1
			if !ok(j) || toks[j].Sentence != toks[i].Sentence || clause[j] != clause[i] {
				break
			}
			// Hits must lie wholly inside or outside the phrase.
			if (hitAt[i] != 0 && i > 0 && hitAt[i-1] == hitAt[i]) || (hitAt[j] != 0 && j+1 < len(toks) && hitAt[j+1] == hitAt[j]) {
				continue
			}
			words := make([]string, n)
			prior, flip := 0.0, 1.0
			for k := i; k <= j; k++ {
				words[k-i] = toks[k].Norm
				if f, neg := negator[toks[k].Norm]; neg && flip == 1 {
					flip = f
				}
				if h := hitAt[k]; h != 0 && (k == i || hitAt[k-1] != h) {
					prior += sc.Result.Hits[h-1].Base
				}
			}
			term := strings.Join(words, " ")
			c := out[term]
			if c == nil {
				c = &phraseCount{}
				out[term] = c
			}
			if !seen[term] {
				seen[term] = true
				c.docs++
			}
			c.n++
			c.prior += prior * flip
		}
	}
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

// calendarWord reports whether w names a month, a weekday or a season.
// In a year of headlines they pick up the news of their dates (a bad
// January, a hopeful spring): a verdict on a date, not on what is said,
// and wrong for any other year, so they are not learned.
func calendarWord(w string) bool {
	switch w {
	case "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
		"september", "oktober", "november", "december",
		"jan", "feb", "mrt", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "nov", "dec",
		"maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
		"lente", "voorjaar", "zomer", "herfst", "najaar", "winter":
		return true
	}
	return false
}

func stem(w string) string {
	env := snowballstem.NewEnv(w)
	dutch.Stem(env)
	return env.Current()
}

// extend returns base with the candidate words added at their prior weight
// (0 for a word), written
// and parsed as a learned lexicon so that lookups behave as they will.
func extend(base *lexicons.Set, cands []lexicons.Term) (*lexicons.Set, error) {
	l := &Learned{Calibration: lexicons.DefaultCalibration()}
	for _, c := range cands {
		l.Terms = append(l.Terms, Weight{Term: c.Term, POS: c.POS, Weight: c.Weight, Prior: c.Weight, New: true})
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
