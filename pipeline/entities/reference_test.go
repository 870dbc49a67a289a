package entities

import (
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/marktstem/marktstem/pipeline/tokenize"
	"github.com/marktstem/marktstem/scoring"
	ahocorasick "github.com/petar-dambovaliev/aho-corasick"
)

// reference is the specification Find is held to: an Aho–Corasick
// automaton over the folded norms of every token, joined by spaces, with
// the word and case rules applied to its matches (Find's implementation
// before it indexed aliases by their first word).
type reference struct {
	reg *Registry
	ac  ahocorasick.AhoCorasick
}

func newReference(reg *Registry) *reference {
	keys := make([]string, len(reg.patterns))
	for i, p := range reg.patterns {
		keys[i] = p.key
	}
	b := ahocorasick.NewAhoCorasickBuilder(ahocorasick.Opts{MatchKind: ahocorasick.StandardMatch, DFA: true})
	return &reference{reg: reg, ac: b.Build(keys)}
}

// find returns the mentions Find must return.
func (ref *reference) find(text string, tok *tokenize.Result) []Mention {
	reg, ac := ref.reg, ref.ac
	toks := tok.Tokens
	if len(toks) == 0 || len(reg.patterns) == 0 {
		return nil
	}
	var hay []byte
	var starts []int // per token: where it starts in hay
	for i := range toks {
		if i > 0 {
			hay = append(hay, ' ')
		}
		starts = append(starts, len(hay))
		hay = append(hay, tokenize.Fold(toks[i].Norm)...)
	}
	type cand struct {
		p, first, end, hEnd int
		inside              bool
	}
	var cands []cand
	it := ac.IterOverlappingByte(hay)
	for m := it.Next(); m != nil; m = it.Next() {
		k := sort.SearchInts(starts, m.Start())
		if k == len(starts) || starts[k] != m.Start() {
			continue // not at a token start
		}
		last := sort.SearchInts(starts, m.End()) - 1 // token containing the end
		tokEnd := len(hay)
		if last+1 < len(starts) {
			tokEnd = starts[last+1] - 1
		}
		if m.End() != tokEnd && !endsName(string(hay[m.End():tokEnd])) {
			continue // ends inside a word
		}
		p := reg.patterns[m.Pattern()]
		surfaceStart := toks[k].Start
		if p.caseSensitive {
			if !strings.HasPrefix(text[surfaceStart:], p.alias) {
				continue
			}
		} else if p.proper {
			r, _ := utf8.DecodeRuneInString(text[surfaceStart:])
			if !unicode.IsUpper(r) {
				continue
			}
		}
		cands = append(cands, cand{p: m.Pattern(), first: k, end: last, hEnd: m.End(), inside: m.End() != tokEnd})
	}
	slices.SortStableFunc(cands, func(a, b cand) int {
		if a.first != b.first {
			return a.first - b.first
		}
		return b.hEnd - a.hEnd
	})
	var out []Mention
	next := 0
	for _, c := range cands {
		if c.first < next {
			continue
		}
		out = append(out, reg.mention(c.p, c.first, c.end, c.inside, text, toks))
		next = c.end + 1
	}
	return out
}

// foldNormBytewise is foldNorm one byte at a time: the specification the
// tests hold foldNorm to.
func foldNormBytewise(norm string) (folded string, cut bool) {
	for j := 0; j < len(norm); j++ {
		switch c := norm[j]; {
		case c >= 0x80:
			f := tokenize.Fold(norm)
			return f, strings.ContainsAny(f, "-'")
		case c == '-' || c == '\'':
			cut = true
		}
	}
	return norm, cut
}

// referenceAttribute is the specification Attribute is held to: the same
// rules written plainly, without pooled memory, with maps, and with every
// hit's share read from the share of its sentence for every company.
func referenceAttribute(reg *Registry, sum Summarizer, res *scoring.Result, tok *tokenize.Result, mentions []Mention, titleLen int) []CompanyScore {
	if len(mentions) == 0 {
		return nil
	}
	byRoot := map[int]int{}
	clauseRoots := map[int][]int{}
	var comps []attrCompany
	nSent := len(tok.Sentences)
	for _, m := range mentions {
		nSent = max(nSent, m.Sentence+1)
	}
	for _, h := range res.Hits {
		nSent = max(nSent, int(h.Sentence)+1)
	}
	sentRoots := make([][]int, nSent)
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
		if !slices.Contains(c.Matched, m.Surface) {
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
	for _, c := range comps {
		maxMentions = max(maxMentions, c.Mentions)
	}
	paragraph := make([]int, nSent)
	for s := range paragraph {
		paragraph[s] = -1
		if s < len(tok.Sentences) {
			paragraph[s] = tok.Sentences[s].Paragraph
		}
	}
	var out []CompanyScore
	for _, cs := range comps {
		weights := make([]float64, len(res.Hits))
		for i, h := range res.Hits {
			w := sentenceWeight(int(h.Sentence), cs.Root, sentRoots, paragraph)
			if w < 0 {
				w = 0
				if inClause := clauseRoots[res.ClauseOf[h.First]]; len(inClause) == 0 || slices.Contains(inClause, cs.Root) {
					w = 1
				}
			}
			weights[i] = w
		}
		cs.Categories = make([]float64, len(sum.Categories()))
		cs.Sentiment, cs.Risk = sum.Summarize(res.Hits, weights, cs.Categories)
		rel := relShare * float64(cs.Mentions) / float64(len(mentions))
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
	slices.SortFunc(out, func(a, b CompanyScore) int {
		return strings.Compare(reg.companies[a.Root].ID, reg.companies[b.Root].ID)
	})
	return out
}
