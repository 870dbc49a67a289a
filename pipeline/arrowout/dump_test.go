package arrowout

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

var update = flag.Bool("update", false, "rewrite golden files (testdata/*, docs/schema.md)")

// golden compares got with the file at path, or rewrites it with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s: got\n%s\nwant\n%s", path, got, want)
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in      string
		want    Format
		wantErr bool
	}{
		{"table", FormatTable, false},
		{"csv", FormatCSV, false},
		{"jsonl", FormatJSONL, false},
		{"", 0, true},
		{"json", 0, true},
		{"CSV", 0, true},
		{"parquet", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseFormat(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseFormat(%q): got error %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if err != nil {
			if msg := err.Error(); !strings.Contains(msg, "table, csv, jsonl") {
				t.Errorf("ParseFormat(%q): got error %q, want it to list table, csv, jsonl", tt.in, msg)
			}
			continue
		}
		if got != tt.want {
			t.Errorf("ParseFormat(%q): got %v, want %v", tt.in, got, tt.want)
		}
		if got.String() != tt.in {
			t.Errorf("got String() %q, want %q", got.String(), tt.in)
		}
	}
}

// writeSamples writes the three sample tables into dir.
func writeSamples(t *testing.T, dir string, mem memory.Allocator) {
	t.Helper()
	writeAll(t, NewArticleWriter, filepath.Join(dir, "articles.arrow"), mem, sampleArticles())
	writeAll(t, NewMentionWriter, filepath.Join(dir, "mentions.arrow"), mem, sampleMentions())
	writeAll(t, NewCompanyDayWriter, filepath.Join(dir, "company_daily.arrow"), mem, sampleDays())
}

// writeGeneric writes an Arrow file that marktstem would not write, with
// every type Dump handles by name, nulls and two record batches; with
// stream it writes the IPC stream format instead.
func writeGeneric(t *testing.T, path string, mem memory.Allocator, stream bool) {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "i8", Type: arrow.PrimitiveTypes.Int8, Nullable: true},
		{Name: "i16", Type: arrow.PrimitiveTypes.Int16, Nullable: true},
		{Name: "i64", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "u8", Type: arrow.PrimitiveTypes.Uint8, Nullable: true},
		{Name: "u16", Type: arrow.PrimitiveTypes.Uint16, Nullable: true},
		{Name: "u32", Type: arrow.PrimitiveTypes.Uint32, Nullable: true},
		{Name: "u64", Type: arrow.PrimitiveTypes.Uint64, Nullable: true},
		{Name: "f32", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
		{Name: "f64", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "ls", Type: arrow.BinaryTypes.LargeString, Nullable: true},
		{Name: "d64", Type: arrow.FixedWidthTypes.Date64, Nullable: true},
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}, Nullable: true},
		{Name: "ts_naive", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
		{Name: "tags", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
		{Name: "bin", Type: arrow.BinaryTypes.Binary, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()

	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var w interface {
		Write(arrow.Record) error
		Close() error
	}
	if stream {
		w = ipc.NewWriter(f, ipc.WithSchema(schema), ipc.WithAllocator(mem))
	} else {
		if w, err = ipc.NewFileWriter(f, ipc.WithSchema(schema), ipc.WithAllocator(mem)); err != nil {
			t.Fatal(err)
		}
	}
	ts := time.Date(2024, 3, 14, 9, 30, 15, 250_000_000, time.UTC)
	// Batch 1: values.
	b.Field(0).(*array.Int8Builder).Append(-8)
	b.Field(1).(*array.Int16Builder).Append(-16)
	b.Field(2).(*array.Int64Builder).Append(math.MinInt64)
	b.Field(3).(*array.Uint8Builder).Append(255)
	b.Field(4).(*array.Uint16Builder).Append(65535)
	b.Field(5).(*array.Uint32Builder).Append(4294967295)
	b.Field(6).(*array.Uint64Builder).Append(math.MaxUint64)
	b.Field(7).(*array.Float32Builder).Append(0.1)
	b.Field(8).(*array.Float64Builder).Append(math.NaN())
	b.Field(9).(*array.LargeStringBuilder).Append("groot \"tekst\", met komma & <tags>\u2028")
	b.Field(10).(*array.Date64Builder).Append(arrow.Date64FromTime(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)))
	b.Field(11).(*array.TimestampBuilder).Append(arrow.Timestamp(ts.UnixMilli()))
	b.Field(12).(*array.TimestampBuilder).Append(arrow.Timestamp(ts.UnixMicro()))
	lb := b.Field(13).(*array.ListBuilder)
	lb.Append(true)
	lb.ValueBuilder().(*array.StringBuilder).Append("a")
	lb.ValueBuilder().(*array.StringBuilder).AppendNull()
	lb.ValueBuilder().(*array.StringBuilder).Append("c|d")
	b.Field(14).(*array.BinaryBuilder).Append([]byte{0xde, 0xad})
	rec := b.NewRecord()
	defer rec.Release()
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	// Batch 2: a null in every column, then infinities and an empty list.
	for _, fb := range b.Fields() {
		fb.AppendNull()
	}
	b.Field(0).(*array.Int8Builder).Append(127)
	b.Field(1).(*array.Int16Builder).AppendNull()
	b.Field(2).(*array.Int64Builder).Append(0)
	b.Field(3).(*array.Uint8Builder).Append(0)
	b.Field(4).(*array.Uint16Builder).AppendNull()
	b.Field(5).(*array.Uint32Builder).AppendNull()
	b.Field(6).(*array.Uint64Builder).Append(1)
	b.Field(7).(*array.Float32Builder).Append(float32(math.Inf(-1)))
	b.Field(8).(*array.Float64Builder).Append(1e21)
	b.Field(9).(*array.LargeStringBuilder).Append("")
	b.Field(10).(*array.Date64Builder).AppendNull()
	b.Field(11).(*array.TimestampBuilder).AppendNull()
	b.Field(12).(*array.TimestampBuilder).AppendNull()
	b.Field(13).(*array.ListBuilder).Append(true)
	b.Field(14).(*array.BinaryBuilder).AppendNull()
	rec2 := b.NewRecord()
	defer rec2.Release()
	if err := w.Write(rec2); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestDumpGolden(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	writeSamples(t, dir, mem)
	writeGeneric(t, filepath.Join(dir, "generic.arrow"), mem, false)
	writeGeneric(t, filepath.Join(dir, "generic.arrows"), mem, true)
	writeAll(t, NewMentionWriter, filepath.Join(dir, "empty.arrow"), mem, nil)

	for _, name := range []string{"articles", "mentions", "company_daily", "generic", "empty"} {
		for _, f := range []Format{FormatCSV, FormatJSONL, FormatTable} {
			var buf bytes.Buffer
			if err := Dump(t.Context(), &buf, filepath.Join(dir, name+".arrow"), f, mem); err != nil {
				t.Fatalf("%s %s: %v", name, f, err)
			}
			golden(t, filepath.Join("testdata", name+"."+f.String()+".golden"), buf.String())

			if name == "generic" { // the stream format prints the same
				var sbuf bytes.Buffer
				if err := Dump(t.Context(), &sbuf, filepath.Join(dir, "generic.arrows"), f, mem); err != nil {
					t.Fatalf("stream %s: %v", f, err)
				}
				if sbuf.String() != buf.String() {
					t.Errorf("stream %s: got\n%s\nwant the file's output\n%s", f, sbuf.String(), buf.String())
				}
			}
		}
	}
}

// TestDumpParses checks that csv and jsonl output parse with standard readers.
func TestDumpParses(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	writeSamples(t, dir, mem)
	writeGeneric(t, filepath.Join(dir, "generic.arrow"), mem, false)
	for _, name := range []string{"articles", "mentions", "company_daily", "generic"} {
		path := filepath.Join(dir, name+".arrow")
		var c, j bytes.Buffer
		if err := Dump(t.Context(), &c, path, FormatCSV, mem); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&c).ReadAll()
		if err != nil {
			t.Errorf("%s csv: %v", name, err)
		}
		if err := Dump(t.Context(), &j, path, FormatJSONL, mem); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(j.String(), "\n"), "\n")
		for _, l := range lines {
			var v map[string]any
			if err := json.Unmarshal([]byte(l), &v); err != nil {
				t.Errorf("%s jsonl: %v in %s", name, err, l)
			}
		}
		if got, want := len(lines), len(recs)-1; got != want {
			t.Errorf("%s: got %d jsonl rows, want %d (csv rows)", name, got, want)
		}
	}
}

func TestDumpArticleValues(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	writeSamples(t, dir, mem)
	var j bytes.Buffer
	if err := Dump(t.Context(), &j, filepath.Join(dir, "articles.arrow"), FormatJSONL, mem); err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(j.String(), "\n")
	tests := []struct{ name, want string }{
		{"key order", `{"article_id":"2024-03-14_asml-recordorders","published":"2024-03-14","published_precision":"day",`},
		{"url unescaped", `"url":"https://fd.nl/asml?a=1&b=2"`},
		{"list", `"top_terms":["recordorders(+0.90)","sterk(+0.50)","exportbeperking(-0.40)"],`},
		{"category", `"risk_sanctions":0.18,`},
		{"bool", `"regulatory_risk_flag":false`},
	}
	for _, tt := range tests {
		if !strings.Contains(first, tt.want) {
			t.Errorf("%s: got %s, want it to contain %s", tt.name, first, tt.want)
		}
	}
	if !strings.Contains(j.String(), `"source":null,"url":null`) {
		t.Errorf("got %s, want null source and url in the second row", j.String())
	}
}

func TestDumpCancel(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	writeSamples(t, dir, mem)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, f := range []Format{FormatCSV, FormatJSONL, FormatTable} {
		var buf bytes.Buffer
		err := Dump(ctx, &buf, filepath.Join(dir, "articles.arrow"), f, mem)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: got %v, want %v", f, err, context.Canceled)
		}
	}
}

func TestDumpErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	notArrow := filepath.Join(dir, "x.arrow")
	if err := os.WriteFile(notArrow, []byte("article_id,published\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.arrow")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		f          Format
		want       error
	}{
		{"missing", filepath.Join(dir, "missing.arrow"), FormatCSV, os.ErrNotExist},
		{"not arrow", notArrow, FormatJSONL, errNotArrow},
		{"empty", empty, FormatTable, errNotArrow},
		{"bad format", notArrow, Format(42), nil},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		err := Dump(t.Context(), &buf, tt.path, tt.f, mem)
		if err == nil {
			t.Errorf("%s: got nil error, want one", tt.name)
			continue
		}
		if tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
	if err := Describe(&bytes.Buffer{}, notArrow); !errors.Is(err, errNotArrow) {
		t.Errorf("Describe of a csv file: got %v, want %v", err, errNotArrow)
	}
}

func TestTableCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"kort", "kort"},
		{"tab\there\nnewline", "tab here newline"},
		{strings.Repeat("é", 40), strings.Repeat("é", 40)},
		{strings.Repeat("é", 41), strings.Repeat("é", 39) + "…"},
		{"ACM legt energiebedrijf een boete op wegens misleidende tarieven", "ACM legt energiebedrijf een boete op we…"},
	}
	for _, tt := range tests {
		if got := tableCell(tt.in); got != tt.want {
			t.Errorf("tableCell(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	writeSamples(t, dir, mem)
	writeGeneric(t, filepath.Join(dir, "generic.arrow"), mem, false)
	for _, name := range []string{"articles", "mentions", "company_daily", "generic"} {
		var buf bytes.Buffer
		if err := Describe(&buf, filepath.Join(dir, name+".arrow")); err != nil {
			t.Fatal(err)
		}
		got := strings.ReplaceAll(buf.String(), dir, "DIR")
		golden(t, filepath.Join("testdata", name+".describe.golden"), got)
	}
}
