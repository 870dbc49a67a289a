package novelty

import (
	"math/rand/v2"
	"testing"
)

// TestBucketsMatchMap drives the table and a Go map with the same random
// operations, in the pattern Add uses (reserve, find a batch of keys, then
// set them through the slots found), with resets as at compaction. The keys
// repeat, include 0, and many share their low bits, so that lookups probe
// long runs, two keys of a batch can be given the same empty slot, and a
// batch can hold one key twice.
func TestBucketsMatchMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	key := func() uint64 {
		switch rng.IntN(4) {
		case 0:
			return rng.Uint64N(64)
		case 1:
			return rng.Uint64N(512) << 40 // low bits 0: one home slot
		case 2:
			return rng.Uint64N(64)<<32 | 5 // low bits 5
		default:
			return rng.Uint64N(4096) * 0x9e3779b97f4a7c15
		}
	}
	for round := 0; round < 10; round++ {
		tb := buckets{slots: make([]bucket, minBuckets)}
		ref := map[uint64]int32{}
		for op := 0; op < 5000; op++ {
			if rng.IntN(500) == 0 {
				tb.reset()
				clear(ref)
			}
			n := 1 + rng.IntN(bands)
			tb.reserve(n)
			keys := make([]uint64, n)
			slots := make([]int, n)
			for j := range keys {
				keys[j] = key()
				var got int32
				slots[j], got = tb.find(keys[j])
				want, ok := ref[keys[j]]
				if !ok {
					want = -1
				}
				if got != want {
					t.Fatalf("round %d op %d: find(%#x) = %d, want %d", round, op, keys[j], got, want)
				}
			}
			for j, k := range keys {
				item := rng.Int32N(1 << 30)
				tb.set(slots[j], k, item)
				ref[k] = item
			}
			if tb.used != len(ref) {
				t.Fatalf("round %d op %d: %d keys, want %d", round, op, tb.used, len(ref))
			}
			if 2*tb.used > len(tb.slots) {
				t.Fatalf("round %d op %d: %d keys in %d slots, more than half full", round, op, tb.used, len(tb.slots))
			}
		}
		full := 0
		for _, s := range tb.slots {
			if s.item != 0 {
				full++
			}
		}
		if full != len(ref) {
			t.Fatalf("round %d: %d full slots, want %d", round, full, len(ref))
		}
		for k, want := range ref {
			if _, got := tb.find(k); got != want {
				t.Fatalf("round %d: find(%#x) = %d, want %d", round, k, got, want)
			}
		}
	}
}
