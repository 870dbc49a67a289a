package scoring

import (
	"github.com/marktstem/marktstem/pipeline/tokenize"
)

// Index slots: every index of a Scorer has a slot in wordInfo, so one map
// lookup per token resolves the exact entries of all lexicons at once.
const (
	slotShift = iota
	slotActor
	slotVerb
	slotObject
	slotSentiment
	slotRegulatory
	numSlots
)

// wordInfo is what the lexicons know about one normalised word.
type wordInfo struct {
	single  [numSlots]int32   // entry of the one-word term, −1 for none
	phrases [numSlots][]int32 // entries of phrases starting with the word, longest first
}

// fuzzyInfo holds the fuzzy routes (folded, stem, compound) of a word for
// the fuzzy indexes.
type fuzzyInfo [numSlots]memoVal

// vocabulary maps every word that starts an entry of any index.
type vocabulary struct {
	words   map[string]*wordInfo
	indexes [numSlots]*index
	fuzzy   *memo[*fuzzyInfo]
}

func newVocabulary(indexes [numSlots]*index) *vocabulary {
	v := &vocabulary{words: map[string]*wordInfo{}, indexes: indexes, fuzzy: newMemo[*fuzzyInfo]()}
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
		ix.slot = k
		for w, e := range ix.single {
			get(w).single[k] = e
		}
		for w, list := range ix.phrases {
			get(w).phrases[k] = list
		}
	}
	return v
}

// tokens is one article's tokens with their lexicon lookups resolved once
// for all indexes.
type tokens struct {
	toks  []tokenize.Token
	info  []*wordInfo  // nil: the word starts no entry
	fuzzy []*fuzzyInfo // resolved on first need
	voc   *vocabulary
}

func (v *vocabulary) resolve(toks []tokenize.Token) *tokens {
	t := &tokens{toks: toks, info: make([]*wordInfo, len(toks)), fuzzy: make([]*fuzzyInfo, len(toks)), voc: v}
	for i := range toks {
		t.info[i] = v.words[toks[i].Norm]
	}
	return t
}

// fuzzyAt returns the fuzzy routes of token i for every fuzzy index.
func (t *tokens) fuzzyAt(i int) *fuzzyInfo {
	if f := t.fuzzy[i]; f != nil {
		return f
	}
	w := t.toks[i].Norm
	f, ok := t.voc.fuzzy.get(w)
	if !ok {
		f = &fuzzyInfo{}
		for k, ix := range t.voc.indexes {
			f[k] = memoVal{entry: -1}
			if ix.fuzzy {
				e, via := ix.fuzzyLookup(w)
				f[k] = memoVal{entry: int32(e), via: via}
			}
		}
		t.voc.fuzzy.put(w, f)
	}
	t.fuzzy[i] = f
	return f
}
