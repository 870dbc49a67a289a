// Package interop checks marktstem's output files with readers that share
// no code with the Go Arrow library that wrote them: apache-arrow (the
// JavaScript implementation) reads the Arrow IPC files and DuckDB reads the
// Parquet files and the hive-partitioned history. Both run under node from
// this directory's node_modules (`npm ci --prefix test/interop`, done by
// scripts/test.sh). With CI=true a missing reader fails the test.
package interop

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/marktstem/marktstem/lexicons"
	"github.com/marktstem/marktstem/pipeline"
	"github.com/marktstem/marktstem/pipeline/arrowout"
	"github.com/marktstem/marktstem/pipeline/entities"
	"github.com/marktstem/marktstem/seeds"
)

// tables are the output tables with the columns that identify a row.
var tables = []struct {
	name string
	key  []string
}{
	{arrowout.TableArticles, []string{"article_id"}},
	{arrowout.TableMentions, []string{"article_id", "company_id"}},
	{arrowout.TableCompanyDaily, []string{"company_id", "date"}},
}

// node returns the node binary once both readers are installed; it skips,
// or fails under CI=true, when they are not.
func node(t *testing.T) string {
	t.Helper()
	missing := func(what string) {
		msg := what + " missing: run `npm ci --prefix test/interop` (scripts/test.sh does)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	bin, err := exec.LookPath("node")
	if err != nil {
		missing("node")
	}
	for _, pkg := range []string{"apache-arrow", "@duckdb/node-api"} {
		if _, err := os.Stat(filepath.Join("node_modules", pkg, "package.json")); err != nil {
			missing("npm package " + pkg)
		}
	}
	return bin
}

// run scores the embedded sample corpus into out with layout.
func run(t *testing.T, out string, layout arrowout.Layout, mem memory.Allocator) {
	t.Helper()
	lex, err := lexicons.Default()
	if err != nil {
		t.Fatal(err)
	}
	reg, err := entities.Default()
	if err != nil {
		t.Fatal(err)
	}
	_, err = pipeline.Run(context.Background(), pipeline.Config{
		Default: seeds.FS(), DefaultRoot: seeds.ArticlesDir, DefaultLabel: "seeds",
		OutDir: out, Workers: 2, Lexicons: lex, Registry: reg, Alloc: mem, Layout: layout,
		RunTime: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Version: "interop-test",
	})
	if err != nil {
		t.Fatal(err)
	}
}

// nodeJSON runs a script under node and decodes its JSON output into v.
func nodeJSON(t *testing.T, bin string, v any, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", args[0], err, stderr.String())
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("node %s: decode output: %v", args[0], err)
	}
}

// goRows reads a file as Go wrote it (through marktstem cat's JSON lines:
// floats in shortest round-trip form, dates YYYY-MM-DD, nulls null), with
// a checked allocator.
func goRows(t *testing.T, path string) []map[string]any {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var buf bytes.Buffer
	if err := arrowout.Dump(context.Background(), &buf, path, arrowout.FormatJSONL, mem); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.UseNumber()
		var row map[string]any
		if err := dec.Decode(&row); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row)
	}
	return rows
}

// norm makes numbers comparable whatever the reader printed: 1 and 1.0
// are the same float64, and the float64 must round-trip exactly.
func norm(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return x.String()
		}
		return f
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = norm(x[i])
		}
		return out
	}
	return v
}

// byKey indexes rows by their key columns.
func byKey(t *testing.T, rows []map[string]any, key []string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, r := range rows {
		var parts []string
		for _, k := range key {
			parts = append(parts, fmt.Sprint(r[k]))
		}
		k := strings.Join(parts, "|")
		if _, dup := out[k]; dup {
			t.Errorf("duplicate row %s", k)
		}
		out[k] = r
	}
	return out
}

// compare checks that got has exactly the rows of want, value for value,
// in every column of want (got may have extra columns).
func compare(t *testing.T, what string, got, want []map[string]any, key []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d rows, want %d", what, len(got), len(want))
	}
	if len(want) == 0 {
		t.Errorf("%s: no rows to compare", what)
	}
	g := byKey(t, got, key)
	errs := 0
	keys := make([]string, 0, len(want))
	wk := byKey(t, want, key)
	for k := range wk {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		w := wk[k]
		r, ok := g[k]
		if !ok {
			t.Errorf("%s: row %s missing", what, k)
			continue
		}
		for col, wv := range w {
			gv, ok := r[col]
			if !ok {
				t.Errorf("%s: column %s missing", what, col)
				return
			}
			if !reflect.DeepEqual(norm(gv), norm(wv)) {
				t.Errorf("%s row %s column %s: got %v, want %v", what, k, col, gv, wv)
				if errs++; errs > 20 {
					t.Fatal("too many differences")
				}
			}
		}
	}
}

// arrowFile is one file as apache-arrow read it.
type arrowFile struct {
	Path   string `json:"path"`
	Fields []struct {
		Name     string `json:"name"`
		Type     string `json:"type"`
		Nullable bool   `json:"nullable"`
	} `json:"fields"`
	Metadata map[string]string `json:"metadata"`
	Rows     []map[string]any  `json:"rows"`
}

// TestArrowJS reads the Arrow IPC files with apache-arrow and compares
// every value, the column types and the schema metadata with Go's.
func TestArrowJS(t *testing.T) {
	bin := node(t)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	out := t.TempDir()
	run(t, out, arrowout.Layout{Format: arrowout.IPC}, mem)
	mem.AssertSize(t, 0)
	var paths []string
	for _, tb := range tables {
		paths = append(paths, filepath.Join(out, tb.name+".arrow"))
	}
	var files []arrowFile
	nodeJSON(t, bin, &files, append([]string{"read_arrow.mjs"}, paths...)...)
	if len(files) != len(tables) {
		t.Fatalf("got %d files from apache-arrow, want %d", len(files), len(tables))
	}
	for i, tb := range tables {
		f := files[i]
		compare(t, "apache-arrow "+tb.name, f.Rows, goRows(t, paths[i]), tb.key)
		if got := f.Metadata[arrowout.MetaTable]; got != tb.name {
			t.Errorf("%s: got metadata table %q, want %q", tb.name, got, tb.name)
		}
		var lex []arrowout.Lexicon
		if err := json.Unmarshal([]byte(f.Metadata[arrowout.MetaLexicons]), &lex); err != nil || len(lex) == 0 || lex[0].SHA256 == "" {
			t.Errorf("%s: got lexicons metadata %q (%v), want the lexicon hashes", tb.name, f.Metadata[arrowout.MetaLexicons], err)
		}
		if got := f.Metadata[arrowout.MetaSchemaVersion]; got != arrowout.SchemaVersion {
			t.Errorf("%s: got schema version %q, want %q", tb.name, got, arrowout.SchemaVersion)
		}
		types := map[string]string{}
		for _, fl := range f.Fields {
			types[fl.Name] = fl.Type
		}
		for col, want := range map[string]string{"article_id": "Utf8", "published": "Date32<DAY>", "date": "Date32<DAY>",
			"n_mentions": "Int32", "risk_tax": "Float64", "buzz": "Float64", "top_terms": "List<Utf8>"} {
			if got, ok := types[col]; ok && got != want {
				t.Errorf("%s.%s: got type %s, want %s", tb.name, col, got, want)
			}
		}
	}
	if md := files[2].Metadata[arrowout.MetaPanel]; !strings.Contains(md, `"smoothing":"exp:7"`) {
		t.Errorf("company_daily: got panel metadata %q, want the default smoothing", md)
	}
}

// TestDuckDB queries the flat Parquet files and the hive-partitioned
// history with DuckDB and compares every value with what Go wrote.
func TestDuckDB(t *testing.T) {
	bin := node(t)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	flat, hive := t.TempDir(), t.TempDir()
	run(t, flat, arrowout.Layout{Format: arrowout.Parquet}, mem)
	run(t, hive, arrowout.Layout{Format: arrowout.Parquet, Partition: true}, mem)
	mem.AssertSize(t, 0)

	sqlPath := func(p string) string { return "'" + strings.ReplaceAll(filepath.ToSlash(p), "'", "''") + "'" }
	var queries []string
	for _, tb := range tables {
		queries = append(queries,
			"SELECT * FROM read_parquet("+sqlPath(filepath.Join(flat, tb.name+".parquet"))+")",
			"SELECT * FROM read_parquet("+sqlPath(filepath.Join(hive, tb.name, "*", "*.parquet"))+", hive_partitioning = true)")
	}
	// The partition value agrees with the date inside the file, and the
	// Parquet key/value metadata carries the lineage.
	queries = append(queries,
		"SELECT count(*)::INTEGER AS n FROM read_parquet("+sqlPath(filepath.Join(hive, "mentions", "*", "*.parquet"))+", hive_partitioning = true) WHERE date <> published",
		"SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata("+sqlPath(filepath.Join(flat, "company_daily.parquet"))+") WHERE decode(key) LIKE 'marktstem.%' ORDER BY 1",
		"SELECT count(DISTINCT date)::INTEGER AS days, sum(n_mentions)::INTEGER AS mentions FROM read_parquet("+sqlPath(filepath.Join(hive, "company_daily", "*", "*.parquet"))+", hive_partitioning = true)",
	)
	var res [][]map[string]any
	nodeJSON(t, bin, &res, append([]string{"query_duckdb.mjs"}, queries...)...)
	if len(res) != len(queries) {
		t.Fatalf("got %d results from duckdb, want %d", len(res), len(queries))
	}
	for i, tb := range tables {
		want := goRows(t, filepath.Join(flat, tb.name+".parquet"))
		compare(t, "duckdb "+tb.name+".parquet", res[2*i], want, tb.key)
		compare(t, "duckdb hive "+tb.name, res[2*i+1], want, tb.key)
		// Go reads the partitions too, each holding only its date.
		var parts []map[string]any
		dirs, err := filepath.Glob(filepath.Join(hive, tb.name, "date=*", "part-0.parquet"))
		if err != nil || len(dirs) == 0 {
			t.Fatalf("%s: got no partitions (%v)", tb.name, err)
		}
		for _, p := range dirs {
			parts = append(parts, goRows(t, p)...)
		}
		compare(t, "go hive "+tb.name, parts, want, tb.key)
	}
	n := len(tables) * 2
	if got := norm(res[n][0]["n"]); got != 0.0 {
		t.Errorf("mentions whose partition date differs from published: got %v, want 0", got)
	}
	meta := map[string]any{}
	for _, r := range res[n+1] {
		meta[fmt.Sprint(r["key"])] = r["value"]
	}
	for _, k := range []string{arrowout.MetaVersion, arrowout.MetaLexicons, arrowout.MetaInputs, arrowout.MetaSchemaVersion, arrowout.MetaPanel} {
		if meta[k] == nil || meta[k] == "" {
			t.Errorf("parquet metadata %s: got %v, want a value", k, meta[k])
		}
	}
	if got := meta[arrowout.MetaVersion]; got != "interop-test" {
		t.Errorf("parquet metadata %s: got %v, want interop-test", arrowout.MetaVersion, got)
	}
	var wantMentions float64
	days := map[any]bool{}
	for _, r := range goRows(t, filepath.Join(flat, "company_daily.parquet")) {
		wantMentions += norm(r["n_mentions"]).(float64)
		days[r["date"]] = true
	}
	if got := norm(res[n+2][0]["mentions"]); got != wantMentions {
		t.Errorf("history mentions: got %v, want %v", got, wantMentions)
	}
	if got := norm(res[n+2][0]["days"]); got != float64(len(days)) {
		t.Errorf("history days: got %v, want %d", got, len(days))
	}
}
