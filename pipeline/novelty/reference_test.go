package novelty

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cespare/xxhash/v2"
)

// refSign is Sign written plainly, for TestSignMatchesReference and
// FuzzSign: each shingle hashed from its own words, a bin's minimum kept
// by a comparison, an empty bin filled by a search to its right.
func refSign(words []string) Signature {
	var s Signature
	for i := range s.mins {
		s.mins[i] = math.MaxUint64
	}
	if len(words) < shingle {
		s.empty = true
		return s
	}
	for end := shingle; end <= len(words); end++ {
		const mix = 0x9e3779b97f4a7c15
		var h uint64
		for _, w := range words[end-shingle : end] {
			h = (h ^ xxhash.Sum64String(w)) * mix
		}
		h ^= h >> 31
		h *= 0xbf58476d1ce4e5b9
		h ^= h >> 29
		bin, v := h>>58, h&(1<<58-1)
		if v < s.mins[bin] {
			s.mins[bin] = v
		}
	}
	var filled [numHashes]bool // by the shingles, not by densifying
	for i, v := range s.mins {
		filled[i] = v != math.MaxUint64
	}
	for i := range s.mins {
		for dist := 1; !filled[i] && dist < numHashes; dist++ {
			if j := (i + dist) % numHashes; filled[j] {
				s.mins[i] = s.mins[j] | uint64(dist)<<58 | 1<<63
				break
			}
		}
	}
	return s
}

// TestSignMatchesReference compares Sign with refSign on texts from a
// small vocabulary, so that shingles repeat within a text, of every length
// from none to several hundred words: short texts leave bins to densify,
// long ones contend for the minima.
func TestSignMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	vocab := strings.Fields("de het een van in op en is dat met voor aan bij ASML ING winst verlies " +
		"omzet kwartaal procent miljoen euro aandeel beurs Amsterdam Brussel boete Commissie 2,3 120 " +
		"chipmachinebouwer lithografiemachines kapitaalbuffer capaciteitsuitbreiding")
	vocab = append(vocab, "", strings.Repeat("x", 40)) // empty, and longer than xxhash's blocks
	for n := 0; n < 3000; n++ {
		words := make([]string, rng.IntN(20+n/5))
		for i := range words {
			words[i] = vocab[rng.IntN(len(vocab))]
		}
		if got, want := Sign(words), refSign(words); got != want {
			t.Fatalf("%d words %q:\ngot  %+v\nwant %+v", len(words), words, got, want)
		}
	}
}

// FuzzSign compares Sign with refSign on texts split at spaces, empty
// words included.
func FuzzSign(f *testing.F) {
	f.Add(story)
	f.Add("a b")
	f.Add("a b c")
	f.Add("a  b c a b c a b c d")
	f.Fuzz(func(t *testing.T, text string) {
		words := strings.Split(text, " ")
		if got, want := Sign(words), refSign(words); got != want {
			t.Fatalf("%q:\ngot  %+v\nwant %+v", words, got, want)
		}
	})
}

// refDetector is the Detector written plainly, for TestDetectorMatchesReference:
// no buckets, chains, fingerprints or compaction. Every live article that
// shares a band key with the new one is a candidate, in input order.
type refDetector struct {
	ids     []string
	ats     []time.Time
	sigs    []Signature
	keys    [][bands]uint64 // of sigs[i]
	comps   [][]string
	latest  time.Time
	evicted int
}

func (r *refDetector) add(id string, at time.Time, sig Signature, companies []string) Result {
	res := Result{Novelty: make([]float64, len(companies))}
	for i := range res.Novelty {
		res.Novelty[i] = 100
	}
	if at.After(r.latest) {
		r.latest = at
		for r.evicted < len(r.ats) && r.ats[r.evicted].Before(at.Add(-2*Window)) {
			r.evicted++
		}
	}
	var keys [bands]uint64
	for b := range keys {
		keys[b] = bandKey(&sig, b)
	}
	for i := r.evicted; i < len(r.sigs) && !sig.empty; i++ {
		shared := false
		for b := 0; b < bands && !r.sigs[i].empty; b++ {
			shared = shared || keys[b] == r.keys[i][b]
		}
		dt := at.Sub(r.ats[i])
		if dt < 0 {
			dt = -dt
		}
		if !shared || dt > Window {
			continue
		}
		s := Similarity(&sig, &r.sigs[i])
		if s < SimilarThreshold {
			continue
		}
		if s > res.Similarity && res.DuplicateOf == "" {
			res.Similarity = s
		}
		if s >= DuplicateThreshold && res.DuplicateOf == "" {
			res.DuplicateOf, res.Similarity = r.ids[i], s
		}
		decay := 1 - float64(dt)/float64(Window)
		for k, c := range companies {
			for _, pc := range r.comps[i] {
				if pc == c {
					res.Novelty[k] *= 1 - s*decay
					break
				}
			}
		}
	}
	r.ids = append(r.ids, id)
	r.ats = append(r.ats, at)
	r.sigs = append(r.sigs, sig)
	r.keys = append(r.keys, keys)
	r.comps = append(r.comps, append([]string(nil), companies...))
	return res
}

// TestDetectorMatchesReference feeds the Detector and refDetector the same
// random articles and wants the same results, bit for bit. The articles
// are variants of a few stories, so that they share bands and span the
// whole range of similarity; time mostly moves on, sometimes back, at paces
// that keep from tens to over a thousand articles in the window, so that
// eviction and compaction happen many times.
func TestDetectorMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	firms := []string{"asml", "ing", "shell", "ahold", "kbc", "philips", "adyen", "prosus"}
	for _, pace := range []time.Duration{3 * time.Hour, 20 * time.Minute, 2 * time.Minute} {
		stories := make([]Signature, 40)
		for i := range stories {
			for k := range stories[i].mins {
				stories[i].mins[k] = rng.Uint64()
			}
		}
		d, ref := NewDetector(), &refDetector{}
		var compactions, duplicates, similar int
		now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		n := 6000
		if testing.Short() {
			n = 2000
		}
		for i := 0; i < n; i++ {
			sig := stories[rng.IntN(len(stories))]
			rewrite := rng.Float64() // share of values that differ from the story
			for k := range sig.mins {
				if rng.Float64() < rewrite*rewrite {
					sig.mins[k] = rng.Uint64()
				}
			}
			sig.empty = rng.IntN(50) == 0
			var cs []string
			for _, f := range firms {
				if rng.IntN(3) == 0 {
					cs = append(cs, f)
				}
			}
			rng.Shuffle(len(cs), func(a, b int) { cs[a], cs[b] = cs[b], cs[a] })
			now = now.Add(time.Duration(rng.Int64N(int64(2 * pace))))
			at := now
			if rng.IntN(20) == 0 {
				at = at.Add(-time.Duration(rng.Int64N(int64(30 * time.Hour)))) // a late arrival
			}
			id := fmt.Sprint(i)
			before := d.evicted
			want := ref.add(id, at, sig, cs)
			got := d.Add(id, at, sig, cs)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("pace %v, article %d: got %+v, want %+v", pace, i, got, want)
			}
			if d.evicted < before {
				compactions++
			}
			if got.DuplicateOf != "" {
				duplicates++
			} else if got.Similarity > 0 {
				similar++
			}
		}
		t.Logf("pace %v: %d compactions, %d duplicates, %d similar", pace, compactions, duplicates, similar)
		if compactions == 0 || duplicates == 0 || similar == 0 {
			t.Errorf("pace %v: %d compactions, %d duplicates, %d similar: want some of each", pace, compactions, duplicates, similar)
		}
	}
}
