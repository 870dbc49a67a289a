package job

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"

	"github.com/marktstem/marktstem/pipeline"
	"github.com/marktstem/marktstem/pipeline/aggregate"
	"github.com/marktstem/marktstem/pipeline/arrowout"
)

// TestMain initialises Beam, as every program running a pipeline must;
// in a worker process Init would take over and never return.
func TestMain(m *testing.M) {
	flag.Parse()
	beam.Init()
	os.Exit(m.Run())
}

// TestSameAsSingleMachine runs the Beam pipeline on Prism, in process, over
// seeds/ plus a file with a duplicate id, a bad line, a wire copy of a
// seeds article and a company-day of several articles, and checks every partition of every table against
// pipeline.Run with the same input: company_daily value by value and row
// by row, bit for bit; articles and mentions as sets of rows (a Beam run
// has no input order); rejects line by line.
func TestSameAsSingleMachine(t *testing.T) {
	ctx := context.Background()
	seedsDir := filepath.Join("..", "..", "seeds", "articles")
	extra := filepath.Join("testdata", "extra.jsonl")
	registry, err := os.ReadFile(filepath.Join("..", "..", "seeds", "companies.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lex, reg, err := load(registry, "seeds/companies.csv")
	if err != nil {
		t.Fatal(err)
	}
	runTime := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)

	want := t.TempDir()
	if _, err := pipeline.Run(ctx, pipeline.Config{
		Inputs: []string{seedsDir, extra}, OutDir: want, Lexicons: lex, Registry: reg,
		Version: "test", RunTime: runTime, Layout: arrowout.Layout{Partition: true},
	}); err != nil {
		t.Fatalf("single machine: %v", err)
	}

	got := t.TempDir()
	p, s := beam.NewPipelineWithRoot()
	if _, err := Build(s, Options{
		Inputs: []string{filepath.Join(seedsDir, "*"), extra}, Out: got,
		Registry: registry, RegistryName: "seeds/companies.csv", Version: "test", RunTime: runTime,
	}); err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	if _, err := prism.Execute(ctx, p); err != nil {
		t.Fatalf("prism: %v", err)
	}
	t.Logf("prism run: %v", time.Since(begin))

	tests := []struct {
		table   string
		ordered bool // compare rows in file order, else as sorted sets
		minRows int
	}{
		{arrowout.TableCompanyDaily, true, 50},
		{arrowout.TableArticles, false, 50},
		{arrowout.TableMentions, false, 50},
	}
	for _, tt := range tests {
		t.Run(tt.table, func(t *testing.T) {
			wantParts, gotParts := parts(t, want, tt.table), parts(t, got, tt.table)
			if !reflect.DeepEqual(keys(gotParts), keys(wantParts)) {
				t.Fatalf("partitions: got %v, want %v", keys(gotParts), keys(wantParts))
			}
			n := 0
			for rel, w := range wantParts {
				g := gotParts[rel]
				if !reflect.DeepEqual(g.cols, w.cols) {
					t.Fatalf("%s columns: got %v, want %v", rel, g.cols, w.cols)
				}
				if !tt.ordered {
					sortRows(g.rows)
					sortRows(w.rows)
				}
				if len(g.rows) != len(w.rows) {
					t.Errorf("%s: got %d rows, want %d", rel, len(g.rows), len(w.rows))
					continue
				}
				for i := range w.rows {
					for c := range w.cols {
						if g.rows[i][c] != w.rows[i][c] {
							t.Errorf("%s row %d %s: got %s, want %s", rel, i, w.cols[c], g.rows[i][c], w.rows[i][c])
						}
					}
				}
				n += len(w.rows)
			}
			if n < tt.minRows {
				t.Errorf("%d rows compared, want at least %d", n, tt.minRows)
			}
		})
	}

	gotRej, wantRej := lines(t, filepath.Join(got, pipeline.RejectsFile)), lines(t, filepath.Join(want, pipeline.RejectsFile))
	if !reflect.DeepEqual(gotRej, wantRej) || len(wantRej) < 2 {
		t.Errorf("rejects:\ngot  %q\nwant %q (at least 2)", gotRej, wantRej)
	}
}

// table is one file's column names and rows, every value formatted by
// Arrow's ValueStr: floats in their shortest exact form, so equal strings
// mean equal bits.
type table struct {
	cols []string
	rows [][]string
}

// parts reads every partition file of a table, keyed by its path under dir.
func parts(t *testing.T, dir, name string) map[string]table {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, name, "date=*", "part-*"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]table{}
	for _, f := range files {
		tbl, err := arrowout.ReadAll(f, nil)
		if err != nil {
			t.Fatal(err)
		}
		var tb table
		for _, fld := range tbl.Schema().Fields() {
			tb.cols = append(tb.cols, fld.Name+" "+fld.Type.String())
		}
		tr := array.NewTableReader(tbl, 0)
		for tr.Next() {
			rec := tr.Record()
			for i := 0; i < int(rec.NumRows()); i++ {
				row := make([]string, rec.NumCols())
				for c, col := range rec.Columns() {
					row[c] = valueStr(col, i)
				}
				tb.rows = append(tb.rows, row)
			}
		}
		tr.Release()
		tbl.Release()
		rel, _ := filepath.Rel(dir, f)
		out[rel] = tb
	}
	return out
}

func valueStr(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return "null"
	}
	return a.ValueStr(i)
}

func keys(m map[string]table) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortRows(rows [][]string) {
	sort.Slice(rows, func(i, j int) bool { return strings.Join(rows[i], "\x00") < strings.Join(rows[j], "\x00") })
}

// lines reads a text file's lines; a missing file has none.
func lines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(data) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// TestCellMergeOrder checks that the CombineFn gives bit-identical
// statistics however the runner splits and merges a cell's observations,
// and the same as a single-machine panel of the same observations.
func TestCellMergeOrder(t *testing.T) {
	day := time.Date(2024, 3, 14, 0, 0, 0, 0, time.UTC)
	var obs []aggregate.Obs
	for i, v := range []struct{ rel, sent, risk float64 }{
		{30, 0.1, 0.2}, {65.3, -0.7, 0.93}, {15, 1e-17, 0.3333333333333333}, {0, 0.2, 0.1}, {100, -0.05, 0},
	} {
		obs = append(obs, aggregate.Obs{CompanyID: "asml", CompanyName: "ASML", Date: day, ArticleID: string(rune('a' + i)),
			Mentions: i + 1, Relevance: v.rel, Sentiment: v.sent, Risk: v.risk})
	}
	p := aggregate.New(aggregate.Options{})
	for _, o := range obs {
		p.Add(o)
	}
	days, err := p.Days()
	if err != nil {
		t.Fatal(err)
	}
	want := days[0]
	// The columns that look beyond the cell (buzz, indices, z-scores) are
	// derived later, by deriveFn, from all cells.
	want.Buzz, want.SentimentIndex, want.RiskIndex, want.SentimentZ, want.RiskZ = math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()

	var fn cellFn
	tests := []struct {
		name   string
		splits [][]int // accumulators by observation index, merged left to right
	}{
		{"one accumulator", [][]int{{0, 1, 2, 3, 4}}},
		{"reversed", [][]int{{4, 3, 2, 1, 0}}},
		{"three merged", [][]int{{2}, {4, 0}, {3, 1}}},
		{"singletons", [][]int{{3}, {1}, {4}, {0}, {2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acc := fn.CreateAccumulator()
			for _, split := range tt.splits {
				a := fn.CreateAccumulator()
				for _, i := range split {
					a = fn.AddInput(a, obs[i])
				}
				acc = fn.MergeAccumulators(acc, a)
			}
			got := fn.ExtractOutput(acc)
			if !sameDay(got, want) {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

// sameDay compares days bit for bit: %v prints floats in their shortest
// exact form, and NaN as NaN.
func sameDay(a, b aggregate.Day) bool { return fmt.Sprintf("%v", a) == fmt.Sprintf("%v", b) }
