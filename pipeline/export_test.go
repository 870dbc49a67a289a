package pipeline

import (
	"context"
	"testing"

	"github.com/marktstem/marktstem/lexicons"
	"github.com/marktstem/marktstem/pipeline/entities"
	"github.com/marktstem/marktstem/pipeline/ingest"
	"github.com/marktstem/marktstem/seeds"
)

// The helpers below serve the tests of this package and of pipeline_test,
// which sees the exported names of this package's test files.

// SeedSetup returns the default lexicons and the seed company registry.
func SeedSetup(tb testing.TB) (*lexicons.Set, *entities.Registry) {
	tb.Helper()
	lex, err := lexicons.Default()
	if err != nil {
		tb.Fatal(err)
	}
	reg, err := entities.Default()
	if err != nil {
		tb.Fatal(err)
	}
	return lex, reg
}

// SeedArticles reads the sample corpus: realistic Dutch financial news.
func SeedArticles(tb testing.TB) []*ingest.Article {
	tb.Helper()
	var arts []*ingest.Article
	r := ingest.NewReader(ingest.Options{})
	if err := r.WalkFS(context.Background(), seeds.FS(), seeds.ArticlesDir, "seeds", func(rec ingest.Record) error {
		if rec.Article != nil {
			arts = append(arts, rec.Article)
		}
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	return arts
}
