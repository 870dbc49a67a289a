package scoring

import (
	"encoding/binary"
	"math/bits"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/dutch"

	"github.com/marktstem/marktstem/lexicons"
	"github.com/marktstem/marktstem/pipeline/tokenize"
)

// Via says how a token matched a lexicon entry.
type Via uint8

// Lookup routes, from most to least certain.
const (
	Exact    Via = iota + 1 // the normalised form
	Folded                  // accents folded (financiele → financiële)
	Stem                    // Snowball Dutch stem (verliezen → verlies)
	Compound                // the head of a closed compound (kwartaalwinst → winst)
)

var viaNames = [...]string{"", "exact", "folded", "stem", "compound"}

// String names the route.
func (v Via) String() string {
	if int(v) < len(viaNames) {
		return viaNames[v]
	}
	return "unknown"
}

// index finds lexicon entries at token positions. Entries are referred to by
// their position in the slice the index was built from.
type index struct {
	single  map[string]int32   // one-word entries by normalised form
	phrases map[string][]int32 // multi-word entries by first word, longest first
	words   [][]string         // the words of each entry
	folded  map[string]int32
	stems   map[string]int32
	heads   map[string]int32 // entries allowed as compound heads
	dc      *tokenize.Decompounder
	fuzzy   bool  // use the folded, stem and compound routes
	slot    int   // position in the Scorer's vocabulary
	bit     uint8 // 1 << slot: the index's bit in tokens.mayBits
}

// minHead bounds the lexicon entries that may head a compound: shorter
// ones split too much.
const minHead = 4

// newIndex builds an index over terms. canHead says whether entry i may
// serve as the head of an unknown compound.
func newIndex(terms []string, fuzzy bool, canHead func(i int) bool) *index {
	ix := &index{
		single: map[string]int32{}, phrases: map[string][]int32{},
		folded: map[string]int32{}, stems: map[string]int32{}, heads: map[string]int32{},
		words: make([][]string, len(terms)), fuzzy: fuzzy,
	}
	for i, t := range terms {
		words := strings.Fields(tokenize.Normalize(t))
		ix.words[i] = words
		if len(words) == 0 {
			continue
		}
		if len(words) > 1 {
			ix.phrases[words[0]] = append(ix.phrases[words[0]], int32(i))
			continue
		}
		w := words[0]
		ix.single[w] = int32(i) // later entries override earlier ones
		if !fuzzy {
			continue
		}
		ix.folded[tokenize.Fold(w)] = int32(i)
		if canHead == nil || canHead(i) {
			if utf8.RuneCountInString(w) >= minHead {
				ix.heads[w] = int32(i)
			}
		}
	}
	if fuzzy {
		// Stems: an exact entry wins over a stem collision; among colliding
		// entries the shortest term (the base form) wins.
		keys := make([]string, 0, len(ix.single))
		for w := range ix.single {
			keys = append(keys, w)
		}
		sort.Slice(keys, func(a, b int) bool {
			if len(keys[a]) != len(keys[b]) {
				return len(keys[a]) < len(keys[b])
			}
			return keys[a] < keys[b]
		})
		for _, w := range keys {
			st := stem(w)
			if _, ok := ix.stems[st]; !ok {
				ix.stems[st] = ix.single[w]
			}
		}
	}
	for k, list := range ix.phrases {
		sort.SliceStable(list, func(a, b int) bool { return len(ix.words[list[a]]) > len(ix.words[list[b]]) })
		ix.phrases[k] = list
	}
	return ix
}

// lookup finds the entry that starts at token i of the article's tokens
// (limited to end). It returns the entry, the number of tokens it covers
// and the route, or -1 when nothing matches.
func (ix *index) lookup(t *tokens, i, end int) (entry int, n int, via Via) {
	if !t.may(i, ix) {
		return -1, 0, 0
	}
	r := t.words[i]
	if t.mayPhrase(r, ix.bit, ix.slot, i, end) {
		return ix.lookupPhrase(t, r, i, end)
	}
	return r.alone(ix.slot, t.toks[i].Kind)
}

// mayPhrase reports whether a phrase of the index with bit and slot may
// start at token i, word r, and end by end: whether r starts one and the
// next token's signature is among their second words'. Most candidates
// stop at the bit, which is in r's first cache line.
func (t *tokens) mayPhrase(r *word, bit uint8, slot, i, end int) bool {
	return r.phrases&bit != 0 && i+1 < end && r.seconds[slot]&(1<<(t.sig6[i+1]&63)) != 0
}

// lookupPhrase is lookup at a token i, word r, where mayPhrase holds: the
// longest phrase that matches, else the word alone.
func (ix *index) lookupPhrase(t *tokens, r *word, i, end int) (entry int, n int, via Via) {
	toks := t.toks
	info := r.exact
	phrases := info.phrases[ix.slot]
	if second := info.second[ix.slot]; second != nil && !second[toks[i+1].Norm] {
		phrases = nil
	}
	for _, p := range phrases {
		n := len(p.rest) + 2
		if i+n > end || toks[i+1].Norm != p.second {
			continue
		}
		ok := true
		for k, w := range p.rest {
			if toks[i+2+k].Norm != w {
				ok = false
				break
			}
		}
		if ok {
			return int(p.entry), n, Exact
		}
	}
	return r.alone(ix.slot, toks[i].Kind)
}

// alone is the match of index slot at a word on its own, a token of kind:
// its exact entry, or a fuzzy route, which depends on the word alone and
// costs a stemmer and a decompounder run, so it was resolved once per word
// (vocabulary.build).
func (r *word) alone(slot int, kind tokenize.Kind) (entry int, n int, via Via) {
	v := r.direct[slot]
	if v.entry < 0 || (v.via != Exact && kind != tokenize.Word) {
		return -1, 0, 0
	}
	return int(v.entry), 1, v.via
}

// candidate returns the first token from i on and before last where an
// index with a bit in mask may match, or last for none. It reads the may
// bits of 8 tokens at once from mayWide: a branch per token on its bits
// would mispredict every few tokens.
func (t *tokens) candidate(mask uint8, i, last int) int {
	lanes := uint64(mask) * 0x0101010101010101 // mask in each byte
	for ; i < last; i += 8 {
		if m := binary.LittleEndian.Uint64(t.mayWide[i:i+8]) & lanes; m != 0 {
			return min(i+bits.TrailingZeros64(m)/8, last)
		}
	}
	return last
}

// next finds the first match of ix at or after token i and before last,
// skipping the tokens marked in used (nil: none). It returns where the
// match starts, its entry, length and route, or at == last for none. It
// is lookup over the candidates of ix, with the one-word case inline:
// most candidates start no phrase of ix.
func (t *tokens) next(ix *index, i, last int, used []bool) (at, entry, n int, via Via) {
	bit, slot := ix.bit, ix.slot // kept in registers across the calls
	toks, words := t.toks, t.words
	for {
		if i = t.candidate(bit, i, last); i == last {
			break
		}
		if used != nil && used[i] {
			i++
			continue
		}
		r := words[i]
		if t.mayPhrase(r, bit, slot, i, last) {
			entry, n, via = ix.lookupPhrase(t, r, i, last)
		} else {
			entry, n, via = r.alone(slot, toks[i].Kind)
		}
		if entry >= 0 {
			return i, entry, n, via
		}
		i++
	}
	return last, -1, 0, 0
}

// fuzzyLookup tries the folded, stem and compound routes for one word.
func (ix *index) fuzzyLookup(w string) (int, Via) {
	if !isASCII(w) {
		if e, ok := ix.folded[tokenize.Fold(w)]; ok {
			return int(e), Folded
		}
	}
	if len(w) < 4 {
		return -1, 0
	}
	// A stem match must not be shorter than its entry: inflection adds to
	// the base form (winsten → winst), while a shorter token sharing a stem
	// with a derived entry is usually another word (groot ≠ groots). Nor
	// may it add a suffix the stemmer strips but that makes another word
	// (overheid ≠ over, werkelijk ≠ werk, eetbaar ≠ eet).
	if e, ok := ix.stems[stem(w)]; ok && len(w) >= len(ix.words[e][0]) && !derived(w, ix.words[e][0]) {
		return int(e), Stem
	}
	if e, ok := ix.compound(w); ok {
		return e, Compound
	}
	return -1, 0
}

// derived reports whether w ends in a suffix that Snowball's Dutch
// stemmer removes but that makes a new word rather than a form of the
// same one (-heid, -lijk, -baar and their inflections), and entry does not.
func derived(w, entry string) bool {
	for _, suf := range [...]string{"heid", "heden", "lijk", "lijke", "lijker", "lijkst", "lijkste", "baar", "bare", "baarder", "baarst", "baarste"} {
		if strings.HasSuffix(w, suf) && !strings.HasSuffix(entry, suf) {
			return true
		}
	}
	return false
}

// compound finds the entry for a closed compound by its parts: Dutch
// compounds are head-final, so the head carries the meaning. The longest
// known right-hand part wins (privacy|regel|geving → regelgeving before
// geving), then the head's lemma (gameverslavingen → verslaving). The
// decompounder only splits into known parts and never splits off stop
// heads, so beursgang does not score as gang.
func (ix *index) compound(w string) (int, bool) {
	if ix.dc == nil {
		return -1, false
	}
	parts := ix.dc.Split(w)
	if parts == nil {
		return ix.namedCompound(w)
	}
	for _, p := range parts[1:] {
		right := w[p.Start:]
		if e, ok := ix.heads[right]; ok {
			return int(e), true
		}
		// Inflected right-hand part: the stem must lead to a head entry.
		if len(right) > 5 {
			if e, ok := ix.stems[stem(right)]; ok && !derived(right, ix.words[e][0]) {
				if _, head := ix.heads[strings.Join(ix.words[e], " ")]; head {
					return int(e), true
				}
			}
		}
	}
	if e, ok := ix.heads[parts[len(parts)-1].Lemma]; ok {
		return int(e), true
	}
	return -1, false
}

// Bounds of namedCompound: news compounds often have a name or acronym
// as modifier (liborboete, grexitangst) that no vocabulary knows, so a
// long lexicon head may follow an unknown modifier of some length.
const (
	minNamedHead     = 5
	minNamedModifier = 4
)

// namedCompound finds the longest lexicon head after an unknown modifier,
// for words the decompounder could not split at all. Stop heads, no-split
// words and particle modifiers still veto (beursgang, overhoop).
func (ix *index) namedCompound(w string) (int, bool) {
	if ix.dc.Role(w)&tokenize.NoSplit != 0 || strings.ContainsAny(w, "-_") {
		return -1, false
	}
	runes := 0
	for k := range w {
		if runes >= minNamedModifier {
			rest := w[k:]
			if utf8.RuneCountInString(rest) < minNamedHead {
				break
			}
			if e, ok := ix.heads[rest]; ok {
				if ix.dc.Role(rest)&tokenize.StopHead != 0 || ix.dc.Role(w[:k])&tokenize.NoModifier != 0 {
					return -1, false
				}
				return int(e), true
			}
		}
		runes++
	}
	return -1, false
}

// compoundVocabulary builds the decompounder from the vocabulary in
// lexicons/nl/compound_parts.tsv.
func compoundVocabulary(set *lexicons.Set) *tokenize.Decompounder {
	d := tokenize.NewDecompounder()
	for _, p := range set.CompoundParts {
		for _, r := range p.Roles {
			if role, ok := tokenize.ParseRole(r); ok {
				d.Add(p.Term, role)
			}
		}
	}
	return d
}

// attachCompounds lets the fuzzy indexes split compounds: the shared
// vocabulary, plus each index's own head entries as heads.
func attachCompounds(set *lexicons.Set, indexes ...*index) {
	base := compoundVocabulary(set)
	for _, ix := range indexes {
		heads := make([]string, 0, len(ix.heads))
		for w := range ix.heads {
			heads = append(heads, w)
		}
		ix.dc = base.WithHeads(heads)
	}
}

func stem(w string) string {
	env := snowballstem.NewEnv(w)
	dutch.Stem(env)
	return env.Current()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
