package pipeline_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/marktstem/marktstem/pipeline"
	"github.com/marktstem/marktstem/pipeline/ingest"
	"github.com/marktstem/marktstem/seeds"
)

func config(t testing.TB, out string, workers int, mem memory.Allocator, inputs ...string) pipeline.Config {
	lex, reg := pipeline.SeedSetup(t)
	return pipeline.Config{
		Inputs: inputs, Default: seeds.FS(), DefaultRoot: seeds.ArticlesDir, DefaultLabel: "seeds",
		OutDir: out, Workers: workers, Lexicons: lex, Registry: reg, Alloc: mem,
		RunTime: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Version: "test",
	}
}

// readTable reads every record of an Arrow IPC file into rows of Go values.
func readTable(t *testing.T, path string) (*arrow.Schema, []map[string]any) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := ipc.NewFileReader(f, ipc.WithAllocator(mem))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer r.Close()
	var rows []map[string]any
	for i := 0; i < r.NumRecords(); i++ {
		rec, err := r.Record(i)
		if err != nil {
			t.Fatal(err)
		}
		for row := 0; row < int(rec.NumRows()); row++ {
			m := map[string]any{}
			for c, col := range rec.Columns() {
				m[rec.ColumnName(c)] = col.GetOneForMarshal(row)
			}
			rows = append(rows, m)
		}
	}
	return r.Schema(), rows
}

func TestRunSeeds(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	out := t.TempDir()
	sum, err := pipeline.Run(context.Background(), config(t, out, 2, mem))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Read != sum.Scored+sum.Rejected {
		t.Errorf("read %d != scored %d + rejected %d", sum.Read, sum.Scored, sum.Rejected)
	}
	if sum.Scored < 40 || sum.Rejected != 0 {
		t.Errorf("seeds: got %d scored, %d rejected (%v), want >= 40 and 0", sum.Scored, sum.Rejected, sum.RejectsByReason)
	}
	if len(sum.Companies) < 15 {
		t.Errorf("companies: got %d, want >= 15", len(sum.Companies))
	}
	schema, arts := readTable(t, filepath.Join(out, "articles.arrow"))
	if len(arts) != sum.Scored {
		t.Errorf("articles.arrow rows: got %d, want %d", len(arts), sum.Scored)
	}
	for _, col := range []string{"article_id", "published", "source", "n_tokens", "n_sentences", "sentiment", "sentiment_label", "regulatory_risk", "regulatory_risk_flag", "top_terms"} {
		if len(schema.FieldIndices(col)) != 1 {
			t.Errorf("articles.arrow lacks column %q", col)
		}
	}
	if f, _ := schema.FieldsByName("published"); len(f) == 1 && f[0].Type.ID() != arrow.DATE32 {
		t.Errorf("published: got %s, want date32", f[0].Type)
	}
	for _, key := range []string{"marktstem.version", "marktstem.run_time", "marktstem.lexicons"} {
		if v, ok := schema.Metadata().GetValue(key); !ok || v == "" {
			t.Errorf("schema metadata lacks %s", key)
		}
	}
	lexMeta, _ := schema.Metadata().GetValue("marktstem.lexicons")
	if !strings.Contains(lexMeta, "sha256") {
		t.Errorf("lexicon metadata %q has no sha256", lexMeta)
	}
	labels := map[string]int{}
	for _, a := range arts {
		labels[a["sentiment_label"].(string)]++
		s := a["sentiment"].(float64)
		r := a["regulatory_risk"].(float64)
		if s < -1 || s > 1 || r < 0 || r > 1 {
			t.Errorf("%v: sentiment %v risk %v out of range", a["article_id"], s, r)
		}
	}
	for _, l := range []string{"positive", "neutral", "negative"} {
		if labels[l] == 0 {
			t.Errorf("no %s article among the seeds (labels %v)", l, labels)
		}
	}
	_, ments := readTable(t, filepath.Join(out, "mentions.arrow"))
	for _, m := range ments {
		if r := m["relevance"].(float64); r < 0 || r > 100 {
			t.Errorf("relevance %v out of range", r)
		}
	}
	schema, days := readTable(t, filepath.Join(out, "company_daily.arrow"))
	if len(days) != sum.Days || len(days) == 0 {
		t.Errorf("company_daily rows: got %d, want %d > 0", len(days), sum.Days)
	}
	for _, col := range []string{"company_id", "date", "n_articles", "n_mentions", "sentiment_mean", "sentiment_weighted", "regulatory_risk_mean", "regulatory_risk_max"} {
		if len(schema.FieldIndices(col)) != 1 {
			t.Errorf("company_daily.arrow lacks column %q", col)
		}
	}
	if data, err := os.ReadFile(filepath.Join(out, pipeline.RejectsFile)); err != nil || len(data) != 0 {
		t.Errorf("rejects.jsonl: got %q, %v; want an empty file", data, err)
	}
	assertNoTemp(t, out)
	checkManifest(t, out, sum)
}

// checkManifest checks that the run manifest accounts for every article and
// that its output hashes match the files.
func checkManifest(t *testing.T, out string, sum *pipeline.Summary) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, pipeline.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var m pipeline.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	c := m.Counts
	if c.Read != c.Scored+c.Rejected || c.Read != sum.Read {
		t.Errorf("manifest counts: read %d, scored %d, rejected %d; summary read %d", c.Read, c.Scored, c.Rejected, sum.Read)
	}
	if len(m.Inputs) == 0 || len(m.Lexicons) == 0 || len(m.Outputs) != len(sum.Outputs) {
		t.Errorf("manifest: %d inputs, %d lexicons, %d outputs (want >0, >0, %d)", len(m.Inputs), len(m.Lexicons), len(m.Outputs), len(sum.Outputs))
	}
	var inBytes int64
	for _, in := range m.Inputs {
		if len(in.SHA256) != 64 || !in.Complete {
			t.Errorf("input %s: sha256 %q complete %v", in.Path, in.SHA256, in.Complete)
		}
		inBytes += in.Bytes
	}
	if inBytes < c.Bytes/2 {
		t.Errorf("manifest inputs: %d bytes, want about the %d bytes read", inBytes, c.Bytes)
	}
	for _, o := range m.Outputs {
		data, err := os.ReadFile(o.Path)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != o.SHA256 || int64(len(data)) != o.Bytes {
			t.Errorf("output %s: manifest says %d bytes %s, file has %d bytes %s", o.Path, o.Bytes, o.SHA256, len(data), got)
		}
	}
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

// TestDeterministic checks that outputs are byte-identical whatever the
// number of workers.
func TestDeterministic(t *testing.T) {
	var first map[string][]byte
	for _, tc := range []struct {
		name     string
		workers  int
		maxCells int // panel cells in memory; a few force spills to disk
	}{
		{"1 worker", 1, 0},
		{"4 workers", 4, 0},
		{"2 workers, panel spilled to disk", 2, 3},
	} {
		out := t.TempDir()
		cfg := config(t, out, tc.workers, nil)
		cfg.Panel.MaxCells = tc.maxCells
		if _, err := pipeline.Run(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, name := range []string{"articles.arrow", "mentions.arrow", "company_daily.arrow", pipeline.RejectsFile} {
			data, err := os.ReadFile(filepath.Join(out, name))
			if err != nil {
				t.Fatal(err)
			}
			files[name] = data
			if fi, err := os.Stat(filepath.Join(out, name)); err != nil || fi.Mode().Perm() != 0o644 {
				t.Errorf("%s: got mode %v (%v), want -rw-r--r--", name, fi.Mode(), err)
			}
		}
		if left, _ := filepath.Glob(filepath.Join(out, ".*")); len(left) != 0 {
			t.Errorf("%s: got temporary files %q left in the output, want none", tc.name, left)
		}
		if first == nil {
			first = files
			continue
		}
		for name, data := range files {
			if !bytes.Equal(data, first[name]) {
				t.Errorf("%s differs between 1 worker and %s", name, tc.name)
			}
		}
	}
}

// TestBadInput checks that bad articles are rejected with file and line
// while the good ones are scored.
func TestBadInput(t *testing.T) {
	in := t.TempDir()
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(in, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a-good.txt", " date 2024-03-14 ING boekt hogere winst\nDe bank ING boekte een recordwinst.\n")
	// Latin-1 text is repaired and scored; bytes that are no text in any
	// encoding (a UTF-16 BOM after Latin-1 bytes, controls) are rejected.
	write("b-latin1.txt", " date 2024-03-14 Caf\xe9\nDe financi\xeble cijfers.\n")
	write("b-binary.txt", " date 2024-03-14 Caf\xe9\nOngeldige tekst \xff\xfe\x01.\n")
	write("c-empty.txt", "")
	write("d-nodate.txt", "ASML zonder datum\nDe tekst.\n")
	write("e-wire.jsonl", `{"id":"w1","published":"2024-03-14","title":"KBC verhoogt dividend","body":"KBC keert meer uit."}`+"\n"+
		`{"id":"w2", "published": "2024-03-14", "title": kapot}`+"\n"+
		`{"id":"w3","title":"Geen datum","body":"Tekst."}`+"\n")
	out := t.TempDir()
	sum, err := pipeline.Run(context.Background(), config(t, out, 2, nil, in))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sum.Scored, 3; got != want {
		t.Errorf("scored: got %d, want %d", got, want)
	}
	if got, want := sum.Rejected, 5; got != want {
		t.Errorf("rejected: got %d, want %d (%v)", got, want, sum.RejectsByReason)
	}
	f, err := os.Open(filepath.Join(out, pipeline.RejectsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type rej struct {
		File   string
		Line   int
		Reason string
		Detail string
	}
	var got []rej
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r rej
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("rejects.jsonl: %v", err)
		}
		got = append(got, r)
	}
	want := []struct {
		file   string
		line   int
		reason string
	}{
		{"b-binary.txt", 1, "invalid_utf8"},
		{"c-empty.txt", 1, "empty"},
		{"d-nodate.txt", 1, "missing_date"},
		{"e-wire.jsonl", 2, "bad_json"},
		{"e-wire.jsonl", 3, "missing_date"},
	}
	if len(got) != len(want) {
		t.Fatalf("rejects: got %+v, want %d records", got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if filepath.Base(g.File) != w.file || g.Reason != w.reason || (w.line > 0 && g.Line != w.line) {
			t.Errorf("reject %d: got %s:%d %s, want %s:%d %s", i, g.File, g.Line, g.Reason, w.file, w.line, w.reason)
		}
		if g.Detail == "" {
			t.Errorf("reject %d: no detail", i)
		}
	}
}

// TestSharedSeed scores the real De Tijd article from ../shared when it is
// present: ByteDance must be the most relevant company, with negative
// sentiment and high regulatory risk; its brands count for it; Ant Group
// and Didi Chuxing are found with risk.
func TestSharedSeed(t *testing.T) {
	path := filepath.Join("..", "..", "shared", "seeds", "000_1f7aff34b7c1632d.txt")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("shared seed article not present: %v", err)
	}
	out := t.TempDir()
	sum, err := pipeline.Run(context.Background(), config(t, out, 1, nil, path))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Scored != 1 {
		t.Fatalf("scored: got %d, want 1 (%v)", sum.Scored, sum.RejectsByReason)
	}
	_, arts := readTable(t, filepath.Join(out, "articles.arrow"))
	a := arts[0]
	if s := a["sentiment"].(float64); s >= -0.1 {
		t.Errorf("article sentiment: got %.3f, want negative (< -0.1)", s)
	}
	if r := a["regulatory_risk"].(float64); r < 0.6 || !a["regulatory_risk_flag"].(bool) {
		t.Errorf("article risk: got %.3f flag %v, want >= 0.6 and flagged", r, a["regulatory_risk_flag"])
	}
	_, ments := readTable(t, filepath.Join(out, "mentions.arrow"))
	byID := map[string]map[string]any{}
	best, bestRel := "", -1.0
	for _, m := range ments {
		id := m["company_id"].(string)
		byID[id] = m
		if r := m["relevance"].(float64); r > bestRel {
			best, bestRel = id, r
		}
	}
	if best != "bytedance" {
		t.Errorf("most relevant: got %s (%.1f), want bytedance", best, bestRel)
	}
	bd := byID["bytedance"]
	if bd == nil {
		t.Fatalf("bytedance not found; mentions %v", ments)
	}
	if s := bd["sentiment"].(float64); s >= 0 {
		t.Errorf("bytedance sentiment: got %.3f, want negative", s)
	}
	if r := bd["regulatory_risk"].(float64); r < 0.5 {
		t.Errorf("bytedance risk: got %.3f, want >= 0.5", r)
	}
	matched := strings.Join(toStrings(bd["matched"]), "|")
	for _, brand := range []string{"TikTok", "Douyin"} {
		if !strings.Contains(matched, brand) {
			t.Errorf("bytedance matched %q: want %s counted for ByteDance", matched, brand)
		}
	}
	for _, id := range []string{"ant-group", "didi"} {
		m := byID[id]
		if m == nil {
			t.Errorf("%s not found", id)
			continue
		}
		if r := m["regulatory_risk"].(float64); r <= 0.2 {
			t.Errorf("%s risk: got %.3f, want > 0.2", id, r)
		}
	}
	for _, id := range []string{"tiktok", "douyin", "squirrel-securities", "dolphin-stocks"} {
		if byID[id] != nil {
			t.Errorf("%s has its own mention row; want it rolled up into bytedance", id)
		}
	}
}

func toStrings(v any) []string {
	switch x := v.(type) {
	case []string:
		return x
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			out[i], _ = e.(string)
		}
		return out
	case json.RawMessage:
		var out []string
		json.Unmarshal(x, &out)
		return out
	}
	return nil
}

// TestInputOrder checks that the order in which files were created in an
// input directory does not change the output.
func TestInputOrder(t *testing.T) {
	src, err := filepath.Glob(filepath.Join("..", "seeds", "articles", "*.txt"))
	if err != nil || len(src) < 10 {
		t.Fatalf("seed articles: %v (%d)", err, len(src))
	}
	base := t.TempDir()
	in := filepath.Join(base, "in")
	var first map[string][]byte
	for round, order := range [][]string{src, reversed(src)} {
		os.RemoveAll(in)
		os.MkdirAll(filepath.Join(in, "sub"), 0o755)
		for i, p := range order {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			dst := filepath.Join(in, filepath.Base(p))
			if i%3 == 0 {
				dst = filepath.Join(in, "sub", filepath.Base(p))
			}
			if err := os.WriteFile(dst, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		out := filepath.Join(base, "out")
		if _, err := pipeline.Run(context.Background(), config(t, out, 3, nil, in)); err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, name := range []string{"articles.arrow", "mentions.arrow", "company_daily.arrow"} {
			files[name], _ = os.ReadFile(filepath.Join(out, name))
		}
		if round == 0 {
			first = files
			continue
		}
		for name, data := range files {
			if !bytes.Equal(data, first[name]) {
				t.Errorf("%s differs when the input files are created in another order", name)
			}
		}
	}
}

func reversed(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

// TestNearDuplicates checks that a wire copy of a story under another id
// is marked as a duplicate and counted once in company_daily.
func TestNearDuplicates(t *testing.T) {
	story := "De Europese Commissie legt ASML een boete op van 120 miljoen euro wegens misbruik van machtspositie op de markt voor lithografiemachines. Volgens Brussel heeft de chipmachinebouwer klanten jarenlang exclusieve contracten opgelegd. ASML gaat in beroep."
	in := filepath.Join(t.TempDir(), "wire.jsonl")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, a := range []map[string]string{
		{"id": "anp-1", "published": "2024-03-14T09:00:00+01:00", "title": "Brussel beboet ASML", "body": story},
		{"id": "belga-1", "published": "2024-03-14T09:20:00+01:00", "title": "ASML krijgt boete van Brussel", "body": story},
		{"id": "fd-1", "published": "2024-03-14T12:00:00+01:00", "title": "Heineken verhoogt dividend", "body": "Heineken verhoogt het dividend met 8 procent na een sterk jaar in Azië en Afrika."},
	} {
		enc.Encode(a)
	}
	os.WriteFile(in, buf.Bytes(), 0o644)
	out := t.TempDir()
	sum, err := pipeline.Run(context.Background(), config(t, out, 2, nil, in))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Duplicates != 1 {
		t.Errorf("duplicates: got %d, want 1", sum.Duplicates)
	}
	_, ments := readTable(t, filepath.Join(out, "mentions.arrow"))
	for _, m := range ments {
		id, dup := m["article_id"], m["duplicate_of"]
		nov := m["novelty"].(float64)
		switch id {
		case "anp-1", "fd-1":
			if dup != nil || nov != 100 {
				t.Errorf("%s/%s: got duplicate_of %v novelty %.1f, want null and 100", id, m["company_id"], dup, nov)
			}
		case "belga-1":
			if dup != "anp-1" || nov > 20 {
				t.Errorf("belga-1/%s: got duplicate_of %v novelty %.1f, want anp-1 and < 20", m["company_id"], dup, nov)
			}
		}
	}
	_, days := readTable(t, filepath.Join(out, "company_daily.arrow"))
	for _, d := range days {
		if d["company_id"] == "asml" && d["n_articles"].(int32) != 1 {
			t.Errorf("asml n_articles: got %v, want 1 (the copy is left out)", d["n_articles"])
		}
	}
}

// TestAnalyzeElapsed checks the stage times Analyze reports (the
// marktstem_stage_duration_seconds of tokenize, score and attribute): none
// negative, and together no more than the call took. Two rounds, so that
// the second finds the words in the scorer's cache, which changes which
// stage takes longest.
func TestAnalyzeElapsed(t *testing.T) {
	lex, reg := pipeline.SeedSetup(t)
	an := pipeline.NewAnalyzer(lex, reg)
	var buf pipeline.Buffer
	arts := pipeline.SeedArticles(t)
	for _, a := range append(arts, arts...) {
		start := time.Now()
		x := an.Analyze(a, &buf)
		took := time.Since(start)
		var sum time.Duration
		for k, d := range x.Elapsed {
			if d < 0 {
				t.Fatalf("%s: stage %d took %v, want ≥ 0", a.ID, k, d)
			}
			sum += d
		}
		if sum <= 0 || sum > took {
			t.Fatalf("%s: stages took %v together, want more than 0 and at most the %v of the call", a.ID, sum, took)
		}
	}
}

// TestAnalyzeFindsAsFind checks that the mentions Analyze finds through
// the annotations the scorer keeps per word (scoring.Scorer.Resolve with
// the registry as its Annotator) are the mentions Registry.Find finds
// alone, with one Buffer reused across the seed articles, their words
// shuffled, and names written in every way an alias may match (in
// capitals, folded, cut at a hyphen or a possessive).
func TestAnalyzeFindsAsFind(t *testing.T) {
	lex, reg := pipeline.SeedSetup(t)
	an := pipeline.NewAnalyzer(lex, reg)
	arts := pipeline.SeedArticles(t)
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 40 {
		words := strings.Fields(arts[i%len(arts)].Body)
		rng.Shuffle(len(words), func(a, b int) { words[a], words[b] = words[b], words[a] })
		words = append(words, "ING-topman", "Philips's", "Philips'", "AHOLD DELHAIZE", "Ahold Delhaize", "ahold-delhaize",
			"ÁSML.", "asml", "Nestlé", "NESTLE", "ByteDance-baas", "TikTok's", "Meta-topvrouw", "(ING)", "KBC's")
		rng.Shuffle(len(words), func(a, b int) { words[a], words[b] = words[b], words[a] })
		arts = append(arts, &ingest.Article{ID: fmt.Sprint("shuffled-", i), Title: words[0], Body: strings.Join(words[1:], " ")})
	}
	var buf pipeline.Buffer
	found := 0
	for round := range 2 { // the second round finds most words in the scorer's cache
		for _, a := range arts {
			x := an.Analyze(a, &buf)
			want := reg.Find(x.Text, x.Tokens)
			if !slices.Equal(x.Mentions, want) {
				t.Fatalf("round %d, %s: Analyze found %+v, Find %+v", round, a.ID, x.Mentions, want)
			}
			found += len(want)
		}
	}
	if found < 1000 {
		t.Fatalf("got %d mentions in all, want at least 1000: the texts no longer name companies", found)
	}
}
