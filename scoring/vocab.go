package scoring

import (
	"maps"
	"slices"
	"strings"

	"github.com/cespare/xxhash/v2"

	"github.com/marktstem/marktstem/pipeline/tokenize"
)

// Index slots: every index of a Scorer has a slot in wordInfo, so one map
// lookup per token resolves the exact entries of all lexicons at once.
// The most looked-up indexes come first: their word.direct entries share
// the word's first cache line.
const (
	slotSentiment = iota
	slotRegulatory
	slotShift
	slotActor
	slotVerb
	slotObject
	numSlots
)

// wordInfo is what the lexicons know about one normalised word.
type wordInfo struct {
	single  [numSlots]int32    // entry of the one-word term, −1 for none
	phrases [numSlots][]phrase // phrases starting with the word, longest first
	// second holds the second words of the phrases, for words that start
	// many (in de rode cijfers, in het nauw …): one lookup rules them out.
	second [numSlots]map[string]bool
	// starter is the word's index in vocabulary.starters, 0 when no
	// phrase starts with it or past maxStarters.
	starter uint16
}

// maxStarters bounds the ids of vocabulary.starters: a token's id shares
// 16 bits with its 6-bit signature (tokens.sig6). Words beyond it (the
// shipped lexicons have some 600) keep their bits: slower, never wrong.
const maxStarters = 1 << 10

// starter is what resolve needs of a word that starts phrases: the bits
// of its may that only those phrases set (it matches no index k of them
// alone, and is no actor prefix), and the signatures of the second words
// of those phrases, all indexes together. Where the next token has none
// of them, the bits go: no phrase can start there, and the lookups skip
// the token. Most phrase starters (de, het, in) are followed by no second
// word.
type starter struct {
	only    uint8
	seconds uint64
}

// phrase is a multi-word entry as its first word's wordInfo lists it: its
// later words are kept inline, so most candidates are ruled out by
// comparing the next token with second, without reading the index.
type phrase struct {
	second string   // the second word
	rest   []string // the words after the second
	entry  int32
}

// manyPhrases is the number of phrases from which a word gets a second set.
const manyPhrases = 4

// word is everything every index can say about one normalised word: its
// exact entries and its fuzzy routes (folded, stem, compound), resolved
// once per word. may has bit k set when index k can match at the word at
// all, so the many tokens that match nothing cost one bit test per index;
// the actor bit is also set when the part before a hyphen is an actor.
type word struct {
	// The fields up to direct[slotVerb] fill the first cache line (a word
	// is 128 bytes, so 64-byte aligned): resolve and a one-word lookup
	// read nothing else.
	phrases uint8  // bit k: a phrase of index k starts with the word
	may     uint8  // bit k: index k can match at the word
	flags   uint8  // what the word is to clause and quote rules (flag…)
	actor   int32  // actor entry of the part before a hyphen (DNB-topman), −1 for none
	norm    string // the normalised form it was resolved from (its own copy)
	// direct is index k's match of the word on its own: its one-word entry,
	// else its fuzzy route (via not Exact; those apply to words only).
	// Where no phrase of index k starts with the word (phrases bit k
	// clear), the lookup ends here without reading exact.
	direct [numSlots]memoVal
	exact  *wordInfo // nil: the word starts no entry
	// seconds[k] has bit sig6(w) set for the second word w of every
	// phrase of index k that starts with the word: the next token's bit
	// rules out most phrase candidates before their words are read.
	seconds [numSlots]uint64
}

// Word flags: the rules of ScoreInto test a bit instead of comparing
// strings. A punctuation flag only counts on a punctuation token.
const (
	flagStartsClause = 1 << iota // terwijl, maar … (see wordFlags)
	flagEndsClause               // , ; : dashes, brackets
	flagQuoteToggle              // " ' `
	flagQuoteOpen                // “ „ ‘ «
	flagQuoteClose               // ” ’ »
)

// vocabulary maps every word that starts an entry of any index.
type vocabulary struct {
	words   map[string]*wordInfo
	indexes [numSlots]*index
	shared  *memo[*word] // resolved words, for all workers
	// starters holds the words that start phrases, by wordInfo.starter;
	// starters[0] is none. A full array: its ids need no bounds checks.
	starters *[maxStarters]starter
}

func newVocabulary(indexes [numSlots]*index) *vocabulary {
	v := &vocabulary{words: map[string]*wordInfo{}, indexes: indexes, shared: newMemo[*word]()}
	get := func(w string) *wordInfo {
		info := v.words[w]
		if info == nil {
			info = &wordInfo{}
			for k := range info.single {
				info.single[k] = -1
			}
			v.words[w] = info
		}
		return info
	}
	for k, ix := range indexes {
		ix.slot, ix.bit = k, 1<<k
		for w, e := range ix.single {
			get(w).single[k] = e
		}
		for w, list := range ix.phrases {
			info := get(w)
			for _, e := range list {
				words := ix.words[e]
				info.phrases[k] = append(info.phrases[k], phrase{second: words[1], rest: words[2:], entry: e})
			}
			if len(list) > manyPhrases {
				info.second[k] = map[string]bool{}
				for _, e := range list {
					info.second[k][ix.words[e][1]] = true
				}
			}
		}
	}
	v.starters = new([maxStarters]starter)
	ids := 1 // starters[0] is none
	for _, w := range slices.Sorted(maps.Keys(v.words)) {
		info := v.words[w]
		if !slices.ContainsFunc(info.phrases[:], func(p []phrase) bool { return len(p) > 0 }) {
			continue
		}
		r := v.build(w)
		var st starter
		for k := range numSlots {
			if r.phrases&(1<<k) != 0 && r.direct[k].entry < 0 && (k != slotActor || r.actor < 0) {
				st.only |= 1 << k
				st.seconds |= r.seconds[k]
			}
		}
		if st.only != 0 && ids < maxStarters {
			info.starter = uint16(ids)
			v.starters[ids] = st
			ids++
		}
	}
	return v
}

// build resolves w against every index.
func (v *vocabulary) build(w string) *word {
	r := &word{norm: strings.Clone(w), exact: v.words[w], flags: wordFlags(w), actor: -1}
	if head, _, ok := strings.Cut(w, "-"); ok && head != "" {
		if e, ok := v.indexes[slotActor].single[head]; ok {
			r.actor = e
			// The actor loop asks for prefixes only where the bit is set.
			r.may |= 1 << slotActor
		}
	}
	for k, ix := range v.indexes {
		r.direct[k] = memoVal{entry: -1}
		if info := r.exact; info != nil {
			if info.single[k] >= 0 || len(info.phrases[k]) > 0 {
				r.may |= 1 << k
			}
			if len(info.phrases[k]) > 0 {
				r.phrases |= 1 << k
				for _, p := range info.phrases[k] {
					r.seconds[k] |= 1 << sig6(p.second)
				}
			}
			if info.single[k] >= 0 {
				r.direct[k] = memoVal{entry: info.single[k], via: Exact}
				continue // an exact entry wins over the fuzzy routes
			}
		}
		if ix.fuzzy {
			e, via := ix.fuzzyLookup(w)
			r.direct[k] = memoVal{entry: int32(e), via: via}
			if e >= 0 {
				r.may |= 1 << k
			}
		}
	}
	return r
}

// localWords bounds a worker's own cache of resolved words; past it the
// worker asks the shared memo, which is slower (a lock) but never wrong.
const localWords = 1 << 16

// tokens is one article's tokens with their lexicon lookups resolved once
// for all indexes.
type tokens struct {
	toks    []tokenize.Token
	words   []*word
	mayBits []uint8 // words[i].may less what dropLoneStarts drops, packed: most lookups stop at this byte
	flags   []uint8 // words[i].flags, packed
	// sig6 is each token's signature, sig6 of its norm, in the low 6
	// bits, and its word's wordInfo.starter above them.
	sig6   []uint16
	hashes []uint64 // xxhash of the norm of each word and number token, in order (Result.WordHashes)
	ann    []uint32 // each token's annotation (Result.Annotations)
	// mayWide is mayBits followed by 8 zero bytes (mayBits is its start),
	// so that next can read the bits of any 8 tokens at once.
	mayWide []uint8
	local   map[string]*word // this worker's resolved words, kept across articles
	recent  []recentWord     // a direct-mapped cache in front of local (recentSize slots)
	voc     *vocabulary      // the vocabulary local and recent belong to
	// annotator made the annotations in recent; nil for none.
	annotator Annotator
}

// recentWord is a slot of tokens.recent. It holds what resolve copies
// for a token inline, so that a hit or a miss costs no read of the word
// itself: the slots are contiguous, the words scattered over the heap.
// hash is the xxhash of norm (WordHashes), ann its annotation.
type recentWord struct {
	norm       string
	w          *word
	hash       uint64
	ann        uint32
	may, flags uint8
	sig        uint16 // the token's tokens.sig6 entry
}

// recentSize is the number of slots of tokens.recent: enough for the
// words that make up most of any news text (at 40 bytes a slot, 320 KB:
// it stays in a core's L2 cache). 4,096 slots missed 1.7 times as often
// (11 % of the tokens of generated news against 6.3 %); 16,384 left the
// cache.
const recentSize = 1 << recentBits

// recentBits is log₂ recentSize.
const recentBits = 13

// recentSlot picks w's slot from its length and its first two, middle and
// last two bytes, mixed by one multiplication: cheaper than a map's hash,
// and a collision only costs a map lookup. With the first, middle and
// last bytes alone (tokenize.ShortHash) Dutch words collided a fifth more
// often than with a full hash; with these, 4 % more (at 4,096 slots).
func recentSlot(w string) int {
	const mix = 0x9e3779b97f4a7c15
	n := len(w)
	if n < 2 {
		if n == 0 {
			return 0
		}
		return int((1 | uint64(w[0])<<8) * mix >> (64 - recentBits))
	}
	h := uint64(n) | uint64(w[0])<<8 | uint64(w[1])<<16 | uint64(w[n/2])<<24 | uint64(w[n-2])<<32 | uint64(w[n-1])<<40
	return int(h * mix >> (64 - recentBits))
}

// sig6 condenses w into 6 bits, a bit of a word.seconds: the top bits of
// its recentSlot, which resolve has at hand.
func sig6(w string) uint8 { return uint8(recentSlot(w) >> (recentBits - 6)) }

// may reports whether index ix can match at token i: most tokens stop
// here (loops over many tokens use candidate instead).
func (t *tokens) may(i int, ix *index) bool { return t.mayBits[i]&ix.bit != 0 }

// resolve looks up every token of toks into t, reusing t's memory, and
// annotates each with a, unless a is nil. A worker's own map answers most
// tokens without a lock: news vocabulary is Zipfian.
func (v *vocabulary) resolve(t *tokens, toks []tokenize.Token, a Annotator) {
	n := len(toks)
	t.toks = toks
	// Every element is written below: no need to clear them first. The
	// locals, cut to n, spare the loop bounds checks and reloads of t.
	t.words, t.flags, t.sig6, t.hashes = resize(t.words, n), resize(t.flags, n), resize(t.sig6, n), resize(t.hashes, n)
	t.mayWide = resize(t.mayWide, n+8)
	clear(t.mayWide[n:])
	t.mayBits = t.mayWide[:n]
	t.ann = resize(t.ann, n)
	words, mayBits, flags, sig6s, hashes, anns := t.words[:n], t.mayBits[:n], t.flags[:n], t.sig6[:n], t.hashes[:n], t.ann[:n]
	nh := 0 // words and numbers so far: their hashes are hashes[:nh]
	if t.local == nil || t.voc != v {
		// A Result may move to another Scorer: its words mean other entries.
		t.local, t.voc = map[string]*word{}, v // grows with the worker; Score makes one per text
		t.recent = make([]recentWord, recentSize)
		t.annotator = a
	}
	if t.annotator != a {
		// The slots hold another annotator's annotations.
		clear(t.recent)
		t.annotator = a
	}
	recent := (*[recentSize]recentWord)(t.recent)
	for i := range toks {
		w := toks[i].Norm
		k := recentSlot(w)
		slot := &recent[k]
		r, may, fl, h, an, sig := slot.w, slot.may, slot.flags, slot.hash, slot.ann, slot.sig
		if slot.norm != w || r == nil {
			// The hash and the annotation are made here, not kept in
			// the word: a word is 128 bytes, and more would cost it its
			// cache-line alignment. A miss costs a map lookup anyway.
			r, h, an = v.lookup(t, w), xxhash.Sum64String(w), 0
			if a != nil {
				an = a.Annotate(w)
			}
			sig = uint16(k >> (recentBits - 6)) // sig6(w)
			if r.exact != nil {
				sig |= r.exact.starter << 6
			}
			*slot = recentWord{r.norm, r, h, an, r.may, r.flags, sig}
			may, fl = r.may, r.flags
		}
		words[i], mayBits[i], flags[i], anns[i], sig6s[i] = r, may, fl, an, sig
		// The hash is kept for words and numbers only, without a
		// branch: written anyway, and nh moves on past it for those
		// two kinds (Word and Number are 1 and 2: x is 0 for them, and
		// (x−1)>>63 is 1 only for x = 0).
		hashes[nh] = h
		x := (uint64(toks[i].Kind) - 1) >> 1
		nh += int((x - 1) >> 63)
	}
	t.hashes = hashes[:nh]
	dropLoneStarts(mayBits, sig6s, v.starters)
}

// dropLoneStarts clears, in the may bits of tokens that start phrases, the
// bits only their phrases set where the next token's signature is none
// of those phrases' second words' (see starter); the last token loses
// them all. sig6s are the tokens' signatures and starter ids (tokens.sig6).
// It is a pass of its own so that its few variables stay in registers, and
// it has no branch on the bits, which would mispredict.
func dropLoneStarts(may []uint8, sig6s []uint16, table *[maxStarters]starter) {
	n := len(may)
	if n == 0 {
		return
	}
	may[n-1] &^= table[sig6s[n-1]>>6].only
	next := sig6s[1:n]
	may, cur := may[:len(next)], sig6s[:len(next)] // no bounds checks below
	for i, sig := range next {
		st := &table[cur[i]>>6]
		may[i] &^= st.only & (uint8(st.seconds>>(sig&63)&1) - 1)
	}
}

// lookup resolves w, a word missing from t.recent, through t's own map,
// else the shared memo, else by building it.
func (v *vocabulary) lookup(t *tokens, w string) *word {
	if r, ok := t.local[w]; ok {
		return r
	}
	r, ok := v.shared.get(w)
	if !ok {
		r = v.build(w)
		v.shared.put(w, r)
	}
	if len(t.local) < localWords {
		// r.norm, not w: w may point into the article, which the cache
		// must not keep alive.
		t.local[r.norm] = r
	}
	return r
}

// resize returns b resized to n elements, reallocating only when b is too
// small; unlike reuse, it leaves them as they were.
func resize[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}
