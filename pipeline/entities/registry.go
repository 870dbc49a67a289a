// Package entities finds the companies an article mentions and attributes
// sentence-level scores to them.
//
// The registry is a CSV file (id, name, aliases, parent_id, ticker, isin,
// country, sector). Aliases are matched on normalised, accent-folded
// tokens with an Aho–Corasick automaton, whole-word, with three rules: an all-caps alias of
// up to five letters (ING, KBC, UCB) must match in capitals; an alias that
// starts with a capital (Shell, Signify) must match a capitalised word; a
// match may end inside a token before a hyphen or a possessive (ING-topman,
// ASML's). Brands and subsidiaries roll up to their top-most parent
// (TikTok → ByteDance).
package entities

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	ahocorasick "github.com/petar-dambovaliev/aho-corasick"

	"github.com/marktstem/marktstem/pipeline/tokenize"
)

// header is the registry's required header row.
var header = []string{"id", "name", "aliases", "parent_id", "ticker", "isin", "country", "sector"}

// Company is one registry row.
type Company struct {
	ID       string
	Name     string
	Aliases  []string
	ParentID string
	Ticker   string
	ISIN     string
	Country  string
	Sector   string
	Line     int // line in the registry file
}

// RegistryError reports a problem in the registry file at a line.
type RegistryError struct {
	File string
	Line int
	Err  error
}

// Error formats the problem as file:line: message.
func (e *RegistryError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }

// Unwrap returns the underlying error, for errors.Is and errors.As.
func (e *RegistryError) Unwrap() error { return e.Err }

// Registry is a validated company registry with its alias matcher.
type Registry struct {
	companies []Company
	root      []int
	byID      map[string]int
	patterns  []pattern
	ac        ahocorasick.AhoCorasick
	// wordSigs has the wordSig bit of every word of every alias set: most
	// tokens can be left out of the automaton's input after one bit test.
	wordSigs [1 << sigBits / 64]uint64
	findPool sync.Pool // *findScratch, the memory of Find
	attrPool sync.Pool // *attrScratch, the memory of Attribute
}

// findScratch is the memory of one Find call, reused by the next.
type findScratch struct {
	hay           []byte
	starts, index []int
	cands         []findCand
}

// findCand is a match of the automaton that passed the word and case
// rules, before overlapping matches are resolved.
type findCand struct {
	p          int
	first, end int  // token range [first, end]
	hEnd       int  // end of the match in the automaton's input
	inside     bool // the match ends inside token end (ING-topman)
}

const sigBits = 14

// wordSig is a cheap signature of a word: its length and three of its
// bytes, mixed.
func wordSig(w string) uint32 {
	n := len(w)
	if n == 0 {
		return 0
	}
	h := uint32(n) | uint32(w[0])<<8 | uint32(w[n/2])<<16 | uint32(w[n-1])<<24
	return (h * 0x9e3779b1) >> (32 - sigBits)
}

// aliasWord folds a token's norm and reports whether it may be covered by
// an alias match: it may be an alias word, or start with one before a
// hyphen or an apostrophe (ING-topman, ASML's). False positives only cost
// time. Plain ASCII words, most of the text, take one pass over their bytes.
func (reg *Registry) aliasWord(norm string) (string, bool) {
	cut := false
	for j := 0; j < len(norm); j++ {
		switch c := norm[j]; {
		case c >= utf8.RuneSelf:
			f := tokenize.Fold(norm)
			return f, reg.hasSig(f) || reg.hasCutSig(f)
		case c == '-' || c == '\'':
			cut = true
		}
	}
	return norm, reg.hasSig(norm) || (cut && reg.hasCutSig(norm))
}

// hasCutSig reports whether f starts with an alias word cut off by a
// hyphen or an apostrophe.
func (reg *Registry) hasCutSig(f string) bool {
	for c := 1; c < len(f); c++ {
		if (f[c] == '-' || f[c] == '\'') && reg.hasSig(f[:c]) {
			return true
		}
	}
	return false
}

func (reg *Registry) hasSig(w string) bool {
	s := wordSig(w)
	return reg.wordSigs[s/64]&(1<<(s%64)) != 0
}

type pattern struct {
	company       int
	alias         string
	key           string // normalised, folded, tokens joined by one space
	caseSensitive bool   // all-caps acronym: the surface must match exactly
	proper        bool   // capitalised name: the surface must start with a capital
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// ParseRegistry reads and validates a registry. name labels errors.
func ParseRegistry(name string, r io.Reader) (*Registry, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked after the header
	fail := func(line int, format string, args ...any) error {
		return &RegistryError{File: name, Line: line, Err: fmt.Errorf(format, args...)}
	}
	head, err := cr.Read()
	if err != nil {
		return nil, fail(1, "read header: %w", err)
	}
	if strings.Join(head, ",") != strings.Join(header, ",") {
		return nil, fail(1, "header %q, want %q", strings.Join(head, ","), strings.Join(header, ","))
	}
	cr.FieldsPerRecord = len(header)
	reg := &Registry{byID: map[string]int{}}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fail(pe.Line, "%v", pe.Err)
			}
			return nil, fail(0, "%w", err)
		}
		line, _ := cr.FieldPos(0)
		for i, f := range rec {
			if !utf8.ValidString(f) {
				return nil, fail(line, "column %s is not valid UTF-8", header[i])
			}
			rec[i] = strings.TrimSpace(f)
		}
		c := Company{ID: rec[0], Name: rec[1], ParentID: rec[3], Ticker: rec[4], ISIN: rec[5], Country: rec[6], Sector: rec[7], Line: line}
		if !idPattern.MatchString(c.ID) {
			return nil, fail(line, "id %q: want lower-case letters, digits and hyphens", c.ID)
		}
		if prev, ok := reg.byID[c.ID]; ok {
			return nil, fail(line, "duplicate id %q (first on line %d)", c.ID, reg.companies[prev].Line)
		}
		if c.Name == "" {
			return nil, fail(line, "company %q has no name", c.ID)
		}
		seen := map[string]bool{}
		for _, a := range append([]string{c.Name}, strings.Split(rec[2], "|")...) {
			a = strings.TrimSpace(a)
			if a == "" || seen[a] {
				continue
			}
			seen[a] = true
			c.Aliases = append(c.Aliases, a)
		}
		reg.byID[c.ID] = len(reg.companies)
		reg.companies = append(reg.companies, c)
	}
	if err := reg.link(name); err != nil {
		return nil, err
	}
	if err := reg.build(name); err != nil {
		return nil, err
	}
	return reg, nil
}

// link resolves parents and roots and rejects dangling parents and cycles.
func (reg *Registry) link(name string) error {
	reg.root = make([]int, len(reg.companies))
	for i, c := range reg.companies {
		if c.ParentID != "" {
			if _, ok := reg.byID[c.ParentID]; !ok {
				return &RegistryError{File: name, Line: c.Line, Err: fmt.Errorf("parent_id %q of %q is not in the registry", c.ParentID, c.ID)}
			}
		}
		cur, steps := i, 0
		for reg.companies[cur].ParentID != "" {
			cur = reg.byID[reg.companies[cur].ParentID]
			steps++
			if steps > len(reg.companies) {
				return &RegistryError{File: name, Line: c.Line, Err: fmt.Errorf("parent chain of %q has a cycle", c.ID)}
			}
		}
		reg.root[i] = cur
	}
	return nil
}

// build compiles the alias automaton. Two companies claiming the same alias
// is an error: a mention could not be attributed.
func (reg *Registry) build(name string) error {
	owner := map[string]int{}
	var keys []string
	var tok tokenize.Result
	tk := tokenize.New(nil)
	for i, c := range reg.companies {
		for _, a := range c.Aliases {
			key := aliasKey(tk, &tok, a)
			if key == "" {
				continue
			}
			cs := isAcronym(a)
			ownerKey := key
			if cs {
				ownerKey = "CS:" + a
			}
			if prev, ok := owner[ownerKey]; ok {
				if reg.root[prev] == reg.root[i] {
					continue
				}
				return &RegistryError{File: name, Line: c.Line, Err: fmt.Errorf("alias %q of %q is also an alias of %q", a, c.ID, reg.companies[prev].ID)}
			}
			owner[ownerKey] = i
			first, _ := utf8.DecodeRuneInString(a)
			for _, w := range strings.Split(key, " ") {
				sig := wordSig(w)
				reg.wordSigs[sig/64] |= 1 << (sig % 64)
			}
			reg.patterns = append(reg.patterns, pattern{company: i, alias: a, key: key, caseSensitive: cs, proper: unicode.IsUpper(first)})
			keys = append(keys, key)
		}
	}
	b := ahocorasick.NewAhoCorasickBuilder(ahocorasick.Opts{MatchKind: ahocorasick.StandardMatch, DFA: true})
	reg.ac = b.Build(keys)
	return nil
}

// aliasKey normalises an alias the way article tokens are normalised.
func aliasKey(tk *tokenize.Tokenizer, tok *tokenize.Result, alias string) string {
	tk.Tokenize(alias, tok)
	parts := make([]string, len(tok.Tokens))
	for i, t := range tok.Tokens {
		parts[i] = tokenize.Fold(t.Norm)
	}
	return strings.Join(parts, " ")
}

// isAcronym reports all-caps aliases of up to five letters (ING, KBC, NN).
func isAcronym(a string) bool {
	letters := 0
	for _, r := range a {
		switch {
		case unicode.IsLetter(r) && unicode.IsUpper(r):
			letters++
		case unicode.IsLetter(r):
			return false
		case unicode.IsDigit(r):
		default:
			return false
		}
	}
	return letters > 0 && letters <= 5
}

// Len returns the number of companies.
func (reg *Registry) Len() int { return len(reg.companies) }

// Company returns company i.
func (reg *Registry) Company(i int) Company { return reg.companies[i] }

// Root returns the index of the top-most parent of company i.
func (reg *Registry) Root(i int) int { return reg.root[i] }

// Lookup returns the index of the company with the given id.
func (reg *Registry) Lookup(id string) (int, bool) {
	i, ok := reg.byID[id]
	return i, ok
}

// Mention is one occurrence of a company name in an article.
type Mention struct {
	Company  int    // the company whose alias matched (e.g. TikTok)
	Root     int    // its top-most parent (e.g. ByteDance)
	Surface  string // the text as written
	First    int    // first token index
	N        int    // tokens covered
	Start    int    // byte offsets in the text
	End      int
	Sentence int
}

// Find returns the company mentions in a tokenised text, in text order.
//
// The automaton runs over the folded token norms joined by spaces, so an
// alias matches a run of whole tokens (Ahold Delhaize, ahold delhaize,
// Áhold …); its last word may also end inside a token before a hyphen or
// a possessive (ING-topman, Philips's, Philips'). Tokens that cannot be
// part of any alias (wordSig) are left out of its input, and a line break
// stands in for the gap, which no alias crosses: the automaton reads a
// fifth of the text or less and finds the same matches. Where aliases
// overlap the leftmost, then longest wins.
func (reg *Registry) Find(text string, tok *tokenize.Result) []Mention {
	return reg.find(text, tok, false)
}

// find is Find; with all it feeds the automaton every token, as Find did
// before it left tokens out: the reference the tests compare Find with.
func (reg *Registry) find(text string, tok *tokenize.Result, all bool) []Mention {
	toks := tok.Tokens
	if len(toks) == 0 || len(reg.patterns) == 0 {
		return nil
	}
	// The automaton's input and its token map live in pooled scratch
	// memory: Find runs once per article, from every worker.
	sc, _ := reg.findPool.Get().(*findScratch)
	if sc == nil {
		sc = &findScratch{}
	}
	defer reg.findPool.Put(sc)
	hay := sc.hay[:0]
	starts := sc.starts[:0] // per token in hay: where it starts
	index := sc.index[:0]   // and its index in toks
	defer func() { sc.hay, sc.starts, sc.index = hay, starts, index }()
	for i := range toks {
		var f string
		if all {
			f = tokenize.Fold(toks[i].Norm)
		} else if w, ok := reg.aliasWord(toks[i].Norm); ok {
			f = w
		} else {
			continue
		}
		if n := len(index); n > 0 {
			if index[n-1] == i-1 {
				hay = append(hay, ' ')
			} else {
				hay = append(hay, '\n') // not adjacent: no alias spans the gap
			}
		}
		starts = append(starts, len(hay))
		index = append(index, i)
		hay = append(hay, f...)
	}
	if len(index) == 0 {
		return nil
	}
	h := hay
	cands := sc.cands[:0]
	defer func() { sc.cands = cands[:0] }()
	it := reg.ac.IterOverlappingByte(h)
	for m := it.Next(); m != nil; m = it.Next() {
		k := sort.SearchInts(starts, m.Start())
		if k == len(starts) || starts[k] != m.Start() {
			continue // not at a token start
		}
		last := sort.SearchInts(starts, m.End()) - 1 // token containing the end
		// One separator byte follows every token but the last.
		tokEnd := len(h)
		if last+1 < len(starts) {
			tokEnd = starts[last+1] - 1
		}
		if m.End() != tokEnd && !endsName(string(h[m.End():tokEnd])) {
			continue // ends inside a word
		}
		p := reg.patterns[m.Pattern()]
		surfaceStart := toks[index[k]].Start
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
		cands = append(cands, findCand{p: m.Pattern(), first: index[k], end: index[last], hEnd: m.End(), inside: m.End() != tokEnd})
	}
	// Leftmost-longest among the valid candidates.
	slices.SortStableFunc(cands, func(a, b findCand) int {
		if a.first != b.first {
			return a.first - b.first
		}
		return b.hEnd - a.hEnd
	})
	if len(cands) == 0 {
		return nil
	}
	out := make([]Mention, 0, len(cands))
	next := 0
	for _, c := range cands {
		if c.first < next {
			continue
		}
		p := reg.patterns[c.p]
		start := toks[c.first].Start
		end := toks[c.end].End
		if c.inside {
			// Mention ends inside the token (ING-topman): cut the surface.
			end = start + len(p.alias)
			if end > toks[c.end].End || !utf8.ValidString(text[start:end]) {
				end = toks[c.end].End
			}
		}
		out = append(out, Mention{
			Company: p.company, Root: reg.root[p.company], Surface: text[start:end],
			First: c.first, N: c.end - c.first + 1, Start: start, End: end, Sentence: toks[c.first].Sentence,
		})
		next = c.end + 1
	}
	return out
}

// endsName reports what may follow a name inside a token: a hyphen
// (ING-topman) or a possessive (Philips's, Philips').
func endsName(rest string) bool {
	return strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "'s") || rest == "'"
}
