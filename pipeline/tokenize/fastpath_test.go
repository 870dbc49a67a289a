package tokenize

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/marktstem/marktstem/lexicons"
)

// tokenizeSlow is the reference for Tokenize's fast paths: every token
// goes through scanner.token (no plainWords), and a fresh Result has no
// cache and no memory of normalised forms, so every one is made anew.
func tokenizeSlow(tk *Tokenizer, text string) *Result {
	res := new(Result)
	tk.Tokenize("", res) // sets up the Result as Tokenize does
	s := scanner{t: tk, text: text, res: res, openFrom: -1, lineStart: true}
	for i := 0; i < len(text); {
		i = s.token(i)
	}
	s.closeAt(len(res.Tokens))
	all := string(res.norms)
	for _, f := range res.fix {
		res.Tokens[f.tok].Norm = all[f.off:f.end]
	}
	return res
}

// diffResults describes the first difference between two tokenisations of
// text, or returns "".
func diffResults(text string, got, want *Result) string {
	for i := 0; i < len(got.Tokens) && i < len(want.Tokens); i++ {
		if g, w := got.Tokens[i], want.Tokens[i]; g != w {
			return fmt.Sprintf("token %d %q: got %+v, want %+v", i, text[w.Start:w.End], g, w)
		}
	}
	if len(got.Tokens) != len(want.Tokens) {
		return fmt.Sprintf("got %d tokens, want %d", len(got.Tokens), len(want.Tokens))
	}
	for i := 0; i < len(got.Sentences) && i < len(want.Sentences); i++ {
		if g, w := got.Sentences[i], want.Sentences[i]; g != w {
			return fmt.Sprintf("sentence %d: got %+v, want %+v", i, g, w)
		}
	}
	if len(got.Sentences) != len(want.Sentences) {
		return fmt.Sprintf("got %d sentences, want %d", len(got.Sentences), len(want.Sentences))
	}
	return ""
}

// collisions are pairs of words that share a slot of normCache (same
// length, first, middle and last byte); TestCollisions checks that they do.
var collisions = [][2]string{{"Akzo", "Axzo"}, {"ASML", "AbML"}, {"Philips", "Phylaps"}, {"Shell", "Sxexl"}, {"ÉénE", "ÉéxE"}}

func TestCollisions(t *testing.T) {
	var c normCache
	for _, p := range collisions {
		if c.slot(p[0]) != c.slot(p[1]) {
			t.Errorf("%q and %q do not share a slot", p[0], p[1])
		}
	}
}

// pieces are what the random texts are made of: plain words in every case,
// with digits, non-ASCII words (NFC and not), abbreviations, initials,
// URLs, numbers, elisions, hyphens, quotes, invisible characters, invalid
// UTF-8 and all kinds of space.
var pieces = []string{
	"Akzo", "Axzo", "ASML", "AbML", "Philips", "Phylaps", "Shell", "Sxexl", "ÉénE", "ÉéxE", "de", "winst", "steeg", "De", "WINST", "wInSt", "Q3", "3D", "q3", "a1b2", "x", "X", "AT&T", "P&O",
	"één", "Één", "ÉÉN", "financiële", "FINANCIËLE", "nai\u0308ef", "ĳzer", "Ĳssel", "Zürich", "São", "北京",
	"dhr.", "Dhr.", "DHR.", "o.a.", "O.A.", "mln.", "Mln.", "bv.", "ca.", "J.", "J.P.", "É.", "ING.", "tja...",
	"https://example.org/a?b=1", "www.asml.com", "www.", "WWW.", "pers@asml.com", "Takeaway.com", "bol.com",
	"1.250,5", "3,2%", "'21", "-3", "+5", "€", "5,-", "2021-09-14", "14:30",
	"'s", "'s-Hertogenbosch", "'t", "salvo's", "zo'n", "ASML’s", "taxi-app", "midden-", "en", "Noord-Holland",
	".", ",", ";", ":", "!", "?", "…", "„", "”", "\"", "'", "(", ")", "-", "–", "•", "*",
	"soft\u00adhyphen", "zero\u200bwidth", "\xff", "\xc3", "a\xffb",
}

var spaces = []string{" ", " ", " ", " ", "  ", "\n", "\n\n", "\t", ", ", ". ", "", "\u00a0"}

// randomText strings pieces together, mostly with single spaces.
func randomText(r *rand.Rand) string {
	var b strings.Builder
	for n := r.IntN(60); n > 0; n-- {
		b.WriteString(pieces[r.IntN(len(pieces))])
		b.WriteString(spaces[r.IntN(len(spaces))])
	}
	return b.String()
}

// TestFastPathsMatchReference compares Tokenize, with a Result reused across
// texts (plain-word path, cache and memory of normalised forms), with
// tokenizeSlow on random and adversarial texts.
func TestFastPathsMatchReference(t *testing.T) {
	tk := New(abbrevs)
	texts := []string{
		"Akzo Axzo Akzo Axzo akzo AKZO Axzo, Akzo. Axzo",
		"ASML AbMx ASML. AbMx asml Asml ASML's",
		"één Één ÉÉN één ÉénE ÉéxE ÉénE ÉéxE",
		"Q3 Q3, Q3. 3D q3 AB12 ab12 Ab12",
		"dhr. Jansen o.a. ASML. De bv. Philips mln. Shell ca. 3",
		"Het gaat om ING. De bank zwijgt. „Waarom?” vroeg hij. - ASML steeg\n\n- Philips daalde",
		"zie https://example.org. Daarna www.asml.com en pers@asml.com",
		"a", "A", "Ab", "ab ", " ab", "ab\n", "ab,", "ab.", "Ab. Cd", "ab'", "ab-cd", "ab:cd", "ab/cd", "ab\xff",
		// Full stops and commas between plain words, and what is no full stop.
		"Akzo steeg. De winst, de omzet. het bleef. Q3. AB. Cd. A. Jansen, mln. Philips. procent. Ca. 3",
		"winst.\n\nDe winst.\"De winst.) winst.' winst., winst.5 winst.é winst.. winst.? winst.De winst.\u00a0De winst.",
		"ab,cd ab, cd ab,, ab,\n ab. 3 ab. (De ab. „De ab. - De ab,",
		// "www." is a URL prefix, even where it looks like a word and a full stop.
		"WWW.", "www.", "zie www. De", "Www. www.. WwW.\n", "wwww. ww. www",
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		texts = append(texts, randomText(r))
	}
	// A Result with a cache from the start: these texts have too few
	// words to earn it.
	res := Result{recent: new(normCache)}
	for round := range 2 { // the second round finds everything in memory
		for _, text := range texts {
			tk.Tokenize(text, &res)
			if d := diffResults(text, &res, tokenizeSlow(tk, text)); d != "" {
				t.Fatalf("round %d, %q: %s", round, text, d)
			}
		}
	}
}

// TestForgetfulMemory checks the norms of a Result that earns its cache,
// and after its memory starts afresh (the cache does not).
func TestForgetfulMemory(t *testing.T) {
	tk := New(nil)
	var res Result
	var b strings.Builder
	for i := range maxSeenNorms + 1000 {
		fmt.Fprintf(&b, "Woord%d Één%d ", i, i%7)
		if i%500 == 499 || i == maxSeenNorms+999 {
			text := b.String()
			tk.Tokenize(text, &res)
			if d := diffResults(text, &res, tokenizeSlow(tk, text)); d != "" {
				t.Fatalf("after %d words: %s", i, d)
			}
			b.Reset()
		}
	}
	if res.recent == nil {
		t.Fatal("no normCache after all these words")
	}
	text := "Woord1 Woord70000 Één1"
	tk.Tokenize(text, &res)
	if d := diffResults(text, &res, tokenizeSlow(tk, text)); d != "" {
		t.Fatal(d)
	}
}

// FuzzFastPaths compares Tokenize with tokenizeSlow, with a Result reused
// across inputs.
func FuzzFastPaths(f *testing.F) {
	for _, s := range []string{"Akzo Axzo akzo", "één Één, Q3 3D", "dhr. Jansen. De ING. Bank", "ab,cd. Ef\n\n- gh", "De winst, de omzet. Het bleef. A. Jansen", "WWW."} {
		f.Add(s)
	}
	tk := New(abbrevs)
	res := Result{recent: new(normCache)}
	f.Fuzz(func(t *testing.T, text string) {
		for range 2 {
			tk.Tokenize(text, &res)
			if d := diffResults(text, &res, tokenizeSlow(tk, text)); d != "" {
				t.Fatalf("%q: %s", text, d)
			}
		}
	})
}

// TestAbbrevFilter checks that Tokenizer.sigs lets every abbreviation of the
// default lexicon through, in every case a text may write it (maybeAbbrev
// only looks up ASCII words), and that it keeps most other words out.
func TestAbbrevFilter(t *testing.T) {
	set, err := lexicons.Default()
	if err != nil {
		t.Fatal(err)
	}
	tk := New(set.Abbreviations)
	for key := range tk.abbrev {
		if key == "" || strings.ContainsFunc(key, func(r rune) bool { return r >= utf8.RuneSelf }) {
			continue
		}
		title := strings.ToUpper(key[:1]) + key[1:]
		for _, w := range []string{key, strings.ToUpper(key), title} {
			if !tk.maybeAbbrevKey(w) {
				t.Errorf("abbreviation %q: the filter keeps %q out", key, w)
			}
		}
	}
	through := 0
	words := strings.Fields("procent miljard eerder verwacht lager beschermen systemen bevestigd verlies extreem blijft week herstel bovenop trager terug opzet Group Sawan")
	for _, w := range words {
		if tk.maybeAbbrevKey(w) {
			through++
		}
	}
	if through > 1 {
		t.Errorf("%d of %d common words get through the filter", through, len(words))
	}
}
