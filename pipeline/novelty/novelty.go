// Package novelty detects near-duplicate articles and scores how new a
// story is for each company, so that wire copies and rewrites of one story
// do not count many times in a company's panel.
//
// Each article gets a MinHash signature over shingles of three normalised
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
	"sort"
	"time"

	"github.com/cespare/xxhash/v2"
)

// Signature sizes: 64 hash functions in 32 bands of 2 rows put the LSH
// threshold near (1/32)^(1/2) ≈ 0.18 Jaccard, so that stories similar
// enough to lower novelty (≥ 0.3) are found with probability ≥ 0.95.
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
	SimilarThreshold = 0.3
)

// Window is how far back similar stories lower novelty.
const Window = 24 * time.Hour

// Signature is an article's MinHash signature.
type Signature struct {
	mins  [numHashes]uint64
	empty bool // fewer words than one shingle: never similar to anything
}

// coefficients of the hash family h_i(x) = a_i·x + b_i (mod 2^64), fixed so
// that signatures are stable across runs and machines.
var coefficients = func() (c [numHashes][2]uint64) {
	x := uint64(0x9e3779b97f4a7c15)
	next := func() uint64 { // splitmix64
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		return z ^ (z >> 31)
	}
	for i := range c {
		c[i] = [2]uint64{next() | 1, next()}
	}
	return c
}()

// Sign computes the signature of a text given as its normalised words
// (punctuation and numbers left out by the caller as it sees fit).
func Sign(words []string) Signature {
	var s Signature
	for i := range s.mins {
		s.mins[i] = math.MaxUint64
	}
	if len(words) < shingle {
		s.empty = true
		return s
	}
	var d xxhash.Digest
	for i := 0; i+shingle <= len(words); i++ {
		d.Reset()
		for _, w := range words[i : i+shingle] {
			d.WriteString(w)
			d.Write([]byte{0})
		}
		h := d.Sum64()
		for k := range s.mins {
			if v := coefficients[k][0]*h + coefficients[k][1]; v < s.mins[k] {
				s.mins[k] = v
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

type seen struct {
	id        string
	at        time.Time
	sig       Signature
	companies []string
}

// Detector remembers recent articles. It is not safe for concurrent use.
type Detector struct {
	items   []*seen
	buckets [bands]map[uint64][]int // band hash → indexes into items
	latest  time.Time
	evicted int // items before this index have been dropped
}

// NewDetector returns an empty detector.
func NewDetector() *Detector {
	d := &Detector{}
	for i := range d.buckets {
		d.buckets[i] = map[uint64][]int{}
	}
	return d
}

func bandKey(s *Signature, b int) uint64 {
	var d xxhash.Digest
	var buf [8]byte
	for _, v := range s.mins[b*rows : (b+1)*rows] {
		for k := range buf {
			buf[k] = byte(v >> (8 * k))
		}
		d.Write(buf[:])
	}
	return d.Sum64()
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
	if !sig.empty {
		cands := map[int]bool{}
		keys := [bands]uint64{}
		for b := 0; b < bands; b++ {
			keys[b] = bandKey(&sig, b)
			for _, i := range d.buckets[b][keys[b]] {
				cands[i] = true
			}
		}
		order := make([]int, 0, len(cands))
		for i := range cands {
			if i >= d.evicted {
				order = append(order, i)
			}
		}
		sort.Ints(order) // input order: the first copy wins
		for _, i := range order {
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
		idx := len(d.items)
		for b := 0; b < bands; b++ {
			d.buckets[b][keys[b]] = append(d.buckets[b][keys[b]], idx)
		}
	}
	d.items = append(d.items, &seen{id: id, at: at, sig: sig, companies: append([]string(nil), companies...)})
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
		for b := range d.buckets {
			d.buckets[b] = map[uint64][]int{}
		}
		for i, it := range d.items {
			if it.sig.empty {
				continue
			}
			for b := 0; b < bands; b++ {
				k := bandKey(&it.sig, b)
				d.buckets[b][k] = append(d.buckets[b][k], i)
			}
		}
	}
}
