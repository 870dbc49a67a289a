package scoring_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/marktstem/marktstem/lexicons"
	"github.com/marktstem/marktstem/pipeline/tokenize"
	"github.com/marktstem/marktstem/scoring"
)

// scoreText scores text with the embedded lexicons.
func scoreText(t *testing.T, sc *scoring.Scorer, tk *tokenize.Tokenizer, text string) scoring.Result {
	t.Helper()
	var tok tokenize.Result
	tk.Tokenize(text, &tok)
	return sc.Score(text, &tok, 0)
}

// TestRegulatoryDirection checks the documented behaviour of the
// regulatory-risk score with the shipped lexicons: adverse actions raise
// it, relief lowers it, negation and hedging apply, regulators amplify.
func TestRegulatoryDirection(t *testing.T) {
	set, err := lexicons.Default()
	if err != nil {
		t.Fatal(err)
	}
	sc, tk := scoring.New(set), tokenize.New(set.Abbreviations)
	risk := func(text string) float64 { return scoreText(t, sc, tk, text).Risk }
	tests := []struct {
		name        string
		lower, high string // risk(lower) < risk(high)
	}{
		{"negated fine", "ING krijgt geen boete.", "ING krijgt een boete."},
		{"hedged investigation", "De ACM opent mogelijk een onderzoek naar Adyen.", "De ACM opent een onderzoek naar Adyen."},
		{"annulled fine", "De rechter vernietigt de boete van Philips.", "De rechter bevestigt de boete van Philips."},
		{"question", "Krijgt Shell een boete?", "Shell krijgt een boete."},
		{"regulator acts", "Philips krijgt een boete.", "De AFM legt Philips een boete op."},
		{"approval", "De Europese Commissie keurt de overname goed.", "De Europese Commissie blokkeert de overname."},
		{"closed investigation", "Het OM sluit het onderzoek naar KBC.", "Het OM opent een strafrechtelijk onderzoek naar KBC."},
	}
	for _, tt := range tests {
		lo, hi := risk(tt.lower), risk(tt.high)
		if !(lo < hi) {
			t.Errorf("%s: risk(%q) = %.3f, want below risk(%q) = %.3f", tt.name, tt.lower, lo, tt.high, hi)
		}
	}
	if r := risk("ING krijgt geen boete."); r != 0 {
		t.Errorf("negated fine: got risk %.3f, want 0", r)
	}
	flagged := scoreText(t, sc, tk, "De Europese Commissie legt ASML een miljardenboete op wegens misbruik van machtspositie.")
	if !flagged.Flag {
		t.Errorf("EU fine: got risk %.3f unflagged, want flagged", flagged.Risk)
	}
	cats := sc.Categories()
	top := func(res scoring.Result) string {
		best := 0
		for i, v := range res.Categories {
			if v > res.Categories[best] {
				best = i
			}
		}
		return cats[best]
	}
	catTests := []struct{ text, want string }{
		{"Peking treedt hardhandig op tegen de techsector en legt Alibaba strenge regels op.", "state_intervention"},
		{"De Belastingdienst legt Shell een naheffing op.", "tax"},
		{"De ACM beboet de bouwers voor kartelafspraken.", "competition"},
		{"De VS breiden de exportbeperkingen voor chipmachines naar China uit.", "sanctions"},
		{"De ECB verhoogt de kapitaaleisen voor ING.", "prudential"},
	}
	if res := scoreText(t, sc, tk, "De Autoriteit Persoonsgegevens beboet Meta voor een datalek."); res.Categories[indexOf(cats, "privacy")] == 0 {
		t.Errorf("privacy fine: got no privacy risk (%v)", res.Categories)
	}
	for _, tt := range catTests {
		res := scoreText(t, sc, tk, tt.text)
		if got := top(res); got != tt.want || res.Risk == 0 {
			t.Errorf("%q: top category got %s (risk %.3f), want %s", tt.text, got, res.Risk, tt.want)
		}
	}
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// TestActorPrefix checks actors glued to what they do by a hyphen: the
// actor is found in the head of the token, with the case rule of
// case-sensitive actors, and only there.
func TestActorPrefix(t *testing.T) {
	set, err := lexicons.Default()
	if err != nil {
		t.Fatal(err)
	}
	sc, tk := scoring.New(set), tokenize.New(set.Abbreviations)
	tests := []struct {
		text string
		want string // the actor terms found, space-separated
	}{
		{"De DNB-president waarschuwt de banken.", "dnb"},
		{"Het SEC-onderzoek naar Philips loopt.", "sec"},
		{"Een AP-onderzoek naar Meta.", "ap"},
		{"Een ap-document over Meta.", ""},   // ap is not AP
		{"De president-DNB waarschuwt.", ""}, // the head only
		{"De DNB waarschuwt de banken.", "dnb"},
	}
	for _, tt := range tests {
		res := scoreText(t, sc, tk, tt.text)
		var got []string
		for _, a := range res.Actors {
			got = append(got, a.Term)
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("%q: got actors %q, want %q", tt.text, g, tt.want)
		}
	}
	// A word that starts an actor phrase and is an actor prefix keeps
	// its actor bit where the phrase's second word does not follow.
	set.Actors = append(slices.Clip(set.Actors), lexicons.Actor{Term: "dnb-president van nederland", Lexicon: "test", Category: "prudential", Weight: 0.5})
	sc = scoring.New(set)
	for text, want := range map[string]string{
		"De DNB-president waarschuwt de banken.":     "dnb",
		"De DNB-president van Nederland waarschuwt.": "dnb-president van nederland",
	} {
		var got []string
		for _, a := range scoreText(t, sc, tk, text).Actors {
			got = append(got, a.Term)
		}
		if g := strings.Join(got, " "); g != want {
			t.Errorf("%q with an actor phrase: got actors %q, want %q", text, g, want)
		}
	}
}
