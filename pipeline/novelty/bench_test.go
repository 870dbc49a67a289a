package novelty

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// newsStream makes n articles that look like the generated benchmark corpus
// to the detector: each is a handful of paragraphs drawn from a shared
// pool, so band keys collide often (about 40 chain steps and 30 distinct
// candidates per Add) while true near-duplicates are rare. Like the
// generated corpus, 400 articles a day share the day's midnight as their
// time, so that about 1200 are live between evictions.
func newsStream(n int) (ids []string, ats []time.Time, sigs []Signature, companies [][]string) {
	rng := rand.New(rand.NewPCG(7, 11))
	vocab := make([]string, 4000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%d", i)
	}
	paras := make([][]string, 220)
	for i := range paras {
		p := make([]string, 30+rng.IntN(40))
		for k := range p {
			p[k] = vocab[rng.IntN(len(vocab))]
		}
		paras[i] = p
	}
	firms := make([]string, 60)
	for i := range firms {
		firms[i] = fmt.Sprintf("c%d", i)
	}
	t0 := time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		var words []string
		for k := 3 + rng.IntN(6); k > 0; k-- {
			words = append(words, paras[rng.IntN(len(paras))]...)
		}
		var cs []string
		for k := 2 + rng.IntN(8); k > 0; k-- {
			cs = append(cs, firms[rng.IntN(len(firms))])
		}
		ids = append(ids, fmt.Sprintf("a%d", i))
		ats = append(ats, t0.Add(time.Duration(i/400)*24*time.Hour))
		sigs = append(sigs, Sign(words))
		companies = append(companies, cs)
	}
	return ids, ats, sigs, companies
}

// BenchmarkAdd measures Detector.Add in a steady state: the window full,
// eviction and compaction running as over a long archive.
func BenchmarkAdd(b *testing.B) {
	const n = 20000
	ids, ats, sigs, companies := newsStream(n)
	d := NewDetector()
	for i := 0; i < n/2; i++ { // warm up: fill the window, compact a few times
		d.Add(ids[i], ats[i], sigs[i], companies[i])
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % n
		at := ats[n/2].Add(time.Duration(i/400) * 24 * time.Hour) // onward, never back in time
		d.Add(ids[k], at, sigs[k], companies[k])
	}
}

// BenchmarkSignNews signs many different texts, as the pipeline does:
// BenchmarkSign's one text, signed over and over, lets the branch
// predictor learn its shingles. The texts have 230 words on average, of
// a Zipfian vocabulary of Dutch-like lengths, like the generated corpus.
func BenchmarkSignNews(b *testing.B) {
	rng := rand.New(rand.NewPCG(13, 17))
	vocab := make([]string, 20000)
	for i := range vocab {
		w := make([]byte, 1+rng.IntN(4)+rng.IntN(5)+rng.IntN(5))
		for k := range w {
			w[k] = 'a' + byte(rng.IntN(26))
		}
		vocab[i] = string(w)
	}
	zipf := rand.NewZipf(rng, 1.1, 1, uint64(len(vocab)-1))
	texts := make([][]string, 300)
	words := 0
	for i := range texts {
		texts[i] = make([]string, 130+rng.IntN(200))
		for k := range texts[i] {
			texts[i][k] = vocab[zipf.Uint64()]
		}
		words += len(texts[i])
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Sign(texts[i%len(texts)])
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())*float64(len(texts))/float64(b.N*words), "ns/word")
}
