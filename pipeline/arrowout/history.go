package arrowout

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// Partition is one date partition of a table in the partitioned layout.
type Partition struct {
	Date time.Time // midnight UTC
	Path string    // its part file
}

// Partitions lists the date partitions of table under dir in date order:
// the directories <dir>/<table>/date=YYYY-MM-DD that hold a part file.
// Other entries (temporary files, directories of other names, empty
// partitions left by a killed run) are ignored. A missing table directory
// is an empty history, not an error.
func Partitions(dir, table string) ([]Partition, error) {
	ents, err := os.ReadDir(filepath.Join(dir, table))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s partitions: %w", table, err)
	}
	var out []Partition
	for _, e := range ents {
		val, ok := strings.CutPrefix(e.Name(), PartitionKey+"=")
		if !ok || !e.IsDir() {
			continue
		}
		d, err := time.Parse(time.DateOnly, val)
		if err != nil {
			continue // not a partition this package wrote
		}
		part, err := partPath(filepath.Join(dir, table, e.Name()))
		if err != nil {
			return nil, err
		}
		if part != "" {
			out = append(out, Partition{Date: d, Path: part})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out, nil
}

// partPath returns the part file of one partition directory, "" when it
// has none. Close leaves exactly one part file in each partition it
// publishes; with several (a foreign writer) the first by name is taken.
func partPath(dir string) (string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("read partition: %w", err)
	}
	for _, e := range ents {
		name := e.Name()
		if !e.IsDir() && strings.HasPrefix(name, partFile+".") {
			return filepath.Join(dir, name), nil
		}
	}
	return "", nil
}

// errColumn reports a company_daily file without a column history needs.
var errColumn = errors.New("missing or mistyped column")

// ReadCompanyDays reads the rows of a company_daily file (Arrow IPC or
// Parquet) with the columns that later days' derived columns depend on:
// company_id, company_name, date, n_articles, n_mentions,
// sentiment_weighted and regulatory_risk_weighted. The other fields are
// left zero. It also returns the file's schema metadata, so that callers
// can check the settings it was written with (MetaPanel).
func ReadCompanyDays(ctx context.Context, path string, mem memory.Allocator) ([]CompanyDay, map[string]string, error) {
	var (
		rows []CompanyDay
		meta map[string]string
		idx  map[string]int
	)
	need := []struct {
		name string
		typ  arrow.DataType
	}{
		{"company_id", arrow.BinaryTypes.String}, {"company_name", arrow.BinaryTypes.String},
		{"date", arrow.FixedWidthTypes.Date32}, {"n_articles", arrow.PrimitiveTypes.Int32},
		{"n_mentions", arrow.PrimitiveTypes.Int32}, {"sentiment_weighted", arrow.PrimitiveTypes.Float64},
		{"regulatory_risk_weighted", arrow.PrimitiveTypes.Float64},
	}
	onSchema := func(s *arrow.Schema) error {
		md := s.Metadata()
		meta = make(map[string]string, md.Len())
		for i, k := range md.Keys() {
			meta[k] = md.Values()[i]
		}
		idx = map[string]int{}
		for _, c := range need {
			is := s.FieldIndices(c.name)
			if len(is) != 1 || !arrow.TypeEqual(s.Field(is[0]).Type, c.typ) {
				return fmt.Errorf("read %s: %w %s", path, errColumn, c.name)
			}
			idx[c.name] = is[0]
		}
		return nil
	}
	err := scan(ctx, path, mem, onSchema, func(rec arrow.Record) error {
		id := rec.Column(idx["company_id"]).(*array.String)
		name := rec.Column(idx["company_name"]).(*array.String)
		date := rec.Column(idx["date"]).(*array.Date32)
		arts := rec.Column(idx["n_articles"]).(*array.Int32)
		ments := rec.Column(idx["n_mentions"]).(*array.Int32)
		sent := rec.Column(idx["sentiment_weighted"]).(*array.Float64)
		risk := rec.Column(idx["regulatory_risk_weighted"]).(*array.Float64)
		for i := 0; i < int(rec.NumRows()); i++ {
			rows = append(rows, CompanyDay{
				CompanyID: id.Value(i), CompanyName: name.Value(i), Date: date.Value(i).ToTime().UTC(),
				NArticles: arts.Value(i), NMentions: ments.Value(i),
				SentimentWeighted: sent.Value(i), RegulatoryRiskWeighted: risk.Value(i),
			})
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return rows, meta, nil
}
