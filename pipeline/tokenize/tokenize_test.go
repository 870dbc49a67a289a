package tokenize

import (
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"
)

var abbrevs = []string{"o.a", "mln", "mrd", "bv", "nv", "dhr", "ca", "bijv", "m.b.t", "resp"}

func surfaces(text string) []string {
	var res Result
	New(abbrevs).Tokenize(text, &res)
	out := make([]string, len(res.Tokens))
	for i, t := range res.Tokens {
		out[i] = text[t.Start:t.End]
	}
	return out
}

func TestTokens(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"apostrophe plural", "De regelgevende salvo's die Peking afvuurt", []string{"De", "regelgevende", "salvo's", "die", "Peking", "afvuurt"}},
		{"zo'n", "zo'n 20 auto's", []string{"zo'n", "20", "auto's"}},
		{"typographic apostrophe", "ASML’s omzet", []string{"ASML’s", "omzet"}},
		{"elision city", "in 's-Hertogenbosch", []string{"in", "'s-Hertogenbosch"}},
		{"elision time", "'s avonds laat", []string{"'s", "avonds", "laat"}},
		{"hyphenated", "de taxi-app en e-commerce in Noord-Holland", []string{"de", "taxi-app", "en", "e-commerce", "in", "Noord-Holland"}},
		{"q3 compound", "De Q3-cijfers vielen tegen.", []string{"De", "Q3-cijfers", "vielen", "tegen", "."}},
		{"dutch numbers", "1.250,5 euro en 3,2% meer", []string{"1.250,5", "euro", "en", "3,2", "%", "meer"}},
		{"currency", "€77 miljoen", []string{"€", "77", "miljoen"}},
		{"iso date", "op 2021-09-14 gemeld", []string{"op", "2021-09-14", "gemeld"}},
		{"abbreviation", "o.a. ASML en ca. 3 mln. euro", []string{"o.a.", "ASML", "en", "ca.", "3", "mln.", "euro"}},
		{"url", "zie https://example.org/a?b=1. Daarna", []string{"zie", "https://example.org/a?b=1", ".", "Daarna"}},
		{"email", "mail pers@asml.com vandaag", []string{"mail", "pers@asml.com", "vandaag"}},
		{"domain name", "Takeaway.com en bol.com", []string{"Takeaway.com", "en", "bol.com"}},
		{"ticker", "AEX: ASML steeg", []string{"AEX", ":", "ASML", "steeg"}},
		{"quotes", "„Dit is goed”, zei hij.", []string{"„", "Dit", "is", "goed", "”", ",", "zei", "hij", "."}},
		{"diacritics", "financiële één geïnteresseerd", []string{"financiële", "één", "geïnteresseerd"}},
		{"ampersand acronym", "AT&T en Procter & Gamble", []string{"AT&T", "en", "Procter", "&", "Gamble"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := surfaces(tt.text)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"simple", "ASML groeit. Philips krimpt.", []string{"ASML groeit.", "Philips krimpt."}},
		{"abbreviation", "De omzet steeg o.a. door China. Dat meldt het bedrijf.", []string{"De omzet steeg o.a. door China.", "Dat meldt het bedrijf."}},
		{"millions", "Een verlies van 3 mln. euro werd geboekt.", []string{"Een verlies van 3 mln. euro werd geboekt."}},
		{"initial", "Topman J. Smit vertrekt. Hij blijft adviseur.", []string{"Topman J. Smit vertrekt.", "Hij blijft adviseur."}},
		{"decimal", "De koers steeg 3,2 procent. Meer nieuws volgt.", []string{"De koers steeg 3,2 procent.", "Meer nieuws volgt."}},
		{"quote end", "„We groeien.” Dat zei de topman.", []string{"„We groeien.”", "Dat zei de topman."}},
		{"question", "Wacht beleggers een hinderlaag? Niemand weet het!", []string{"Wacht beleggers een hinderlaag?", "Niemand weet het!"}},
		{"paragraph", "Kop zonder punt\n\nDe tekst begint hier.", []string{"Kop zonder punt", "De tekst begint hier."}},
		{"lowercase continues", "Het kost 5 euro p. st. en meer.", []string{"Het kost 5 euro p. st. en meer."}},
		{"acronym ends sentence", "Het gaat om ING. De bank zwijgt.", []string{"Het gaat om ING.", "De bank zwijgt."}},
		{"number starts sentence", "Dat was het. 2021 wordt beter.", []string{"Dat was het.", "2021 wordt beter."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res Result
			New(abbrevs).Tokenize(tt.text, &res)
			var got []string
			for _, s := range res.Sentences {
				got = append(got, tt.text[s.Start:s.End])
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestTokenSize holds a Token to half a cache line: every stage walks the
// tokens, and a field added in the wrong place would cost each walk a cache
// miss per token.
func TestTokenSize(t *testing.T) {
	if got, want := unsafe.Sizeof(Token{}), uintptr(32); got != want {
		t.Errorf("got a Token of %d bytes, want %d", got, want)
	}
}

func TestTokenFields(t *testing.T) {
	text := "ING boekt Winst.\n\nDe financiële cijfers’ stijgen."
	var res Result
	New(nil).Tokenize(text, &res)
	for i, tok := range res.Tokens {
		if int(tok.Sentence) >= len(res.Sentences) || res.Sentences[tok.Sentence].First > i || res.Sentences[tok.Sentence].Last <= i {
			t.Errorf("token %d %q: sentence %d does not contain it", i, text[tok.Start:tok.End], tok.Sentence)
		}
	}
	if got, want := res.Tokens[0].Upper, true; got != want {
		t.Errorf("ING Upper: got %v, want %v", got, want)
	}
	if got, want := res.Tokens[2].Norm, "winst"; got != want {
		t.Errorf("norm: got %q, want %q", got, want)
	}
	if got, want := res.Sentences[1].Paragraph, 1; got != want {
		t.Errorf("paragraph: got %d, want %d", got, want)
	}
	if got, want := res.Tokens[5].Norm, "financiële"; got != want {
		t.Errorf("norm: got %q, want %q", got, want)
	}
	if got, want := Fold("financiële"), "financiele"; got != want {
		t.Errorf("Fold: got %q, want %q", got, want)
	}
}

func TestSharedSeed(t *testing.T) {
	data, err := readShared(t)
	if err != nil {
		t.Skipf("shared seed not available: %v", err)
	}
	text := string(data)
	var res Result
	New(abbrevs).Tokenize(text, &res)
	if len(res.Tokens) < 350 || len(res.Sentences) < 15 {
		t.Errorf("got %d tokens in %d sentences, want ≥ 350 in ≥ 15", len(res.Tokens), len(res.Sentences))
	}
	for _, want := range []string{"salvo's", "taxi-app", "privacyregelgeving", "e-commerce", "Songshu"} {
		found := false
		for _, tok := range res.Tokens {
			found = found || text[tok.Start:tok.End] == want
		}
		if !found {
			t.Errorf("token %q not found", want)
		}
	}
}

// FuzzTokenize checks the invariants every later stage relies on.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"", "a", "o.a. ASML's Q3-cijfers: 1.250,5 mln.", "'s-Hertogenbosch 's avonds", "x\n\n\ny. Z", "https://x.y/ z@y.nl", "\xff\xfe", "’’'-.-"} {
		f.Add(s)
	}
	tk := New(abbrevs)
	f.Fuzz(func(t *testing.T, text string) {
		var res Result
		tk.Tokenize(text, &res)
		prev := 0
		for i, tok := range res.Tokens {
			if int(tok.Start) < prev || tok.End <= tok.Start || int(tok.End) > len(text) {
				t.Fatalf("token %d: bad span [%d,%d) after %d in %q", i, tok.Start, tok.End, prev, text)
			}
			surface := text[tok.Start:tok.End]
			if utf8.ValidString(text) && !utf8.ValidString(surface) {
				t.Fatalf("token %d splits a rune: %q", i, surface)
			}
			if (tok.Kind == Word || tok.Kind == Email) && tok.Norm != Normalize(surface) {
				t.Fatalf("token %d %q: got Norm %q, want Normalize(surface) %q", i, surface, tok.Norm, Normalize(surface))
			}
			if int(tok.Sentence) >= len(res.Sentences) || res.Sentences[tok.Sentence].First > i || res.Sentences[tok.Sentence].Last <= i {
				t.Fatalf("token %d %q: sentence %d does not contain it", i, surface, tok.Sentence)
			}
			prev = int(tok.End)
		}
		next := 0
		for _, s := range res.Sentences {
			if s.First != next || s.Last <= s.First {
				t.Fatalf("sentences do not tile the tokens: %+v", res.Sentences)
			}
			next = s.Last
		}
		if next != len(res.Tokens) {
			t.Fatalf("sentences cover %d of %d tokens", next, len(res.Tokens))
		}
	})
}

// TestFoldFastPath checks the Latin-1 table against Unicode decomposition.
func TestFoldFastPath(t *testing.T) {
	for r := rune(0xC0); r <= 0xFF; r++ {
		s := "x" + string(r) + "y"
		if got, want := Fold(s), foldSlow(s); got != want {
			t.Errorf("Fold(%q): got %q, want %q", s, got, want)
		}
	}
	for _, s := range []string{"financiële", "één", "ĳzer", "Škoda", "€77", "naïef", "Zürich", "São Paulo", "北京"} {
		if got, want := Fold(s), foldSlow(s); got != want {
			t.Errorf("Fold(%q): got %q, want %q", s, got, want)
		}
	}
}
