package ingest

import (
	"context"
	"io"
	"runtime"
	"strings"
	"testing"
)

// endless yields n bytes of a single JSONL line that never ends, then a
// newline and one good article.
type endless struct{ left int64 }

func (e *endless) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	if n > e.left {
		n = e.left
	}
	for i := range p[:n] {
		p[i] = 'a'
	}
	e.left -= n
	return int(n), nil
}

// TestHugeSingleLine streams a 200 MB single-line JSONL "article" through
// the reader: it must be rejected as too large without holding it in
// memory, and the article after it must still be read.
func TestHugeSingleLine(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 200 MB")
	}
	const size = 200 << 20
	in := io.MultiReader(strings.NewReader(`{"id":"huge","body":"`), &endless{left: size},
		strings.NewReader("\"}\n"+`{"id":"ok","published":"2024-03-14","title":"KBC verhoogt dividend"}`+"\n"))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var got []Record
	const limit = 1 << 20
	r := NewReader(Options{MaxArticleBytes: limit})
	if err := r.Walk(context.Background(), []string{"-"}, in, func(rec Record) error {
		got = append(got, rec)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if len(got) != 2 {
		t.Fatalf("records: got %d, want 2", len(got))
	}
	if rj := got[0].Reject; rj == nil || rj.Reason != ReasonTooLarge {
		t.Errorf("first record: got %+v, want a too_large reject", got[0])
	}
	if a := got[1].Article; a == nil || a.ID != "ok" {
		t.Errorf("second record: got %+v, want article ok", got[1])
	}
	// Memory follows the article limit, not the line: reading the line
	// whole would allocate well over 200 MB.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16*limit {
		t.Errorf("allocated %d MB reading a 200 MB line; want it bounded by the 1 MB article limit (< 16 MB)", alloc>>20)
	}
}
