package entities

import (
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/marktstem/marktstem/pipeline/tokenize"
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
