package ingest

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// checkRecords walks data from stdin with a small limit (to reach the
// too_large paths) and checks the invariants every input must keep.
func checkRecords(t *testing.T, data []byte) {
	r := NewReader(Options{MaxArticleBytes: 256})
	var total int64
	err := r.Walk(context.Background(), []string{"-"}, bytes.NewReader(data), func(rec Record) error {
		if (rec.Article == nil) == (rec.Reject == nil) {
			t.Fatalf("got Article=%v Reject=%v, want exactly one", rec.Article, rec.Reject)
		}
		if rec.Bytes < 0 {
			t.Fatalf("got Bytes %d, want >= 0", rec.Bytes)
		}
		total += rec.Bytes
		if a := rec.Article; a != nil {
			if a.ID == "" || a.Published.IsZero() || a.Precision == "" {
				t.Fatalf("got article with empty id, date or precision: %+v", a)
			}
			if !strings.HasPrefix(a.Text(), a.Title) || a.Text() == "" {
				t.Fatalf("got Text %q, want non-empty with title %q as prefix", a.Text(), a.Title)
			}
			if a.Published.Location().String() != "UTC" {
				t.Fatalf("got Published in %v, want UTC", a.Published.Location())
			}
		} else if rec.Reject.Reason == "" || rec.Reject.Error() == "" {
			t.Fatalf("got reject without reason: %+v", rec.Reject)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Walk: got %v, want nil", err)
	}
}

func FuzzParseTxt(f *testing.F) {
	for _, s := range []string{
		" date 2021-09 Titel\n\nTekst.",
		"date 2021-09-30\r\nTekst\r\n",
		"\ufeff date 2021-02-29 T\nx",
		" date 2021-13-45 T\nx",
		" date\n",
		"",
		"\x00\xff",
		" date 2021-09 " + strings.Repeat("x", 300),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rec := parseTxt(data, "f.txt", "f")
		if (rec.Article == nil) == (rec.Reject == nil) {
			t.Fatalf("got Article=%v Reject=%v, want exactly one", rec.Article, rec.Reject)
		}
		checkRecords(t, data)
	})
}

func FuzzJSONL(f *testing.F) {
	for _, s := range []string{
		jl1 + "\n" + jl2,
		`{"id":42,"published":"2024-03-14T09:30:00+01:00","title":"T","body":"B"}`,
		"{\"id\":\"a\"}\n\n[1]\nnull\n{",
		`{"id":"a","published":"2021-13-45","body":"x"}`,
		`{"id":"a","published":"2024-03","body":"\u0000"}`,
		"{\"id\":\"a\",\"published\":\"2024-03\",\"body\":\"" + strings.Repeat("x", 400) + "\"}\n" + jl1,
		"{\xff}",
		"\ufeff" + jl1 + "\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRecords(t, append([]byte("{"), data...))
		checkRecords(t, data)
	})
}

// FuzzDecodeArticle checks decodeArticle against encoding/json: whenever
// the fast path takes a line, json.Unmarshal must accept it and give the
// same fields.
func FuzzDecodeArticle(f *testing.F) {
	for _, tt := range decodeCases {
		f.Add([]byte(tt.in))
	}
	f.Add([]byte(benchArticleLine))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, data)
	})
}
