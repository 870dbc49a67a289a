package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWatchFlags checks that --watch and --watch-file accept registry ids
// and refuse what would give empty or unbounded per-company series.
func TestWatchFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "watch.txt")
	if err := os.WriteFile(file, []byte("# banks\ning\nasml # chips\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	many := make([]string, 51)
	for i := range many {
		many[i] = "asml"
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
		wantProm string
	}{
		{"flag", []string{"--watch", "asml,ING"}, exitOK, "", `marktstem_company_articles_total{company="ing"}`},
		{"file", []string{"--watch-file", file}, exitOK, "", `marktstem_company_articles_total{company="asml"}`},
		{"duplicates count once", []string{"--watch", strings.Join(many, ",")}, exitOK, "", `marktstem_company_sentiment{company="asml"}`},
		{"unknown id", []string{"--watch", "asml,nope"}, exitUsage, `unknown company id "nope"`, ""},
		{"brand", []string{"--watch", "tiktok"}, exitUsage, `"tiktok" rolls up to "bytedance"`, ""},
		{"missing file", []string{"--watch-file", filepath.Join(dir, "absent.txt")}, exitUsage, "--watch-file", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prom := filepath.Join(t.TempDir(), "m.prom")
			var stdout, stderr bytes.Buffer
			args := append([]string{"score", "--quiet", "--out", filepath.Join(t.TempDir(), "out"), "--metrics-textfile", prom}, tt.args...)
			code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
			if code != tt.wantCode || !strings.Contains(stderr.String(), tt.wantErr) {
				t.Fatalf("exit: got %d %q, want %d containing %q", code, stderr.String(), tt.wantCode, tt.wantErr)
			}
			if tt.wantProm == "" {
				return
			}
			data, err := os.ReadFile(prom)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), tt.wantProm) {
				t.Errorf("textfile: got no %s, want it", tt.wantProm)
			}
		})
	}
}
