// Package entities finds the companies an article mentions and attributes
// sentence-level scores to them.
//
// The registry is a CSV file (id, name, aliases, parent_id, ticker, isin,
// country, sector). Aliases are matched on normalised, accent-folded
// tokens (indexed by their first word), whole-word, with three rules: an all-caps alias of
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
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/marktstem/marktstem/pipeline/tokenize"
	"github.com/marktstem/marktstem/seeds"
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
	words     wordSet   // the words of the alias keys, and the patterns each starts
	findPool  sync.Pool // *findScratch, the memory of Find
	attrPool  sync.Pool // *attrScratch, the memory of Attribute
}

// findScratch is the memory of one Find call, reused by the next.
type findScratch struct {
	ann    []uint32 // per token: Annotate of its norm (Find)
	folded []string // per token: its folded norm, or "" when no alias match can cover it
	heads  []findHead
	cands  []findCand
}

// findHead is a token where an alias match may start: an alias's first
// word, or a token with a hyphen or an apostrophe, where a one-word alias
// may end inside it (ING-topman).
type findHead struct {
	tok  int
	word int  // its index in reg.words, or −1
	cut  bool // it has a hyphen or an apostrophe
}

// findCand is an alias match that passed the word and case rules, before
// overlapping matches are resolved.
type findCand struct {
	p          int
	first, end int  // token range [first, end]
	endLen     int  // bytes of token end's folded norm that the match covers
	inside     bool // the match ends inside token end (ING-topman)
}

type pattern struct {
	company       int
	alias         string
	key           string   // normalised, folded, tokens joined by one space
	words         []string // key's words
	caseSensitive bool     // all-caps acronym: the surface must match exactly
	proper        bool     // capitalised name: the surface must start with a capital
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Default parses the registry the binary ships with, seeds/companies.csv:
// the one `marktstem score` matches against without --companies.
func Default() (*Registry, error) {
	f, err := seeds.FS().Open(seeds.CompaniesFile)
	if err != nil {
		return nil, fmt.Errorf("embedded registry: %w", err)
	}
	defer f.Close()
	return ParseRegistry("seeds/"+seeds.CompaniesFile, f)
}

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

// build indexes the aliases by their first word. Two companies claiming the
// same alias is an error: a mention could not be attributed.
func (reg *Registry) build(name string) error {
	owner := map[string]int{}
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
			words := strings.Split(key, " ")
			reg.patterns = append(reg.patterns, pattern{company: i, alias: a, key: key, words: words, caseSensitive: cs, proper: unicode.IsUpper(first)})
		}
	}
	reg.words.build(reg.patterns)
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
// An alias matches a run of whole tokens, compared by their folded norms
// (Ahold Delhaize, ahold delhaize, Áhold …); its last word may also end
// inside a token before a hyphen or a possessive (ING-topman, Philips's,
// Philips'). Where aliases overlap the leftmost, then longest wins. Most
// tokens cannot be part of any alias (wordSig) and cost one bit test; the
// rest are looked up in the set of alias words (wordSet), which also
// lists the aliases that start with them. The tests hold Find to an
// Aho–Corasick automaton over the whole text.
func (reg *Registry) Find(text string, tok *tokenize.Result) []Mention {
	return reg.FindAnnotated(text, tok, nil)
}

// Annotation bits (Annotate): the alias word's index in reg.words plus
// one, and two flags.
const (
	annWord    = 1<<30 - 1 // index+1 of the folded norm among the alias words, 0 for none
	annCut     = 1 << 30   // an alias word with a hyphen or an apostrophe
	annCutWord = 1 << 31   // no alias word, but a one-word alias may end inside it (ING-topman)
)

// Annotate says what a token with this norm is to Find, as a number: 0,
// most words, for no part of any alias. Find annotates every token; a
// caller that keeps the annotations of the words it has seen
// (scoring.Scorer.Resolve) passes them to FindAnnotated instead.
func (reg *Registry) Annotate(norm string) uint32 {
	f, cut := foldNorm(norm)
	sig := wordSig(f)
	if !reg.words.hasSig(sig) && !cut {
		return 0
	}
	w := reg.words.index(f, sig)
	switch {
	case w >= 0 && cut:
		return uint32(w+1) | annCut
	case w >= 0:
		return uint32(w + 1)
	case cut && reg.words.hasCutWord(f):
		return annCutWord
	}
	return 0
}

// FindAnnotated is Find for tokens annotated by Annotate: ann[i] is
// reg.Annotate(tok.Tokens[i].Norm). Given a slice of another length, it
// annotates the tokens itself, as Find does.
func (reg *Registry) FindAnnotated(text string, tok *tokenize.Result, ann []uint32) []Mention {
	return reg.AppendMentions(nil, text, tok, ann)
}

// AppendMentions appends to dst the mentions FindAnnotated finds, and
// returns the extended slice: a caller that reuses its slice from article
// to article allocates nothing for them.
func (reg *Registry) AppendMentions(dst []Mention, text string, tok *tokenize.Result, ann []uint32) []Mention {
	toks := tok.Tokens
	if len(toks) == 0 || len(reg.patterns) == 0 {
		return dst
	}
	// The annotations, the folded words and the candidates live in pooled
	// scratch memory: Find runs once per article, from every worker.
	sc, _ := reg.findPool.Get().(*findScratch)
	if sc == nil {
		sc = &findScratch{}
	}
	defer reg.findPool.Put(sc)
	if len(ann) != len(toks) {
		ann = resize(sc.ann, len(toks))
		sc.ann = ann
		for i := range toks {
			ann[i] = reg.Annotate(toks[i].Norm)
		}
	}
	// folded is all "" until set below: the pooled memory is cleared after
	// use, which also keeps the pool from holding on to the article.
	folded := resize(sc.folded, len(toks))
	defer func() {
		clear(folded)
		sc.folded = folded
	}()
	// First the tokens alone, by their annotations: keep the folded
	// word where an alias match may cover it. Most tokens are no alias
	// word and annotated 0.
	heads := sc.heads[:0]
	defer func() { sc.heads = heads[:0] }()
	for i, a := range ann {
		if a == 0 {
			continue
		}
		if w := int(a&annWord) - 1; w >= 0 {
			cut := a&annCut != 0
			folded[i] = reg.words.words[w].word // the token's folded norm
			if cut || len(reg.words.words[w].starts) > 0 {
				heads = append(heads, findHead{tok: i, word: w, cut: cut})
			}
			continue
		}
		folded[i], _ = foldNorm(toks[i].Norm) // a match may end inside it
		heads = append(heads, findHead{tok: i, word: -1, cut: true})
	}
	// Then the matches from each token where one may start.
	cands := sc.cands[:0]
	defer func() { sc.cands = cands[:0] }()
	for _, h := range heads {
		i, f := h.tok, folded[h.tok]
		if h.word >= 0 {
			for _, p := range reg.words.words[h.word].starts {
				if c, ok := reg.matchAt(p, folded, i); ok {
					cands = reg.appendIfCased(cands, c, text, toks)
				}
			}
		}
		if !h.cut {
			continue
		}
		// One-word aliases may end inside the token: ING-topman, ASML's.
		for c := 1; c < len(f); c++ {
			if (f[c] != '-' && f[c] != '\'') || !endsName(f[c:]) {
				continue
			}
			w := reg.words.lookup(f[:c])
			if w < 0 {
				continue
			}
			for _, p := range reg.words.words[w].starts {
				if len(reg.patterns[p].words) == 1 {
					cands = reg.appendIfCased(cands, findCand{p: int(p), first: i, end: i, endLen: c, inside: true}, text, toks)
				}
			}
		}
	}
	// Leftmost-longest among the valid candidates.
	slices.SortStableFunc(cands, func(a, b findCand) int {
		if a.first != b.first {
			return a.first - b.first
		}
		if a.end != b.end {
			return b.end - a.end
		}
		return b.endLen - a.endLen
	})
	if len(cands) == 0 {
		return dst
	}
	out := slices.Grow(dst, len(cands))
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

// mention is pattern p's match over tokens [first, end]; inside: it ends
// inside token end.
func (reg *Registry) mention(p, first, end int, inside bool, text string, toks []tokenize.Token) Mention {
	pat := reg.patterns[p]
	from, to := int(toks[first].Start), int(toks[end].End)
	if inside {
		// Mention ends inside the token (ING-topman): cut the surface.
		if to2 := from + len(pat.alias); to2 <= to && utf8.ValidString(text[from:to2]) {
			to = to2
		}
	}
	return Mention{
		Company: pat.company, Root: reg.root[pat.company], Surface: text[from:to],
		First: first, N: end - first + 1, Start: from, End: to, Sentence: int(toks[first].Sentence),
	}
}

// matchAt reports whether pattern p, whose first word is folded[i],
// matches the folded words from token i on, its last word whole or ending
// inside its token before endsName.
func (reg *Registry) matchAt(p int32, folded []string, i int) (findCand, bool) {
	words := reg.patterns[p].words
	if len(words) == 1 { // the token is the word: no need to compare them again
		return findCand{p: int(p), first: i, end: i, endLen: len(folded[i])}, true
	}
	last := i + len(words) - 1
	if last >= len(folded) {
		return findCand{}, false
	}
	for k := 1; k < len(words)-1; k++ {
		if folded[i+k] != words[k] {
			return findCand{}, false
		}
	}
	w, f := words[len(words)-1], folded[last]
	switch {
	case f == w:
		return findCand{p: int(p), first: i, end: last, endLen: len(f)}, true
	case len(f) > len(w) && f[:len(w)] == w && endsName(f[len(w):]):
		return findCand{p: int(p), first: i, end: last, endLen: len(w), inside: true}, true
	}
	return findCand{}, false
}

// appendIfCased appends c when the text passes its pattern's case rule:
// acronyms must match exactly (ING, not ing), names start with a capital.
func (reg *Registry) appendIfCased(cands []findCand, c findCand, text string, toks []tokenize.Token) []findCand {
	p := reg.patterns[c.p]
	surfaceStart := toks[c.first].Start
	if p.caseSensitive {
		if !strings.HasPrefix(text[surfaceStart:], p.alias) {
			return cands
		}
	} else if p.proper {
		r, _ := utf8.DecodeRuneInString(text[surfaceStart:])
		if !unicode.IsUpper(r) {
			return cands
		}
	}
	return append(cands, c)
}

// resize returns b resized to n, reallocating only when it is too small:
// a new b is all zero values, and a reused one has what its last user left.
func resize[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

// endsName reports what may follow a name inside a token: a hyphen
// (ING-topman) or a possessive (Philips's, Philips').
func endsName(rest string) bool {
	return strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "'s") || rest == "'"
}
