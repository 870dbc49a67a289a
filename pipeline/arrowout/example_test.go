package arrowout_test

import (
	"context"
	"fmt"
	"math"
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
			NArticles: 2, NMentions: 5, SentimentMean: 0.5, SentimentWeighted: 0.55, RegulatoryRiskMean: 0.1, RegulatoryRiskMax: 0.2,
			RegulatoryRiskWeighted: 0.15, SentimentStd: 0.3, RegulatoryRiskStd: 0.1, Buzz: 2.5,
			SentimentIndex: 0.4, RegulatoryRiskIndex: 0.12, SentimentZ: math.NaN(), RegulatoryRiskZ: math.NaN(),
			RiskCategories: []float64{0.1}},
		{CompanyID: "ing", CompanyName: "ING Groep", Date: time.Date(2024, 3, 14, 0, 0, 0, 0, time.UTC),
			NArticles: 1, NMentions: 1, SentimentMean: -0.25, SentimentWeighted: -0.25, RegulatoryRiskMean: 0.9, RegulatoryRiskMax: 0.9,
			// NaN is written as null: one article has no dispersion, and
			// without earlier mentions there is no buzz baseline.
			RegulatoryRiskWeighted: 0.9, SentimentStd: math.NaN(), RegulatoryRiskStd: math.NaN(), NegativeShare: 1, Buzz: math.NaN(),
			SentimentIndex: -0.25, RegulatoryRiskIndex: 0.9, SentimentZ: math.NaN(), RegulatoryRiskZ: math.NaN(),
			RiskCategories: []float64{0.9, 0, 0.4}},
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
	// company_id,company_name,date,n_articles,n_mentions,sentiment_mean,sentiment_weighted,regulatory_risk_mean,regulatory_risk_max,regulatory_risk_weighted,sentiment_std,regulatory_risk_std,negative_share,buzz,sentiment_index,regulatory_risk_index,sentiment_z,regulatory_risk_z,risk_enforcement,risk_investigation,risk_litigation,risk_legislation,risk_tax,risk_competition,risk_sanctions,risk_licensing,risk_privacy,risk_state_intervention,risk_prudential,risk_esg
	// asml,ASML Holding,2024-03-14,2,5,0.5,0.55,0.1,0.2,0.15,0.3,0.1,0,2.5,0.4,0.12,,,0.1,0,0,0,0,0,0,0,0,0,0,0
	// ing,ING Groep,2024-03-14,1,1,-0.25,-0.25,0.9,0.9,0.9,,,1,,-0.25,0.9,,,0.9,0,0.4,0,0,0,0,0,0,0,0,0
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
