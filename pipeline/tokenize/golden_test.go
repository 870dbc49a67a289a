package tokenize_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/marktstem/marktstem/lexicons"
	"github.com/marktstem/marktstem/pipeline/ingest"
	"github.com/marktstem/marktstem/pipeline/tokenize"
	"github.com/marktstem/marktstem/seeds"
)

var update = flag.Bool("update", false, "rewrite the golden token streams in testdata/golden")

// render writes one line per sentence boundary and token: sentence,
// paragraph, byte span, kind, surface, norm (when it differs) and flags.
func render(text string, res *tokenize.Result) []byte {
	var b bytes.Buffer
	for si, s := range res.Sentences {
		fmt.Fprintf(&b, "# sentence %d paragraph %d [%d,%d)\n", si, s.Paragraph, s.Start, s.End)
		for k, t := range res.Tokens[s.First:s.Last] {
			surface := text[t.Start:t.End]
			fmt.Fprintf(&b, "%d\t%d:%d\t%s\t%q", s.First+k+1, t.Start, t.End, t.Kind, surface)
			if t.Norm != surface {
				fmt.Fprintf(&b, "\t=%q", t.Norm)
			}
			if t.Upper {
				b.WriteString("\tupper")
			}
			if t.Abbrev {
				b.WriteString("\tabbrev")
			}
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// TestGolden compares the token streams of the seed articles with
// testdata/golden; run with -update after an intended change and review
// the diff.
func TestGolden(t *testing.T) {
	set, err := lexicons.Default()
	if err != nil {
		t.Fatal(err)
	}
	tk := tokenize.New(set.Abbreviations)
	// The articles as the pipeline sees them: headline, blank line, body.
	type article struct{ id, text string }
	var articles []article
	err = ingest.NewReader(ingest.Options{}).WalkFS(context.Background(), seeds.FS(), seeds.ArticlesDir, "seeds", func(r ingest.Record) error {
		if r.Article == nil {
			return fmt.Errorf("seed rejected: %v", r.Reject)
		}
		articles = append(articles, article{r.Article.ID, r.Article.Text()})
		return nil
	})
	if err != nil || len(articles) == 0 {
		t.Fatalf("got %d seed articles (%v), want some", len(articles), err)
	}
	var res tokenize.Result
	for _, a := range articles {
		text := a.text
		tk.Tokenize(text, &res)
		got := render(text, &res)
		golden := filepath.Join("testdata", "golden", a.id+".tokens")
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		if !bytes.Equal(got, want) {
			gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
			for i := 0; i < len(gl) && i < len(wl); i++ {
				if gl[i] != wl[i] {
					t.Errorf("%s line %d:\ngot  %s\nwant %s", golden, i+1, gl[i], wl[i])
					break
				}
			}
			if len(gl) != len(wl) {
				t.Errorf("%s: got %d lines, want %d", golden, len(gl), len(wl))
			}
		}
	}
}
