package pipeline_test

import (
	"context"
	"testing"

	"github.com/marktstem/marktstem/pipeline"
	"github.com/marktstem/marktstem/pipeline/ingest"
	"github.com/marktstem/marktstem/seeds"
)

// seedArticles reads the sample corpus: realistic Dutch financial news.
func seedArticles(b testing.TB) []*ingest.Article {
	b.Helper()
	var arts []*ingest.Article
	r := ingest.NewReader(ingest.Options{})
	if err := r.WalkFS(context.Background(), seeds.FS(), seeds.ArticlesDir, "seeds", func(rec ingest.Record) error {
		if rec.Article != nil {
			arts = append(arts, rec.Article)
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	return arts
}

// BenchmarkAnalyze measures the per-article stages (tokenize, score, find
// and attribute companies) on one core.
func BenchmarkAnalyze(b *testing.B) {
	lex, reg := setup(b)
	an := pipeline.NewAnalyzer(lex, reg)
	arts := seedArticles(b)
	var size int64
	for _, a := range arts {
		size += int64(len(a.Text()))
	}
	var buf pipeline.Buffer
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, a := range arts {
			an.Analyze(a, &buf)
		}
	}
	b.ReportMetric(float64(b.N*len(arts))/b.Elapsed().Seconds(), "articles/s")
}
