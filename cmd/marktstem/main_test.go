package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &o, &e)
	return code, o.String(), e.String()
}

func TestScoreSeedsAndCat(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := runCLI(t, "", "score", "--quiet", "--out", out, "--run-time", "2026-11-24T00:00:00Z")
	if code != exitOK {
		t.Fatalf("score: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"articles ", "scored", "companies ", "Top 5 companies by regulatory risk"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	tests := []struct {
		format string
		check  func(t *testing.T, out string)
	}{
		{"csv", func(t *testing.T, out string) {
			recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatalf("csv: %v", err)
			}
			if got, want := strings.Join(recs[0][:2], ","), "company_id,company_name"; got != want {
				t.Errorf("csv header: got %s, want %s…", got, want)
			}
			if len(recs) < 2 {
				t.Errorf("csv: got %d records, want a header and rows", len(recs))
			}
		}},
		{"jsonl", func(t *testing.T, out string) {
			if !strings.HasPrefix(out, `{"company_id":`) {
				t.Errorf("jsonl: got %.80q…", out)
			}
		}},
		{"table", func(t *testing.T, out string) {
			if !strings.Contains(strings.SplitN(out, "\n", 2)[0], "regulatory_risk_max") {
				t.Errorf("table header: got %.200q", out)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", "cat", "--format", tt.format, filepath.Join(out, "company_daily.arrow"))
			if code != exitOK {
				t.Fatalf("cat: exit %d\n%s", code, stderr)
			}
			tt.check(t, stdout)
		})
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	badReg := filepath.Join(dir, "companies.csv")
	os.WriteFile(badReg, []byte("id,name,aliases,parent_id,ticker,isin,country,sector\nasml,ASML,,,,,NL,IT\nasml,ASML again,,,,,NL,IT\n"), 0o644)
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("no date header\n"), 0o644)
	tests := []struct {
		name string
		args []string
		want int
		msg  string
	}{
		{"no command", nil, exitUsage, ""},
		{"unknown command", []string{"frobnicate"}, exitUsage, "unknown command"},
		{"unknown flag", []string{"score", "--nope"}, exitUsage, "flag provided but not defined"},
		{"bad format", []string{"cat", "--format", "xml", "x.arrow"}, exitUsage, "xml"},
		{"missing input", []string{"score", "--quiet", "--out", filepath.Join(dir, "o1"), filepath.Join(dir, "missing")}, exitFailed, "missing"},
		{"broken registry", []string{"score", "--quiet", "--out", filepath.Join(dir, "o2"), "--companies", badReg}, exitFailed, "companies.csv:3"},
		{"reject rate", []string{"score", "--quiet", "--out", filepath.Join(dir, "o3"), "--max-reject-rate", "0.5", bad}, exitRejected, "1 of 1 articles rejected"},
		{"version", []string{"version"}, exitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", tt.args...)
			if code != tt.want {
				t.Errorf("exit: got %d, want %d\n%s", code, tt.want, stderr)
			}
			if tt.msg != "" && !strings.Contains(stderr, tt.msg) {
				t.Errorf("stderr: got %q, want it to mention %q", stderr, tt.msg)
			}
		})
	}
}

func TestScoreStdin(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	in := `{"id":"w1","published":"2024-03-14T08:00:00+01:00","title":"ASML krijgt boete van de Europese Commissie","body":"De Europese Commissie legt ASML een boete op."}` + "\n"
	code, stdout, stderr := runCLI(t, in, "score", "--quiet", "--out", out, "-")
	if code != exitOK {
		t.Fatalf("score -: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "1 read = 1 scored + 0 rejected") || !strings.Contains(stdout, "ASML") {
		t.Errorf("summary: got\n%s", stdout)
	}
}

func TestBackfill(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := runCLI(t, "", "backfill", "--quiet", "--from", "2024-03-01", "--to", "2024-03-31", "--out", out, filepath.Join("..", "..", "seeds"))
	if code != exitOK {
		t.Fatalf("backfill: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "31 days") {
		t.Errorf("summary: got %q, want 31 days", stdout)
	}
	parts, _ := filepath.Glob(filepath.Join(out, "company_daily", "date=2024-03-*", "part-0.arrow"))
	if len(parts) < 3 {
		t.Errorf("partitions: got %d, want the March news days", len(parts))
	}
	// A backfill may rescore a range the history already holds.
	if code, _, stderr := runCLI(t, "", "backfill", "--quiet", "--from", "2024-03-07", "--to", "2024-03-31", "--out", out, filepath.Join("..", "..", "seeds")); code != exitOK {
		t.Errorf("re-backfill: exit %d\n%s", code, stderr)
	}
	// An earlier night after the range is refused: later days would go stale.
	code, _, stderr = runCLI(t, "", "score", "--quiet", "--date", "2024-02-15", "--out", out, filepath.Join("..", "..", "seeds"))
	if code != exitFailed || !strings.Contains(stderr, "backfill --from 2024-02-15") {
		t.Errorf("out-of-order night: exit %d, stderr %q; want exit %d and a backfill hint", code, stderr, exitFailed)
	}
	for _, args := range [][]string{
		{"backfill", "--from", "2024-03-31", "--to", "2024-03-01", "x"},
		{"backfill", "--from", "2024-03-01", "--to", "2024-03-02", "-"},
		{"score", "--history", "out"},
	} {
		if code, _, _ := runCLI(t, "", args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}
