package pipeline

import (
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/marktstem/marktstem/metrics"
	"github.com/marktstem/marktstem/pipeline/aggregate"
	"github.com/marktstem/marktstem/pipeline/arrowout"
	"github.com/marktstem/marktstem/pipeline/ingest"
	"github.com/marktstem/marktstem/scoring"
)

// seedAnalyzer returns an Analyzer with the default lexicons and the seed
// registry, and the seed articles.
func seedAnalyzer(tb testing.TB) (*Analyzer, []*ingest.Article) {
	lex, reg := SeedSetup(tb)
	return NewAnalyzer(lex, reg), SeedArticles(tb)
}

// BenchmarkSink measures what Run does per article besides the analysis:
// the rows built from it (fill) and the sink (novelty, Arrow writers,
// panel, metrics). The seed articles are analysed once; each pass over
// them is a year later than the one before, so that the novelty detector
// sees new stories and the panel new days, as in a long archive.
func BenchmarkSink(b *testing.B) {
	an, arts := seedAnalyzer(b)
	bufs := make([]Buffer, len(arts))
	xs := make([]Analysis, len(arts))
	for i, a := range arts {
		xs[i] = an.Analyze(a, &bufs[i])
	}
	dir := b.TempDir()
	s, err := newSink(dir, arrowout.Layout{}, memory.NewGoAllocator(), arrowout.Metadata{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.abort()
	var panel *aggregate.Panel
	defer func() { panel.Close() }()
	m := newSinkMetrics(metrics.New(prometheus.NewRegistry()))
	sum := &Summary{RejectsByReason: map[string]int{}}
	log := slog.New(slog.DiscardHandler)
	out := &scored{}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		k := i % len(arts)
		if k == 0 && i/len(arts)%8 == 0 {
			// A new panel now and then, before it spills: what it costs
			// depends on how far the days it holds reach, and the
			// passes go on and on.
			b.StopTimer()
			if panel != nil {
				panel.Close()
			}
			panel = aggregate.New(aggregate.Options{SpillDir: dir})
			b.StartTimer()
		}
		a := *arts[k]
		a.Published = a.Published.AddDate(i/len(arts), 0, 0)
		out.fill(&a, &xs[k], an, &bufs[k])
		it := &item{seq: i, art: &a, bytes: 1000, out: out, elapsed: [3]time.Duration{time.Microsecond, 2 * time.Microsecond, time.Microsecond}}
		if err := s.add(it, sum, panel, m, log); err != nil {
			b.Fatal(err)
		}
		clear(out.mentions)
		clear(out.obs)
	}
}

// TestSinkMetricsAsDirect holds the children sinkMetrics resolves once to
// what the metrics' own methods update: the same series with the same
// values, whatever strings the labels come in.
func TestSinkMetricsAsDirect(t *testing.T) {
	regA, regB := prometheus.NewRegistry(), prometheus.NewRegistry()
	sm, direct := newSinkMetrics(metrics.New(regA)), metrics.New(regB)
	labels := []metrics.LexiconLabel{
		{Lexicon: "learned-sentiment"}, {Lexicon: "direction"}, {Lexicon: "regulatory", Category: "tax"},
		{Lexicon: "regulatory", Category: "privacy"}, {Lexicon: "regulatory-actors", Category: "tax"},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 1000 {
		k := rng.IntN(len(labels))
		l, index := labels[k], k
		if i%2 == 1 {
			// Equal labels in other strings, without an index, find
			// the same series.
			l, index = metrics.LexiconLabel{Lexicon: strings.Clone(l.Lexicon), Category: strings.Clone(l.Category)}, -1
		}
		n := rng.IntN(9)
		sm.addLexiconHits(hitCount{label: l, index: index, n: n})
		direct.AddLexiconHits(l.Lexicon, l.Category, n)
		for k, o := range sm.stages {
			d := time.Duration(rng.IntN(1e7)) * time.Duration(k+1)
			o.Observe(d.Seconds())
			direct.StageDuration.WithLabelValues(itemStages[k]).Observe(d.Seconds())
		}
	}
	if got, want := gatherText(t, regA), gatherText(t, regB); got != want {
		t.Errorf("metrics through sinkMetrics:\n%s\nwant, as updated directly:\n%s", got, want)
	}
	if !strings.Contains(gatherText(t, regA), `category="none"`) {
		t.Error("no hits without category counted")
	}
}

// gatherText returns the values of the metrics of g, a line per series
// (a histogram's buckets included).
func gatherText(t *testing.T, g prometheus.Gatherer) string {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			fmt.Fprint(&b, mf.GetName())
			for _, l := range m.GetLabel() {
				fmt.Fprintf(&b, " %s=%q", l.GetName(), l.GetValue())
			}
			fmt.Fprintf(&b, " counter=%v gauge=%v", m.GetCounter().GetValue(), m.GetGauge().GetValue())
			if h := m.GetHistogram(); h != nil {
				fmt.Fprintf(&b, " count=%d sum=%v", h.GetSampleCount(), h.GetSampleSum())
				for _, bk := range h.GetBucket() {
					fmt.Fprintf(&b, " le%v=%d", bk.GetUpperBound(), bk.GetCumulativeCount())
				}
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// TestCountHitsByName holds countHits, which counts the scorer's hits by
// their label index, to counting every hit by its lexicon and category
// names, on the seed articles with hits built by hand mixed in.
func TestCountHitsByName(t *testing.T) {
	an, arts := seedAnalyzer(t)
	labels := an.sc.Labels()
	var buf Buffer
	out := &scored{}
	lexiconsSeen := map[string]bool{}
	for _, a := range arts {
		x := an.Analyze(a, &buf)
		hits := x.Score.Hits
		for i := range hits {
			h := &hits[i]
			li := h.LabelIndex()
			if li < 0 || li >= len(labels) {
				t.Fatalf("%s: hit %q: got label index %d, want one of the scorer's %d", a.ID, h.Term, li, len(labels))
			}
			if got, want := labels[li], (scoring.HitLabel{Lexicon: h.Lexicon, Category: h.Category}); got != want {
				t.Fatalf("%s: hit %q: got label %+v, want %+v", a.ID, h.Term, got, want)
			}
			lexiconsSeen[h.Lexicon] = true
		}
		// Built by hand: no index. One label is also the scorer's.
		byHand := []scoring.Hit{{Lexicon: "direction"}, {Lexicon: "by-hand", Category: "tax"}}
		for _, mixed := range [][]scoring.Hit{hits, append(slices.Clone(hits), byHand...), append(slices.Clone(byHand), hits...)} {
			want := map[metrics.LexiconLabel]int{}
			for _, h := range mixed {
				want[metrics.LexiconLabel{Lexicon: h.Lexicon, Category: h.Category}]++
			}
			out.hits = out.hits[:0]
			out.countHits(mixed, an.labels, &buf)
			got := map[metrics.LexiconLabel]int{}
			for _, c := range out.hits {
				got[c.label] += c.n
				if c.index >= 0 && an.labels[c.index] != c.label {
					t.Fatalf("%s: count of %+v has index %d, the index of %+v", a.ID, c.label, c.index, an.labels[c.index])
				}
			}
			if !maps.Equal(got, want) {
				t.Fatalf("%s: got counts %v, want %v", a.ID, got, want)
			}
			if i := slices.IndexFunc(buf.labelAt, func(k int32) bool { return k != 0 }); i >= 0 {
				t.Fatalf("%s: label %d still marked after counting", a.ID, i)
			}
		}
	}
	// Every kind of hit is covered: each sets its label in its own place.
	for _, l := range []string{"direction", "regulatory", "regulatory-actors"} {
		if !lexiconsSeen[l] {
			t.Errorf("no hit of lexicon %q in the seeds", l)
		}
	}
	if len(lexiconsSeen) < 5 {
		t.Errorf("hits of %d lexicons in the seeds (%v), want sentiment ones too", len(lexiconsSeen), lexiconsSeen)
	}
}
