// Package scoring scores Dutch news text for sentiment and regulatory risk.
//
// Scores are sums of explainable lexicon hits. Each Hit names the words it
// came from (byte offsets), the lexicon entry, how the entry was found
// (exact, folded, stem, compound head) and the valence shifters that changed
// its weight. The article and company scores are fixed functions of the hits:
//
//	sentiment = x / sqrt(x² + 1),  x = Σ wᵢ / sqrt(max(1, Σ fᵢ))
//	risk      = 1 − exp(−max(0, A − ½R) / 1.5)
//
// where wᵢ are the shifted sentiment weights with attribution factors fᵢ
// (1 for article scores), A is the sum of adverse regulatory weights and R
// the sum of relief weights.
package scoring

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/marktstem/marktstem/lexicons"
	"github.com/marktstem/marktstem/pipeline/tokenize"
)

// Thresholds for labels and flags.
const (
	// LabelThreshold separates positive and negative from neutral.
	LabelThreshold = 0.1
	// FlagThreshold is the regulatory risk at which an article is flagged.
	FlagThreshold = 0.5
	// riskScale sets how fast adverse weight saturates the risk score.
	riskScale = 1.5
	// reliefShare is how much relief offsets adverse weight.
	reliefShare = 0.5
	// quoteFactor damps hits inside quotation marks: reported claims and
	// scare quotes ('herstel') are weaker evidence than the paper's own words.
	quoteFactor = 0.8
	// questionFactor damps sentences that ask rather than state.
	questionFactor = 0.5
	// titleFactor weighs headline hits up: headlines state the news.
	titleFactor = 1.5
	// actorBoost scales adverse weight when a regulator acts in the sentence.
	actorBoost = 0.5
	// actorBase is the adverse weight an actor adds by itself, times its
	// lexicon weight: less than any adverse term, so an actor alone never
	// flags an article.
	actorBase = 0.3
)

// Kind tells sentiment hits from regulatory ones.
type Kind uint8

// Hit kinds.
const (
	Sentiment  Kind = iota + 1 // a sentiment lexicon entry
	Direction                  // a quantity and its movement (winst stijgt)
	Regulatory                 // a regulatory-risk entry
)

// Hit is one lexicon match and its contribution.
//
// The offsets and indexes are int32, and the fields are in an order that
// leaves next to no padding (136 bytes): an article has tens of hits, and
// the scorer, the attribution to each company and the top terms all walk
// them.
type Hit struct {
	Kind     Kind
	Via      Via
	First    int32 // index of the first token
	N        int32 // number of tokens
	Start    int32 // byte offset of the first token
	End      int32 // byte offset after the last token
	Sentence int32 // sentence index
	Clause   int32 // clause index within the article
	// cat is 1 + Category's index in the scorer's categories, so that
	// Summarize, which runs once per company, need not look the name up;
	// 0 (a Hit built by hand): look it up.
	cat int32
	// name is the id of Term among the scorer's term names (Scorer.names),
	// so that TopTerms adds up a term's hits without hashing its name;
	// 0: look the name up.
	name int32
	// label is 1 + the index of (Lexicon, Category) in the scorer's
	// Labels, so that a caller counting hits per label indexes a slice
	// instead of comparing names; 0: a Hit built by hand.
	label    int32
	Term     string  // the lexicon entry (for direction: "object verb")
	Lexicon  string  // lexicon name
	Category string  // regulatory category
	Base     float64 // the entry's weight
	Factor   float64 // product of the shifter and context factors
	Weight   float64 // Base × Factor
	Shifts   []Shift // what changed the weight, e.g. niet×-0.8
}

// LabelIndex returns the index of h's lexicon and category in the Labels
// of the Scorer that made h, or -1 for a Hit built by hand.
func (h *Hit) LabelIndex() int { return int(h.label) - 1 }

// HitLabel is a lexicon and, for regulatory hits, a category: what a
// metric of hits per lexicon is labelled with.
type HitLabel struct {
	Lexicon, Category string
}

// Result is the score of one article with everything needed to explain it.
type Result struct {
	Sentiment     float64
	Label         string // positive, neutral, negative
	Risk          float64
	Flag          bool
	Categories    []float64 // per lexicons.Categories(), 0..1
	SentimentHits int
	RiskHits      int
	Hits          []Hit
	ClauseOf      []int // clause index of each token
	Actors        []ActorHit
	Sentences     int
	Tokens        int
	NoHit         bool // no lexicon matched at all

	used    []bool           // scratch of ScoreInto, kept for reuse
	masked  []bool           // scratch of ScoreInto: a mask shorter than the tokens, padded
	weights []float64        // scratch of ScoreInto, kept for reuse
	toks    tokens           // scratch of ScoreInto: resolved tokens and the worker's word cache
	quoted  []bool           // scratch of ScoreInto: quoted tokens of the current sentence
	terms   termScratch      // scratch of TopTerms
	names   map[string]int32 // the term names of the scorer that made Hits
	shifts  []Shift          // the arena that Hits' Shifts share, kept for reuse
	verbs   []found          // scratch of directionHits
	objs    []found
	pending []shift // scratch of ScoreInto: the shifters of the current sentence
}

// reuse returns b resized to n zero values, reallocating only when b is
// too small.
func reuse[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	b = b[:n]
	clear(b)
	return b
}

// ActorHit is a regulator, court or government named in a sentence.
type ActorHit struct {
	Term     string
	Sentence int
	Start    int
	End      int
	Weight   float64
}

// Scorer scores tokenised text. It is safe for concurrent use.
type Scorer struct {
	sentiment  []lexicons.Term
	sentIx     *index
	regulatory []lexicons.Term
	regIx      *index
	objects    []lexicons.Direction
	objIx      *index
	verbs      []lexicons.Direction
	verbIx     *index
	shifters   []lexicons.Shifter
	shiftIx    *index
	actors     []lexicons.Actor
	actorIx    *index
	voc        *vocabulary
	catIndex   map[string]int
	// sentHit and regHit are what a hit copies of each sentiment and
	// regulatory entry.
	sentHit, regHit []entryHit
	actorCat        []int32 // per actor: Hit.cat
	// names numbers the distinct names of the lexicon entries from 1 up
	// (Hit.name); actorName holds them per actor.
	names     map[string]int32
	pairNames []atomic.Pointer[string] // per object × verb: pairName, once made
	actorName []int32
	// labels are the distinct (lexicon, category) pairs of the entries
	// (Hit.label); actorLabel holds them per actor.
	labels     []HitLabel
	actorLabel []int32
	dirLabel   int32
	categories []string
	cal        lexicons.Calibration
}

// New builds a Scorer from a lexicon set.
func New(set *lexicons.Set) *Scorer {
	s := &Scorer{sentiment: set.Sentiment, regulatory: set.Regulatory, shifters: set.Shifters, actors: set.Actors, cal: set.Calibration}
	if s.cal == (lexicons.Calibration{}) {
		s.cal = lexicons.DefaultCalibration() // a Set built by hand
	}
	terms := func(n int, f func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	// Only nouns head Dutch closed compounds reliably; adjectives as heads
	// mostly produce false splits (verzekeraar → verzeke + raar).
	s.sentIx = newIndex(terms(len(s.sentiment), func(i int) string { return s.sentiment[i].Term }), true, func(i int) bool {
		p := s.sentiment[i].POS
		return p == "" || p == "NN"
	})
	s.regIx = newIndex(terms(len(s.regulatory), func(i int) string { return s.regulatory[i].Term }), true, nil)
	for _, d := range set.Direction {
		if d.Kind == lexicons.Object {
			s.objects = append(s.objects, d)
		} else {
			s.verbs = append(s.verbs, d)
		}
	}
	s.pairNames = make([]atomic.Pointer[string], len(s.objects)*len(s.verbs))
	s.objIx = newIndex(terms(len(s.objects), func(i int) string { return s.objects[i].Term }), true, nil)
	s.verbIx = newIndex(terms(len(s.verbs), func(i int) string { return s.verbs[i].Term }), false, nil)
	attachCompounds(set, s.sentIx, s.regIx, s.objIx)
	s.shiftIx = newIndex(terms(len(s.shifters), func(i int) string { return s.shifters[i].Term }), false, nil)
	s.actorIx = newIndex(terms(len(s.actors), func(i int) string { return s.actors[i].Term }), false, nil)
	var slots [numSlots]*index
	slots[slotShift], slots[slotActor], slots[slotVerb] = s.shiftIx, s.actorIx, s.verbIx
	slots[slotObject], slots[slotSentiment], slots[slotRegulatory] = s.objIx, s.sentIx, s.regIx
	s.voc = newVocabulary(slots)
	s.categories = lexicons.Categories()
	s.catIndex = map[string]int{}
	for i, c := range s.categories {
		s.catIndex[c] = i
	}
	s.names = map[string]int32{}
	name := func(term string) int32 {
		id, ok := s.names[term]
		if !ok {
			id = int32(len(s.names) + 1)
			s.names[term] = id
		}
		return id
	}
	var sentLabel, regLabel []int32
	s.labels, s.dirLabel, sentLabel, regLabel, s.actorLabel = labelsOf(set)
	for e, t := range s.sentiment {
		s.sentHit = append(s.sentHit, entryHit{term: t.Term, lexicon: t.Lexicon, base: t.Weight, name: name(t.Term), label: shortLabel(sentLabel[e])})
	}
	for e, t := range s.regulatory {
		s.regHit = append(s.regHit, entryHit{term: t.Term, lexicon: t.Lexicon, category: t.Category, base: t.Weight,
			name: name(t.Term), label: shortLabel(regLabel[e]), cat: int16(s.catIndex[t.Category] + 1)})
	}
	for _, a := range s.actors {
		s.actorName = append(s.actorName, name(a.Term))
		s.actorCat = append(s.actorCat, int32(s.catIndex[a.Category]+1))
	}
	return s
}

// entryHit is what a Hit copies of a sentiment or regulatory entry, in 64
// bytes: one cache line rather than the three that the entry, its name id
// and its label took when they were apart. A lexicon has thousands of
// entries, and about every third token hits one.
type entryHit struct {
	term, lexicon, category string
	base                    float64
	name                    int32 // Hit.name
	label                   int16 // Hit.label (shortLabel)
	cat                     int16 // Hit.cat; there are a dozen categories
}

// shortLabel is label as an entryHit holds it. A set has a few dozen
// labels, its lexicon files by the categories; beyond what 16 bits hold
// (a set built by hand) it is 0, which Hit.label takes to mean "look the
// label up by name".
func shortLabel(label int32) int16 {
	if label > math.MaxInt16 {
		return 0
	}
	return int16(label)
}

// directionLexicon is the Lexicon of direction-pair hits.
const directionLexicon = "direction"

// Labels returns the distinct lexicon and category pairs of the hits s
// can make, indexed by Hit.LabelIndex. The slice is s's: do not modify it.
func (s *Scorer) Labels() []HitLabel { return s.labels }

// LabelsOf returns what the Labels of a Scorer built from set would be,
// without building one.
func LabelsOf(set *lexicons.Set) []HitLabel {
	labels, _, _, _, _ := labelsOf(set)
	return labels
}

// labelsOf numbers the distinct labels of the hits a Scorer built from set
// makes from 1 up (Hit.label): that of direction pairs, and those of the
// sentiment, regulatory and actor entries, per entry.
func labelsOf(set *lexicons.Set) (labels []HitLabel, dir int32, sent, reg, actor []int32) {
	ids := map[HitLabel]int32{}
	label := func(l HitLabel) int32 {
		id, ok := ids[l]
		if !ok {
			labels = append(labels, l)
			id = int32(len(labels))
			ids[l] = id
		}
		return id
	}
	dir = label(HitLabel{Lexicon: directionLexicon})
	for _, t := range set.Sentiment {
		sent = append(sent, label(HitLabel{Lexicon: t.Lexicon})) // sentiment hits have no category
	}
	for _, t := range set.Regulatory {
		reg = append(reg, label(HitLabel{Lexicon: t.Lexicon, Category: t.Category}))
	}
	for _, a := range set.Actors {
		actor = append(actor, label(HitLabel{Lexicon: a.Lexicon, Category: a.Category}))
	}
	return labels, dir, sent, reg, actor
}

// Calibration returns the label thresholds and direction weight in use.
func (s *Scorer) Calibration() lexicons.Calibration { return s.cal }

// Categories returns the regulatory categories in the order of Result.Categories.
func (s *Scorer) Categories() []string { return s.categories }

// wordFlags says what a normalised word is to the clause and quote rules:
// punctuation that ends a clause within a sentence; conjunctions that open
// a new clause (news sentences join contrasting facts with them: ASML wint,
// terwijl Philips verliest); quotation marks.
func wordFlags(norm string) uint8 {
	switch norm {
	case ",", ";", ":", "–", "—", "(", ")":
		return flagEndsClause
	case "terwijl", "maar", "echter", "hoewel", "ofschoon", "doch", "want", "zodat", "omdat", "nadat", "ondanks", "desondanks":
		return flagStartsClause
	case "\"", "'", "`":
		return flagQuoteToggle
	case "“", "„", "‘", "«":
		return flagQuoteOpen
	case "”", "’", "»":
		return flagQuoteClose
	}
	return 0
}

// markClauses sets clauseOf[i] for the tokens of the sentence first:last,
// numbering its clauses from clause on, and returns the number after its
// last clause with the OR of the tokens' may bits and of their flags. It
// is a function of its own so that its loop keeps its state in registers.
func markClauses(tk *tokens, first, last int, clauseOf []int, clause int) (next int, may, flags uint8) {
	toks := tk.toks
	sFlags := tk.flags[first:last]
	sMay, sClause := tk.mayBits[first:last], clauseOf[first:last]
	// Cut to the same length: the loop needs no bounds checks.
	sMay, sClause = sMay[:len(sFlags)], sClause[:len(sFlags)]
	fresh := true // at the start of a clause
	for k, fl := range sFlags {
		may |= sMay[k]
		flags |= fl
		if !fresh && fl&flagStartsClause != 0 {
			clause++
		}
		sClause[k] = clause
		fresh = false
		if fl&flagEndsClause != 0 && toks[first+k].Kind == tokenize.Punct && first+k+1 < last {
			clause++
			fresh = true
		}
	}
	return clause + 1, may, flags
}

// maskedUsed returns b resized to n tokens, the masked ones used (then no
// lexicon matches them) and the rest not. One copy of the mask costs less
// than clearing b and then marking the masked tokens sentence by
// sentence; only the sentences' own stages read or mark b.
func maskedUsed(b []bool, n int, mask []bool) []bool {
	if cap(b) < n {
		b = make([]bool, n)
	}
	b = b[:n]
	clear(b[copy(b, mask):])
	return b
}

// shift is a shifter found at a token.
type shift struct {
	at     int // token index
	n      int
	kind   lexicons.ShifterKind
	factor float64
	term   string
}

// Score scores one tokenised text. titleLen is the byte length of the
// headline at the start of text (0 when there is none).
func (s *Scorer) Score(text string, tok *tokenize.Result, titleLen int) Result {
	var res Result
	s.ScoreInto(&res, text, tok, titleLen, nil)
	return res
}

// ScoreInto is Score writing into res, with the tokens i where mask[i] is
// true left out of the lexicon lookups: the pipeline masks company names,
// so that AkzoNobel does not score as "nobel" nor Goldman Sachs as
// "sachs". It reuses the slices of res, so a worker that scores article
// after article with one Result allocates almost nothing (a long article
// has thousands of hits). Whatever res held before is overwritten.
func (s *Scorer) ScoreInto(res *Result, text string, tok *tokenize.Result, titleLen int, mask []bool) {
	s.Resolve(res, tok, nil)
	s.ScoreResolved(res, text, tok, titleLen, mask)
}

// An Annotator gives each word a number that a later stage wants per token
// (entities.Registry.Annotate: what the word is to company matching).
// Resolve keeps the number with the word in the cache it looks tokens up
// through, so most tokens are annotated without a call. Annotate must be a
// function of norm alone, safe for concurrent use, and the Annotator
// comparable (a pointer, typically): a Result notes which one annotated
// its cache, and starts the cache afresh for another.
type Annotator interface {
	Annotate(norm string) uint32
}

// Resolve looks up the words of tok in the lexicons, into res, and, with
// a non-nil Annotator, annotates each token (Result.Annotations). It is the
// first half of ScoreInto; ScoreResolved, with the same res and tok, is
// the second. Splitting them lets a caller use the annotations before it
// scores (the pipeline masks the company names that the annotations help
// find).
func (s *Scorer) Resolve(res *Result, tok *tokenize.Result, a Annotator) {
	s.voc.resolve(&res.toks, tok.Tokens, a)
}

// ScoreResolved is ScoreInto for a res that Resolve has just filled from
// tok. Should res hold the words of other tokens (another slice, or a
// Scorer's other than s), it resolves tok again first.
func (s *Scorer) ScoreResolved(res *Result, text string, tok *tokenize.Result, titleLen int, mask []bool) {
	toks := tok.Tokens
	tk := &res.toks
	if tk.voc != s.voc || len(tk.toks) != len(toks) || len(toks) > 0 && &tk.toks[0] != &toks[0] {
		s.voc.resolve(tk, toks, nil)
	}
	*res = Result{
		Categories: reuse(res.Categories, len(s.categories)), ClauseOf: reuse(res.ClauseOf, len(toks)),
		Sentences: len(tok.Sentences), Tokens: len(toks),
		Hits:    res.Hits[:0],
		Actors:  res.Actors[:0],
		used:    maskedUsed(res.used, len(toks), mask), // tokens masked, then also those direction pairs consume
		masked:  res.masked,
		weights: res.weights,
		toks:    res.toks,
		quoted:  res.quoted,
		terms:   res.terms,
		names:   s.names,
		shifts:  res.shifts[:0],
		verbs:   res.verbs,
		objs:    res.objs,
		pending: res.pending,
	}
	if res.Hits == nil {
		res.Hits = make([]Hit, 0, len(toks)/2+4) // with the learned lexicon about every third token hits
	}
	used := res.used
	// The regulatory lookups skip the masked tokens but not those that
	// direction pairs consume: a pair explains a sentence's sentiment,
	// not its regulatory terms (de boete stijgt is both).
	var masked []bool
	if len(mask) >= len(toks) {
		masked = mask[:len(toks)]
	} else if mask != nil {
		res.masked = maskedUsed(res.masked, len(toks), mask)
		masked = res.masked
	}
	clause := 0
	shifts := res.pending
	for _, sent := range tok.Sentences {
		first, last := sent.First, sent.Last
		// What any token of the sentence may be: the loops below that
		// would find nothing are skipped (most sentences have no actor,
		// no direction pair and no quote).
		var may, flags uint8
		clause, may, flags = markClauses(tk, first, last, res.ClauseOf, clause)
		shifts = shifts[:0]
		if may&s.shiftIx.bit != 0 { // else no shifter in the sentence
			for i := first; ; {
				at, e, n, _ := tk.next(s.shiftIx, i, last, nil)
				if at == last {
					break
				}
				sh := &s.shifters[e]
				shifts = append(shifts, shift{at: at, n: n, kind: sh.Kind, factor: sh.Factor, term: sh.Term})
				i = at + n
			}
		}
		question := last > first && toks[last-1].Norm == "?"
		quoted := reuse(res.quoted, last-first)
		if flags&(flagQuoteToggle|flagQuoteOpen|flagQuoteClose) != 0 {
			markQuoted(tk, first, last, quoted)
		}
		res.quoted = quoted
		inTitle := titleLen > 0 && sent.Start < titleLen
		start := len(res.Hits)
		if may&s.verbIx.bit != 0 && may&s.objIx.bit != 0 { // a pair needs both
			s.directionHits(tk, first, last, res, used)
		}
		s.lexiconHits(tk, first, last, may, res, used, masked)
		// Actors in this sentence amplify adverse regulatory weight, and
		// the strongest one adds a base adverse weight of its own: a
		// regulator acting is news (DNB waarschuwt banken).
		boost := 0.0
		actorHit := -1
		from := first
		if may&s.actorIx.bit == 0 {
			from = last // no actor in the sentence
		}
		for i := from; i < last; {
			if i = tk.candidate(s.actorIx.bit, i, last); i == last { // actor prefixes set the bit too
				break
			}
			e, n, _ := s.actorIx.lookup(tk, i, last)
			if e >= 0 && s.actors[e].CaseSensitive && !toks[i].Upper {
				e = -1 // ap is not AP
			}
			if e < 0 {
				e, n = s.actorPrefix(tk, i, text), 1 // checks case itself
			}
			if e < 0 {
				i++
				continue
			}
			a := &s.actors[e]
			res.Actors = append(res.Actors, ActorHit{Term: a.Term, Sentence: int(toks[i].Sentence), Start: int(toks[i].Start), End: int(toks[i+n-1].End), Weight: a.Weight})
			if a.Weight > boost && !used[i] {
				boost = a.Weight
				hit := Hit{
					Kind: Regulatory, First: int32(i), N: int32(n), Start: toks[i].Start, End: toks[i+n-1].End, Sentence: toks[i].Sentence,
					Term: a.Term, Lexicon: a.Lexicon, Category: a.Category, Via: Exact, Base: actorBase * a.Weight,
					cat: s.actorCat[e], name: s.actorName[e], label: s.actorLabel[e],
				}
				if actorHit < 0 {
					actorHit = len(res.Hits)
					res.Hits = append(res.Hits, hit)
				} else {
					res.Hits[actorHit] = hit
				}
			}
			boost = math.Max(boost, a.Weight)
			i += n
		}
		for h := start; h < len(res.Hits); h++ {
			hit := &res.Hits[h]
			hit.Clause = int32(res.ClauseOf[hit.First])
			hit.Factor = 1
			n0 := len(res.shifts)
			// The shifts below fill the arena's spare room.
			hit.Shifts = res.shifts[n0:n0]
			if len(shifts) > 0 { // a sentence without shifters has nothing to apply
				s.applyShifts(hit, shifts, res.ClauseOf, toks, last)
			}
			if quoted[int(hit.First)-first] {
				hit.shift("quote", quoteFactor)
			}
			if question {
				hit.shift("?", questionFactor)
			}
			if inTitle {
				hit.shift("title", titleFactor)
			}
			if hit.Kind == Regulatory && hit.Base*hit.Factor > 0 && boost > 0 && h != actorHit {
				hit.shift("actor", 1+actorBoost*boost)
			}
			hit.Weight = hit.Base * hit.Factor
			if len(hit.Shifts) == 0 {
				hit.Shifts = nil // as keepShifts would: most hits are not shifted
			} else {
				res.shifts = keepShifts(res.shifts, hit, n0)
			}
		}
	}
	res.pending = shifts[:0]
	weights := reuse(res.weights, len(res.Hits))
	res.weights = weights
	for i := range weights {
		weights[i] = 1
	}
	res.Sentiment, res.Risk = s.Summarize(res.Hits, weights, res.Categories)
	res.Label = s.Label(res.Sentiment)
	res.Flag = res.Risk >= FlagThreshold
	for i := range res.Hits { // by index: a Hit is large
		if res.Hits[i].Kind == Regulatory {
			res.RiskHits++
		} else {
			res.SentimentHits++
		}
	}
	res.NoHit = len(res.Hits) == 0
}

// pairName is "object verb", the term of a direction hit: made once per
// pair and scorer rather than once per hit.
func (s *Scorer) pairName(obj, verb int) string {
	p := &s.pairNames[obj*len(s.verbs)+verb]
	if name := p.Load(); name != nil {
		return *name
	}
	name := s.objects[obj].Term + " " + s.verbs[verb].Term
	p.Store(&name) // a worker that made it at the same time stores the same
	return name
}

// found is a direction entry found in a sentence: the token at, n tokens
// long, entry e.
type found struct {
	at, n int
	e     int
	via   Via
}

// directionHits pairs movement verbs with the nearest quantity in the same
// clause: winst stijgt is good news, schuld stijgt bad news.
func (s *Scorer) directionHits(tk *tokens, first, last int, res *Result, used []bool) {
	toks := tk.toks
	verbs, objs := res.verbs[:0], res.objs[:0]
	defer func() { res.verbs, res.objs = verbs, objs }()
	for i := first; i < last; {
		if i = tk.candidate(s.verbIx.bit|s.objIx.bit, i, last); i == last {
			break
		}
		if used[i] {
			i++
			continue
		}
		if e, n, v := s.verbIx.lookup(tk, i, last); e >= 0 {
			verbs = append(verbs, found{i, n, e, v})
			i += n
			continue
		}
		if e, n, v := s.objIx.lookup(tk, i, last); e >= 0 {
			objs = append(objs, found{i, n, e, v})
			i += n
			continue
		}
		i++
	}
	const window = 5
	for _, v := range verbs {
		best, bestDist := -1, window+1
		for k, o := range objs {
			if used[o.at] || res.ClauseOf[o.at] != res.ClauseOf[v.at] {
				continue
			}
			d := v.at - (o.at + o.n - 1)
			if o.at > v.at {
				d = o.at - (v.at + v.n - 1)
			}
			if d < bestDist {
				best, bestDist = k, d
			}
		}
		if best < 0 {
			continue
		}
		o := objs[best]
		obj, verb := &s.objects[o.e], &s.verbs[v.e]
		lo, hi := min(o.at, v.at), max(o.at+o.n, v.at+v.n)
		for i := o.at; i < o.at+o.n; i++ {
			used[i] = true
		}
		for i := v.at; i < v.at+v.n; i++ {
			used[i] = true
		}
		res.Hits = append(res.Hits, Hit{
			Kind: Direction, First: int32(lo), N: int32(hi - lo), Start: toks[lo].Start, End: toks[hi-1].End,
			Sentence: toks[lo].Sentence, Term: s.pairName(o.e, v.e), Lexicon: directionLexicon, Via: o.via,
			Base: s.cal.Direction * obj.Polarity * verb.Polarity, label: s.dirLabel,
		})
	}
}

// lexiconHits finds sentiment and regulatory entries: sentiment entries
// skip the tokens in used (masked, or explained by a direction pair),
// regulatory entries those in masked (nil: none). may is what any token
// of the sentence may be.
func (s *Scorer) lexiconHits(tk *tokens, first, last int, may uint8, res *Result, used, masked []bool) {
	toks := tk.toks
	if may&s.sentIx.bit != 0 { // else no sentiment entry in the sentence
		for i := first; ; {
			at, e, n, v := tk.next(s.sentIx, i, last, used)
			if at == last {
				break
			}
			t := &s.sentHit[e]
			h := res.addHit()
			h.Kind, h.First, h.N, h.Start, h.End = Sentiment, int32(at), int32(n), toks[at].Start, toks[at+n-1].End
			h.Sentence, h.Term, h.Lexicon, h.Via, h.Base = toks[at].Sentence, t.term, t.lexicon, v, t.base
			h.name, h.label = t.name, int32(t.label)
			i = at + n
		}
	}
	if may&s.regIx.bit != 0 { // else no regulatory entry in the sentence
		for i := first; ; {
			at, e, n, v := tk.next(s.regIx, i, last, masked)
			if at == last {
				break
			}
			t := &s.regHit[e]
			h := res.addHit()
			h.Kind, h.First, h.N, h.Start, h.End = Regulatory, int32(at), int32(n), toks[at].Start, toks[at+n-1].End
			h.Sentence, h.Term, h.Lexicon, h.Category, h.Via, h.Base = toks[at].Sentence, t.term, t.lexicon, t.category, v, t.base
			h.cat, h.name, h.label = int32(t.cat), t.name, int32(t.label)
			i = at + n
		}
	}
}

// addHit appends a zero Hit to res.Hits and returns it to be filled in
// place: a Hit is large, and a composite literal would be built on the
// stack and then copied.
func (res *Result) addHit() *Hit {
	n := len(res.Hits)
	if n == cap(res.Hits) {
		res.Hits = append(res.Hits, Hit{})
	} else {
		res.Hits = res.Hits[:n+1]
		res.Hits[n] = Hit{}
	}
	return &res.Hits[n]
}

// Shift is one factor applied to a hit and what applied it.
type Shift struct {
	Name   string // shifter term or rule: "niet", "title", "?", "quote", "actor"
	Factor float64
}

// String formats a shift as explain shows it: niet×-0.8.
func (s Shift) String() string { return s.Name + "×" + fmtFactor(s.Factor) }

// shift multiplies the hit's factor and records why.
func (h *Hit) shift(name string, f float64) {
	h.Factor *= f
	h.Shifts = append(h.Shifts, Shift{Name: name, Factor: f})
}

// keepShifts ends a hit's shifts, appended from arena[n0:] on: where they
// fit in the arena's spare room they stay there, and the arena grows past
// them (one allocation per worker, not one per shifted hit); a hit that
// outgrew it keeps its own slice and the arena grows for the next ones. It
// returns the arena.
func keepShifts(arena []Shift, hit *Hit, n0 int) []Shift {
	n := len(hit.Shifts)
	switch {
	case n == 0:
		hit.Shifts = nil
	case cap(hit.Shifts) == cap(arena)-n0: // append never reallocated: in place
		arena = arena[:n0+n]
		hit.Shifts = arena[n0 : n0+n : n0+n] // full: an append by a caller copies
	default:
		hit.Shifts = hit.Shifts[:n:n]
		// Earlier hits keep pointing into the old array, which nothing
		// writes to any more.
		arena = slices.Grow(arena, max(64, cap(arena)))
	}
	return arena
}

// markQuoted marks the tokens of a sentence that stand between quotation
// marks in out (cleared, one per token). An unclosed quote runs to the end
// of the sentence: headlines quote a source without closing ('Olieprijs
// gaat weer omhoog).
func markQuoted(tk *tokens, first, last int, out []bool) {
	in := false
	for i := first; i < last; i++ {
		if fl := tk.flags[i]; fl&(flagQuoteToggle|flagQuoteOpen|flagQuoteClose) != 0 && tk.toks[i].Kind == tokenize.Punct {
			switch {
			case fl&flagQuoteToggle != 0:
				in = !in
			case fl&flagQuoteOpen != 0:
				in = true
			default:
				in = false
			}
			continue
		}
		out[i-first] = in
	}
}

// clauseFinalNiet reports whether the negator at token at is the last word
// of its clause: "De winst steeg vorig jaar niet." In Dutch main clauses
// niet follows the finite verb and its objects, so it negates the whole
// verb phrase before it rather than the next word.
func clauseFinalNiet(toks []tokenize.Token, at, n, last int, clauseOf []int) bool {
	k := at + n
	return k >= last || toks[k].Kind == tokenize.Punct || clauseOf[k] != clauseOf[at]
}

// applyShifts applies the valence shifters of the sentence to a hit:
//   - negators: within three tokens before it in its clause (geen winst,
//     geen enkele groei, nooit winstgevend), inside a direction pair (de
//     winst niet steeg, in a subordinate clause), within two tokens after it
//     (het was niet goed), or clause-final niet anywhere after it in its
//     clause (de winst steeg vorig jaar niet);
//   - the nearest amplifier or downtoner right before it, or right after
//     a direction pair (de winst steeg fors);
//   - hedges before it in its clause;
//   - contrast: the clause after maar/echter/desondanks weighs more (factor
//     ≥ 1), the clause introduced by hoewel/ondanks less.
func (s *Scorer) applyShifts(hit *Hit, shifts []shift, clauseOf []int, toks []tokenize.Token, last int) {
	first, end := int(hit.First), int(hit.First+hit.N)
	c := clauseOf[first]
	negated, intens := false, false
	for k := len(shifts) - 1; k >= 0; k-- {
		sh := shifts[k]
		inside := sh.at >= first && sh.at < end
		if inside && (sh.kind != lexicons.Negator || hit.Kind != Direction) {
			continue // part of the hit itself
		}
		before := sh.at < first
		dist := first - (sh.at + sh.n - 1)
		if !before {
			dist = sh.at - (end - 1)
		}
		switch sh.kind {
		case lexicons.Negator:
			if negated || clauseOf[sh.at] != c {
				continue
			}
			final := !before && !inside && sh.term == "niet" && clauseFinalNiet(toks, sh.at, sh.n, last, clauseOf)
			if inside || (before && dist <= 3) || (!before && dist <= 2 && sh.term == "niet") || final {
				negated = true
				hit.shift(sh.term, sh.factor)
			}
		case lexicons.Amplifier, lexicons.Downtoner:
			// Before the word (een fors verlies), or right after a
			// movement: de winst steeg fors.
			after := !before && hit.Kind == Direction && dist <= 1
			if !intens && (before && dist <= 2 || after) && clauseOf[sh.at] == c {
				intens = true
				hit.shift(sh.term, sh.factor)
			}
		case lexicons.Hedge:
			if before && clauseOf[sh.at] == c {
				hit.shift(sh.term, sh.factor)
			}
		case lexicons.Contrast:
			if !before {
				continue
			}
			// A factor above 1 lifts what follows (maar); below 1 damps
			// the clause the word introduces (hoewel).
			if sh.factor >= 1 || clauseOf[sh.at] == c || clauseOf[sh.at]+1 == c {
				hit.shift(sh.term, sh.factor)
			}
		}
	}
}

// Summarize turns weighted hits into a sentiment and a risk score, and
// fills cats (when not nil) with the per-category risk. weights[i] is the
// attribution factor of hits[i] (0 excludes it).
func (s *Scorer) Summarize(hits []Hit, weights []float64, cats []float64) (sentiment, risk float64) {
	var sum, n, adverse, relief float64
	var catAdv, catRel []float64
	var advBuf, relBuf [16]float64 // the categories fit: no allocation per call
	switch {
	case cats == nil:
	case len(cats) <= len(advBuf):
		catAdv, catRel = advBuf[:len(cats)], relBuf[:len(cats)]
	default:
		catAdv, catRel = make([]float64, len(cats)), make([]float64, len(cats))
	}
	weights = weights[:len(hits)]
	for i := 0; i < len(weights); i++ {
		f := weights[i]
		if f == 0 {
			// Not attributed: the hit itself need not be read. A company
			// is given a share of the hits of a few sentences
			// (entities.Attribute): skip the zeros after this one four at
			// a time.
			for i+4 < len(weights) && zeros4((*[4]float64)(weights[i+1:i+5])) {
				i += 4
			}
			continue
		}
		h := &hits[i]
		w := h.Weight * f
		if h.Kind == Regulatory {
			ci := int(h.cat) - 1
			if ci < 0 {
				ci = s.catIndex[h.Category]
			}
			if w > 0 {
				adverse += w
				if cats != nil {
					catAdv[ci] += w
				}
			} else {
				relief -= w
				if cats != nil {
					catRel[ci] -= w
				}
			}
			continue
		}
		sum += w
		n += f
	}
	// Each hit counts relative to the calibration's offset, the weight
	// of an average hit in neutral text (0 without a learned lexicon).
	x := (sum - s.cal.Offset*n) / math.Sqrt(math.Max(1, n))
	sentiment = x / math.Sqrt(x*x+1)
	risk = riskOf(adverse, relief)
	for i := range cats {
		cats[i] = riskOf(catAdv[i], catRel[i])
	}
	return sentiment, risk
}

// zeros4 reports whether all of q are ±0 (== 0): x<<1 drops the sign bit.
func zeros4(q *[4]float64) bool {
	return (math.Float64bits(q[0])|math.Float64bits(q[1])|math.Float64bits(q[2])|math.Float64bits(q[3]))<<1 == 0
}

// riskOf is the risk of adverse and relief weight. It inlines for most
// categories of most texts, which have neither: then the formula gives 0
// (1 − e⁰), and so does riskOf for any relief ≥ 0 (NaN aside).
func riskOf(adverse, relief float64) float64 {
	if adverse == 0 && relief >= 0 {
		return 0
	}
	return saturate(adverse, relief)
}

// saturate is riskOf's formula.
func saturate(adverse, relief float64) float64 {
	v := math.Max(0, adverse-reliefShare*relief)
	if v == 0 {
		return 0 // 1 − e⁰, without the call
	}
	return 1 - math.Exp(-v/riskScale)
}

// Label maps a sentiment score to a label with the scorer's calibrated
// thresholds (±LabelThreshold unless a learned lexicon sets them).
func (s *Scorer) Label(sentiment float64) string {
	switch {
	case sentiment >= s.cal.Positive:
		return "positive"
	case sentiment <= s.cal.Negative:
		return "negative"
	}
	return "neutral"
}

// Label maps a sentiment score to positive, neutral or negative at the
// default thresholds ±LabelThreshold.
func Label(sentiment float64) string {
	switch {
	case sentiment >= LabelThreshold:
		return "positive"
	case sentiment <= -LabelThreshold:
		return "negative"
	}
	return "neutral"
}

// TopTerms returns up to n terms with the largest total absolute weight,
// formatted as "term(+0.62)", strongest first; ties are broken by term so
// the output is deterministic.
func TopTerms(hits []Hit, n int) []string {
	return topTerms(nil, hits, n, &termScratch{}, nil)
}

// WordHashes returns the 64-bit xxhash (github.com/cespare/xxhash/v2) of
// the Norm of each word and number token (tokenize.Word, tokenize.Number)
// that Resolve or ScoreInto last resolved into r, in token order: the
// hashes novelty.SignHashes takes. Resolving a token finds its word in a
// cache that keeps the hash too, so a caller that wants both need not hash
// the text a second time, nor walk the tokens again to pick the words. The
// slice is r's: it is valid until the next Resolve or ScoreInto with r.
func (r *Result) WordHashes() []uint64 { return r.toks.hashes }

// Annotations returns the annotation of each token that Resolve last
// resolved into r, in token order: all 0 when it had no Annotator. The
// slice is r's: it is valid until the next Resolve or ScoreInto with r.
func (r *Result) Annotations() []uint32 { return r.toks.ann[:len(r.toks.toks)] }

// TopTerms is TopTerms(r.Hits, n), reusing r's memory: a worker that
// keeps one Result allocates only the strings it returns.
func (r *Result) TopTerms(n int) []string { return r.AppendTopTerms(nil, n) }

// AppendTopTerms appends r.TopTerms(n) to dst, and returns the extended
// slice: a caller that reuses dst allocates only the terms' one string.
func (r *Result) AppendTopTerms(dst []string, n int) []string {
	return topTerms(dst, r.Hits, n, &r.terms, r.names)
}

// term is one term's total weight in an article.
type term struct {
	name  string
	id    int32 // its id among the scorer's names, 0 for none
	total float64
}

// termScratch is the memory of topTerms.
type termScratch struct {
	at    map[string]int
	terms []term
	pos   []int32 // per name id: 1 + the term's index in terms, 0 for none yet (cleared after each call)
	buf   []byte  // the formatted terms
	kept  []term  // the strongest so far
}

// topTerms is TopTerms; names are the term names the hits' name ids refer
// to (nil: none do). Hits with an id, most of them, are added up through
// sc.pos without hashing their term; the others (direction pairs, hits
// built by hand) by their name, after a lookup in names, so that a name
// has one total either way.
func topTerms(dst []string, hits []Hit, n int, sc *termScratch, names map[string]int32) []string {
	if dst == nil {
		dst = []string{} // none is an empty list, not nil
	}
	if n <= 0 {
		return dst
	}
	terms := sc.terms[:0]
	if len(sc.pos) < len(names)+1 {
		sc.pos = make([]int32, len(names)+1)
	}
	pos := sc.pos
	defer func() {
		for _, t := range terms {
			pos[t.id] = 0
		}
		sc.terms = terms
	}()
	var at map[string]int // index in terms of the terms without an id
	for hi := range hits {
		h := &hits[hi]
		id := h.name
		if names == nil {
			id = 0
		} else if id == 0 {
			id = names[h.Term]
		}
		var i int
		switch {
		case id > 0 && pos[id] > 0:
			i = int(pos[id]) - 1
		case id > 0:
			i = len(terms)
			terms = append(terms, term{name: h.Term, id: id})
			pos[id] = int32(len(terms))
		default:
			if at == nil {
				if sc.at == nil {
					sc.at = map[string]int{}
				}
				at = sc.at
				clear(at)
			}
			k, ok := at[h.Term]
			if !ok {
				k = len(terms)
				terms = append(terms, term{name: h.Term})
				at[h.Term] = k
			}
			i = k
		}
		terms[i].total += h.Weight
	}
	// The n strongest by insertion: an article has hundreds of terms and
	// only n are kept, so a full sort would be wasted.
	stronger := func(a, b term) bool {
		wa, wb := math.Abs(a.total), math.Abs(b.total)
		if wa != wb {
			return wa > wb
		}
		return a.name < b.name
	}
	kept := slices.Grow(sc.kept[:0], n+1)
	defer func() {
		clear(kept) // the names are the hits'
		sc.kept = kept[:0]
	}()
	for _, t := range terms {
		if t.total == 0 || (len(kept) == n && !stronger(t, kept[n-1])) {
			continue
		}
		k := len(kept)
		if k == n {
			k--
		} else {
			kept = append(kept, t)
		}
		for k > 0 && stronger(t, kept[k-1]) {
			kept[k] = kept[k-1]
			k--
		}
		kept[k] = t
	}
	// term(+0.62), formatted without fmt: this runs for every article. The
	// terms are cut from one string: one allocation instead of n.
	buf := sc.buf[:0]
	defer func() { sc.buf = buf }()
	var ends [16]int
	cut := ends[:0]
	for _, t := range kept {
		buf = append(buf, t.name...)
		buf = append(buf, '(')
		if v := t.total; v >= 0 || math.Round(v*100) == 0 {
			buf = append(buf, '+')
			buf = strconv.AppendFloat(buf, math.Abs(v), 'f', 2, 64)
		} else {
			buf = strconv.AppendFloat(buf, v, 'f', 2, 64)
		}
		buf = append(buf, ')')
		cut = append(cut, len(buf))
	}
	all := string(buf)
	out := slices.Grow(dst, len(kept))
	from := 0
	for _, end := range cut {
		out, from = append(out, all[from:end]), end
	}
	return out
}

// Explain writes a human-readable account of a hit.
func (h Hit) Explain(text string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q [%d:%d] %s %s", text[h.Start:h.End], h.Start, h.End, h.Lexicon, h.Term)
	if h.Category != "" {
		fmt.Fprintf(&b, " (%s)", h.Category)
	}
	if h.Via != Exact && h.Via != 0 {
		fmt.Fprintf(&b, " via %s", h.Via)
	}
	fmt.Fprintf(&b, " %+.3f", h.Base)
	for _, s := range h.Shifts {
		b.WriteString(" " + s.String())
	}
	if h.Weight != h.Base {
		fmt.Fprintf(&b, " = %+.3f", h.Weight)
	}
	return b.String()
}

func fmtFactor(f float64) string { return strconv.FormatFloat(f, 'g', 3, 64) }

// SentenceSentiment is the sentiment of one sentence: the article formula
// applied to that sentence's hits alone, so explain can show where an
// article's score comes from.
func (s *Scorer) SentenceSentiment(hits []Hit, sentence int) float64 {
	w := make([]float64, len(hits))
	for i, h := range hits {
		if int(h.Sentence) == sentence {
			w[i] = 1
		}
	}
	sent, _ := s.Summarize(hits, w, nil)
	return sent
}

// actorPrefix finds an actor at the start of a hyphenated token
// (DNB-president, ECB-toezicht, SEC-onderzoek): Dutch glues the actor to
// what it does.
func (s *Scorer) actorPrefix(tk *tokens, i int, text string) int {
	e := tk.words[i].actor
	t := &tk.toks[i]
	if e < 0 || t.Kind != tokenize.Word {
		return -1
	}
	if a := s.actors[e]; !a.CaseSensitive || t.Upper {
		return int(e)
	}
	// A case-sensitive actor needs its own part in capitals: AP-onderzoek,
	// not ap-document. Token.Upper covers the whole token.
	if int(t.End) <= len(text) {
		head, _, _ := strings.Cut(text[t.Start:t.End], "-")
		if head != "" && strings.ToUpper(head) == head {
			return int(e)
		}
	}
	return -1
}
