package entities

import (
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
	if len(mentions) == 0 {
		return nil
	}
	sc, _ := reg.attrPool.Get().(*attrScratch)
	if sc == nil {
		sc = &attrScratch{byRoot: map[int]int{}, clauseRoots: map[int][]int{}}
	}
	defer reg.attrPool.Put(sc)
	clear(sc.byRoot)
	clear(sc.clauseRoots)
	byRoot, clauseRoots := sc.byRoot, sc.clauseRoots // root → index in comps; clause → roots
	comps := sc.comps[:0]                            // in order of first mention
	defer func() { sc.comps = comps[:0] }()
	// Roots named per sentence and per clause: short lists, as few
	// companies share a sentence.
	nSent := len(tok.Sentences)
	for _, m := range mentions {
		nSent = max(nSent, m.Sentence+1)
	}
	for i := range res.Hits {
		nSent = max(nSent, res.Hits[i].Sentence+1)
	}
	sc.sentRoots = reuseSlices(sc.sentRoots, nSent)
	sentRoots := sc.sentRoots
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
		k, ok := byRoot[m.Root]
		if !ok {
			k = len(comps)
			byRoot[m.Root] = k
			comps = append(comps, attrCompany{CompanyScore: CompanyScore{Root: m.Root, FirstOffset: m.Start}})
		}
		c := &comps[k]
		c.Mentions++
		total++
		if !contains(c.Matched, m.Surface) {
			c.Matched = append(c.Matched, m.Surface)
		}
		sentRoots[m.Sentence] = addRoot(sentRoots[m.Sentence], m.Root)
		if len(res.ClauseOf) > m.First {
			cl := res.ClauseOf[m.First]
			clauseRoots[cl] = addRoot(clauseRoots[cl], m.Root)
		}
		if m.Start < titleLen {
			c.inTitle = true
		}
		if m.Start >= titleLen && m.Sentence < len(tok.Sentences) && tok.Sentences[m.Sentence].Paragraph == leadPara {
			c.inLead = true
		}
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
	sentW := reuse(&sc.sentW, nSent)
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
		if inClause := clauseRoots[res.ClauseOf[res.Hits[i].First]]; len(inClause) == 0 || slices.Contains(inClause, root) {
			return 1
		}
		return 0
	}
	out := make([]CompanyScore, 0, len(comps))
	nc := len(sum.Categories())
	cats := make([]float64, len(comps)*nc) // one allocation for every company's categories
	for i := range comps {
		cs := &comps[i]
		root := cs.Root
		// A hit's share depends on its sentence, and on its clause only
		// where several companies share the sentence (−1 below).
		for s := range sentW {
			sentW[s] = sentenceWeight(s, root, sentRoots, paragraph)
		}
		if grouped {
			clear(weights)
			for s, w := range sentW {
				for i := from[s]; w != 0 && i < from[s+1]; i++ {
					weights[i] = weight(i, w, root)
				}
			}
		} else {
			for i := range res.Hits {
				weights[i] = weight(i, sentW[res.Hits[i].Sentence], root)
			}
		}
		cs.Categories = cats[i*nc : (i+1)*nc : (i+1)*nc]
		cs.Sentiment, cs.Risk = sum.Summarize(res.Hits, weights, cs.Categories)
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
	return out
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

// addRoot adds root to a set kept as a short list.
func addRoot(list []int, root int) []int {
	if slices.Contains(list, root) {
		return list
	}
	return append(list, root)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// attrScratch is the memory of one Attribute call, reused by the next (the
// rows it returns are always new).
type attrScratch struct {
	byRoot      map[int]int   // root → index in comps
	clauseRoots map[int][]int // clause → roots named in it
	comps       []attrCompany
	sentRoots   [][]int // sentence → roots named in it
	paragraph   []int
	weights     []float64
	sentW       []float64
	from        []int // where each sentence's hits start
}

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
