package arrowout_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/marktstem/marktstem/pipeline/arrowout"
)

func Example() {
	dir, err := os.MkdirTemp("", "arrowout-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "company_daily.arrow")

	mem := memory.NewGoAllocator()
	meta := arrowout.Metadata{Version: "v1.0.0", RunTime: time.Date(2024, 3, 15, 6, 0, 0, 0, time.UTC), Inputs: []string{"seeds/"}}
	w, err := arrowout.NewCompanyDayWriter(path, mem, meta)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer w.Abort() // no-op once Close succeeded
	rows := []arrowout.CompanyDay{
		{CompanyID: "asml", CompanyName: "ASML Holding", Date: time.Date(2024, 3, 14, 0, 0, 0, 0, time.UTC),
			NArticles: 2, NMentions: 5, SentimentMean: 0.5, SentimentWeighted: 0.55, RegulatoryRiskMean: 0.1, RegulatoryRiskMax: 0.2},
		{CompanyID: "ing", CompanyName: "ING Groep", Date: time.Date(2024, 3, 14, 0, 0, 0, 0, time.UTC),
			NArticles: 1, NMentions: 1, SentimentMean: -0.25, SentimentWeighted: -0.25, RegulatoryRiskMean: 0.9, RegulatoryRiskMax: 0.9},
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			fmt.Println(err)
			return
		}
	}
	if err := w.Close(); err != nil {
		fmt.Println(err)
		return
	}
	if err := arrowout.Dump(context.Background(), os.Stdout, path, arrowout.FormatCSV, mem); err != nil {
		fmt.Println(err)
	}
	// Output:
	// company_id,company_name,date,n_articles,n_mentions,sentiment_mean,sentiment_weighted,regulatory_risk_mean,regulatory_risk_max
	// asml,ASML Holding,2024-03-14,2,5,0.5,0.55,0.1,0.2
	// ing,ING Groep,2024-03-14,1,1,-0.25,-0.25,0.9,0.9
}

func ExampleParseFormat() {
	for _, s := range []string{"jsonl", "xml"} {
		f, err := arrowout.ParseFormat(s)
		fmt.Println(f, err)
	}
	// Output:
	// jsonl <nil>
	// table unknown format "xml": want one of table, csv, jsonl
}
