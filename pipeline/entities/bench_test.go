package entities

import (
	"context"
	"testing"

	"github.com/marktstem/marktstem/lexicons"
	"github.com/marktstem/marktstem/pipeline/ingest"
	"github.com/marktstem/marktstem/pipeline/tokenize"
	"github.com/marktstem/marktstem/scoring"
	"github.com/marktstem/marktstem/seeds"
)

// benchArticle is a seed article as the pipeline hands it to Find and
// Attribute: tokenised, scored with company names masked, its mentions found.
type benchArticle struct {
	text     string
	titleLen int
	tok      tokenize.Result
	res      scoring.Result
	mentions []Mention
}

// benchSetup reads the shipped registry and the seed articles (realistic
// Dutch financial news; the benchmark corpus is made of their paragraphs)
// and prepares every article as the pipeline would.
func benchSetup(tb testing.TB) (*Registry, *scoring.Scorer, []*benchArticle) {
	tb.Helper()
	lex, err := lexicons.Default()
	if err != nil {
		tb.Fatal(err)
	}
	reg, err := Default()
	if err != nil {
		tb.Fatal(err)
	}
	tk, sc := tokenize.New(lex.Abbreviations), scoring.New(lex)
	var arts []*benchArticle
	r := ingest.NewReader(ingest.Options{})
	err = r.WalkFS(context.Background(), seeds.FS(), seeds.ArticlesDir, "seeds", func(rec ingest.Record) error {
		if rec.Article == nil {
			return nil
		}
		a := &benchArticle{text: rec.Article.Text(), titleLen: len(rec.Article.Title)}
		tk.Tokenize(a.text, &a.tok)
		a.mentions = reg.Find(a.text, &a.tok)
		mask := make([]bool, len(a.tok.Tokens))
		for _, m := range a.mentions {
			for i := m.First; i < m.First+m.N; i++ {
				mask[i] = true
			}
		}
		sc.ScoreInto(&a.res, a.text, &a.tok, a.titleLen, mask)
		arts = append(arts, a)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return reg, sc, arts
}

// BenchmarkFind measures Find over the seed articles, in the steady state
// of a pipeline worker (pooled scratch memory warm).
func BenchmarkFind(b *testing.B) {
	reg, _, arts := benchSetup(b)
	var size int64
	for _, a := range arts {
		size += int64(len(a.text))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, a := range arts {
			reg.Find(a.text, &a.tok)
		}
	}
}

// nopSummarizer stands in for the scorer in BenchmarkAttribute, so that
// the benchmark measures Attribute's own work (the scorer has its own).
type nopSummarizer struct{ cats []string }

func (s nopSummarizer) Summarize(hits []scoring.Hit, weights []float64, cats []float64) (float64, float64) {
	var w float64
	for _, x := range weights {
		w += x
	}
	return w, 0
}

func (s nopSummarizer) Categories() []string { return s.cats }

// BenchmarkAttribute measures Attribute over the seed articles, with a
// summarizer that only adds up the weights.
func BenchmarkAttribute(b *testing.B) {
	reg, sc, arts := benchSetup(b)
	sum := nopSummarizer{cats: sc.Categories()}
	b.ReportAllocs()
	for b.Loop() {
		for _, a := range arts {
			reg.Attribute(sum, &a.res, &a.tok, a.mentions, a.titleLen)
		}
	}
}
