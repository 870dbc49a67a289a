package entities_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/marktstem/marktstem/pipeline/entities"
	"github.com/marktstem/marktstem/pipeline/tokenize"
)

func ExampleRegistry_Find() {
	const csv = `id,name,aliases,parent_id,ticker,isin,country,sector
bytedance,ByteDance,,,,,CN,Communication Services
tiktok,TikTok,,bytedance,,,CN,Communication Services
ing,ING Groep,ING,,INGA.AS,NL0011821202,NL,Financials
`
	reg, err := entities.ParseRegistry("companies.csv", strings.NewReader(csv))
	if err != nil {
		log.Fatal(err)
	}
	text := "De ING-topman zag TikTok groeien; de financiering van ByteDance volgt."
	var tok tokenize.Result
	tokenize.New(nil).Tokenize(text, &tok)
	for _, m := range reg.Find(text, &tok) {
		fmt.Printf("%-9s [%d:%d] → %s\n", m.Surface, m.Start, m.End, reg.Company(m.Root).Name)
	}
	// Output:
	// ING       [3:6] → ING Groep
	// TikTok    [18:24] → ByteDance
	// ByteDance [54:63] → ByteDance
}
