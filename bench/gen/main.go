// Command gen writes a large synthetic corpus of Dutch financial news for
// benchmarks: JSONL articles whose sentences are drawn from the sample
// corpus in seeds/ and whose companies come from the seed registry, so the
// word distribution, company density and share of regulatory stories
// follow real news copy. The output is deterministic for a given -seed.
//
//	go run ./bench/gen -size 500MB -out /tmp/corpus.jsonl
package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"math/rand/v2"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/marktstem/marktstem/seeds"
)

func main() {
	size := flag.String("size", "100MB", "approximate corpus `size` (KB, MB, GB suffixes)")
	out := flag.String("out", "-", "output `file` (- for stdout)")
	seed := flag.Uint64("seed", 1, "random seed")
	perDay := flag.Int("per-day", 400, "articles per day: an archive is read in time order, a few hundred stories a day")
	flag.Parse()
	n, err := parseSize(*size)
	if err != nil {
		log.Fatal(err)
	}
	w := io.Writer(os.Stdout)
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	defer bw.Flush()
	g, err := newGenerator(*seed, *perDay)
	if err != nil {
		log.Fatal(err)
	}
	if err := g.write(bw, n); err != nil {
		log.Fatal(err)
	}
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	u := strings.ToUpper(s)
	for _, suf := range []struct {
		s string
		m int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}} {
		if strings.HasSuffix(u, suf.s) {
			mult, u = suf.m, strings.TrimSuffix(u, suf.s)
			break
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(u), 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("bad -size %q", s)
	}
	return int64(v * float64(mult)), nil
}

type generator struct {
	rng       *rand.Rand
	zipf      *rand.Zipf // company popularity: a few names dominate the news
	perDay    int
	titles    []string
	sentences []string
	names     []string // company display names to swap in
	known     []string // names that occur in the seed sentences
}

func newGenerator(seed uint64, perDay int) (*generator, error) {
	g := &generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), perDay: max(1, perDay)}
	fsys := seeds.FS()
	paths, err := fs.Glob(fsys, path.Join(seeds.ArticlesDir, "*.txt"))
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		head, body, _ := strings.Cut(string(data), "\n")
		if f := strings.Fields(head); len(f) > 2 {
			g.titles = append(g.titles, strings.Join(f[2:], " "))
		}
		for _, para := range strings.Split(body, "\n\n") {
			para = strings.TrimSpace(para)
			if para != "" {
				g.sentences = append(g.sentences, para)
			}
		}
	}
	f, err := fsys.Open(seeds.CompaniesFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	for _, r := range recs[1:] {
		if r[3] == "" { // top-level companies only
			g.names = append(g.names, r[1])
		}
	}
	g.zipf = rand.NewZipf(g.rng, 1.1, 1, uint64(len(g.names)-1))
	g.known = []string{"ASML", "Philips", "Shell", "ING", "KBC", "Heineken", "Adyen", "Prosus", "Tencent", "Unilever"}
	return g, nil
}

// swap replaces the seed's usual company names so mentions spread over the
// whole registry, as in an archive.
func (g *generator) swap(s string) string {
	for _, k := range g.known {
		if strings.Contains(s, k) && g.rng.IntN(2) == 0 {
			s = strings.ReplaceAll(s, k, g.names[g.zipf.Uint64()])
		}
	}
	return s
}

func (g *generator) write(w io.Writer, size int64) error {
	start := time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC)
	var written int64
	cw := &countWriter{w: w}
	enc := json.NewEncoder(cw)
	enc.SetEscapeHTML(false)
	for i := 0; written < size; i++ {
		paras := 3 + g.rng.IntN(6)
		var body strings.Builder
		for p := 0; p < paras; p++ {
			if p > 0 {
				body.WriteString("\n\n")
			}
			body.WriteString(g.swap(g.sentences[g.rng.IntN(len(g.sentences))]))
		}
		day := start.AddDate(0, 0, i/g.perDay)
		if err := enc.Encode(map[string]string{
			"id":        fmt.Sprintf("gen-%09d", i),
			"published": day.Format("2006-01-02"),
			"title":     g.swap(g.titles[g.rng.IntN(len(g.titles))]),
			"body":      body.String(),
			"source":    "bench",
		}); err != nil {
			return err
		}
		written = cw.n
	}
	return nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
