package ingest

import (
	"crypto/sha256"
	"fmt"
	"math/bits"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testKey(s string) idKey {
	h := sha256.Sum256([]byte(s))
	return idKey(h[:16])
}

// TestIDSet checks that ids spilled to runs and merged are found again with
// their origins, that absent ids are not, that the runs stay a binary
// counter, and that no file is left in the spill directory.
func TestIDSet(t *testing.T) {
	for _, tc := range []struct{ ids, maxMem int }{
		{0, 4}, {3, 4}, {4, 4}, {1000, 1}, {1000, 7}, {5000, 64}, {200, DefaultMaxIDs},
	} {
		t.Run(fmt.Sprintf("%d ids, %d in memory", tc.ids, tc.maxMem), func(t *testing.T) {
			dir := t.TempDir()
			s := newIDSet(dir, tc.maxMem)
			defer s.close()
			for i := range tc.ids {
				k := testKey(fmt.Sprint("id-", i))
				if _, ok, err := s.lookup(k); ok || err != nil {
					t.Fatalf("id %d: found before it was added (%v)", i, err)
				}
				if err := s.add(k, uint64(i)*3); err != nil {
					t.Fatal(err)
				}
			}
			for i := range tc.ids {
				o, ok, err := s.lookup(testKey(fmt.Sprint("id-", i)))
				if !ok || err != nil || o != uint64(i)*3 {
					t.Fatalf("id %d: got %d, %v, %v; want %d, true, nil", i, o, ok, err, i*3)
				}
			}
			for i := range 2000 {
				if _, ok, _ := s.lookup(testKey(fmt.Sprint("absent-", i))); ok {
					t.Fatalf("absent id %d found", i)
				}
			}
			if want := bits.OnesCount(uint(tc.ids / max(tc.maxMem, 1))); tc.maxMem > 1 && len(s.runs) != want {
				t.Errorf("got %d runs, want %d (one per set bit of the spill count)", len(s.runs), want)
			}
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Errorf("got %d files in the spill directory, want 0 (runs are unlinked)", len(left))
			}
		})
	}
}

// TestDuplicatesAfterSpill checks the reader's duplicate check and its
// "first seen at" detail when the first occurrence has long been spilled.
func TestDuplicatesAfterSpill(t *testing.T) {
	dir := t.TempDir()
	var a, b strings.Builder
	for i := range 300 {
		fmt.Fprintf(&a, `{"id":"n%d","published":"2024-01-01","title":"t"}`+"\n", i)
	}
	for _, i := range []int{0, 299, 17, 150} {
		fmt.Fprintf(&b, `{"id":"n%d","published":"2024-01-02","title":"again"}`+"\n", i)
	}
	write(t, filepath.Join(dir, "a.jsonl"), []byte(a.String()))
	write(t, filepath.Join(dir, "b.jsonl"), []byte(b.String()))
	r := NewReader(Options{MaxIDs: 8, SpillDir: t.TempDir()})
	defer r.Close()
	recs := walk(t, r, []string{dir}, nil)
	if len(recs) != 304 {
		t.Fatalf("got %d records, want 304", len(recs))
	}
	for j, i := range []int{0, 299, 17, 150} {
		rec := recs[300+j]
		want := fmt.Sprintf("first seen at %s:%d", filepath.Join(dir, "a.jsonl"), i+1)
		if rec.Reject == nil || rec.Reject.Reason != ReasonDuplicateID || !strings.Contains(rec.Reject.Detail, want) {
			t.Errorf("n%d again: got %+v, want a duplicate_id reject %q", i, rec.Reject, want)
		}
	}
	for i, rec := range recs[:300] {
		if rec.Article == nil {
			t.Fatalf("record %d: got a reject %+v, want an article", i, rec.Reject)
		}
	}
}
