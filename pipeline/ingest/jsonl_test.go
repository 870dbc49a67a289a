package ingest

import (
	"bufio"
	"io"
	"strings"
	"testing"
)

func TestJSONL(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   []string
		detail string // substring of the first reject's detail, if any
	}{
		{
			name: "good",
			in: `{"id":"a","published":"2024-03-14","title":"T","body":"B","source":"fd","url":"u","extra":1}` + "\n" +
				`{"id":"b","published":"2024-03","body":"B"}` + "\n",
			want: []string{`A a 2024-03-14T00:00:00Z day stdin:1 "T"`, `A b 2024-03-01T00:00:00Z month stdin:2 ""`},
		},
		{
			name: "rfc3339 and crlf and no final newline",
			in:   `{"id":"a","published":"2024-03-14T09:30:00+01:00","title":"T"}` + "\r\n" + `{"id":"b","published":"2024-03-14","title":"U"}`,
			want: []string{`A a 2024-03-14T08:30:00Z time stdin:1 "T"`, `A b 2024-03-14T00:00:00Z day stdin:2 "U"`},
		},
		{
			name: "numeric id",
			in:   `{"id":42,"published":"2024-03-14","title":"T"}`,
			want: []string{`A 42 2024-03-14T00:00:00Z day stdin:1 "T"`},
		},
		{
			name: "blank lines skipped",
			in:   "\n  \n" + `{"id":"a","published":"2024-03-14","title":"T"}` + "\n\n\t\n" + `{"id":"b","published":"2024-03-14","title":"T"}` + "\n\n",
			want: []string{`A a 2024-03-14T00:00:00Z day stdin:3 "T"`, `A b 2024-03-14T00:00:00Z day stdin:6 "T"`},
		},
		{
			name:   "bad json names line",
			in:     `{"id":"a","published":"2024-03-14","title":"T"}` + "\n" + `{"id":"b",` + "\n",
			want:   []string{`A a 2024-03-14T00:00:00Z day stdin:1 "T"`, `R bad_json stdin:2`},
			detail: "unexpected end of JSON input",
		},
		{name: "only a byte-order mark", in: "{\"id\":\"a\",\"published\":\"2024-03-14\",\"title\":\"T\"}\n\xfe\xff\n", want: []string{`A a 2024-03-14T00:00:00Z day stdin:1 "T"`, `R bad_json stdin:2`}, detail: "byte-order mark"},
		{name: "array", in: "{}\n[1,2]\n", want: []string{`R missing_id stdin:1`, `R bad_json stdin:2`}},
		{name: "null", in: "{\"id\":\"x\"}\nnull\n", want: []string{`R missing_date stdin:1`, `R bad_json stdin:2`}},
		{name: "wrong field type", in: `{"id":"a","published":"2024-03-14","title":5}`, want: []string{`R bad_json stdin:1`}, detail: "title"},
		{name: "bool id", in: `{"id":true,"published":"2024-03-14","title":"T"}`, want: []string{`R bad_json stdin:1`}, detail: "id is a boolean"},
		{name: "missing date", in: `{"id":"a","title":"T"}`, want: []string{`R missing_date stdin:1`}},
		{name: "empty date", in: `{"id":"a","published":" ","title":"T"}`, want: []string{`R missing_date stdin:1`}},
		{name: "numeric date", in: `{"id":"a","published":20240314,"title":"T"}`, want: []string{`R bad_date stdin:1`}},
		{name: "bad date", in: `{"id":"a","published":"2021-13-45","title":"T"}`, want: []string{`R bad_date stdin:1`}, detail: "2021-13-45"},
		{name: "missing id", in: `{"published":"2024-03-14","title":"T"}`, want: []string{`R missing_id stdin:1`}},
		{name: "empty id", in: `{"id":"  ","published":"2024-03-14","title":"T"}`, want: []string{`R missing_id stdin:1`}},
		{name: "no text", in: `{"id":"a","published":"2024-03-14","title":" ","body":""}`, want: []string{`R no_text stdin:1`}},
		{name: "escaped nul", in: `{"id":"a","published":"2024-03-14","body":"a\u0000b"}`, want: []string{`R nul_bytes stdin:1`}},
		{name: "raw nul", in: "{\"id\":\"a\",\"published\":\"2024-03-14\",\"body\":\"a\x00b\"}", want: []string{`R nul_bytes stdin:1`}},
		{name: "invalid utf8", in: `{"id":"a","published":"2024-03-14"}` + "\n" + "{\"id\":\"b\",\"body\":\"\xff\"}", want: []string{`R no_text stdin:1`, `R invalid_utf8 stdin:2`}, detail: ""},
		{name: "only blank lines", in: "\n \n", want: []string{`R empty stdin:1`}},
		{
			name: "duplicate ids",
			in:   `{"id":"a","published":"2024-03-14","title":"T"}` + "\n" + `{"id":"a","published":"2024-03-15","title":"U"}`,
			want: []string{`A a 2024-03-14T00:00:00Z day stdin:1 "T"`, `R duplicate_id stdin:2`}, detail: "first seen at stdin:1",
		},
		{
			name: "bom",
			in:   "\ufeff" + `{"id":"a","published":"2024-03-14","title":"T"}`,
			want: []string{`A a 2024-03-14T00:00:00Z day stdin:1 "T"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := walk(t, NewReader(Options{}), []string{"-"}, strings.NewReader(tt.in))
			equalLines(t, briefs(recs), tt.want)
			var total int64
			for _, rec := range recs {
				total += rec.Bytes
			}
			if strings.TrimSpace(tt.in) != "" && total > int64(len(tt.in)) {
				t.Errorf("got Bytes total %d, want <= %d", total, len(tt.in))
			}
			if tt.detail == "" {
				return
			}
			for _, rec := range recs {
				if rec.Reject != nil {
					if !strings.Contains(rec.Reject.Detail, tt.detail) {
						t.Errorf("got detail %q, want it to contain %q", rec.Reject.Detail, tt.detail)
					}
					return
				}
			}
			t.Errorf("got no reject, want one with detail %q", tt.detail)
		})
	}
}

func TestJSONLOffsets(t *testing.T) {
	l1 := `{"id":"a","published":"2024-03-14","title":"T"}` + "\n"
	l2 := `{"id":"b","published":"2024-03-14","title":"T"}` + "\n"
	recs := walk(t, NewReader(Options{}), []string{"-"}, strings.NewReader(l1+"\n"+l2))
	if len(recs) != 2 {
		t.Fatalf("got %d records, want 2", len(recs))
	}
	o := recs[1].Article.Origin
	if o.Line != 3 || o.Offset != int64(len(l1)+1) {
		t.Errorf("got line %d offset %d, want 3 %d", o.Line, o.Offset, len(l1)+1)
	}
	if recs[0].Bytes != int64(len(l1)) || recs[1].Bytes != int64(len(l2)+1) {
		t.Errorf("got Bytes %d %d, want %d %d", recs[0].Bytes, recs[1].Bytes, len(l1), len(l2)+1)
	}
}

func TestJSONLOverlongLine(t *testing.T) {
	// The long line is much larger than both the limit and the read buffer,
	// so it must be skipped piecewise.
	long := `{"id":"big","published":"2024-03-14","body":"` + strings.Repeat("x", 3*bufSize) + `"}`
	good := `{"id":"ok","published":"2024-03-14","title":"T"}`
	good2 := `{"id":"ok2","published":"2024-03-14","title":"T"}`
	in := good + "\n" + long + "\n" + good2 + "\n"
	recs := walk(t, NewReader(Options{MaxArticleBytes: 1000}), []string{"-"}, strings.NewReader(in))
	equalLines(t, briefs(recs), []string{
		`A ok 2024-03-14T00:00:00Z day stdin:1 "T"`,
		`R too_large stdin:2`,
		`A ok2 2024-03-14T00:00:00Z day stdin:3 "T"`,
	})
	if got, want := recs[1].Bytes, int64(len(long)+1); got != want {
		t.Errorf("got too_large Bytes %d, want %d", got, want)
	}
}

func TestLineReaderBoundaries(t *testing.T) {
	// Lines exactly at and around the limit, longer than the bufio buffer.
	const max = 100
	tests := []struct {
		in      string
		tooLong []bool
	}{
		{strings.Repeat("a", max) + "\n", []bool{false}},
		{strings.Repeat("a", max) + "\r\n", []bool{false}},
		{strings.Repeat("a", max+1) + "\n", []bool{true}},
		{strings.Repeat("a", max+1), []bool{true}},
		{strings.Repeat("a", 40) + "\n" + strings.Repeat("b", 90), []bool{false, false}},
	}
	for _, tt := range tests {
		lr := &lineReader{br: bufio.NewReaderSize(strings.NewReader(tt.in), 16), max: max}
		var got []bool
		var n int64
		for {
			l, err := lr.next()
			n += l.n
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("next: got error %v, want nil", err)
			}
			got = append(got, l.tooLong)
			if !l.tooLong && strings.Contains(string(l.data), "\n") {
				t.Errorf("got line %q with newline", l.data)
			}
		}
		if len(got) != len(tt.tooLong) || n != int64(len(tt.in)) {
			t.Fatalf("input of %d bytes: got %v (%d bytes), want %v", len(tt.in), got, n, tt.tooLong)
		}
		for i := range got {
			if got[i] != tt.tooLong[i] {
				t.Errorf("input of %d bytes, line %d: got tooLong %v, want %v", len(tt.in), i+1, got[i], tt.tooLong[i])
			}
		}
	}
}
