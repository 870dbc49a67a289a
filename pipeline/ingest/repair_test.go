package ingest

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRepairTxt(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		title    string
		body     string
		repaired string
		reason   Reason
	}{
		{"clean", " date 2024-03-14 Café\nDe crèches.", "Café", "De crèches.", "", ""},
		{"bom", "\ufeff date 2024-03-14 Café\nTekst.", "Café", "Tekst.", RepairBOM, ""},
		{"latin-1", " date 2024-03-14 Caf\xe9\nDe financi\xeble cijfers van \x80 5 mln.", "Café", "De financiële cijfers van € 5 mln.", RepairCP1252, ""},
		{"cp1252 quotes", " date 2024-03-14 T\n\x84Goed\x94, zei hij \x96 echt.", "T", "„Goed”, zei hij – echt.", RepairCP1252, ""},
		{"mojibake", " date 2024-03-14 CrÃ¨ches\nDe crÃ¨ches van ASMLâ€™s topman zijn Ã©Ã©n.", "Crèches", "De crèches van ASML’s topman zijn één.", RepairMojibake, ""},
		{"mojibake mixed", " date 2024-03-14 T\nCafé en crÃ¨che.", "T", "Café en crèche.", RepairMojibake, ""},
		{"entities", " date 2024-03-14 AT&amp;T\nR&D bij caf&eacute; &#233;&#xE9; &amp c&nbsp;d &bogus; &#0;.", "AT&T", "R&D bij café éé &amp c\u00a0d &bogus; &#0;.", RepairEntities, ""},
		{"crlf", " date 2024-03-14 T\r\nEen.\r\nTwee.\rDrie.", "T", "Een.\nTwee.\nDrie.", RepairNewlines, ""},
		{"utf-16", "\xff\xfe \x00d\x00a\x00t\x00e\x00 \x002\x000\x002\x004\x00-\x000\x003\x00-\x001\x004\x00 \x00T\x00\n\x00\xe9\x00", "T", "é", RepairUTF16, ""},
		{"binary", " date 2024-03-14 T\n\x01\x02\x03\xff", "", "", "", ReasonInvalidUTF8},
		{"utf-16 bom as latin-1", " date 2024-03-14 T\n\xff\xfeabc", "", "", "", ReasonInvalidUTF8},
		{"truncated utf-8", " date 2024-03-14 T\nabc\xc3(", "", "", "", ReasonInvalidUTF8},
		{"nul", " date 2024-03-14 T\na\x00b", "", "", "", ReasonNUL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := parseTxt([]byte(tt.in), "f.txt", "f")
			if tt.reason != "" {
				if rec.Reject == nil || rec.Reject.Reason != tt.reason {
					t.Fatalf("got %+v %+v, want reject %s", rec.Article, rec.Reject, tt.reason)
				}
				return
			}
			if rec.Article == nil {
				t.Fatalf("got reject %v, want an article", rec.Reject)
			}
			a := rec.Article
			if a.Title != tt.title || a.Body != tt.body {
				t.Errorf("got title %q body %q, want %q %q", a.Title, a.Body, tt.title, tt.body)
			}
			if a.Repaired != tt.repaired {
				t.Errorf("got Repaired %q, want %q", a.Repaired, tt.repaired)
			}
		})
	}
}

func TestRepairJSONL(t *testing.T) {
	tests := []struct {
		line, want, repaired string
	}{
		{"{\"id\":\"a\",\"published\":\"2024-03-14\",\"title\":\"Caf\xe9\",\"body\":\"x &amp; y\"}", "Café|x & y", "cp1252,entities"},
		{`{"id":"a","published":"2024-03-14","title":"T","body":"crÃ¨ches\r\nmeer"}`, "T|crèches\nmeer", "newlines,mojibake"},
	}
	for _, tt := range tests {
		rec := parseJSONLine([]byte(tt.line), Origin{File: "f.jsonl", Line: 1})
		if rec.Article == nil {
			t.Fatalf("%s: got reject %v, want an article", tt.line, rec.Reject)
		}
		if got := rec.Article.Title + "|" + rec.Article.Body; got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
		if got := rec.Article.Repaired; got != tt.repaired {
			t.Errorf("got Repaired %q, want %q", got, tt.repaired)
		}
	}
}

// FuzzRepair checks that any byte sequence is either rejected or becomes
// valid UTF-8 without NULs, and that clean UTF-8 text is never changed.
func FuzzRepair(f *testing.F) {
	for _, s := range []string{"Caf\xe9", "crÃ¨ches", "&amp;&#0;&#xD800;", "\xff\xfe\x00", "\r\n\r", "Ã", "â€", "\ufeffx"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, _, _, ok := repairBytes(data)
		if !ok {
			return
		}
		if !utf8.Valid(out) {
			t.Fatalf("repairBytes(%q) = %q: not UTF-8", data, out)
		}
		s, repairs := repairText(string(out))
		if !utf8.ValidString(s) {
			t.Fatalf("repairText(%q) = %q: not UTF-8", out, s)
		}
		if len(repairs) == 0 && s != string(out) {
			t.Fatalf("repairText changed %q to %q without saying so", out, s)
		}
		if !strings.ContainsAny(string(out), "&\rÃÂâÅÄ") && s != string(out) {
			t.Fatalf("clean text %q changed to %q", out, s)
		}
	})
}
