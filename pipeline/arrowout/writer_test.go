package arrowout

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/marktstem/marktstem/lexicons"
)

var testMeta = Metadata{
	Version: "v0.1.0-test",
	RunTime: time.Date(2024, 3, 14, 10, 30, 0, 0, time.FixedZone("CET", 3600)),
	Lexicons: []Lexicon{
		{Name: "nl/sentiment.tsv", Version: "2024.1", SHA256: "9f2c"},
		{Name: "nl/risk.tsv", Version: "2024.2", SHA256: "41ab"},
	},
	Inputs: []string{"seeds/", "extra.jsonl"},
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// cats returns a full risk_<category> vector starting with vals.
func cats(vals ...float64) []float64 {
	out := make([]float64, len(lexicons.Categories()))
	copy(out, vals)
	return out
}

// catCols is the comma-separated risk_<category> column names.
func catCols() string {
	var names []string
	for _, c := range lexicons.Categories() {
		names = append(names, "risk_"+c)
	}
	return strings.Join(names, ",")
}

// formats are the file extensions every round-trip test writes.
var formats = []string{".arrow", ".parquet"}

func sampleArticles() []Article {
	return []Article{
		{
			ArticleID: "2024-03-14_asml-recordorders", Published: day(2024, 3, 14), PublishedPrecision: "day",
			Source: "FD", URL: "https://fd.nl/asml?a=1&b=2", Title: "ASML boekt recordorders, \"sterk\" jaar verwacht",
			File: "seeds/articles/asml.txt", NTokens: 312, NSentences: 14, NCompanies: 2,
			Sentiment: 0.62, SentimentLabel: "positive", SentimentHits: 9,
			RegulatoryRisk: 0.18, RegulatoryRiskFlag: false, RiskHits: 1,
			TopTerms:       []string{"recordorders(+0.90)", "sterk(+0.50)", "exportbeperking(-0.40)"},
			RiskCategories: cats(0, 0, 0, 0, 0, 0, 0.18),
		},
		{
			ArticleID: "2024-02_acm-boete", Published: day(2024, 2, 1), PublishedPrecision: "month",
			Title: "ACM legt energiebedrijf een boete op wegens misleidende tarieven voor consumenten",
			File:  "seeds/articles/acm.txt", NTokens: 120, NSentences: 6, NCompanies: 1,
			Sentiment: -0.4, SentimentLabel: "negative", SentimentHits: 3,
			RegulatoryRisk: 0.77, RegulatoryRiskFlag: true, RiskHits: 4,
			TopTerms: nil, RiskCategories: cats(0.77, 0.1), DuplicateOf: "anp-20240314-001",
		},
		{
			ArticleID: "1969-12-31_oud", Published: day(1969, 12, 31), PublishedPrecision: "time",
			Source: "ANP", Title: "Koers stabiel\tna\nopening", File: "-",
			SentimentLabel: "neutral", TopTerms: []string{"stabiel(+0.05)"}, RiskCategories: cats(),
		},
	}
}

func sampleMentions() []Mention {
	return []Mention{
		{ArticleID: "2024-03-14_asml-recordorders", Published: day(2024, 3, 14), CompanyID: "asml", CompanyName: "ASML Holding",
			NMentions: 3, Matched: []string{"ASML", "ASML's"}, FirstOffset: 0, Relevance: 85, Sentiment: 0.7, RegulatoryRisk: 0.2, Novelty: 100,
			RiskCategories: cats(0, 0.2)},
		{ArticleID: "2024-03-14_asml-recordorders", Published: day(2024, 3, 14), CompanyID: "philips", CompanyName: "Koninklijke Philips",
			NMentions: 1, Matched: []string{"Philips"}, FirstOffset: 1234, Relevance: 17.5, Sentiment: -0.25, RegulatoryRisk: 0, Novelty: 41.5, DuplicateOf: "belga-7",
			RiskCategories: cats()},
	}
}

func sampleDays() []CompanyDay {
	return []CompanyDay{
		{CompanyID: "asml", CompanyName: "ASML Holding", Date: day(2024, 3, 14), NArticles: 2, NMentions: 5,
			SentimentMean: 0.5, SentimentWeighted: 0.55, RegulatoryRiskMean: 0.1, RegulatoryRiskMax: 0.2,
			RegulatoryRiskWeighted: 0.12, SentimentStd: 0.1, RegulatoryRiskStd: 0.05, NegativeShare: 0,
			Buzz: 2.5, SentimentIndex: 0.4, RegulatoryRiskIndex: 0.15, SentimentZ: 1.2, RegulatoryRiskZ: -0.7,
			RiskCategories: cats(0.1, 0, 0.05)},
		{CompanyID: "ing", CompanyName: "ING Groep", Date: day(2024, 3, 15), NArticles: 1, NMentions: 1,
			SentimentMean: -0.125, SentimentWeighted: -0.125, RegulatoryRiskMean: 0.9, RegulatoryRiskMax: 0.9,
			RegulatoryRiskWeighted: 0.9, SentimentStd: math.NaN(), RegulatoryRiskStd: math.NaN(), NegativeShare: 1,
			Buzz: math.NaN(), SentimentIndex: -0.125, RegulatoryRiskIndex: 0.9, SentimentZ: math.NaN(), RegulatoryRiskZ: math.NaN(),
			RiskCategories: cats(0.9)},
	}
}

// writeAll writes rows with a fresh writer and closes it.
func writeAll[T any](t *testing.T, open func(string, memory.Allocator, Metadata) (*Writer[T], error), path string, mem memory.Allocator, rows []T) {
	t.Helper()
	w, err := open(path, mem, testMeta)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			w.Abort()
			t.Fatal(err)
		}
	}
	if f := w.File(); f != (File{}) {
		t.Errorf("before Close: got File %+v, want the zero File", f)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := published(t, []File{w.File()}); got[0] != path {
		t.Errorf("got File path %s, want %s", got[0], path)
	}
}

// readRows reads every row of the file at path with decode.
func readRows[T any](t *testing.T, path string, mem memory.Allocator, decode func(cols map[string]arrow.Array, i int) T) ([]T, *arrow.Schema) {
	t.Helper()
	tbl, err := ReadAll(path, mem)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	tr := array.NewTableReader(tbl, 1000)
	defer tr.Release()
	var out []T
	for tr.Next() {
		rec := tr.Record()
		cols := map[string]arrow.Array{}
		for i, f := range rec.Schema().Fields() {
			cols[f.Name] = rec.Column(i)
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			out = append(out, decode(cols, i))
		}
	}
	return out, tbl.Schema()
}

func str(c arrow.Array, i int) string     { return c.(*array.String).Value(i) }
func i32(c arrow.Array, i int) int32      { return c.(*array.Int32).Value(i) }
func f64(c arrow.Array, i int) float64    { return c.(*array.Float64).Value(i) }
func date(c arrow.Array, i int) time.Time { return c.(*array.Date32).Value(i).ToTime() }

// nullStr maps null to "" as the writer maps "" to null.
func nullStr(c arrow.Array, i int) string {
	if c.IsNull(i) {
		return ""
	}
	return str(c, i)
}

// list returns the strings of list row i; nil for an empty list.
func list(c arrow.Array, i int) []string {
	l := c.(*array.List)
	if l.IsNull(i) {
		panic("null list")
	}
	start, end := l.ValueOffsets(i)
	var out []string
	for j := start; j < end; j++ {
		out = append(out, str(l.ListValues(), int(j)))
	}
	return out
}

func decodeArticle(c map[string]arrow.Array, i int) Article {
	return Article{
		ArticleID: str(c["article_id"], i), Published: date(c["published"], i), PublishedPrecision: str(c["published_precision"], i),
		Source: nullStr(c["source"], i), URL: nullStr(c["url"], i), Title: str(c["title"], i), File: str(c["file"], i),
		NTokens: i32(c["n_tokens"], i), NSentences: i32(c["n_sentences"], i), NCompanies: i32(c["n_companies"], i),
		Sentiment: f64(c["sentiment"], i), SentimentLabel: str(c["sentiment_label"], i), SentimentHits: i32(c["sentiment_hits"], i),
		RegulatoryRisk: f64(c["regulatory_risk"], i), RegulatoryRiskFlag: c["regulatory_risk_flag"].(*array.Boolean).Value(i),
		RiskHits: i32(c["risk_hits"], i), TopTerms: list(c["top_terms"], i), RiskCategories: catVals(c, i),
		DuplicateOf: nullStr(c["duplicate_of"], i),
	}
}

// nullF64 maps null to NaN as the writer maps NaN to null.
func nullF64(c arrow.Array, i int) float64 {
	if c.IsNull(i) {
		return math.NaN()
	}
	return f64(c, i)
}

// catVals returns the risk_<category> values of row i.
func catVals(c map[string]arrow.Array, i int) []float64 {
	var out []float64
	for _, cat := range lexicons.Categories() {
		out = append(out, f64(c["risk_"+cat], i))
	}
	return out
}

func decodeMention(c map[string]arrow.Array, i int) Mention {
	return Mention{
		ArticleID: str(c["article_id"], i), Published: date(c["published"], i),
		CompanyID: str(c["company_id"], i), CompanyName: str(c["company_name"], i),
		NMentions: i32(c["n_mentions"], i), Matched: list(c["matched"], i), FirstOffset: i32(c["first_offset"], i),
		Relevance: f64(c["relevance"], i), Sentiment: f64(c["sentiment"], i), RegulatoryRisk: f64(c["regulatory_risk"], i),
		RiskCategories: catVals(c, i), Novelty: f64(c["novelty"], i), DuplicateOf: nullStr(c["duplicate_of"], i),
	}
}

func decodeDay(c map[string]arrow.Array, i int) CompanyDay {
	return CompanyDay{
		CompanyID: str(c["company_id"], i), CompanyName: str(c["company_name"], i), Date: date(c["date"], i),
		NArticles: i32(c["n_articles"], i), NMentions: i32(c["n_mentions"], i),
		SentimentMean: f64(c["sentiment_mean"], i), SentimentWeighted: f64(c["sentiment_weighted"], i),
		RegulatoryRiskMean: f64(c["regulatory_risk_mean"], i), RegulatoryRiskMax: f64(c["regulatory_risk_max"], i),
		RegulatoryRiskWeighted: f64(c["regulatory_risk_weighted"], i),
		SentimentStd:           nullF64(c["sentiment_std"], i), RegulatoryRiskStd: nullF64(c["regulatory_risk_std"], i),
		NegativeShare: f64(c["negative_share"], i), Buzz: nullF64(c["buzz"], i),
		SentimentIndex: nullF64(c["sentiment_index"], i), RegulatoryRiskIndex: nullF64(c["regulatory_risk_index"], i),
		SentimentZ: nullF64(c["sentiment_z"], i), RegulatoryRiskZ: nullF64(c["regulatory_risk_z"], i),
		RiskCategories: catVals(c, i),
	}
}

func columnNames(s *arrow.Schema) string {
	var names []string
	for _, f := range s.Fields() {
		names = append(names, f.Name)
	}
	return strings.Join(names, ",")
}

func TestRoundTrip(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	for _, ext := range formats {
		t.Run("articles"+ext, func(t *testing.T) {
			path := filepath.Join(dir, "articles"+ext)
			want := sampleArticles()
			writeAll(t, NewArticleWriter, path, mem, want)
			got, schema := readRows(t, path, mem, decodeArticle)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
			cols := "article_id,published,published_precision,source,url,title,file,n_tokens,n_sentences,n_companies,sentiment,sentiment_label,sentiment_hits,regulatory_risk,regulatory_risk_flag,risk_hits,top_terms,duplicate_of," + catCols()
			if got := columnNames(schema); got != cols {
				t.Errorf("got columns %s, want %s", got, cols)
			}
		})
		t.Run("mentions"+ext, func(t *testing.T) {
			path := filepath.Join(dir, "mentions"+ext)
			want := sampleMentions()
			writeAll(t, NewMentionWriter, path, mem, want)
			got, schema := readRows(t, path, mem, decodeMention)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
			cols := "article_id,published,company_id,company_name,n_mentions,matched,first_offset,relevance,sentiment,regulatory_risk,novelty,duplicate_of," + catCols()
			if got := columnNames(schema); got != cols {
				t.Errorf("got columns %s, want %s", got, cols)
			}
		})
		t.Run("company_daily"+ext, func(t *testing.T) {
			path := filepath.Join(dir, "company_daily"+ext)
			want := sampleDays()
			writeAll(t, NewCompanyDayWriter, path, mem, want)
			got, schema := readRows(t, path, mem, decodeDay)
			// %v prints NaN, which DeepEqual never equals.
			if g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want); g != w {
				t.Errorf("got %s\nwant %s", g, w)
			}
			cols := "company_id,company_name,date,n_articles,n_mentions,sentiment_mean,sentiment_weighted,regulatory_risk_mean,regulatory_risk_max," +
				"regulatory_risk_weighted,sentiment_std,regulatory_risk_std,negative_share,buzz,sentiment_index,regulatory_risk_index,sentiment_z,regulatory_risk_z," + catCols()
			if got := columnNames(schema); got != cols {
				t.Errorf("got columns %s, want %s", got, cols)
			}
			md := schema.Metadata()
			if got, _ := md.GetValue(MetaTable); got != TableCompanyDaily {
				t.Errorf("got metadata table %q, want %q", got, TableCompanyDaily)
			}
		})
	}
}

func TestSchemaTypes(t *testing.T) {
	for _, ext := range formats {
		t.Run(ext, func(t *testing.T) { testSchemaTypes(t, ext) })
	}
}

// testSchemaTypes checks types and metadata; Parquet must give back the
// exact Arrow types and metadata through the stored schema.
func testSchemaTypes(t *testing.T, ext string) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	path := filepath.Join(t.TempDir(), "articles"+ext)
	writeAll(t, NewArticleWriter, path, mem, sampleArticles())
	tbl, err := ReadAll(path, mem)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	s := tbl.Schema()
	tests := []struct {
		col      string
		typ      arrow.Type
		nullable bool
	}{
		{"article_id", arrow.STRING, false},
		{"published", arrow.DATE32, false},
		{"source", arrow.STRING, true},
		{"url", arrow.STRING, true},
		{"n_tokens", arrow.INT32, false},
		{"sentiment", arrow.FLOAT64, false},
		{"regulatory_risk_flag", arrow.BOOL, false},
		{"top_terms", arrow.LIST, false},
		{"risk_esg", arrow.FLOAT64, false},
	}
	for _, tt := range tests {
		f, ok := s.FieldsByName(tt.col)
		if !ok {
			t.Errorf("column %s missing", tt.col)
			continue
		}
		if got := f[0].Type.ID(); got != tt.typ {
			t.Errorf("%s: got type %s, want %s", tt.col, got, tt.typ)
		}
		if got := f[0].Nullable; got != tt.nullable {
			t.Errorf("%s: got nullable %v, want %v", tt.col, got, tt.nullable)
		}
	}
	for _, f := range s.Fields() {
		if f.Type.ID() == arrow.DICTIONARY {
			t.Errorf("%s: got dictionary encoding, want none", f.Name)
		}
	}
	wantMeta := map[string]string{
		"marktstem.version":        "v0.1.0-test",
		"marktstem.run_time":       "2024-03-14T09:30:00Z",
		"marktstem.lexicons":       `[{"name":"nl/sentiment.tsv","version":"2024.1","sha256":"9f2c"},{"name":"nl/risk.tsv","version":"2024.2","sha256":"41ab"}]`,
		"marktstem.inputs":         `["seeds/","extra.jsonl"]`,
		"marktstem.table":          "articles",
		"marktstem.schema_version": "2",
	}
	md := s.Metadata()
	if got, want := md.Len(), len(wantMeta); got != want {
		t.Errorf("got %d metadata keys, want %d", got, want)
	}
	for k, want := range wantMeta {
		if got, ok := md.GetValue(k); !ok || got != want {
			t.Errorf("metadata %s: got %q, want %q", k, got, want)
		}
	}
	keys := md.Keys()
	for i := 1; i < len(keys); i++ {
		if keys[i-1] >= keys[i] {
			t.Errorf("got metadata keys %v, want sorted", keys)
		}
	}
}

func TestManyBatches(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	path := filepath.Join(t.TempDir(), "mentions.arrow")
	const n = 2*DefaultBatchRows + 123
	want := make([]Mention, n)
	for i := range want {
		want[i] = Mention{
			ArticleID: fmt.Sprintf("a%05d", i), Published: day(2020, 1, 1).AddDate(0, 0, i%400),
			CompanyID: fmt.Sprintf("c%d", i%7), CompanyName: "Bedrijf", NMentions: int32(i%5 + 1),
			Matched: []string{"X", fmt.Sprint(i)}[:i%2+1], FirstOffset: int32(i), Relevance: float64(i % 101),
			Sentiment: float64(i%21-10) / 10, RegulatoryRisk: float64(i%11) / 10,
			RiskCategories: cats(float64(i%11) / 10),
		}
	}
	writeAll(t, NewMentionWriter, path, mem, want)

	var batches int
	err := scan(t.Context(), path, mem, func(*arrow.Schema) error { return nil },
		func(arrow.Record) error { batches++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if batches != 3 {
		t.Errorf("got %d batches, want 3", batches)
	}
	got, _ := readRows(t, path, mem, decodeMention)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %d rows, want %d equal rows", len(got), len(want))
	}
}

func TestZeroRows(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	tests := []struct {
		name string
		open func(path string) (interface{ Close() error }, error)
		cols int
	}{
		{"articles", func(p string) (interface{ Close() error }, error) { return NewArticleWriter(p, mem, testMeta) }, 30},
		{"mentions", func(p string) (interface{ Close() error }, error) { return NewMentionWriter(p, mem, testMeta) }, 24},
		{"company_daily", func(p string) (interface{ Close() error }, error) { return NewCompanyDayWriter(p, mem, testMeta) }, 30},
	}
	for i := range len(tests) * len(formats) {
		tt, ext := tests[i%len(tests)], formats[i/len(tests)]
		path := filepath.Join(dir, tt.name+ext)
		w, err := tt.open(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		tbl, err := ReadAll(path, mem)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := tbl.NumRows(); got != 0 {
			t.Errorf("%s: got %d rows, want 0", tt.name, got)
		}
		if got := int(tbl.NumCols()); got != tt.cols {
			t.Errorf("%s: got %d columns, want %d", tt.name, got, tt.cols)
		}
		if got, _ := tbl.Schema().Metadata().GetValue(MetaTable); got != tt.name {
			t.Errorf("got table %q, want %q", got, tt.name)
		}
		tbl.Release()
	}
}

// tempFiles returns the names of writer temp files left in dir.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestAbortKeepsPreviousFile(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	path := filepath.Join(dir, "articles.arrow")
	writeAll(t, NewArticleWriter, path, mem, sampleArticles()[:1])
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	w, err := NewArticleWriter(path, mem, testMeta)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < DefaultBatchRows+10; i++ { // a batch reaches the temp file
		if err := w.Write(sampleArticles()[1]); err != nil {
			t.Fatal(err)
		}
	}
	if got := tempFiles(t, dir); len(got) != 1 || !strings.HasPrefix(got[0], ".articles.arrow.tmp-") {
		t.Errorf("got temp files %v, want one .articles.arrow.tmp-*", got)
	}
	w.Abort()
	w.Abort() // idempotent
	if got := tempFiles(t, dir); len(got) != 0 {
		t.Errorf("got temp files %v after Abort, want none", got)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(after, before) {
		t.Error("got a changed file after Abort, want the previous one")
	}
	if err := w.Write(Article{}); !errors.Is(err, errClosed) {
		t.Errorf("Write after Abort: got %v, want %v", err, errClosed)
	}
	if err := w.Close(); !errors.Is(err, errClosed) {
		t.Errorf("Close after Abort: got %v, want %v", err, errClosed)
	}
}

func TestCloseIsAtomic(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	path := filepath.Join(dir, "company_daily.arrow")

	w, err := NewCompanyDayWriter(path, mem, testMeta)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range sampleDays() {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("before Close: got stat error %v, want not exist", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := tempFiles(t, dir); len(got) != 0 {
		t.Errorf("got temp files %v after Close, want none", got)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o644 {
		t.Errorf("got mode %v, want 0644", got)
	}
	first, _ := os.ReadFile(path)

	// A second run replaces the file only on Close.
	w2, err := NewCompanyDayWriter(path, mem, testMeta)
	if err != nil {
		t.Fatal(err)
	}
	if err := w2.Write(sampleDays()[0]); err != nil {
		t.Fatal(err)
	}
	if mid, _ := os.ReadFile(path); !bytes.Equal(mid, first) {
		t.Error("before Close: got changed content, want the previous file")
	}
	if err := w2.Close(); err != nil {
		t.Fatal(err)
	}
	w2.Abort() // no-op after Close
	if err := w2.Close(); err != nil {
		t.Errorf("second Close: got %v, want nil", err)
	}
	if err := w2.Write(sampleDays()[0]); !errors.Is(err, errClosed) {
		t.Errorf("Write after Close: got %v, want %v", err, errClosed)
	}
	got, _ := readRows(t, path, mem, decodeDay)
	if want := sampleDays()[:1]; !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestCreateError(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	_, err := NewArticleWriter(filepath.Join(t.TempDir(), "missing", "articles.arrow"), mem, testMeta)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want an error wrapping os.ErrNotExist", err)
	}
}

func TestDeterministic(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	for _, ext := range formats {
		testDeterministic(t, mem, dir, ext)
	}
}

func testDeterministic(t *testing.T, mem memory.Allocator, dir, ext string) {
	var files [2][]byte
	for i := range files {
		path := filepath.Join(dir, fmt.Sprintf("run%d", i), "articles"+ext)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		rows := sampleArticles()
		for j := 0; j < DefaultBatchRows; j++ {
			rows = append(rows, sampleArticles()[j%3])
		}
		writeAll(t, NewArticleWriter, path, mem, rows)
		var err error
		if files[i], err = os.ReadFile(path); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Errorf("%s: got different bytes for the same rows and metadata, want identical files", ext)
	}
}

func TestToDate32(t *testing.T) {
	tests := []struct {
		in   time.Time
		want arrow.Date32
	}{
		{day(1970, 1, 1), 0},
		{day(1970, 1, 2), 1},
		{day(1969, 12, 31), -1},
		{day(2024, 3, 14), 19796},
		{time.Date(2024, 3, 14, 23, 59, 0, 0, time.UTC), 19796},
		{time.Date(2024, 3, 14, 0, 30, 0, 0, time.FixedZone("CET", 3600)), 19796}, // civil date in its zone
	}
	for _, tt := range tests {
		if got := toDate32(tt.in); got != tt.want {
			t.Errorf("toDate32(%v): got %d, want %d", tt.in, got, tt.want)
		}
	}
}

// TestWriteAllocs checks that writing a row allocates nothing but, once
// per batch, the batch's buffers: a row is not copied to the heap.
func TestWriteAllocs(t *testing.T) {
	_, ms := benchRows(200)
	for i := range ms {
		ms[i].Published = day(2024, 3, 14) // one partition
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, l := range []Layout{{}, {Partition: true}} {
		o, err := NewMentionOutput(t.TempDir(), l, mem, testMeta)
		if err != nil {
			t.Fatal(err)
		}
		i := 0
		write := func() {
			if err := o.Write(ms[i%len(ms)]); err != nil {
				t.Fatal(err)
			}
			i++
		}
		for range 2 * DefaultBatchRows { // the buffers and partitions exist
			write()
		}
		// A batch is written within the 1000 rows: its allocations are
		// well under one per row.
		if got := testing.AllocsPerRun(1000, write); got >= 1 {
			t.Errorf("partitioned %v: got %v allocations per row, want 0", l.Partition, got)
		}
		if _, err := o.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
