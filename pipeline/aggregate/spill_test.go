package aggregate

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat"
)

// randomObs returns n observations over a few companies and two months,
// some with categories, in a scrambled order.
func randomObs(n int, seed uint64) []Obs {
	rng := rand.New(rand.NewPCG(seed, 1))
	companies := []string{"ahold", "asml", "ing", "kbc", "philips", "shell", "ucb"}
	start := day("2021-08-01")
	obs := make([]Obs, n)
	for i := range obs {
		c := companies[rng.IntN(len(companies))]
		o := Obs{
			CompanyID: c, CompanyName: c, Date: start.AddDate(0, 0, rng.IntN(60)),
			ArticleID: fmt.Sprint(i), Mentions: 1 + rng.IntN(5), Relevance: float64(rng.IntN(101)),
			Sentiment: rng.Float64()*2 - 1, Risk: rng.Float64() * rng.Float64(),
		}
		if rng.IntN(3) == 0 {
			o.Risk = 0
		}
		if rng.IntN(2) == 0 {
			o.Categories = make([]float64, 1+rng.IntN(12))
			o.Categories[rng.IntN(len(o.Categories))] = rng.Float64()
		}
		obs[i] = o
	}
	return obs
}

func dump(days []Day) string {
	var b bytes.Buffer
	for _, d := range days {
		fmt.Fprintf(&b, "%#v\n", d) // %#v prints NaN as NaN: equal NaNs compare equal
	}
	return b.String()
}

// TestSpill checks that a panel that spills to disk, down to a handful of
// cells in memory and through compactions of its runs, gives exactly the
// rows of one that holds everything in memory, and leaves no file behind.
func TestSpill(t *testing.T) {
	obs := randomObs(3000, 7)
	history := randomObs(200, 8)
	for i := range history {
		history[i].Date = history[i].Date.AddDate(0, -1, 0)
	}
	build := func(maxCells int, dir string) *Panel {
		t.Helper()
		hist := New(Options{})
		for _, o := range history {
			if err := hist.Add(o); err != nil {
				t.Fatal(err)
			}
		}
		p := New(Options{MaxCells: maxCells, SpillDir: dir, ZMin: 3})
		for _, d := range mustDays(t, hist) {
			p.AddHistory(d)
		}
		for _, o := range obs {
			if err := p.Add(o); err != nil {
				t.Fatalf("Add: %v", err)
			}
		}
		return p
	}
	mem := build(1<<20, t.TempDir())
	defer mem.Close()
	want := dump(mustDays(t, mem))
	if mem.runs != nil {
		t.Fatalf("got %d runs with room for every cell, want none", len(mem.runs))
	}
	for _, maxCells := range []int{1, 3, 50, 199} {
		t.Run(fmt.Sprint(maxCells), func(t *testing.T) {
			dir := t.TempDir()
			p := build(maxCells, dir)
			if len(p.runs) == 0 {
				t.Fatalf("no runs with %d cells in memory", maxCells)
			}
			// Runs merge by tiers: levels never increase along the runs,
			// and fewer than mergeFanIn runs share one.
			perLevel := map[int]int{}
			for i, r := range p.runs {
				if i > 0 && r.level > p.runs[i-1].level {
					t.Errorf("run %d is of level %d, run %d of %d: want levels that never increase", i, r.level, i-1, p.runs[i-1].level)
				}
				if perLevel[r.level]++; perLevel[r.level] >= mergeFanIn {
					t.Errorf("got %d runs of level %d, want fewer than %d", perLevel[r.level], r.level, mergeFanIn)
				}
			}
			if maxCells == 1 && perLevel[1] == 0 && perLevel[2] == 0 {
				t.Errorf("got runs %v by level with a cell in memory, want merged runs too", perLevel)
			}
			for pass := range 2 { // reading must not change the panel
				if got := dump(mustDays(t, p)); got != want {
					t.Fatalf("pass %d: rows differ from the in-memory panel:\n%.2000s", pass, diffLines(got, want))
				}
			}
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Errorf("got %d files in the spill directory while open, want 0 (runs are unlinked)", len(left))
			}
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func diffLines(got, want string) string {
	g, w := bytes.Split([]byte(got), []byte("\n")), bytes.Split([]byte(want), []byte("\n"))
	for i := range min(len(g), len(w)) {
		if !bytes.Equal(g[i], w[i]) {
			return fmt.Sprintf("line %d:\ngot  %s\nwant %s", i, g[i], w[i])
		}
	}
	return fmt.Sprintf("got %d lines, want %d", len(g), len(w))
}

// TestSpillDirMissing checks that a panel that cannot spill says so.
func TestSpillDirMissing(t *testing.T) {
	p := New(Options{MaxCells: 1, SpillDir: t.TempDir() + "/missing"})
	defer p.Close()
	var err error
	for _, o := range randomObs(50, 1) {
		if err = p.Add(o); err != nil {
			break
		}
	}
	if err == nil {
		t.Fatal("got no error spilling into a missing directory")
	}
}

// TestRunBuffers checks that cells decode the same through a reader's
// buffer however small: the decoder reads strings and the partials of a
// sum from one look at the buffer when it holds them, bit by bit when it
// does not. Long names and sums of values of wildly different magnitudes
// (many partials) outgrow the smallest buffer.
func TestRunBuffers(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	p := New(Options{})
	for i, o := range randomObs(400, 23) {
		o.CompanyName = strings.Repeat(o.CompanyName, 1+i%7)
		o.Sentiment *= math.Ldexp(1, rng.IntN(100)-50)
		if err := p.Add(o); err != nil {
			t.Fatal(err)
		}
	}
	var run []byte
	var want [][]byte // the cells' encodings: a sum Add reserved room for but left empty is not nil
	for _, k := range p.sortedKeys() {
		run = encodeCell(run, k, p.cells[k])
		want = append(want, encodeCell(nil, k, p.cells[k]))
	}
	for _, size := range []int{16, 64, 1 << 16} {
		next := runReader(bufio.NewReaderSize(bytes.NewReader(run), size))
		for i := 0; ; i++ {
			k, c, err := next()
			if err == io.EOF {
				if i != len(want) {
					t.Fatalf("buffer of %d bytes: %d cells, want %d", size, i, len(want))
				}
				break
			}
			if err != nil {
				t.Fatalf("buffer of %d bytes, cell %d: %v", size, i, err)
			}
			if got := encodeCell(nil, k, c); !bytes.Equal(got, want[i]) {
				t.Fatalf("buffer of %d bytes, cell %d:\ngot  %v %#v\nwant %x", size, i, k, *c, want[i])
			}
		}
	}
}

// TestRunCorrupt checks that a run cut anywhere inside a cell decodes to
// an error, never a panic or a silent short read, and one cut between
// cells to the cells before the cut.
func TestRunCorrupt(t *testing.T) {
	p := New(Options{})
	for _, o := range randomObs(40, 3) {
		p.Add(o)
	}
	var run []byte
	boundary := map[int]int{0: 0} // offset → cells before it
	for i, k := range p.sortedKeys() {
		run = encodeCell(run, k, p.cells[k])
		boundary[len(run)] = i + 1
	}
	for cut := range len(run) {
		next := runReader(bufio.NewReader(bytes.NewReader(run[:cut])))
		n := 0
		var err error
		for ; err == nil; n++ {
			_, _, err = next()
		}
		n--
		if cells, ok := boundary[cut]; ok {
			if err != io.EOF || n != cells {
				t.Fatalf("cut at cell boundary %d: got %d cells and %v, want %d and EOF", cut, n, err, cells)
			}
			continue
		}
		if !errors.Is(err, errCorruptRun) {
			t.Fatalf("cut at %d: got %v, want %v", cut, err, errCorruptRun)
		}
	}
}

func BenchmarkPanelAdd(b *testing.B) {
	obs := randomObs(10000, 5)
	for i := range obs {
		obs[i].Date = obs[i].Date.Add(time.Duration(i%400) * 24 * time.Hour)
	}
	benchPanel(b, obs, 4096)
}

// benchPanel adds obs to a panel that keeps maxCells cells in memory,
// spilling the rest, and reads it back, b.N times.
func benchPanel(b *testing.B, obs []Obs, maxCells int) {
	b.ReportAllocs()
	for b.Loop() {
		p := New(Options{MaxCells: maxCells, SpillDir: b.TempDir()})
		for _, o := range obs {
			if err := p.Add(o); err != nil {
				b.Fatal(err)
			}
		}
		if err := p.Each(func(Day) error { return nil }); err != nil {
			b.Fatal(err)
		}
		p.Close()
	}
}

// TestZScoresMatchGonum checks the streaming, exact z-scores against
// gonum's two-pass mean and standard deviation over each day's rows.
func TestZScoresMatchGonum(t *testing.T) {
	p := New(Options{MaxCells: 16, SpillDir: t.TempDir(), ZMin: 2})
	defer p.Close()
	for _, o := range randomObs(2000, 11) {
		if err := p.Add(o); err != nil {
			t.Fatal(err)
		}
	}
	days := mustDays(t, p)
	byDay := map[time.Time][]int{}
	for i, d := range days {
		byDay[d.Date] = append(byDay[d.Date], i)
	}
	checked := 0
	for _, rows := range byDay {
		if len(rows) < 2 {
			continue
		}
		sent, risk := make([]float64, len(rows)), make([]float64, len(rows))
		for j, r := range rows {
			sent[j], risk[j] = days[r].SentimentWeighted, days[r].RiskWeighted
		}
		sm, ss := stat.MeanStdDev(sent, nil)
		rm, rs := stat.MeanStdDev(risk, nil)
		for _, r := range rows {
			d := days[r]
			for _, c := range []struct {
				col       string
				got, want float64
			}{
				{"sentiment_z", d.SentimentZ, (d.SentimentWeighted - sm) / ss},
				{"risk_z", d.RiskZ, (d.RiskWeighted - rm) / rs},
			} {
				if math.Abs(c.got-c.want) > 1e-9*max(1, math.Abs(c.want)) {
					t.Errorf("%s %s %s: got %.17g, want %.17g (gonum)", d.CompanyID, d.Date.Format(time.DateOnly), c.col, c.got, c.want)
				}
				checked++
			}
		}
	}
	if checked < 500 {
		t.Fatalf("checked %d z-scores, want a real cross-section", checked)
	}
}

// TestByDate checks that a panel read by date gives the same rows as one
// read by company, in date order, spilled or not.
func TestByDate(t *testing.T) {
	obs := randomObs(2000, 13)
	build := func(byDate bool, maxCells int) []Day {
		p := New(Options{ByDate: byDate, MaxCells: maxCells, SpillDir: t.TempDir(), ZMin: 3})
		defer p.Close()
		for _, o := range obs {
			if err := p.Add(o); err != nil {
				t.Fatal(err)
			}
		}
		return mustDays(t, p)
	}
	want := build(false, 0)
	slices.SortStableFunc(want, func(a, b Day) int { return a.Date.Compare(b.Date) })
	for _, maxCells := range []int{0, 5} {
		if got := build(true, maxCells); dump(got) != dump(want) {
			t.Errorf("%d cells in memory: rows by date differ:\n%.2000s", maxCells, diffLines(dump(got), dump(want)))
		}
	}
}

// newsObs returns the observations of a news archive as the pipeline
// makes them: days in order, a few thousand observations a day over a few
// hundred companies of very unequal popularity, half of them without
// risk, categories on every observation but mostly zero.
func newsObs(days, perDay int) []Obs {
	rng := rand.New(rand.NewPCG(3, 5))
	zipf := rand.NewZipf(rng, 1.2, 1, 359)
	start := day("2005-01-01")
	obs := make([]Obs, 0, days*perDay)
	for d := range days {
		for range perDay {
			c := fmt.Sprintf("c%03d", zipf.Uint64())
			o := Obs{
				CompanyID: c, CompanyName: c, Date: start.AddDate(0, 0, d), Mentions: 1 + rng.IntN(3),
				Relevance: 100 * rng.Float64(), Sentiment: rng.Float64()*2 - 1, Categories: make([]float64, 10),
			}
			if rng.IntN(2) == 0 {
				o.Risk = rng.Float64()
				o.Categories[rng.IntN(10)] = o.Risk
			}
			obs = append(obs, o)
		}
	}
	return obs
}

// BenchmarkPanelSpill measures a panel over an archive of news: adding
// its observations, spilling and merging runs, then reading it. The
// proportions are those of the 100 MB benchmark corpus (some 150
// companies a day, five to six times MaxCells company-days).
func BenchmarkPanelSpill(b *testing.B) {
	obs := newsObs(40, 3000)
	benchPanel(b, obs, 1024)
}
