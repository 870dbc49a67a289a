package pipeline_test

import (
	"testing"

	"github.com/marktstem/marktstem/pipeline"
)

// BenchmarkAnalyze measures the per-article stages (tokenize, score, find
// and attribute companies) on one core.
func BenchmarkAnalyze(b *testing.B) {
	lex, reg := pipeline.SeedSetup(b)
	an := pipeline.NewAnalyzer(lex, reg)
	arts := pipeline.SeedArticles(b)
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
