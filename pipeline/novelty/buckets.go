package novelty

// buckets maps LSH band keys to the newest item with each key: the heads
// of the Detector's bucket chains.
//
// It is an open-addressing table with linear probing rather than a Go
// map because Add looks up and then replaces 32 keys per article, and the
// keys are already well-mixed hashes: they need no hashing again, their
// low bits pick the slot, a slot holds key and item side by side, and a
// lookup remembers its slot so that the replacement needs no second
// search. On the generated corpus this takes about a third of the time
// the map's lookups and assignments took.
//
// Keys are never deleted one by one. Like the map it replaces, the table
// keeps the keys of evicted items (their heads point below the Detector's
// evicted index, which ends a chain walk at once) until the Detector
// compacts and calls reset.
type buckets struct {
	slots []bucket // length a power of two, at most half full
	used  int      // slots holding a key
}

type bucket struct {
	key  uint64
	item int32 // newest item with key, plus one; 0 marks an empty slot
}

// minBuckets is the initial table size: an article's keys at a low load.
const minBuckets = 4 * bands

// find returns the slot holding key, or the empty slot where it would go,
// and the newest item with key (−1 if none).
func (t *buckets) find(key uint64) (slot int, item int32) {
	mask := len(t.slots) - 1
	for i := int(key) & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.item == 0 || s.key == key {
			return i, s.item - 1
		}
	}
}

// set makes item the newest with key. slot is what find returned for key;
// another key may have taken it since, in which case key goes in the next
// free slot after it, which is where linear probing would have put it:
// the slots before it on key's probe path were all taken already.
func (t *buckets) set(slot int, key uint64, item int32) {
	mask := len(t.slots) - 1
	for ; ; slot = (slot + 1) & mask {
		s := &t.slots[slot]
		if s.item == 0 {
			t.used++
			*s = bucket{key, item + 1}
			return
		}
		if s.key == key {
			s.item = item + 1
			return
		}
	}
}

// reserve makes room for n more keys without rehashing, so that the slots
// find returns before the n calls to set stay valid.
func (t *buckets) reserve(n int) {
	size := len(t.slots)
	for 2*(t.used+n) > size {
		size *= 2
	}
	if size == len(t.slots) {
		return
	}
	old := t.slots
	t.slots, t.used = make([]bucket, size), 0
	for _, s := range old {
		if s.item != 0 {
			slot, _ := t.find(s.key)
			t.set(slot, s.key, s.item-1)
		}
	}
}

// reset empties the table and keeps its memory: after a compaction the
// window fills it about as much again.
func (t *buckets) reset() {
	clear(t.slots)
	t.used = 0
}
