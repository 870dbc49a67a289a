package tokenize_test

import (
	"fmt"

	"github.com/marktstem/marktstem/pipeline/tokenize"
)

func Example() {
	text := "ASML's Q3-cijfers: €1.250,5 mln. omzet. De koers steeg o.a. in 's-Hertogenbosch."
	tk := tokenize.New([]string{"mln", "o.a"})
	var res tokenize.Result
	tk.Tokenize(text, &res)
	for _, t := range res.Tokens {
		fmt.Printf("%d %d:%d %-6s %q\n", t.Sentence, t.Start, t.End, t.Kind, t.Norm)
	}
	// Output:
	// 0 0:6 word   "asml's"
	// 0 7:17 word   "q3-cijfers"
	// 0 17:18 punct  ":"
	// 0 19:22 symbol "€"
	// 0 22:29 number "1.250,5"
	// 0 30:34 word   "mln."
	// 0 35:40 word   "omzet"
	// 0 40:41 punct  "."
	// 1 42:44 word   "de"
	// 1 45:50 word   "koers"
	// 1 51:56 word   "steeg"
	// 1 57:61 word   "o.a."
	// 1 62:64 word   "in"
	// 1 65:81 word   "'s-hertogenbosch"
	// 1 81:82 punct  "."
}

func ExampleDecompounder() {
	d := tokenize.NewDecompounder()
	for _, w := range []string{"kwartaal", "winst", "game", "privacy"} {
		d.Add(w, tokenize.Modifier)
	}
	for _, w := range []string{"winst", "verslaving", "regelgeving", "waarschuwing"} {
		d.Add(w, tokenize.Head)
	}
	d.Add("gang", tokenize.StopHead)
	d.Add("beurs", tokenize.Modifier)
	for _, w := range []string{"kwartaalwinstwaarschuwing", "gameverslavingen", "privacyregelgeving", "beursgang"} {
		var parts []string
		for _, p := range d.Split(w) {
			parts = append(parts, p.Lemma+p.Link)
		}
		fmt.Printf("%s: %v head=%q\n", w, parts, d.Head(w))
	}
	// Output:
	// kwartaalwinstwaarschuwing: [kwartaal winst waarschuwing] head="waarschuwing"
	// gameverslavingen: [game verslaving] head="verslaving"
	// privacyregelgeving: [privacy regelgeving] head="regelgeving"
	// beursgang: [] head=""
}
