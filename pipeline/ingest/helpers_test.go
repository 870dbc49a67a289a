package ingest

import (
	"context"
	"fmt"
	"io"
	"testing"
)

// brief renders a record compactly so tests can compare whole walks.
func brief(rec Record) string {
	if a := rec.Article; a != nil {
		return fmt.Sprintf("A %s %s %s %s:%d %q", a.ID, a.Published.Format("2006-01-02T15:04:05Z07:00"), a.Precision, a.Origin.File, a.Origin.Line, a.Title)
	}
	r := rec.Reject
	return fmt.Sprintf("R %s %s:%d", r.Reason, r.Origin.File, r.Origin.Line)
}

// walk runs Walk and returns the records, failing the test on a Walk error
// or a record that is not exactly one of Article and Reject.
func walk(t *testing.T, r *Reader, inputs []string, stdin io.Reader) []Record {
	t.Helper()
	var recs []Record
	err := r.Walk(context.Background(), inputs, stdin, func(rec Record) error {
		if (rec.Article == nil) == (rec.Reject == nil) {
			t.Errorf("got Article=%v Reject=%v, want exactly one", rec.Article, rec.Reject)
		}
		recs = append(recs, rec)
		return nil
	})
	if err != nil {
		t.Fatalf("Walk: got error %v, want nil", err)
	}
	return recs
}

func briefs(recs []Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = brief(r)
	}
	return out
}

func equalLines(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d records:\n%s\nwant %d:\n%s", len(got), join(got), len(want), join(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("record %d: got %s, want %s", i, got[i], want[i])
		}
	}
}

func join(ss []string) string {
	s := ""
	for _, x := range ss {
		s += "  " + x + "\n"
	}
	return s
}
