package scoring_test

import (
	"fmt"
	"log"

	"github.com/marktstem/marktstem/lexicons"
	"github.com/marktstem/marktstem/pipeline/tokenize"
	"github.com/marktstem/marktstem/scoring"
)

func ExampleScorer_Score() {
	set, err := lexicons.Default()
	if err != nil {
		log.Fatal(err)
	}
	sc, tk := scoring.New(set), tokenize.New(set.Abbreviations)
	text := "De ACM legt Adyen een boete op. De winst daalde niet."
	var tok tokenize.Result
	tk.Tokenize(text, &tok)
	res := sc.Score(text, &tok, 0)
	fmt.Printf("risk %.2f, flagged %v\n", res.Risk, res.Flag)
	for _, h := range res.Hits {
		if h.Kind == scoring.Regulatory {
			fmt.Println(h.Explain(text))
		}
	}
	// Output:
	// risk 0.56, flagged true
	// "boete" [22:27] regulatory boete (enforcement) +0.700 actor×1.4 = +0.980
	// "ACM" [3:6] regulatory-actors acm (competition) +0.240
}
