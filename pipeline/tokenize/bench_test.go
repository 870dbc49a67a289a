package tokenize_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/marktstem/marktstem/lexicons"
	"github.com/marktstem/marktstem/pipeline/tokenize"
	"github.com/marktstem/marktstem/seeds"
)

// corpus returns the seed articles joined by blank lines: realistic Dutch
// financial news, ~100 KB.
func corpus(tb testing.TB) string {
	tb.Helper()
	var b strings.Builder
	err := fs.WalkDir(seeds.FS(), seeds.ArticlesDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(seeds.FS(), p)
		if err != nil {
			return err
		}
		b.Write(data)
		b.WriteString("\n\n")
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

// BenchmarkTokenize measures tokenising plus sentence splitting, the work
// every article goes through, with a reused Result (the steady state of a
// pipeline worker).
func BenchmarkTokenize(b *testing.B) {
	set, err := lexicons.Default()
	if err != nil {
		b.Fatal(err)
	}
	text := corpus(b)
	tk := tokenize.New(set.Abbreviations)
	var res tokenize.Result
	tk.Tokenize(text, &res)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		tk.Tokenize(text, &res)
	}
}

// TestSteadyStateAllocs checks that a reused Result tokenises text like
// the text it has seen without allocating: slices are reused and the
// normalised forms of capitalised words come from its memory.
func TestSteadyStateAllocs(t *testing.T) {
	set, err := lexicons.Default()
	if err != nil {
		t.Fatal(err)
	}
	text := corpus(t)
	tk := tokenize.New(set.Abbreviations)
	var res tokenize.Result
	tk.Tokenize(text, &res)
	if got := testing.AllocsPerRun(5, func() { tk.Tokenize(text, &res) }); got != 0 {
		t.Errorf("got %v allocations per text in the steady state, want 0", got)
	}
}

// newsFile is a generated JSONL corpus of varied news; BenchmarkTokenizeNews
// is skipped without it.
const newsFile = "/tmp/bench/c10.jsonl"

// BenchmarkTokenizeNews tokenises the first few thousand articles of
// newsFile, each once per round: more varied text than BenchmarkTokenize's
// seed articles, which stay in the CPU's cache and in the Result's memory.
func BenchmarkTokenizeNews(b *testing.B) {
	f, err := os.Open(newsFile)
	if err != nil {
		b.Skip(err)
	}
	defer f.Close()
	var texts []string
	size := 0
	dec := json.NewDecoder(f)
	for len(texts) < 3000 {
		var a struct{ Title, Body string }
		if err := dec.Decode(&a); err != nil {
			break
		}
		text := a.Title + "\n\n" + a.Body // as ingest.Article.Text joins them
		texts = append(texts, text)
		size += len(text)
	}
	set, err := lexicons.Default()
	if err != nil {
		b.Fatal(err)
	}
	tk := tokenize.New(set.Abbreviations)
	var res tokenize.Result
	for _, text := range texts {
		tk.Tokenize(text, &res)
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		for _, text := range texts {
			tk.Tokenize(text, &res)
		}
	}
}
