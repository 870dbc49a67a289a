package ingest_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/marktstem/marktstem/pipeline/ingest"
)

func Example() {
	input := `{"id":"a1","published":"2024-03-14","title":"ASML boekt recordorders","body":"…"}
{"id":"a2","published":"2024-03-15T09:30:00+01:00","title":"Philips schikt claims","body":"…"}
{"id":"a3","published":"2024-13-01","title":"Onmogelijke datum"}
`
	r := ingest.NewReader(ingest.Options{})
	err := r.Walk(context.Background(), []string{"-"}, strings.NewReader(input), func(rec ingest.Record) error {
		if rec.Reject != nil {
			fmt.Println("rejected:", rec.Reject.Reason, "on line", rec.Reject.Origin.Line)
			return nil
		}
		a := rec.Article
		fmt.Println(a.ID, a.Date().Format("2006-01-02"), a.Precision, a.Title)
		return nil
	})
	if err != nil {
		fmt.Println("error:", err)
	}
	// Output:
	// a1 2024-03-14 day ASML boekt recordorders
	// a2 2024-03-15 time Philips schikt claims
	// rejected: bad_date on line 3
}
