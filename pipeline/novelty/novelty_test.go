package novelty

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

const story = `De Europese Commissie legt ASML een boete op van 120 miljoen euro wegens
misbruik van machtspositie op de markt voor lithografiemachines. Volgens Brussel
heeft de Veldhovense chipmachinebouwer klanten jarenlang exclusieve contracten
opgelegd. ASML gaat in beroep tegen het besluit en noemt de boete onterecht.
Het aandeel daalde op de beurs van Amsterdam met 2,3 procent.`

const rewrite = `ASML krijgt een boete van 120 miljoen euro van de Europese Commissie wegens
misbruik van machtspositie op de markt voor lithografiemachines. Volgens Brussel
heeft de Veldhovense chipmachinebouwer klanten jarenlang exclusieve contracten
opgelegd. Analisten van ING en KBC Securities verwachten weinig impact op de
winst. Het aandeel daalde op de beurs van Amsterdam met 2,3 procent.`

const other = `Heineken verhoogt het dividend met 8 procent na een jaar waarin de
brouwer meer bier verkocht in Azië en Afrika. De nettowinst steeg tot 2,7 miljard
euro. Topman Dolf van den Brink spreekt van een sterk jaar ondanks de hoge kosten.`

func words(s string) []string { return strings.Fields(strings.ToLower(s)) }

func TestSimilarity(t *testing.T) {
	a, b, c := Sign(words(story)), Sign(words(rewrite)), Sign(words(other))
	tests := []struct {
		name   string
		x, y   *Signature
		lo, hi float64
	}{
		{"identical", &a, &a, 1, 1},
		{"rewrite", &a, &b, 0.25, 0.8},
		{"unrelated", &a, &c, 0, 0.1},
	}
	for _, tt := range tests {
		if got := Similarity(tt.x, tt.y); got < tt.lo || got > tt.hi {
			t.Errorf("%s: got %.3f, want %.2f..%.2f", tt.name, got, tt.lo, tt.hi)
		}
	}
	short := Sign(words("ASML daalt"))
	if got := Similarity(&short, &short); got != 0 {
		t.Errorf("short text: got %.2f, want 0 (no shingles)", got)
	}
}

func TestDetector(t *testing.T) {
	t0 := time.Date(2024, 3, 14, 9, 0, 0, 0, time.UTC)
	d := NewDetector()
	type step struct {
		id          string
		at          time.Time
		text        string
		companies   []string
		duplicateOf string
		novLo       float64 // novelty of the first company
		novHi       float64
	}
	steps := []step{
		{"anp-1", t0, story, []string{"asml"}, "", 100, 100},
		{"belga-1", t0.Add(5 * time.Minute), story, []string{"asml"}, "anp-1", 0, 1},
		{"fd-1", t0.Add(3 * time.Hour), rewrite, []string{"asml", "ing"}, "", 15, 75},
		{"nrc-1", t0.Add(4 * time.Hour), other, []string{"heineken"}, "", 100, 100},
		{"anp-2", t0.Add(30 * time.Hour), story, []string{"asml"}, "", 100, 100}, // outside the window
	}
	for _, s := range steps {
		got := d.Add(s.id, s.at, Sign(words(s.text)), s.companies)
		if got.DuplicateOf != s.duplicateOf {
			t.Errorf("%s: duplicate_of got %q, want %q (similarity %.2f)", s.id, got.DuplicateOf, s.duplicateOf, got.Similarity)
		}
		if n := got.Novelty[0]; n < s.novLo || n > s.novHi {
			t.Errorf("%s: novelty got %.1f, want %.0f..%.0f", s.id, n, s.novLo, s.novHi)
		}
	}
}

// TestEviction checks that memory stays bounded over a long archive.
func TestEviction(t *testing.T) {
	d := NewDetector()
	t0 := time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC)
	text := func(i int) string { // no two articles share a shingle
		var b strings.Builder
		for k := 0; k < 30; k++ {
			fmt.Fprintf(&b, "w%dx%d ", i, k)
		}
		return b.String()
	}
	at := func(i int) time.Time { return t0.Add(time.Duration(i/10) * 24 * time.Hour) }
	for i := 0; i < 5000; i++ {
		d.Add(fmt.Sprint(i), at(i), Sign(words(text(i))), []string{"heineken"})
	}
	if live := len(d.items) - d.evicted; live > 40 {
		t.Errorf("live items after 500 days: got %d, want at most 3 days' worth (30)", live)
	}
	if len(d.links) != len(d.items)*bands {
		t.Errorf("links: got %d, want %d per item", len(d.links), bands)
	}
	if len(d.fps) != len(d.items) {
		t.Errorf("fingerprints: got %d, want one per item (%d)", len(d.fps), len(d.items))
	}
	for i := d.evicted; i < len(d.items); i++ {
		if d.fps[i] != fingerprintOf(&d.sigs[i]) {
			t.Fatalf("fingerprint %d does not belong to item %d after compaction", i, i)
		}
	}
	// The buckets survive the compactions: a copy of a recent article is
	// still found, an evicted one is not.
	if got := d.Add("copy", at(4999), Sign(words(text(4995))), nil); got.DuplicateOf != "4995" {
		t.Errorf("copy of a recent article: duplicate_of got %q, want 4995", got.DuplicateOf)
	}
	if got := d.Add("old", at(4999), Sign(words(text(100))), nil); got.DuplicateOf != "" {
		t.Errorf("copy of an evicted article: duplicate_of got %q, want none", got.DuplicateOf)
	}
}

// TestCutoff checks where Add stops walking: at the first item whose
// publication, or an earlier item's, is within Window of the article.
// The reference test shows that stopping there changes no result; this
// one that it stops there, past the older window of items that eviction
// keeps, and not later when an item arrives out of order.
func TestCutoff(t *testing.T) {
	t0 := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	hours := []int{0, 1, 2, 30, 10, 31, 40, 47, 48, 49} // item 4 arrives late
	d := NewDetector()
	for i, h := range hours {
		d.Add(fmt.Sprint(i), t0.Add(time.Duration(h)*time.Hour), Sign(words(story)), nil)
	}
	if d.evicted != 1 {
		t.Fatalf("evicted: got %d, want 1 (item 0 is over two windows before item 9)", d.evicted)
	}
	tests := []struct {
		hour int
		want int
	}{
		{49, 3},   // 1 and 2 are over 24 h before; 3 (30 h) is within
		{55, 5},   // 3 and the late 4 (10 h, its upTo 30 h) are over; 5 (31 h) is exactly 24 h before: compared
		{56, 6},   // 5 is over too
		{33, 3},   // the late 4 (10 h) is within: the walk must reach it
		{26, 2},   // 2 (2 h) exactly 24 h before: compared
		{100, 10}, // every item is over
		{0, 1},    // an article older than all: none is over; the walk starts after the evicted 0
	}
	for _, tt := range tests {
		if got := d.cutoff(t0.Add(time.Duration(tt.hour) * time.Hour)); got != tt.want {
			t.Errorf("cutoff at hour %d: got %d, want %d", tt.hour, got, tt.want)
		}
	}
}

func BenchmarkSign(b *testing.B) {
	w := words(story + " " + rewrite + " " + other)
	b.SetBytes(int64(len(story + rewrite + other)))
	for i := 0; i < b.N; i++ {
		Sign(w)
	}
}

func ExampleDetector() {
	d := NewDetector()
	at := time.Date(2024, 3, 14, 9, 0, 0, 0, time.UTC)
	first := d.Add("anp-1", at, Sign(words(story)), []string{"asml"})
	copied := d.Add("belga-1", at.Add(10*time.Minute), Sign(words(story)), []string{"asml"})
	fmt.Printf("anp-1: novelty %.0f\n", first.Novelty[0])
	fmt.Printf("belga-1: duplicate of %s, novelty %.0f\n", copied.DuplicateOf, copied.Novelty[0])
	// Output:
	// anp-1: novelty 100
	// belga-1: duplicate of anp-1, novelty 1
}

// TestSameAtMost checks the fingerprint count against the signatures'
// own: never below it (or Add would miss similar stories), and equal to
// it when the values differ in their fingerprint bits.
func TestSameAtMost(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 2000; n++ {
		var a, b Signature
		for i := range a.mins {
			a.mins[i] = rng.Uint64()
			switch rng.IntN(3) {
			case 0:
				b.mins[i] = a.mins[i] // equal
			case 1:
				b.mins[i] = a.mins[i] ^ 1<<(16+rng.IntN(32)) // equal fingerprint bits only
			default:
				b.mins[i] = a.mins[i] ^ (1 + rng.Uint64N(0xffff)) // low bits differ
			}
		}
		fa, fb := fingerprintOf(&a), fingerprintOf(&b)
		exact, fpEqual := 0, 0
		for i := range a.mins {
			if a.mins[i] == b.mins[i] {
				exact++
			}
			if lane(a.mins[i]) == lane(b.mins[i]) {
				fpEqual++
			}
		}
		if got := sameAtMost(&fa, &fb); got != fpEqual || got < exact {
			t.Fatalf("sameAtMost: got %d, want %d (exact %d)", got, fpEqual, exact)
		}
	}
}
