// Package novelty detects near-duplicate articles and scores how new a
// story is for each company, so that wire copies and rewrites of one story
// do not count many times in a company's panel.
//
// Each article gets a MinHash signature (one-permutation hashing) over shingles of three normalised
// words (Broder's resemblance estimator). Candidates are found with
// locality-sensitive hashing: the signature is cut into bands and articles
// sharing any band are compared. Two articles published within the window
// (24 hours) whose estimated Jaccard similarity reaches DuplicateThreshold
// are duplicates; the later one in input order points at the first.
//
// The novelty of a story for a company is
//
//	novelty = 100 · Π (1 − sᵢ · (1 − Δtᵢ/window))
//
// over the earlier stories i about the same company within the window with
// similarity sᵢ ≥ SimilarThreshold and time distance Δtᵢ: the first story
// scores 100, a wire copy minutes later about 0, a partial rewrite hours
// later something in between.
//
// A Detector is fed sequentially in input order, which makes its results
// deterministic; signatures are computed beforehand, in parallel.
package novelty

import (
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/cespare/xxhash/v2"
)

// Signature sizes: 64 hash functions in 32 bands of 2 rows put the LSH
// threshold near (1/32)^(1/2) ≈ 0.18 Jaccard, so that stories similar
// enough to lower novelty (≥ 0.25) are found with probability ≥ 0.9.
// Shingles of three words tolerate rewrites better than longer ones.
const (
	numHashes = 64
	bands     = 32
	rows      = numHashes / bands
	shingle   = 3 // words per shingle
)

// Thresholds on estimated Jaccard similarity.
const (
	// DuplicateThreshold marks an article as a copy of an earlier one.
	DuplicateThreshold = 0.8
	// SimilarThreshold is the least similarity that lowers novelty.
	SimilarThreshold = 0.25
)

// Window is how far back similar stories lower novelty.
const Window = 24 * time.Hour

// Signature is an article's MinHash signature.
type Signature struct {
	mins  [numHashes]uint64
	empty bool // fewer words than one shingle: never similar to anything
}

// Sign computes the signature of a text given as its normalised words
// (punctuation and numbers left out by the caller as it sees fit).
//
// It uses one-permutation hashing (Li, Owen and Zhang 2012) with rotation
// densification (Shrivastava and Li 2014): each shingle is hashed once and
// kept as the minimum of one of 64 bins, instead of being hashed 64 times;
// an empty bin borrows from the next non-empty one. The estimator is the
// same — the share of equal bins — at a sixty-fourth of the cost.
func Sign(words []string) Signature {
	var s Signature
	for i := range s.mins {
		s.mins[i] = math.MaxUint64
	}
	if len(words) < shingle {
		s.empty = true
		return s
	}
	// Each word is hashed once; a shingle's hash mixes its words' hashes
	// with position-dependent multipliers (so "a b c" ≠ "c b a").
	// The last three word hashes, oldest first, shifted along rather than
	// kept in a ring: the same mix as a ring indexed (i+1+k) mod 3,
	// without the modulo.
	var a, b uint64
	for i, w := range words {
		c := xxhash.Sum64String(w)
		if i+1 < shingle {
			a, b = b, c
			continue
		}
		const mix = 0x9e3779b97f4a7c15
		h := a * mix
		h = (h ^ b) * mix
		h = (h ^ c) * mix
		a, b = b, c
		h ^= h >> 31
		h *= 0xbf58476d1ce4e5b9
		h ^= h >> 29
		bin := h >> 58 // top 6 bits choose one of 64 bins
		if v := h & (1<<58 - 1); v < s.mins[bin] {
			s.mins[bin] = v
		}
	}
	// Densify: an empty bin takes the value of the next non-empty bin to
	// its right (circularly), marked with the distance so that two texts
	// agree on it only when they agree on the borrowed bin.
	for i := range s.mins {
		if s.mins[i] != math.MaxUint64 {
			continue
		}
		for dist := 1; dist < numHashes; dist++ {
			j := (i + dist) % numHashes
			if v := s.mins[j]; v != math.MaxUint64 && v < 1<<58 {
				s.mins[i] = v | uint64(dist)<<58 | 1<<63
				break
			}
		}
	}
	return s
}

// Similarity estimates the Jaccard similarity of the two texts' shingle sets.
func Similarity(a, b *Signature) float64 {
	if a.empty || b.empty {
		return 0
	}
	same := 0
	for i := range a.mins {
		if a.mins[i] == b.mins[i] {
			same++
		}
	}
	return float64(same) / numHashes
}

// Result is what the detector says about one article.
type Result struct {
	// DuplicateOf is the id of the earlier article this one copies, or "".
	DuplicateOf string
	// Similarity to DuplicateOf, or to the most similar earlier story.
	Similarity float64
	// Novelty per company, 0..100, in the order the companies were given.
	Novelty []float64
}

// fingerprint packs 16 bits of each of a signature's 64 values, four to
// a word: Add compares fingerprints first, in a quarter of the memory,
// and reads the full signature only when they agree often enough.
type fingerprint [numHashes / 4]uint64

func fingerprintOf(s *Signature) fingerprint {
	var f fingerprint
	for i, v := range s.mins {
		f[i/4] |= uint64(uint16(v)^uint16(v>>48)) << (16 * (i % 4))
	}
	return f
}

// sameAtMost counts the positions where two fingerprints agree: at least
// as many as where the signatures agree, since equal values have equal
// fingerprints.
func sameAtMost(a, b *fingerprint) int {
	const low, high = 0x7fff7fff7fff7fff, 0x8000800080008000
	differ := 0
	for i := range a {
		x := a[i] ^ b[i]
		// The top bit of each 16-bit lane is set iff the lane is non-zero.
		differ += bits.OnesCount64((((x & low) + low) | x) & high)
	}
	return numHashes - differ
}

// minSame is the number of equal values that makes SimilarThreshold; the
// conversion fails to compile if the threshold falls between two counts.
const minSame = int(SimilarThreshold * numHashes)

type seen struct {
	id        string
	at        time.Time
	sig       Signature
	companies []string
}

// Detector remembers recent articles. It is not safe for concurrent use.
//
// The LSH buckets are chains: heads maps a band key to the newest item with
// it, and links[i*bands+b] points from item i to the previous item sharing
// its key of band b (−1: none). Walking a chain meets ever older items, so
// it stops at the first evicted one, and adding an item allocates nothing.
type Detector struct {
	items   []*seen
	fps     []fingerprint    // of items[i].sig, beside each other for Add's scan
	heads   map[uint64]int32 // band key (band and its rows) → newest item with it
	links   []int32          // see above; bands entries per item
	latest  time.Time
	evicted int   // items before this index have been dropped
	scratch []int // candidates of Add, reused
}

// NewDetector returns an empty detector.
func NewDetector() *Detector {
	return &Detector{heads: map[uint64]int32{}}
}

// link records item idx under its band keys (Add does the same with the
// heads it has just looked up).
func (d *Detector) link(idx int, sig *Signature) {
	for b := 0; b < bands; b++ {
		d.links = append(d.links, -1)
	}
	if sig.empty {
		return
	}
	for b := 0; b < bands; b++ {
		k := bandKey(sig, b)
		if prev, ok := d.heads[k]; ok {
			d.links[idx*bands+b] = prev
		}
		d.heads[k] = int32(idx)
	}
}

func bandKey(s *Signature, b int) uint64 {
	// The rows of a band are already hash values: mixing them is enough.
	// The band index seeds the mix, so one map holds the keys of all bands.
	h := uint64(b) * 0x9e3779b97f4a7c15
	for _, v := range s.mins[b*rows : (b+1)*rows] {
		h = (h ^ v) * 0xbf58476d1ce4e5b9
		h ^= h >> 31
	}
	return h
}

// Add records an article published at `at` that mentions companies (ids)
// and returns its duplicate status and per-company novelty relative to the
// articles added before it.
func (d *Detector) Add(id string, at time.Time, sig Signature, companies []string) Result {
	res := Result{Novelty: make([]float64, len(companies))}
	for i := range res.Novelty {
		res.Novelty[i] = 100
	}
	if at.After(d.latest) {
		d.latest = at
		d.evict()
	}
	var keys [bands]uint64
	var newest [bands]int32 // heads of keys, −1: none
	if !sig.empty {
		order := d.scratch[:0]
		for b := 0; b < bands; b++ {
			keys[b] = bandKey(&sig, b)
			i, ok := d.heads[keys[b]]
			newest[b] = -1
			if ok {
				newest[b] = i
			}
			for ok && int(i) >= d.evicted {
				order = append(order, int(i))
				i = d.links[int(i)*bands+b]
				ok = i >= 0
			}
		}
		slices.Sort(order) // input order: the first copy wins
		order = slices.Compact(order)
		d.scratch = order
		fp := fingerprintOf(&sig)
		for _, i := range order {
			if sameAtMost(&fp, &d.fps[i]) < minSame {
				continue // below SimilarThreshold whatever the signatures say
			}
			prev := d.items[i]
			dt := at.Sub(prev.at)
			if dt < 0 {
				dt = -dt
			}
			if dt > Window {
				continue
			}
			s := Similarity(&sig, &prev.sig)
			if s < SimilarThreshold {
				continue
			}
			if s > res.Similarity && res.DuplicateOf == "" {
				res.Similarity = s
			}
			if s >= DuplicateThreshold && res.DuplicateOf == "" {
				res.DuplicateOf, res.Similarity = prev.id, s
			}
			decay := 1 - float64(dt)/float64(Window)
			for k, c := range companies {
				for _, pc := range prev.companies {
					if pc == c {
						res.Novelty[k] *= 1 - s*decay
						break
					}
				}
			}
		}
	}
	idx := len(d.items)
	for b := 0; b < bands; b++ {
		d.links = append(d.links, -1)
	}
	if !sig.empty {
		for b := 0; b < bands; b++ {
			d.links[idx*bands+b] = newest[b]
			d.heads[keys[b]] = int32(idx)
		}
	}
	d.items = append(d.items, &seen{id: id, at: at, sig: sig, companies: append([]string(nil), companies...)})
	d.fps = append(d.fps, fingerprintOf(&sig))
	return res
}

// evict drops articles older than twice the window before the latest one
// seen: archives are read roughly in time order, and memory must stay flat
// over twenty years of news.
func (d *Detector) evict() {
	horizon := d.latest.Add(-2 * Window)
	n := d.evicted
	for n < len(d.items) && d.items[n].at.Before(horizon) {
		n++
	}
	if n == d.evicted {
		return
	}
	for i := d.evicted; i < n; i++ {
		d.items[i] = nil
	}
	d.evicted = n
	// Compact once the dropped prefix dominates, rebuilding the buckets.
	if n > 1024 && n > len(d.items)/2 {
		kept := append([]*seen(nil), d.items[n:]...)
		d.items, d.evicted = kept, 0
		d.fps = append(d.fps[:0], d.fps[n:]...)
		clear(d.heads) // keeps its memory: the window holds about as many items again
		d.links = d.links[:0]
		for i, it := range d.items {
			d.link(i, &it.sig)
		}
	}
}
