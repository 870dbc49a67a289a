package pipeline_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/marktstem/marktstem/lexicons"
	"github.com/marktstem/marktstem/pipeline"
	"github.com/marktstem/marktstem/pipeline/entities"
)

func ExampleRun() {
	lex, err := lexicons.Default()
	if err != nil {
		log.Fatal(err)
	}
	reg, err := entities.Default()
	if err != nil {
		log.Fatal(err)
	}
	out, err := os.MkdirTemp("", "marktstem-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(out)

	wire := `{"id":"anp-1","published":"2024-03-14","title":"Europese Commissie legt ASML miljardenboete op","body":"De Europese Commissie heeft ASML een boete opgelegd wegens misbruik van machtspositie."}
{"id":"anp-2","published":"2024-03-14","title":"Heineken zet recordomzet neer"}
not json
`
	sum, err := pipeline.Run(context.Background(), pipeline.Config{
		Inputs: []string{"-"}, Stdin: strings.NewReader(wire), OutDir: out,
		Lexicons: lex, Registry: reg, Version: "example",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d read = %d scored + %d rejected %v\n", sum.Read, sum.Scored, sum.Rejected, sum.RejectsByReason)
	top := sum.Companies[0]
	fmt.Printf("highest risk: %s (flagged: %v)\n", top.Name, top.RiskMax >= 0.5)
	// Output:
	// 3 read = 2 scored + 1 rejected map[bad_json:1]
	// highest risk: ASML (flagged: true)
}
