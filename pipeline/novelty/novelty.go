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
	"sort"
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
	var buf [512]uint64
	hashes := buf[:0]
	if len(words) > len(buf) {
		hashes = make([]uint64, 0, len(words))
	}
	for _, w := range words {
		hashes = append(hashes, WordHash(w))
	}
	return SignHashes(hashes)
}

// WordHash is the hash Sign takes of each word: xxhash64
// (github.com/cespare/xxhash/v2) of its bytes.
func WordHash(w string) uint64 { return xxhash.Sum64String(w) }

// SignHashes is Sign of the words whose WordHash are hashes: for a caller
// that has the hashes already (scoring.Result.WordHashes).
func SignHashes(hashes []uint64) Signature {
	var s Signature
	for i := range s.mins {
		s.mins[i] = math.MaxUint64
	}
	if len(hashes) < shingle {
		s.empty = true
		return s
	}
	// A shingle's hash mixes its words' hashes with position-dependent
	// multipliers (so "a b c" ≠ "c b a"). The last three word hashes,
	// oldest first, shifted along rather than kept in a ring: the same
	// mix as a ring indexed (i+1+k) mod 3, without the modulo.
	var a, b uint64
	for i, c := range hashes {
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
		// A conditional move, not a branch: with a few shingles per bin
		// a new minimum is as likely as not, and a branch on it was
		// mispredicted about every other shingle, which made a word of
		// real news cost 2.3 times as much. BenchmarkSign, one text
		// signed over and over, hides that (the predictor learns the
		// text): see BenchmarkSignNews.
		s.mins[bin] = min(s.mins[bin], h&(1<<58-1))
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

// fingerprint packs 8 bits of each of a signature's 64 values, eight to
// a word: Add compares fingerprints first, in an eighth of the memory (a
// cache line), and reads the full signature only when they agree often
// enough. Eight bits are plenty for that: of some 32 candidates per
// article in a news archive, barely more pass eight-bit lanes than
// sixteen-bit ones (1.87 against 1.72 on the generated corpus, of which
// 1.72 are similar), while the scan costs half as much.
type fingerprint [numHashes / 8]uint64

// lane is a value's part of a fingerprint. The top byte is folded in
// because densified values differ there (the distance they borrowed from).
func lane(v uint64) uint8 { return uint8(v) ^ uint8(v>>56) }

func fingerprintOf(s *Signature) fingerprint {
	var f fingerprint
	for i, v := range s.mins {
		f[i/8] |= uint64(lane(v)) << (8 * (i % 8))
	}
	return f
}

// sameAtMost counts the positions where two fingerprints agree: at least
// as many as where the signatures agree, since equal values have equal
// fingerprints.
func sameAtMost(a, b *fingerprint) int {
	const low, high = 0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	differ := 0
	for i := range a {
		x := a[i] ^ b[i]
		// The top bit of each 8-bit lane is set iff the lane is non-zero.
		differ += bits.OnesCount64((((x & low) + low) | x) & high)
	}
	return numHashes - differ
}

// minSame is the number of equal values that makes SimilarThreshold; the
// conversion fails to compile if the threshold falls between two counts.
const minSame = int(SimilarThreshold * numHashes)

// seen is what Add keeps of an article besides its signature.
type seen struct {
	id string
	at time.Time
	// The article's companies are names[firm : firm+firms] of its Detector.
	firm, firms int32
}

// Detector remembers recent articles. It is not safe for concurrent use.
//
// The LSH buckets are chains: heads maps a band key to the newest item with
// it, and links[i*bands+b] points from item i to the previous item sharing
// its key of band b (−1: none). Walking a chain meets ever older items, so
// it stops at the first evicted one, or the first over a window older than
// the article (cutoff), and adding an item allocates nothing.
type Detector struct {
	// items, names, sigs and fps hold the articles by value, in slices
	// that compaction reuses: once they have grown, adding an article
	// allocates nothing but its Result, and the signatures (half a
	// kilobyte each) sit in memory the garbage collector need not scan.
	items []seen
	names []string // the items' companies, one after another
	sigs  []Signature
	fps   []fingerprint // of sigs[i], beside each other for Add's scan
	heads buckets       // band key (band and its rows) → newest item with it
	// upTo[i] is the latest publication time among items[:i+1], evicted
	// ones included: Add stops its walks at the first item whose upTo is
	// over a window before the article, since it and every older item
	// would be too old to compare (see cutoff).
	upTo    []time.Time
	links   []int32 // see above; bands entries per item
	latest  time.Time
	evicted int // items before this index have been dropped
	// marks has a bit per item, which Add sets for the items it meets
	// walking the chains: reading the bits back in order yields each
	// candidate once and in input order, for a fraction of the cost of
	// sorting the indices walked. Add clears the bits as it reads them.
	marks []uint64
}

// NewDetector returns an empty detector.
func NewDetector() *Detector {
	return &Detector{heads: buckets{slots: make([]bucket, minBuckets)}}
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
	d.heads.reserve(bands)
	for b := 0; b < bands; b++ {
		k := bandKey(sig, b)
		slot, prev := d.heads.find(k)
		d.links[idx*bands+b] = prev
		d.heads.set(slot, k, int32(idx))
	}
}

func bandKey(s *Signature, b int) uint64 {
	// The rows of a band are already hash values: mixing them is enough.
	// The band index seeds the mix, so one table holds the keys of all bands.
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
	idx := len(d.items)
	if len(d.marks) <= idx/64 {
		d.marks = append(d.marks, 0) // items come one at a time: one word is enough
	}
	fp := fingerprintOf(&sig)
	var keys [bands]uint64
	var slots [bands]int    // of keys in heads, found or to fill
	var newest [bands]int32 // heads of keys, −1: none
	if !sig.empty {
		d.heads.reserve(bands)     // so that slots stay valid until the end
		lo, hi := len(d.marks), -1 // the words of marks with bits set
		// The keys first, then the lookups: with nothing between them
		// the lookups' loads (cache misses mostly, in a pipeline that
		// scores articles in between) overlap more.
		for b := 0; b < bands; b++ {
			keys[b] = bandKey(&sig, b)
		}
		for b := 0; b < bands; b++ {
			slots[b], newest[b] = d.heads.find(keys[b])
		}
		// Locals, which the compiler keeps in registers through the
		// stores to marks.
		links, marks, stop := d.links, d.marks, d.cutoff(at)
		for b := 0; b < bands; b++ {
			// None (−1), evicted items and those too old alike end the
			// chain.
			for i := int(newest[b]); i >= stop; i = int(links[i*bands+b]) {
				w := int(uint(i) / 64)
				marks[w] |= 1 << (uint(i) % 64)
				lo, hi = min(lo, w), max(hi, w)
			}
		}
		// In input order, so that the first copy wins.
		for w := lo; w <= hi; w++ {
			for m := marks[w]; m != 0; m &= m - 1 {
				i := w*64 + bits.TrailingZeros64(m)
				// Most candidates share a band by chance and stop here.
				if sameAtMost(&fp, &d.fps[i]) >= minSame {
					d.compare(&res, i, at, &sig, companies)
				}
			}
			marks[w] = 0
		}
	}
	for b := 0; b < bands; b++ {
		d.links = append(d.links, -1)
	}
	if !sig.empty {
		for b := 0; b < bands; b++ {
			d.links[idx*bands+b] = newest[b]
			d.heads.set(slots[b], keys[b], int32(idx))
		}
	}
	d.items = append(d.items, seen{id: id, at: at, firm: int32(len(d.names)), firms: int32(len(companies))})
	upTo := at
	if idx > 0 && d.upTo[idx-1].After(at) {
		upTo = d.upTo[idx-1]
	}
	d.upTo = append(d.upTo, upTo)
	d.names = append(d.names, companies...)
	d.sigs = append(d.sigs, sig)
	d.fps = append(d.fps, fp)
	return res
}

// cutoff returns the first item that an article published at `at` may
// be compared with: every item before it (evicted or not) was published
// more than Window before at, and compare would pass it over. Input in
// time order keeps two windows of items (see evict), and the older
// half of them need not be walked.
func (d *Detector) cutoff(at time.Time) int {
	// upTo never decreases, so the items too old are a prefix.
	from := d.evicted
	return from + sort.Search(len(d.items)-from, func(k int) bool { return at.Sub(d.upTo[from+k]) <= Window })
}

// compare weighs candidate i, whose fingerprint agrees often enough, for
// an article published at `at` with signature sig mentioning companies,
// into res.
func (d *Detector) compare(res *Result, i int, at time.Time, sig *Signature, companies []string) {
	prev := &d.items[i]
	dt := at.Sub(prev.at)
	if dt < 0 {
		dt = -dt
	}
	if dt > Window {
		return
	}
	s := Similarity(sig, &d.sigs[i])
	if s < SimilarThreshold {
		return
	}
	if s > res.Similarity && res.DuplicateOf == "" {
		res.Similarity = s
	}
	if s >= DuplicateThreshold && res.DuplicateOf == "" {
		res.DuplicateOf, res.Similarity = prev.id, s
	}
	decay := 1 - float64(dt)/float64(Window)
	for k, c := range companies {
		for _, pc := range d.names[prev.firm : prev.firm+prev.firms] {
			if pc == c {
				res.Novelty[k] *= 1 - s*decay
				break
			}
		}
	}
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
	// Let go of the dropped items' ids and companies.
	kept := len(d.names) // where the kept items' companies begin
	if n < len(d.items) {
		kept = int(d.items[n].firm)
	}
	clear(d.names[d.items[d.evicted].firm:kept])
	clear(d.items[d.evicted:n])
	d.evicted = n
	// Compact once the dropped prefix dominates, rebuilding the buckets.
	// The slices keep their memory: the window fills them about as much
	// again.
	if n > 1024 && n > len(d.items)/2 {
		old := len(d.items)
		d.items = append(d.items[:0], d.items[n:]...)
		clear(d.items[len(d.items):old]) // the moved items' old places
		for i := range d.items {
			d.items[i].firm -= int32(kept)
		}
		old = len(d.names)
		d.names = append(d.names[:0], d.names[kept:]...)
		clear(d.names[len(d.names):old])
		d.sigs = append(d.sigs[:0], d.sigs[n:]...)
		d.upTo = append(d.upTo[:0], d.upTo[n:]...)
		d.fps = append(d.fps[:0], d.fps[n:]...)
		d.evicted = 0
		d.heads.reset()
		d.links = d.links[:0]
		for i := range d.sigs {
			d.link(i, &d.sigs[i])
		}
	}
}
