package ingest

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/klauspost/compress/gzip"
)

func gz(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

const (
	jl1 = `{"id":"j1","published":"2024-03-14","title":"Een"}`
	jl2 = `{"id":"j2","published":"2024-03-15","title":"Twee"}`
	jl3 = `{"id":"j3","published":"2024-03-16","title":"Drie"}`
)

func TestGzip(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.txt.gz"), gz(t, " date 2021-09-01 Titel\n\nTekst."))
	write(t, filepath.Join(dir, "b.jsonl.gz"), gz(t, jl1+"\n"+jl2+"\n"))
	// gzip recognised by magic bytes although the name does not say so.
	write(t, filepath.Join(dir, "c.ndjson"), gz(t, jl3+"\n"))
	recs := walk(t, NewReader(Options{}), []string{dir}, nil)
	equalLines(t, briefs(recs), []string{
		`A a 2021-09-01T00:00:00Z day ` + filepath.Join(dir, "a.txt.gz") + `:1 "Titel"`,
		`A j1 2024-03-14T00:00:00Z day ` + filepath.Join(dir, "b.jsonl.gz") + `:1 "Een"`,
		`A j2 2024-03-15T00:00:00Z day ` + filepath.Join(dir, "b.jsonl.gz") + `:2 "Twee"`,
		`A j3 2024-03-16T00:00:00Z day ` + filepath.Join(dir, "c.ndjson") + `:1 "Drie"`,
	})
}

func TestBadGzip(t *testing.T) {
	// Incompressible-ish content so that truncation lands inside line 3.
	var lines []string
	for i := 0; i < 300; i++ {
		lines = append(lines, `{"id":"`+strings.Repeat("x", i%7)+time.Duration(i*7919).String()+`","published":"2024-03-14","title":"T `+time.Duration(i*104729).String()+`"}`)
	}
	full := gz(t, strings.Join(lines, "\n")+"\n")
	dir := t.TempDir()
	write(t, filepath.Join(dir, "trunc.jsonl.gz"), full[:len(full)*2/3])
	write(t, filepath.Join(dir, "trunc.txt.gz"), gz(t, " date 2021-09 T\nbody")[:15])
	write(t, filepath.Join(dir, "header.txt.gz"), []byte{0x1f, 0x8b, 0xff, 0xff, 0xff})
	write(t, filepath.Join(dir, "notgz.txt.gz"), []byte(" date 2021-09 T\nbody"))
	corrupt := gz(t, jl1+"\n")
	corrupt[len(corrupt)-5] ^= 0xff // damage the CRC/size trailer
	write(t, filepath.Join(dir, "trailer.jsonl.gz"), corrupt)

	recs := walk(t, NewReader(Options{}), []string{dir}, nil)
	byFile := map[string][]Record{}
	for _, rec := range recs {
		f := rec.Reject
		var file string
		if f != nil {
			file = filepath.Base(f.Origin.File)
		} else {
			file = filepath.Base(rec.Article.Origin.File)
		}
		byFile[file] = append(byFile[file], rec)
	}
	tr := byFile["trunc.jsonl.gz"]
	if len(tr) < 2 || len(tr) >= 300 {
		t.Fatalf("truncated jsonl: got %d records, want some articles then one reject", len(tr))
	}
	for i, rec := range tr[:len(tr)-1] {
		if rec.Article == nil {
			t.Fatalf("truncated jsonl record %d: got reject %v, want article", i, rec.Reject)
		}
	}
	last := tr[len(tr)-1].Reject
	if last == nil || last.Reason != ReasonBadGzip || last.Origin.Line != len(tr) {
		t.Errorf("truncated jsonl: got last %+v, want bad_gzip at line %d", last, len(tr))
	}
	for _, name := range []string{"trunc.txt.gz", "header.txt.gz", "notgz.txt.gz"} {
		got := byFile[name]
		if len(got) != 1 || got[0].Reject == nil || got[0].Reject.Reason != ReasonBadGzip {
			t.Errorf("%s: got %v, want one bad_gzip reject", name, briefs(got))
		}
	}
	got := byFile["trailer.jsonl.gz"]
	if len(got) != 2 || got[0].Article == nil || got[1].Reject == nil || got[1].Reject.Reason != ReasonBadGzip {
		t.Errorf("trailer.jsonl.gz: got %v, want the article then bad_gzip", briefs(got))
	}
}

func TestWalkOrderAndSkips(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"b/2.txt":            " date 2021-09 B2\nx",
		"b/1.txt":            " date 2021-09 B1\nx",
		"a.txt":              " date 2021-09 A\nx",
		"a/z.txt":            " date 2021-09 AZ\nx",
		"c.jsonl":            jl1 + "\n",
		"notes.md":           "# not an input",
		"data.csv":           "a,b",
		".hidden.txt":        " date 2021-09 H\nx",
		".git/x.txt":         " date 2021-09 G\nx",
		"b/.cache/y.txt":     " date 2021-09 Y\nx",
		"b/empty.txt":        "",
		"b/deep/er/e.ndjson": jl2 + "\n",
	}
	for name, content := range files {
		write(t, filepath.Join(dir, name), []byte(content))
	}
	want := []string{
		`A a 2021-09-01T00:00:00Z month ` + filepath.Join(dir, "a.txt") + `:1 "A"`,
		`A z 2021-09-01T00:00:00Z month ` + filepath.Join(dir, "a/z.txt") + `:1 "AZ"`,
		`A 1 2021-09-01T00:00:00Z month ` + filepath.Join(dir, "b/1.txt") + `:1 "B1"`,
		`A 2 2021-09-01T00:00:00Z month ` + filepath.Join(dir, "b/2.txt") + `:1 "B2"`,
		`A j2 2024-03-15T00:00:00Z day ` + filepath.Join(dir, "b/deep/er/e.ndjson") + `:1 "Twee"`,
		`R empty ` + filepath.Join(dir, "b/empty.txt") + `:1`,
		`A j1 2024-03-14T00:00:00Z day ` + filepath.Join(dir, "c.jsonl") + `:1 "Een"`,
	}
	for i := 0; i < 3; i++ {
		r := NewReader(Options{})
		equalLines(t, briefs(walk(t, r, []string{dir}, nil)), want)
		if got := r.Skipped(); got != 2 {
			t.Errorf("got Skipped %d, want 2", got)
		}
	}
}

func TestSymlinkLoop(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "d/a.txt"), []byte(" date 2021-09 A\nx"))
	if err := os.Symlink("..", filepath.Join(dir, "d/up")); err != nil {
		t.Skipf("symlinks unsupported: %v", err)
	}
	if err := os.Symlink("d", filepath.Join(dir, "alias")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("nowhere", filepath.Join(dir, "dangling.txt")); err != nil {
		t.Fatal(err)
	}
	type result struct {
		recs []Record
		err  error
	}
	done := make(chan result, 1)
	go func() {
		// Not the walk helper: t.Fatal must not run off the test goroutine.
		var res result
		res.err = NewReader(Options{}).Walk(context.Background(), []string{dir}, nil, func(rec Record) error {
			res.recs = append(res.recs, rec)
			return nil
		})
		done <- res
	}()
	select {
	case res := <-done:
		if res.err != nil {
			t.Fatalf("Walk: got %v, want nil", res.err)
		}
		recs := res.recs
		equalLines(t, briefs(recs), []string{
			`A a 2021-09-01T00:00:00Z month ` + filepath.Join(dir, "d/a.txt") + `:1 "A"`,
			`R read_error ` + filepath.Join(dir, "dangling.txt") + `:0`,
		})
	case <-time.After(10 * time.Second):
		t.Fatal("walk did not finish: symlink loop followed forever")
	}
}

func TestUnreadableFileInDir(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can read anything")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "secret.txt")
	write(t, p, []byte(" date 2021-09 A\nx"))
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	recs := walk(t, NewReader(Options{}), []string{dir}, nil)
	equalLines(t, briefs(recs), []string{`R read_error ` + p + `:0`})
	// Named directly, the same file is a usage error.
	err := NewReader(Options{}).Walk(context.Background(), []string{p}, nil, func(Record) error { return nil })
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("got %v, want a permission error", err)
	}
}

func TestDuplicatesAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "x.txt"), []byte(" date 2021-09 A\nx"))
	write(t, filepath.Join(dir, "y.jsonl"), []byte(`{"id":"x","published":"2024-01-01","title":"dup"}`+"\n"))
	recs := walk(t, NewReader(Options{}), []string{dir, filepath.Join(dir, "x.txt")}, nil)
	equalLines(t, briefs(recs), []string{
		`A x 2021-09-01T00:00:00Z month ` + filepath.Join(dir, "x.txt") + `:1 "A"`,
		`R duplicate_id ` + filepath.Join(dir, "y.jsonl") + `:1`,
		`R duplicate_id ` + filepath.Join(dir, "x.txt") + `:1`,
	})
	if want := "first seen at " + filepath.Join(dir, "x.txt") + ":1"; !strings.Contains(recs[1].Reject.Detail, want) {
		t.Errorf("got detail %q, want it to contain %q", recs[1].Reject.Detail, want)
	}
}

func TestStdinSniff(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want []string
	}{
		{"jsonl", []byte("\n  " + jl1 + "\n"), []string{`A j1 2024-03-14T00:00:00Z day stdin:2 "Een"`}},
		{"txt", []byte(" date 2021-09-02 Titel\nTekst"), []string{`A stdin 2021-09-02T00:00:00Z day stdin:1 "Titel"`}},
		{"txt with bom", []byte("\ufeffdate 2021-09 T\nTekst"), []string{`A stdin 2021-09-01T00:00:00Z month stdin:1 "T"`}},
		{"gzip jsonl", gz(t, jl1+"\n"+jl2), []string{`A j1 2024-03-14T00:00:00Z day stdin:1 "Een"`, `A j2 2024-03-15T00:00:00Z day stdin:2 "Twee"`}},
		{"gzip txt", gz(t, "date 2021-09 T\nTekst"), []string{`A stdin 2021-09-01T00:00:00Z month stdin:1 "T"`}},
		{"empty", nil, []string{`R empty stdin:1`}},
		{"binary", []byte{0x00, 0x01, 0x02}, []string{`R nul_bytes stdin:1`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := walk(t, NewReader(Options{}), []string{"-"}, bytes.NewReader(tt.in))
			equalLines(t, briefs(recs), tt.want)
		})
	}
}

func TestWalkErrors(t *testing.T) {
	ctx := context.Background()
	nop := func(Record) error { return nil }
	r := NewReader(Options{})
	if err := r.Walk(ctx, []string{filepath.Join(t.TempDir(), "missing")}, nil, nop); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing input: got %v, want fs.ErrNotExist", err)
	}
	if err := r.Walk(ctx, []string{"-"}, nil, nop); !errors.Is(err, ErrNoStdin) {
		t.Errorf("nil stdin: got %v, want ErrNoStdin", err)
	}
	if err := r.Walk(ctx, []string{"-", "-"}, strings.NewReader(jl1), nop); !errors.Is(err, ErrStdinTwice) {
		t.Errorf("stdin twice: got %v, want ErrStdinTwice", err)
	}

	stop := errors.New("stop")
	n := 0
	err := NewReader(Options{}).Walk(ctx, []string{"-"}, strings.NewReader(jl1+"\n"+jl2+"\n"+jl3), func(Record) error {
		n++
		return stop
	})
	if err != stop || n != 1 {
		t.Errorf("fn error: got %v after %d records, want stop after 1", err, n)
	}

	cctx, cancel := context.WithCancel(ctx)
	n = 0
	err = NewReader(Options{}).Walk(cctx, []string{"-"}, strings.NewReader(jl1+"\n"+jl2+"\n"+jl3), func(Record) error {
		n++
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) || n != 1 {
		t.Errorf("cancel: got %v after %d records, want context.Canceled after 1", err, n)
	}
}

func TestTooLargeTxt(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "big.txt")
	write(t, p, []byte(" date 2021-09 T\n"+strings.Repeat("woord ", 100)))
	recs := walk(t, NewReader(Options{MaxArticleBytes: 200}), []string{p}, nil)
	equalLines(t, briefs(recs), []string{`R too_large ` + p + `:1`})
	recs = walk(t, NewReader(Options{MaxArticleBytes: 1000}), []string{p}, nil)
	equalLines(t, briefs(recs), []string{`A big 2021-09-01T00:00:00Z month ` + p + `:1 "T"`})
}

func TestMaxArticleBytes(t *testing.T) {
	for _, tc := range []struct{ set, want int }{
		{0, DefaultMaxArticleBytes},
		{-1, DefaultMaxArticleBytes},
		{200, 200},
		{LimitArticleBytes, LimitArticleBytes},
		{1 << 40, LimitArticleBytes},
	} {
		if got := NewReader(Options{MaxArticleBytes: tc.set}).max; got != tc.want {
			t.Errorf("MaxArticleBytes %d: got a limit of %d, want %d", tc.set, got, tc.want)
		}
	}
}

func TestWalkFS(t *testing.T) {
	fsys := fstest.MapFS{
		"articles/b.txt":       {Data: []byte(" date 2021-09 B\nx")},
		"articles/a.jsonl":     {Data: []byte(jl1 + "\n" + jl2 + "\n")},
		"articles/sub/c.txt":   {Data: []byte(" date 2021-10-05\nbody only")},
		"articles/readme.md":   {Data: []byte("skip me")},
		"articles/.hidden.txt": {Data: []byte(" date 2021-09 H\nx")},
		"articles/d.txt.gz":    {Data: gz(t, " date 2021-11 D\nx")},
		"companies.csv":        {Data: []byte("x")},
	}
	r := NewReader(Options{})
	var recs []Record
	err := r.WalkFS(context.Background(), fsys, "articles", "seeds", func(rec Record) error {
		recs = append(recs, rec)
		return nil
	})
	if err != nil {
		t.Fatalf("WalkFS: got %v, want nil", err)
	}
	equalLines(t, briefs(recs), []string{
		`A j1 2024-03-14T00:00:00Z day seeds/articles/a.jsonl:1 "Een"`,
		`A j2 2024-03-15T00:00:00Z day seeds/articles/a.jsonl:2 "Twee"`,
		`A b 2021-09-01T00:00:00Z month seeds/articles/b.txt:1 "B"`,
		`A d 2021-11-01T00:00:00Z month seeds/articles/d.txt.gz:1 "D"`,
		`A c 2021-10-05T00:00:00Z day seeds/articles/sub/c.txt:1 ""`,
	})
	if r.Skipped() != 1 {
		t.Errorf("got Skipped %d, want 1", r.Skipped())
	}
	if err := NewReader(Options{}).WalkFS(context.Background(), fsys, "nope", "seeds", func(Record) error { return nil }); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing root: got %v, want fs.ErrNotExist", err)
	}
}

func TestRealSeedFile(t *testing.T) {
	p := filepath.Join("..", "..", "..", "shared", "seeds", "000_1f7aff34b7c1632d.txt")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared seed file not available: %v", err)
	}
	recs := walk(t, NewReader(Options{}), []string{p}, nil)
	if len(recs) != 1 || recs[0].Article == nil {
		t.Fatalf("got %v, want one article", briefs(recs))
	}
	a := recs[0].Article
	if a.ID != "000_1f7aff34b7c1632d" || a.Precision != PrecisionMonth || !a.Published.Equal(time.Date(2021, 9, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("got %s %s %s, want 000_1f7aff34b7c1632d 2021-09-01 month", a.ID, a.Published, a.Precision)
	}
	if !strings.HasPrefix(a.Title, "De regelgevende salvo's") || !strings.Contains(a.Body, "ByteDance") {
		t.Errorf("got title %q, body without ByteDance, want the headline and ByteDance in the body", a.Title)
	}
	if !strings.HasPrefix(a.Text(), a.Title+"\n\n") {
		t.Errorf("got Text not starting with title")
	}
}
