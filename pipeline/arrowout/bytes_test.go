package arrowout

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/marktstem/marktstem/lexicons"
)

// The writer appends rows in its own ways (typed builders, values gathered
// per batch, string arrays made without a builder, dates converted once
// per run of equal times); the tests here hold its files to the bytes of
// plain appends, value by value through array.Builder, around every batch
// boundary and with every pattern of nulls.

// edgeRowCounts are row counts around the batch sizes, per file
// extension: an empty file, a lone row, batches that end short of, at and
// past DefaultBatchRows or ParquetRowGroupRows, and a last batch too short
// for a 64-byte validity bitmap, of a power of two rows among them (a
// builder's bitmap holds them exactly).
var edgeRowCounts = map[string][]int{
	".arrow": {0, 1, 3, 8, 9, 256, 511, 512, 513, DefaultBatchRows - 1, DefaultBatchRows, DefaultBatchRows + 1,
		DefaultBatchRows + 64, 2*DefaultBatchRows + 5, 3*DefaultBatchRows + 700},
	".parquet": {0, 3, 513, ParquetRowGroupRows + 3},
}

// nullMode says which rows of a nullable column hold null.
type nullMode int

const (
	someNull nullMode = iota // a random third of the rows
	noNull
	allNull
	lateNull // only rows of the last 100
)

func (m nullMode) null(rng *rand.Rand, i, n int) bool {
	switch m {
	case noNull:
		return false
	case allNull:
		return true
	case lateNull:
		return i >= n-100
	}
	return rng.IntN(3) == 0
}

// edgeString returns a string whose length grows with i, so a batch holds
// more bytes than the one before, and is empty now and then.
func edgeString(rng *rand.Rand, prefix string, i int) string {
	if rng.IntN(50) == 0 {
		return ""
	}
	return prefix + strings.Repeat("x", rng.IntN(8+i/256))
}

func edgeList(rng *rand.Rand, i int) []string {
	switch rng.IntN(10) {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	out := make([]string, 1+rng.IntN(1+i/2048))
	for j := range out {
		out[j] = edgeString(rng, "t", i)
	}
	return out
}

func edgeCats(rng *rand.Rand) []float64 {
	switch rng.IntN(5) {
	case 0:
		return nil // written as zeros
	case 1:
		return []float64{rng.Float64()} // short: the rest is zero
	}
	out := make([]float64, len(lexicons.Categories()))
	for j := range out {
		out[j] = rng.Float64()
	}
	return out
}

func edgeFloat(rng *rand.Rand, m nullMode, i, n int) float64 {
	if m.null(rng, i, n) {
		return math.NaN()
	}
	return rng.NormFloat64()
}

func edgeNullString(rng *rand.Rand, m nullMode, i, n int) string {
	if m.null(rng, i, n) {
		return ""
	}
	return "n" + edgeString(rng, "", i)
}

// edgeZone is a location west of UTC: midnight UTC is the day before
// there.
var edgeZone = time.FixedZone("edge", -5*3600)

// edgeDate returns the date of row i, whose previous row has date prev:
// the zero time for the first row, then mostly prev, so that dates come
// in runs as an article's mentions do, now and then prev's instant in
// another location, another day there, or a random date.
func edgeDate(rng *rand.Rand, i int, prev time.Time) time.Time {
	switch {
	case i == 0:
		return time.Time{}
	case rng.IntN(10) == 0:
		return prev.In(edgeZone)
	case rng.IntN(3) == 0:
		return day(1960, 1, 1).AddDate(0, 0, rng.IntN(40000))
	}
	return prev
}

func edgeArticles(n int, m nullMode) []Article {
	rng := rand.New(rand.NewPCG(uint64(n), uint64(m)))
	out := make([]Article, n)
	var prev time.Time
	for i := range out {
		prev = edgeDate(rng, i, prev)
		out[i] = Article{
			ArticleID: fmt.Sprintf("a%d", i), Published: prev, PublishedPrecision: "day",
			Source: edgeNullString(rng, m, i, n), URL: edgeNullString(rng, m, i, n), Title: edgeString(rng, "T", i),
			File: "f.jsonl", NTokens: rng.Int32(), NSentences: -rng.Int32(), NCompanies: int32(i),
			Sentiment: rng.NormFloat64(), SentimentLabel: "neutral", SentimentHits: int32(i % 7),
			RegulatoryRisk: rng.Float64(), RegulatoryRiskFlag: rng.IntN(2) == 0, RiskHits: 3,
			TopTerms: edgeList(rng, i), DuplicateOf: edgeNullString(rng, m, i, n), RiskCategories: edgeCats(rng),
		}
	}
	return out
}

func edgeMentions(n int, m nullMode) []Mention {
	rng := rand.New(rand.NewPCG(uint64(n), uint64(m)+10))
	out := make([]Mention, n)
	var prev time.Time
	for i := range out {
		prev = edgeDate(rng, i, prev)
		out[i] = Mention{
			ArticleID: fmt.Sprintf("a%d", i/3), Published: prev, CompanyID: edgeString(rng, "c", i),
			CompanyName: edgeString(rng, "C", i), NMentions: int32(1 + i%9), Matched: edgeList(rng, i),
			FirstOffset: rng.Int32(), Relevance: rng.Float64() * 100, Sentiment: rng.NormFloat64(),
			RegulatoryRisk: rng.Float64(), RiskCategories: edgeCats(rng), Novelty: 100 * rng.Float64(),
			DuplicateOf: edgeNullString(rng, m, i, n),
		}
	}
	return out
}

func edgeDays(n int, m nullMode) []CompanyDay {
	rng := rand.New(rand.NewPCG(uint64(n), uint64(m)+20))
	out := make([]CompanyDay, n)
	var prev time.Time
	for i := range out {
		prev = edgeDate(rng, i, prev)
		out[i] = CompanyDay{
			CompanyID: edgeString(rng, "c", i), CompanyName: edgeString(rng, "C", i), Date: prev,
			NArticles: int32(i), NMentions: rng.Int32(), SentimentMean: rng.NormFloat64(),
			SentimentWeighted: rng.NormFloat64(), RegulatoryRiskMean: rng.Float64(), RegulatoryRiskMax: rng.Float64(),
			RegulatoryRiskWeighted: rng.Float64(), SentimentStd: edgeFloat(rng, m, i, n),
			RegulatoryRiskStd: edgeFloat(rng, m, i, n), NegativeShare: rng.Float64(), Buzz: edgeFloat(rng, m, i, n),
			SentimentIndex: edgeFloat(rng, m, i, n), RegulatoryRiskIndex: edgeFloat(rng, m, i, n),
			SentimentZ: edgeFloat(rng, m, i, n), RegulatoryRiskZ: edgeFloat(rng, m, i, n), RiskCategories: edgeCats(rng),
		}
	}
	return out
}

// plainAppend appends column c of row r to b value by value, with the
// builder's plain Append: no reservation, nothing gathered.
func plainAppend[T any](b array.Builder, c column[T], r *T) {
	switch get := c.get.(type) {
	case func(*T) string:
		if v := get(r); v == "" && c.nullable {
			b.AppendNull()
		} else {
			b.(*array.StringBuilder).Append(v)
		}
	case func(*T) []string:
		lb := b.(*array.ListBuilder)
		lb.Append(true)
		for _, v := range get(r) {
			lb.ValueBuilder().(*array.StringBuilder).Append(v)
		}
	case func(*T) float64:
		if v := get(r); math.IsNaN(v) && c.nullable {
			b.AppendNull()
		} else {
			b.(*array.Float64Builder).Append(v)
		}
	case func(*T) int32:
		b.(*array.Int32Builder).Append(get(r))
	case func(*T) bool:
		b.(*array.BooleanBuilder).Append(get(r))
	case func(*T) time.Time:
		b.(*array.Date32Builder).Append(toDate32(get(r)))
	case catValue[T]:
		var x float64
		if v := get.vec(r); get.i < len(v) {
			x = v[get.i]
		}
		b.(*array.Float64Builder).Append(x)
	default:
		panic(fmt.Sprintf("%s: getter %T", c.name, c.get))
	}
}

// writePlain writes rows to path with a writer of open whose rows are
// appended by plainAppend and written a batch at a time, as Write batches
// them.
func writePlain[T any](t *testing.T, open func(string, memory.Allocator, Metadata) (*Writer[T], error), path string, mem memory.Allocator, rows []T) {
	t.Helper()
	w, err := open(path, mem, testMeta)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	flush := func() {
		rec := w.bld.NewRecord()
		defer rec.Release()
		if err := w.fw.Write(rec); err != nil {
			t.Fatal(err)
		}
		w.pend = 0
	}
	for i := range rows {
		for j, c := range w.tbl.cols {
			plainAppend(w.bld.Field(j), c, &rows[i])
		}
		if w.pend++; w.pend == w.batch {
			flush()
		}
	}
	if w.pend > 0 {
		flush()
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// checkBytes writes rows with Write and with plain appends and compares
// the files.
func checkBytes[T any](t *testing.T, open func(string, memory.Allocator, Metadata) (*Writer[T], error), dir, name string, rows []T) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	got, want := filepath.Join(dir, "got-"+name), filepath.Join(dir, "want-"+name)
	writeAll(t, open, got, mem, rows)
	writePlain(t, open, want, mem, rows)
	g, err := os.ReadFile(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(g, w) {
		t.Errorf("%s: got %d bytes differing from the %d of plain appends, want the same file", name, len(g), len(w))
	}
	os.Remove(got)
	os.Remove(want)
}

func TestWriteBytesAsPlainAppends(t *testing.T) {
	dir := t.TempDir()
	for _, ext := range formats {
		for _, n := range edgeRowCounts[ext] {
			modes := lateNull
			if n > ParquetRowGroupRows {
				// Past a row group, for the reservations: the nulls are
				// covered above, and big Parquet files are slow to write.
				modes = someNull
			}
			for m := someNull; m <= modes; m++ {
				name := fmt.Sprintf("%d-%d%s", n, m, ext)
				checkBytes(t, NewArticleWriter, dir, "articles-"+name, edgeArticles(n, m))
				checkBytes(t, NewMentionWriter, dir, "mentions-"+name, edgeMentions(n, m))
				checkBytes(t, NewCompanyDayWriter, dir, "company_daily-"+name, edgeDays(n, m))
			}
		}
	}
}

// FuzzWriteBytes holds Write to the bytes of plain appends for any number
// of rows and pattern of nulls.
func FuzzWriteBytes(f *testing.F) {
	f.Add(uint16(1), uint8(someNull), false)
	f.Add(uint16(8), uint8(someNull), false) // a power of two rows: found by the fuzzer
	f.Add(uint16(DefaultBatchRows+100), uint8(lateNull), true)
	f.Fuzz(func(t *testing.T, n uint16, mode uint8, parquet bool) {
		rows, m := int(n)%(3*DefaultBatchRows), nullMode(mode%4)
		ext := ".arrow"
		if parquet {
			ext = ".parquet"
		}
		dir := t.TempDir()
		checkBytes(t, NewArticleWriter, dir, "articles"+ext, edgeArticles(rows, m))
		checkBytes(t, NewMentionWriter, dir, "mentions"+ext, edgeMentions(rows, m))
		checkBytes(t, NewCompanyDayWriter, dir, "company_daily"+ext, edgeDays(rows, m))
	})
}
