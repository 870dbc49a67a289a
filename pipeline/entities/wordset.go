package entities

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"

	"github.com/marktstem/marktstem/pipeline/tokenize"
)

// sigBits sizes the set of alias-word signatures: 2^16 bits (8 KiB, in
// the CPU's first-level cache) let 8 % of a news text's tokens through
// that start no alias, against 14 % with 2^14; each costs a comparison
// with the words of its signature. (Another 13 % do start one: de, van,
// het open aliases too.)
const sigBits = 16

// wordSig is a cheap signature of a word (tokenize.ShortHash).
func wordSig(w string) uint32 { return tokenize.ShortHash(w) >> (32 - sigBits) }

// wordSet holds every word of every alias key, for Find. A bit per word
// signature rules most tokens out after one test; for the others, the
// rank of that bit (the set bits before it) numbers the signature, and
// the words with that signature are a short run of the words slice: a
// token is looked up without hashing it a second time, where a map would.
type wordSet struct {
	sigs   [1 << sigBits / 64]uint64 // the wordSig bits of the words
	rank   [1 << sigBits / 64]uint16 // set bits in sigs before each element
	bucket []int32                   // the r-th set signature's words: words[bucket[r]:bucket[r+1]]
	words  []setWord                 // by signature
}

// setWord is one alias word.
type setWord struct {
	word   string
	starts []int32 // the patterns it is the first word of, in registry order
}

// build fills the set with the words of patterns.
func (s *wordSet) build(patterns []pattern) {
	index := map[string]int{}
	for p, pat := range patterns {
		for k, w := range pat.words {
			i, ok := index[w]
			if !ok {
				i = len(s.words)
				index[w] = i
				s.words = append(s.words, setWord{word: w})
			}
			if k == 0 {
				s.words[i].starts = append(s.words[i].starts, int32(p))
			}
		}
	}
	slices.SortStableFunc(s.words, func(a, b setWord) int { return cmp.Compare(wordSig(a.word), wordSig(b.word)) })
	for _, w := range s.words {
		sig := wordSig(w.word)
		s.sigs[sig/64] |= 1 << (sig % 64)
	}
	n := 0
	for k, b := range s.sigs {
		s.rank[k] = uint16(n) // at most 2^16 − 64
		n += bits.OnesCount64(b)
	}
	s.bucket = make([]int32, 0, n+1)
	for i, w := range s.words {
		if i == 0 || wordSig(w.word) != wordSig(s.words[i-1].word) {
			s.bucket = append(s.bucket, int32(i))
		}
	}
	s.bucket = append(s.bucket, int32(len(s.words)))
}

// lookup returns the index of word w in s.words, or −1.
func (s *wordSet) lookup(w string) int {
	sig := wordSig(w)
	if !s.hasSig(sig) {
		return -1
	}
	return s.index(w, sig)
}

// hasSig reports whether a word of the set has signature sig: most words
// of a text are ruled out here, before the words are compared.
func (s *wordSet) hasSig(sig uint32) bool { return s.sigs[sig/64]&(1<<(sig%64)) != 0 }

// index returns the index of word w of signature sig in s.words, or −1.
func (s *wordSet) index(w string, sig uint32) int {
	k, bit := sig/64, uint64(1)<<(sig%64)
	if s.sigs[k]&bit == 0 {
		return -1
	}
	r := int(s.rank[k]) + bits.OnesCount64(s.sigs[k]&(bit-1))
	for i := s.bucket[r]; i < s.bucket[r+1]; i++ {
		if s.words[i].word == w {
			return int(i)
		}
	}
	return -1
}

// hasCutWord reports whether f starts with an alias word cut off by a
// hyphen or an apostrophe (ING-topman, ASML's).
func (s *wordSet) hasCutWord(f string) bool {
	for c := 1; c < len(f); c++ {
		if (f[c] == '-' || f[c] == '\'') && s.lookup(f[:c]) >= 0 {
			return true
		}
	}
	return false
}

// foldNorm returns a token's norm folded as alias keys are, and whether it
// has a hyphen or an apostrophe, where an alias match may end inside it.
// Plain ASCII words, most of the text, are told from the others eight
// bytes at a time: a loop over the bytes costs a mispredicted branch at
// the end of most words, as their lengths vary.
func foldNorm(norm string) (folded string, cut bool) {
	var bytes, cuts uint64 // the bytes seen, OR-ed; hasCut of each word of them
	switch n := len(norm); {
	case n >= 8:
		for i := 0; i < n-8; i += 8 {
			v := load64(norm, i)
			bytes, cuts = bytes|v, cuts|hasCut(v)
		}
		v := load64(norm, n-8) // overlaps the last word read: bytes are only tested
		bytes, cuts = bytes|v, cuts|hasCut(v)
	case n >= 4:
		v := uint64(load32(norm, 0)) | uint64(load32(norm, n-4))<<32
		bytes, cuts = v, hasCut(v)
	case n > 0:
		// The first, middle and last bytes are all the bytes of 1 to 3.
		v := uint64(norm[0]) | uint64(norm[n/2])<<8 | uint64(norm[n-1])<<16
		bytes, cuts = v, hasCut(v)
	}
	if bytes&highBits != 0 {
		f := tokenize.Fold(norm)
		return f, strings.ContainsAny(f, "-'")
	}
	return norm, cuts != 0
}

const (
	lowBits  = 0x0101010101010101 // the lowest bit of every byte
	highBits = 0x8080808080808080 // the highest bit of every byte
)

// hasCut is non-zero when a byte of v, all ASCII, is a hyphen or an apostrophe.
func hasCut(v uint64) uint64 {
	return hasZero(v^('-'*lowBits)) | hasZero(v^('\''*lowBits))
}

// hasZero is non-zero when a byte of v is 0.
func hasZero(v uint64) uint64 { return (v - lowBits) &^ v & highBits }

// load64 returns the eight bytes of s from i on as a little-endian word
// (the compiler merges the loads into one).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// load32 returns the four bytes of s from i on as a little-endian word.
func load32(s string, i int) uint32 {
	s = s[i : i+4]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}
