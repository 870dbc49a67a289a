package ingest

import (
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in     string
		want   string // RFC 3339 of the result, or "" when rejected
		prec   Precision
		reason Reason
	}{
		{"2021-09", "2021-09-01T00:00:00Z", PrecisionMonth, ""},
		{"2021-09-30", "2021-09-30T00:00:00Z", PrecisionDay, ""},
		{"2024-02-29", "2024-02-29T00:00:00Z", PrecisionDay, ""},
		{"2024-03-14T09:30:00+01:00", "2024-03-14T08:30:00Z", PrecisionTime, ""},
		{"2024-03-14T09:30:00.5Z", "2024-03-14T09:30:00.5Z", PrecisionTime, ""},
		{"", "", "", ReasonMissingDate},
		{"2021-13-45", "", "", ReasonBadDate},
		{"2023-02-29", "", "", ReasonBadDate},
		{"2021-00", "", "", ReasonBadDate},
		{"0000-01", "", "", ReasonBadDate},
		{"0001-01", "", "", ReasonBadDate},
		{"0999-12-31", "", "", ReasonBadDate},
		{"1000-01-01", "1000-01-01T00:00:00Z", PrecisionDay, ""},
		{"0001-01-01T00:00:00Z", "", "", ReasonBadDate},
		{"9999-12-31T23:00:00-05:00", "", "", ReasonBadDate},
		{"2021-9", "", "", ReasonBadDate},
		{"21-09-01", "", "", ReasonBadDate},
		{"2021/09/01", "", "", ReasonBadDate},
		{"2024-03-14T25:00:00Z", "", "", ReasonBadDate},
		{"2024-03-14T09:30:00", "", "", ReasonBadDate},
		{"yesterday", "", "", ReasonBadDate},
	}
	for _, tt := range tests {
		got, prec, derr := parseDate(tt.in)
		if tt.reason != "" {
			if derr == nil || derr.reason != tt.reason {
				t.Errorf("parseDate(%q) error = %+v, want reason %s", tt.in, derr, tt.reason)
			}
			continue
		}
		if derr != nil {
			t.Errorf("parseDate(%q) error = %+v, want none", tt.in, derr)
			continue
		}
		if s := got.Format(time.RFC3339Nano); s != tt.want || prec != tt.prec || got.Location() != time.UTC {
			t.Errorf("parseDate(%q) = %s %s (%v), want %s %s UTC", tt.in, s, prec, got.Location(), tt.want, tt.prec)
		}
	}
}

func TestParseTxt(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		reason Reason // "" for an article
		date   string
		prec   Precision
		title  string
		body   string
	}{
		{"leading space month", " date 2021-09 De titel\n\nDe tekst.\n", "", "2021-09-01", PrecisionMonth, "De titel", "De tekst."},
		{"no leading space", "date 2021-09-03 Titel\nTekst", "", "2021-09-03", PrecisionDay, "Titel", "Tekst"},
		{"tab and upper case", "\tDATE\t2021-09-03\tTitel  \nTekst", "", "2021-09-03", PrecisionDay, "Titel", "Tekst"},
		{"no title", " date 2021-09\n\nEerste alinea.\n\nTweede.", "", "2021-09-01", PrecisionMonth, "", "Eerste alinea.\n\nTweede."},
		{"bom", "\ufeff date 2021-09-03 Titel\nTekst", "", "2021-09-03", PrecisionDay, "Titel", "Tekst"},
		{"crlf", " date 2021-09-03 Titel\r\n\r\nRegel een.\r\nRegel twee.\r\n", "", "2021-09-03", PrecisionDay, "Titel", "Regel een.\nRegel twee."},
		{"header only line with title", " date 2021-09 Alleen een titel", "", "2021-09-01", PrecisionMonth, "Alleen een titel", ""},
		{"empty", "", ReasonEmpty, "", "", "", ""},
		{"only blanks and bom", "\ufeff \n\n\t", ReasonEmpty, "", "", "", ""},
		{"header only", " date 2021-09\n\n  \n", ReasonNoText, "", "", "", ""},
		{"no header", "Gewoon tekst\nmeer tekst", ReasonMissingDate, "", "", "", ""},
		{"date word glued", "dated 2021-09 x\ny", ReasonMissingDate, "", "", "", ""},
		{"date without value", " date\nTekst", ReasonMissingDate, "", "", "", ""},
		{"impossible date", " date 2021-13-45 Titel\nTekst", ReasonBadDate, "", "", "", ""},
		{"date with junk", " date 2021-09-01x Titel\nTekst", ReasonBadDate, "", "", "", ""},
		{"time in header", " date 2021-09-01T10:00:00Z Titel\nTekst", ReasonBadDate, "", "", "", ""},
		{"invalid utf8", " date 2021-09 T\n\xff\xfe", ReasonInvalidUTF8, "", "", "", ""},
		{"nul", " date 2021-09 T\nab\x00c", ReasonNUL, "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := parseTxt([]byte(tt.in), "f.txt", "f")
			if (rec.Article == nil) == (rec.Reject == nil) {
				t.Fatalf("got Article=%v Reject=%v, want exactly one", rec.Article, rec.Reject)
			}
			if rec.Bytes != int64(len(tt.in)) {
				t.Errorf("got Bytes %d, want %d", rec.Bytes, len(tt.in))
			}
			if tt.reason != "" {
				if rec.Reject == nil || rec.Reject.Reason != tt.reason {
					t.Fatalf("got %+v, want reject %s", rec, tt.reason)
				}
				if rec.Reject.ID != "f" || rec.Reject.Origin.Line != 1 {
					t.Errorf("got reject id %q line %d, want f line 1", rec.Reject.ID, rec.Reject.Origin.Line)
				}
				return
			}
			a := rec.Article
			if a == nil {
				t.Fatalf("got reject %v, want article", rec.Reject)
			}
			if got := a.Date().Format("2006-01-02"); got != tt.date || a.Precision != tt.prec {
				t.Errorf("got date %s %s, want %s %s", got, a.Precision, tt.date, tt.prec)
			}
			if a.Title != tt.title || a.Body != tt.body {
				t.Errorf("got title %q body %q, want %q %q", a.Title, a.Body, tt.title, tt.body)
			}
			if !strings.HasPrefix(a.Text(), a.Title) {
				t.Errorf("got Text %q, want title %q as prefix", a.Text(), a.Title)
			}
		})
	}
}

func TestInvalidUTF8Offset(t *testing.T) {
	rec := parseTxt([]byte(" date 2021-09 T\nabc\xc3("), "f.txt", "f")
	if rec.Reject == nil || !strings.Contains(rec.Reject.Detail, "offset 19") {
		t.Fatalf("got %+v, want invalid_utf8 at offset 19", rec.Reject)
	}
}

func TestText(t *testing.T) {
	tests := []struct{ title, body, want string }{
		{"T", "B", "T\n\nB"},
		{"", "B", "B"},
		{"T", "", "T"},
	}
	for _, tt := range tests {
		a := &Article{Title: tt.title, Body: tt.body}
		if got := a.Text(); got != tt.want {
			t.Errorf("Text(%q, %q) = %q, want %q", tt.title, tt.body, got, tt.want)
		}
	}
}

// TestTextJoined checks that the text the reader builds is what Text
// returns, without a copy, and that Text follows Title and Body when a
// caller changes them.
func TestTextJoined(t *testing.T) {
	line := `{"id":"a","published":"2024-03-14","title":"Titel","body":"Tekst \"hier\"."}`
	rec := parseJSONLine([]byte(line), Origin{File: "f.jsonl", Line: 1})
	if rec.Article == nil {
		t.Fatalf("parseJSONLine(%q): got reject %v, want an article", line, rec.Reject)
	}
	orig := *rec.Article
	if orig.text == "" {
		t.Fatalf("parseJSONLine(%q): got no joined text", line)
	}
	if n := testing.AllocsPerRun(10, func() { orig.Text() }); n != 0 {
		t.Errorf("Text of a read article: got %v allocations, want 0", n)
	}
	for _, tt := range []struct {
		name        string
		title, body string
		want        string
	}{
		{"as read", orig.Title, orig.Body, "Titel\n\nTekst \"hier\"."},
		{"title changed", "Kop", orig.Body, "Kop\n\nTekst \"hier\"."},
		{"title changed, same length", "Tite1", orig.Body, "Tite1\n\nTekst \"hier\"."},
		{"body changed, same length", orig.Title, "Tekst 'hier'.", "Titel\n\nTekst 'hier'."},
		{"body a prefix of the text", orig.Title, orig.text[:len(orig.Body)], "Titel\n\n" + orig.text[:len(orig.Body)]},
		{"title a substring of the body", orig.Body[:5], orig.Body, orig.Body[:5] + "\n\n" + orig.Body},
		{"title and body swapped", orig.Body, orig.Title, orig.Body + "\n\nTitel"},
		{"title stretched into the blank line", orig.text[:len(orig.Title)+1], orig.Body[1:], orig.text[:len(orig.Title)+1] + "\n\n" + orig.Body[1:]},
		{"title emptied", "", orig.Body, orig.Body},
		{"body emptied", orig.Title, "", orig.Title},
		{"equal copies", strings.Clone(orig.Title), strings.Clone(orig.Body), orig.text},
	} {
		a := orig
		a.Title, a.Body = tt.title, tt.body
		if got := a.Text(); got != tt.want {
			t.Errorf("%s: got Text %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestDate(t *testing.T) {
	a := &Article{Published: time.Date(2024, 3, 14, 23, 30, 0, 0, time.FixedZone("x", -3600))}
	if got, want := a.Date(), time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestIDOf(t *testing.T) {
	tests := []struct{ in, want string }{
		{"000_1f7aff34b7c1632d.txt", "000_1f7aff34b7c1632d"},
		{"x.txt.gz", "x"},
		{"a.b.TXT.GZ", "a.b"},
		{"plain", "plain"},
		{".hidden", ".hidden"},
	}
	for _, tt := range tests {
		if got := idOf(tt.in); got != tt.want {
			t.Errorf("idOf(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReasonsAndRejectError(t *testing.T) {
	rs := Reasons()
	if len(rs) != 13 {
		t.Errorf("got %d reasons, want 13", len(rs))
	}
	for i := 1; i < len(rs); i++ {
		if rs[i-1] >= rs[i] {
			t.Errorf("got %v, want strictly sorted", rs)
		}
	}
	r := &Reject{Origin: Origin{File: "a.jsonl", Line: 3}, Reason: ReasonBadJSON, Detail: "boom"}
	if got, want := r.Error(), "a.jsonl:3: bad_json: boom"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	r = &Reject{Origin: Origin{File: "d/x.txt"}, Reason: ReasonReadError}
	if got, want := r.Error(), "d/x.txt: read_error"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
