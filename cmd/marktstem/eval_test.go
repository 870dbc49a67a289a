package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// labelledFile writes a small sentiment TSV: headlines whose words make the
// label plain, so that learning has something to find.
func labelledFile(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("id\tlabel\theadline\n")
	pos := []string{"Recordwinst voor bakkerij", "Omzet stijgt sterk", "Winst fors hoger dan verwacht", "Dividend verhoogd na goed jaar"}
	neg := []string{"Faillissement dreigt voor fabriek", "Verlies loopt op", "Winstwaarschuwing schokt beleggers", "Ontslagen bij verlieslijdende tak"}
	neu := []string{"Bedrijf verhuist naar Utrecht", "Nieuwe directeur benoemd", "Jaarvergadering op dinsdag", "Fabriek opent de deuren"}
	for i := 0; i < 8; i++ {
		for label, set := range [][]string{neg, neu, pos} {
			label-- // −1, 0, 1
			for k, h := range set {
				fmt.Fprintf(&b, "%d%d%d\t%d\t%s (%d)\n", label+1, i, k, label, h, i)
			}
		}
	}
	path := filepath.Join(t.TempDir(), "labels.tsv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestEvalPredictions(t *testing.T) {
	file := labelledFile(t)
	tests := []struct {
		name    string
		args    []string
		columns []string
		report  string // a line of the report
	}{
		{"in-sample", nil, []string{"file", "id", "task", "gold", "predicted", "sentiment", "regulatory_risk"}, "macro-F1"},
		{"cross-validated", []string{"--folds", "2", "--lambda", "1,10"}, []string{"file", "id", "task", "gold", "predicted", "sentiment", "regulatory_risk", "fold", "predicted_lexicons_only"}, "with learning   accuracy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			preds := filepath.Join(t.TempDir(), "p.tsv")
			args := append([]string{"eval", "--predictions", preds}, tt.args...)
			code, out, errOut := runCLI(t, "", append(args, file)...)
			if code != exitOK {
				t.Fatalf("exit code: got %d, want 0\n%s%s", code, out, errOut)
			}
			if !strings.Contains(out, tt.report) {
				t.Errorf("report: got\n%s\nwant a line with %q", out, tt.report)
			}
			f, err := os.Open(preds)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r := csv.NewReader(f)
			r.Comma = '\t'
			rows, err := r.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if got, want := strings.Join(rows[0], ","), strings.Join(tt.columns, ","); got != want {
				t.Errorf("columns: got %s, want %s", got, want)
			}
			if got, want := len(rows)-1, 8*12; got != want {
				t.Errorf("predictions: got %d rows, want one per headline (%d)", got, want)
			}
			ids := map[string]bool{}
			for _, row := range rows[1:] {
				ids[row[1]] = true
			}
			if len(ids) != 8*12 {
				t.Errorf("predictions: got %d distinct ids, want %d", len(ids), 8*12)
			}
		})
	}
}
