package entities

import (
	"cmp"
	"iter"
	"slices"
	"strings"

	"github.com/marktstem/marktstem/pipeline/tokenize"
	"github.com/marktstem/marktstem/scoring"
)

// Attribution and relevance weights. Relevance is a sum of four parts,
// 0..100:
//
//	title     30  the company is named in the headline
//	lead      15  … or in the first paragraph after it
//	share     35  × its share of all company mentions in the article
//	subject   20  it is the most-mentioned company (ties share the bonus)
const (
	relTitle   = 30
	relLead    = 15
	relShare   = 35
	relSubject = 20
	// followDecay is the share of a following sentence's scores that goes
	// to the company named just before it ("Het bedrijf …"), per sentence.
	followDecay = 0.5
	followSents = 2
)

// CompanyScore is one company's share of an article.
type CompanyScore struct {
	Root        int      // registry index of the (top-most parent) company
	Mentions    int      // number of mentions, brands and subsidiaries included
	Matched     []string // distinct surface forms, in order of appearance
	FirstOffset int      // byte offset of the first mention
	Relevance   float64  // 0..100
	Sentiment   float64  // −1..1, from the sentences attributed to it
	Risk        float64  // 0..1
	Categories  []float64
}

// Summarizer turns weighted hits into scores; *scoring.Scorer implements it.
type Summarizer interface {
	Summarize(hits []scoring.Hit, weights []float64, cats []float64) (sentiment, risk float64)
	Categories() []string
}

// Attribute gives each mentioned company the scores of the sentences that
// name it, plus a decaying share of the next sentences that name no other
// company. In a sentence that names several companies, a hit counts for the
// companies in its own clause (ASML boekt recordwinst, terwijl Philips een
// winstwaarschuwing geeft), or for all of them when its clause names none.
// The result is sorted by registry id.
func (reg *Registry) Attribute(sum Summarizer, res *scoring.Result, tok *tokenize.Result, mentions []Mention, titleLen int) []CompanyScore {
	return reg.AttributeInto(nil, sum, res, tok, mentions, titleLen)
}

// Attribution is the memory of Attribute's results: the scores and their
// Matched and Categories. A caller that reuses one from article to article
// (AttributeInto) allocates nothing for them once it has grown. The zero
// value is ready to use.
type Attribution struct {
	scores  []CompanyScore
	matched []string
	cats    []float64
}

// AttributeInto is Attribute with its results in dst, which must not be
// shared between goroutines: they are valid until the next AttributeInto
// with dst. A nil dst gives results of their own, as Attribute's.
func (reg *Registry) AttributeInto(dst *Attribution, sum Summarizer, res *scoring.Result, tok *tokenize.Result, mentions []Mention, titleLen int) []CompanyScore {
	if len(mentions) == 0 {
		return nil
	}
	if dst == nil {
		dst = &Attribution{}
	}
	sc, _ := reg.attrPool.Get().(*attrScratch)
	if sc == nil {
		sc = &attrScratch{}
	}
	defer reg.attrPool.Put(sc)
	// Companies are numbered in order of first mention: byRoot[root] is 1
	// + the number of root, 0 for roots not mentioned (a slice of the
	// registry's size costs less to clear than a map costs to fill).
	byRoot := reuse(&sc.byRoot, len(reg.companies))
	comps := sc.comps[:0]
	defer func() {
		clear(comps) // they point into the article: the pool must not keep it alive
		sc.comps = comps[:0]
	}()
	// Roots named per sentence: short lists, as few companies share a
	// sentence.
	nSent := len(tok.Sentences)
	for _, m := range mentions {
		nSent = max(nSent, m.Sentence+1)
	}
	for i := range res.Hits {
		nSent = max(nSent, int(res.Hits[i].Sentence)+1)
	}
	sc.sentRoots = reuseSlices(sc.sentRoots, nSent)
	sentRoots := sc.sentRoots
	// The roots named per clause, as (clause, root) pairs sorted by clause:
	// there are as few as mentions, and they come in clause order.
	clauses := sc.clauses[:0]
	defer func() { sc.clauses = clauses[:0] }()
	clauseSorted := true
	total := 0
	// The lead is the first paragraph after the headline: news puts who
	// the story is about there.
	leadPara := -1
	for _, s := range tok.Sentences {
		if s.Start >= titleLen {
			leadPara = s.Paragraph
			break
		}
	}
	for _, m := range mentions {
		k := int(byRoot[m.Root]) - 1
		if k < 0 {
			k = len(comps)
			byRoot[m.Root] = int32(k + 1)
			comps = append(comps, attrCompany{CompanyScore: CompanyScore{Root: m.Root, FirstOffset: m.Start}})
		}
		c := &comps[k]
		c.Mentions++
		total++
		sentRoots[m.Sentence] = addRoot(sentRoots[m.Sentence], m.Root)
		if len(res.ClauseOf) > m.First {
			cl := res.ClauseOf[m.First]
			if n := len(clauses); n > 0 && cl < clauses[n-1].clause {
				clauseSorted = false
			}
			clauses = append(clauses, clauseRoot{clause: cl, root: m.Root})
		}
		if m.Start < titleLen {
			c.inTitle = true
		}
		if m.Start >= titleLen && m.Sentence < len(tok.Sentences) && tok.Sentences[m.Sentence].Paragraph == leadPara {
			c.inLead = true
		}
	}
	if !clauseSorted {
		slices.SortStableFunc(clauses, func(a, b clauseRoot) int { return cmp.Compare(a.clause, b.clause) })
	}
	// The distinct surface forms of every company share one array, each
	// company a segment as long as its mentions.
	matched := reuse(&dst.matched, len(mentions))
	for i, off := 0, 0; i < len(comps); i++ {
		comps[i].Matched = matched[off : off : off+comps[i].Mentions]
		off += comps[i].Mentions
	}
	for _, m := range mentions {
		c := &comps[byRoot[m.Root]-1]
		if !slices.Contains(c.Matched, m.Surface) {
			c.Matched = append(c.Matched, m.Surface)
		}
	}
	for i := range comps {
		comps[i].Matched = slices.Clip(comps[i].Matched)
	}
	maxMentions := 0
	for i := range comps {
		maxMentions = max(maxMentions, comps[i].Mentions)
	}
	paragraph := reuse(&sc.paragraph, nSent)
	for s := range paragraph {
		paragraph[s] = -1
		if s < len(tok.Sentences) {
			paragraph[s] = tok.Sentences[s].Paragraph
		}
	}
	weights := reuse(&sc.weights, len(res.Hits))
	// ScoreInto appends hits sentence by sentence: then sentence s's hits
	// are hits[from[s]:from[s+1]], and a company reads only the hits of
	// the sentences it gets a share of (a Result built otherwise is read
	// whole).
	from := reuse(&sc.from, nSent+1)
	grouped := true
	for i := range res.Hits {
		s := res.Hits[i].Sentence
		if i > 0 && s < res.Hits[i-1].Sentence {
			grouped = false
			break
		}
		from[s+1]++
	}
	for s := 1; s <= nSent; s++ {
		from[s] += from[s-1]
	}
	// weight is hit i's share for root in a sentence of share w: where
	// several companies share the sentence (w < 0), its clause decides.
	weight := func(i int, w float64, root int) float64 {
		if w >= 0 {
			return w
		}
		cl := res.ClauseOf[res.Hits[i].First]
		j := clauseStart(clauses, cl)
		if j == len(clauses) || clauses[j].clause != cl {
			return 1 // the clause names no company
		}
		for ; j < len(clauses) && clauses[j].clause == cl; j++ {
			if clauses[j].root == root {
				return 1
			}
		}
		return 0
	}
	out := slices.Grow(dst.scores[:0], len(comps))
	nc := len(sum.Categories())
	cats := reuse(&dst.cats, len(comps)*nc) // one array for every company's categories
	for i := range comps {
		cs := &comps[i]
		root := cs.Root
		// A hit's share depends on its sentence, and on its clause only
		// where several companies share the sentence (−1 below). Only
		// the sentences that name root and the few after them have one.
		// lo and hi bound the hits with a share: Summarize reads only
		// those, and the zeros between them (weights is all 0 between
		// companies).
		lo, hi := 0, len(res.Hits)
		if grouped {
			lo, hi = len(res.Hits), 0
			for s := range sharingSentences(mentions, root, nSent) {
				w := sentenceWeight(s, root, sentRoots, paragraph)
				if w == 0 || from[s] == from[s+1] {
					continue
				}
				for i := from[s]; i < from[s+1]; i++ {
					weights[i] = weight(i, w, root)
				}
				lo, hi = min(lo, from[s]), max(hi, from[s+1])
			}
			hi = max(hi, lo)
		} else {
			sentW := reuse(&sc.sentW, nSent)
			for s := range sharingSentences(mentions, root, nSent) {
				sentW[s] = sentenceWeight(s, root, sentRoots, paragraph)
			}
			for i := range res.Hits {
				weights[i] = weight(i, sentW[res.Hits[i].Sentence], root)
			}
		}
		cs.Categories = cats[i*nc : (i+1)*nc : (i+1)*nc]
		cs.Sentiment, cs.Risk = sum.Summarize(res.Hits[lo:hi], weights[lo:hi], cs.Categories)
		clear(weights[lo:hi])
		rel := relShare * float64(cs.Mentions) / float64(total)
		if cs.inTitle {
			rel += relTitle
		} else if cs.inLead {
			rel += relLead
		}
		if cs.Mentions == maxMentions {
			rel += relSubject
		}
		cs.Relevance = min(100, rel)
		out = append(out, cs.CompanyScore)
	}
	slices.SortFunc(out, func(a, b CompanyScore) int { // roots differ, and so do their ids
		return strings.Compare(reg.companies[a.Root].ID, reg.companies[b.Root].ID)
	})
	dst.scores = out
	return out
}

// sharingSentences yields the sentences below nSent that may give company
// root a share of their hits (sentenceWeight): those that name it and the
// followSents after each. It yields a sentence more than once only when
// mentions are out of text order.
func sharingSentences(mentions []Mention, root, nSent int) iter.Seq[int] {
	return func(yield func(int) bool) {
		prev := -1 // the sentence of root's previous mention
		for _, m := range mentions {
			if m.Root != root {
				continue
			}
			from := m.Sentence
			if prev >= 0 && prev <= from {
				from = max(from, prev+followSents+1) // the rest were yielded after prev
			}
			for s := from; s <= m.Sentence+followSents && s < nSent; s++ {
				if !yield(s) {
					return
				}
			}
			prev = m.Sentence
		}
	}
}

// sentenceWeight is the share of sentence s's hits that goes to company
// root, or −1 when the sentence names root and other companies too, so
// that the hit's clause decides.
func sentenceWeight(s, root int, sentRoots [][]int, paragraph []int) float64 {
	named := sentRoots[s]
	if slices.Contains(named, root) {
		if len(named) == 1 {
			return 1
		}
		return -1
	}
	if len(named) > 0 {
		return 0 // the sentence is about other companies
	}
	// A following sentence that names no company: decaying share for the
	// companies named in the closest preceding sentence of the paragraph.
	w := 1.0
	for d := 1; d <= followSents; d++ {
		prev := s - d
		if prev < 0 || paragraph[prev] != paragraph[s] {
			return 0
		}
		w *= followDecay
		if prevNamed := sentRoots[prev]; len(prevNamed) > 0 {
			if slices.Contains(prevNamed, root) {
				return w
			}
			return 0
		}
	}
	return 0
}

// clauseStart returns the index of the first pair of clause cl or after
// it in clauses, sorted by clause (slices.BinarySearchFunc, without the
// call of a comparison function at every step).
func clauseStart(clauses []clauseRoot, cl int) int {
	lo, hi := 0, len(clauses)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if clauses[mid].clause < cl {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// addRoot adds root to a set kept as a short list.
func addRoot(list []int, root int) []int {
	if slices.Contains(list, root) {
		return list
	}
	return append(list, root)
}

// attrScratch is the memory of one Attribute call, reused by the next (the
// rows it returns are always new).
type attrScratch struct {
	byRoot    []int32      // root → 1 + index in comps, 0 where not mentioned
	clauses   []clauseRoot // the roots named per clause, by clause
	comps     []attrCompany
	sentRoots [][]int // sentence → roots named in it
	paragraph []int
	weights   []float64
	sentW     []float64 // sentence → share, when hits are not grouped by sentence
	from      []int     // where each sentence's hits start
}

// clauseRoot is a company root named in a clause.
type clauseRoot struct{ clause, root int }

// attrCompany is a company's score while Attribute builds it.
type attrCompany struct {
	CompanyScore
	inTitle, inLead bool
}

// reuse returns (*buf)[:n], zeroed, growing *buf when it is too short.
func reuse[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	s := (*buf)[:n]
	clear(s)
	return s
}

// reuseSlices is reuse for a slice of slices: the inner slices keep their
// memory and are emptied.
func reuseSlices(buf [][]int, n int) [][]int {
	if cap(buf) < n {
		buf = append(buf[:cap(buf)], make([][]int, n-cap(buf))...)
	}
	buf = buf[:n]
	for i := range buf {
		buf[i] = buf[i][:0]
	}
	return buf
}
