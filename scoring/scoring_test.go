package scoring

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/marktstem/marktstem/lexicons"
	"github.com/marktstem/marktstem/pipeline/tokenize"
)

// defaultSet returns the shipped lexicons.
func defaultSet(t testing.TB) *lexicons.Set {
	t.Helper()
	set, err := lexicons.Default()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func file(name, header string, rows ...string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte("# name: " + name + "\n# description: test\n# source: test\n# licence: Apache-2.0\n# version: 1\n" +
		header + "\n" + strings.Join(rows, "\n") + "\n")}
}

// testSet is a small lexicon set whose weights the expectations below use.
func testSet(t testing.TB) *lexicons.Set {
	t.Helper()
	fsys := fstest.MapFS{
		"nl/sentiment_general.tsv": file("general", "term\tpos\tweight\tnote", "goed\tJJ\t0.6\t", "slecht\tJJ\t-0.6\t"),
		"nl/sentiment_finance.tsv": file("finance", "term\tpos\tweight\tnote",
			"winst\tNN\t0.4\t", "verlies\tNN\t-0.6\t", "winstwaarschuwing\tNN\t-0.8\t", "recordwinst\tNN\t0.8\t",
			"verslaving\tNN\t-0.5\t", "onder druk\tPHR\t-0.4\t", "faillissement\tNN\t-0.9\t"),
		"nl/direction.tsv": file("direction", "term\tkind\tpolarity\tnote",
			"winst\tobject\t1\t", "verlies\tobject\t-1\t", "schuld\tobject\t-1\t", "stijgt\tverb\t1\t", "steeg\tverb\t1\t", "daalt\tverb\t-1\t", "neemt toe\tverb\t1\t"),
		"nl/shifters.tsv": file("shifters", "term\tkind\tfactor\tnote",
			"niet\tnegator\t-0.8\t", "geen\tnegator\t-0.8\t", "fors\tamplifier\t1.5\t", "licht\tdowntoner\t0.5\t",
			"maar\tcontrast\t1.5\t", "mogelijk\thedge\t0.6\t"),
		"nl/regulatory.tsv": file("regulatory", "term\tcategory\tweight\tnote",
			"boete\tenforcement\t0.8\t", "onderzoek\tinvestigation\t0.5\t", "goedkeuring\tlicensing\t-0.5\t",
			"boete vernietigd\tlitigation\t-0.7\t", "privacyregels\tprivacy\t0.6\t", "regelgeving\tlegislation\t0.5\t"),
		"nl/regulatory_actors.tsv": file("actors", "term\tkind\tjurisdiction\tweight\tnote",
			"afm\tregulator\tNL\t0.8\t", "ap\tregulator\tNL\t0.6\tcase-sensitive"),
		"nl/abbreviations.tsv": file("abbreviations", "abbreviation\tnote", "o.a\t"),
		"nl/compound_parts.tsv": file("compound-parts", "term\troles\tnote",
			"kwartaal\tmodifier\t", "game\tmodifier\t", "privacy\tmodifier\t", "beurs\tmodifier\t", "gang\tstop-head\t"),
	}
	set, err := lexicons.Load(fsys, nil)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func score(t testing.TB, s *Scorer, text string) Result {
	var tok tokenize.Result
	tokenize.New(nil).Tokenize(text, &tok)
	return s.Score(text, &tok, 0)
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestHits(t *testing.T) {
	s := New(testSet(t))
	tests := []struct {
		name  string
		text  string
		terms string  // the hits, "term@via×weight"
		sum   float64 // sum of sentiment weights
	}{
		{"exact", "Een recordwinst.", "recordwinst", 0.8},
		{"stem", "Hoge winsten.", "winst", 0.4},
		{"stem of an inflected adjective", "Een slechte dag.", "slecht", -0.6},
		{"compound head", "De kwartaalwinst.", "winst", 0.4},
		{"compound plural head", "Gameverslavingen nemen af.", "verslaving", -0.5},
		{"no spurious compound", "De beursgang.", "", 0},
		{"phrase", "Het aandeel staat onder druk.", "onder druk", -0.4},
		{"negation before", "Geen winst dit jaar.", "winst", -0.32},
		{"clause-final niet", "Het was niet goed.", "goed", -0.48},
		{"amplifier", "Een fors verlies.", "verlies", -0.9},
		{"downtoner", "Een licht verlies.", "verlies", -0.3},
		{"direction up good", "De winst stijgt.", "winst stijgt", 0.5},
		{"direction up bad", "De schuld neemt toe.", "schuld neemt toe", -0.5},
		{"direction down bad becomes good", "Het verlies daalt.", "verlies daalt", 0.5},
		{"negated direction", "De winst steeg niet.", "winst steeg", -0.4},
		{"contrast", "Slecht, maar goed.", "slecht goed", -0.6 + 0.9},
		{"question damped", "Komt er een faillissement?", "faillissement", -0.45},
		{"clause-final niet negates the verb phrase", "De winst steeg vorig jaar niet.", "winst steeg", -0.4},
		{"niet inside a subordinate direction pair", "Slecht, omdat de winst niet steeg.", "winst steeg slecht", -0.6 - 0.4},
		{"niet not clause-final stays local", "Niet de winst steeg, het verlies.", "winst steeg verlies", -0.4 - 0.6},
		{"amplifier after movement", "De winst steeg fors.", "winst steeg", 0.75},
		{"geen scopes over the noun phrase", "Geen enkele winst.", "winst", -0.32},
		{"quoted claim damped", "'Recordwinst' volgens topman.", "recordwinst", 0.8 * quoteFactor},
		{"unclosed quote runs to the end", "Topman: 'verlies.", "verlies", -0.6 * quoteFactor},
		{"typographic quotes", "„Recordwinst” volgens topman.", "recordwinst", 0.8 * quoteFactor},
		{"closing quote ends the quote", "“Goed” en een recordwinst.", "goed recordwinst", 0.6*quoteFactor + 0.8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := score(t, s, tt.text)
			var terms []string
			sum := 0.0
			for _, h := range res.Hits {
				if h.Kind != Regulatory {
					terms = append(terms, h.Term)
					sum += h.Weight
				}
			}
			if got := strings.Join(terms, " "); got != tt.terms {
				t.Errorf("terms: got %q, want %q", got, tt.terms)
			}
			if !near(sum, tt.sum) {
				t.Errorf("weight: got %.4f, want %.4f (%+v)", sum, tt.sum, res.Hits)
			}
		})
	}
}

func TestRisk(t *testing.T) {
	s := New(testSet(t))
	tests := []struct {
		name     string
		text     string
		adverse  float64 // expected net adverse weight
		category string
	}{
		{"fine", "Het bedrijf kreeg een boete.", 0.8, "enforcement"},
		{"actor boosts and adds its base weight", "De AFM legt een boete op.", 0.8*1.4 + 0.3*0.8, "enforcement"},
		{"case-sensitive actor", "Het ap-document bevat een boete.", 0.8, "enforcement"},
		{"actor before a hyphen", "Het AP-onderzoek vond een boete.", 0.8*1.3 + 0.3*0.6 + 0.5*1.3, "enforcement"},
		{"hedged", "Er komt mogelijk een onderzoek.", 0.5 * 0.6, "investigation"},
		{"negated", "Er komt geen boete.", 0, "enforcement"},
		{"relief phrase", "De boete vernietigd door de rechter.", 0, "litigation"},
		{"relief offsets", "Een boete en een goedkeuring.", 0.8 - 0.25, "enforcement"},
		{"compound head", "Strenge privacyregelgeving.", 0.5, "legislation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := score(t, s, tt.text)
			want := 1 - math.Exp(-tt.adverse/riskScale)
			if !near(res.Risk, want) {
				t.Errorf("risk: got %.4f, want %.4f (hits %+v)", res.Risk, want, res.Hits)
			}
			if want > 0 {
				ci := s.catIndex[tt.category]
				if res.Categories[ci] <= 0 {
					t.Errorf("category %s: got %v, want > 0", tt.category, res.Categories[ci])
				}
			}
			if got, want := res.Flag, res.Risk >= FlagThreshold; got != want {
				t.Errorf("flag: got %v, want %v", got, want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	s := New(testSet(t))
	res := score(t, s, "Een winstwaarschuwing en een faillissement.")
	if res.Label != "negative" || res.Sentiment >= 0 || res.Sentiment < -1 {
		t.Errorf("got %v %q, want negative in [-1, 0)", res.Sentiment, res.Label)
	}
	x := (-0.8 - 0.9) / math.Sqrt(2)
	if want := x / math.Sqrt(x*x+1); !near(res.Sentiment, want) {
		t.Errorf("sentiment: got %v, want %v", res.Sentiment, want)
	}
	// Zero weights exclude hits: an attributed subset.
	w := []float64{1, 0}
	sent, _ := s.Summarize(res.Hits, w, nil)
	if want := -0.8 / math.Sqrt(0.64+1); !near(sent, want) {
		t.Errorf("subset: got %v, want %v", sent, want)
	}
	if got := TopTerms(res.Hits, 1); len(got) != 1 || got[0] != "faillissement(-0.90)" {
		t.Errorf("top terms: got %q, want [faillissement(-0.90)]", got)
	}
	empty := score(t, s, "Het weer is grijs.")
	if !empty.NoHit || empty.Label != "neutral" || empty.Sentiment != 0 || empty.Risk != 0 {
		t.Errorf("no hits: got %+v", empty)
	}
}

// TestSummarizeByName checks that hits built by hand, which carry only
// their category's name, summarise like the scorer's own hits, which carry
// its index too.
func TestSummarizeByName(t *testing.T) {
	s := New(testSet(t))
	for _, text := range []string{
		"De AFM legt een boete op.", "Het AP-onderzoek vond een boete.", "Er komt mogelijk een onderzoek.",
		"Een boete en een goedkeuring.", "Strenge privacyregelgeving.", "De boete vernietigd door de rechter.",
	} {
		res := score(t, s, text)
		byName := slices.Clone(res.Hits)
		for i := range byName {
			byName[i].cat = 0
		}
		ones := make([]float64, len(res.Hits))
		for i := range ones {
			ones[i] = 1
		}
		gotCats, wantCats := make([]float64, len(s.Categories())), make([]float64, len(s.Categories()))
		gotSent, gotRisk := s.Summarize(res.Hits, ones, gotCats)
		wantSent, wantRisk := s.Summarize(byName, ones, wantCats)
		if gotSent != wantSent || gotRisk != wantRisk || !slices.Equal(gotCats, wantCats) {
			t.Errorf("%q: got %v %v %v, want %v %v %v", text, gotSent, gotRisk, gotCats, wantSent, wantRisk, wantCats)
		}
	}
}

// TestSummarizeOffset checks the calibration's offset: every counted hit
// (attributed share f) counts relative to it, x = (Σ w·f − o·Σ f) / √Σ f,
// so a run of hits at the offset weight sums to zero however long it is.
func TestSummarizeOffset(t *testing.T) {
	set := testSet(t)
	set.Calibration = lexicons.DefaultCalibration()
	set.Calibration.Offset = 0.1
	s := New(set)
	res := score(t, s, "Een winstwaarschuwing en een faillissement.")
	x := (-0.8 - 0.9 - 2*0.1) / math.Sqrt(2)
	if want := x / math.Sqrt(x*x+1); !near(res.Sentiment, want) {
		t.Errorf("sentiment: got %v, want %v", res.Sentiment, want)
	}
	w := []float64{0.5, 0} // half the first hit, none of the second
	sent, _ := s.Summarize(res.Hits, w, nil)
	x = (-0.8*0.5 - 0.1*0.5) / 1 // √max(1, 0.5) = 1
	if want := x / math.Sqrt(x*x+1); !near(sent, want) {
		t.Errorf("attributed: got %v, want %v", sent, want)
	}
	for _, n := range []int{1, 4, 16, 64} {
		hits := make([]Hit, n)
		ones := make([]float64, n)
		for i := range hits {
			hits[i] = Hit{Kind: Sentiment, Weight: 0.1}
			ones[i] = 1
		}
		if got, _ := s.Summarize(hits, ones, nil); !near(got, 0) {
			t.Errorf("%d hits at the offset weight: got %v, want 0", n, got)
		}
	}
	empty := score(t, s, "Het weer is grijs.")
	if empty.Sentiment != 0 {
		t.Errorf("no hits: got %v, want 0", empty.Sentiment)
	}
}

func TestTitleWeighs(t *testing.T) {
	s := New(testSet(t))
	text := "Recordwinst\n\nHet verlies bleef."
	var tok tokenize.Result
	tokenize.New(nil).Tokenize(text, &tok)
	res := s.Score(text, &tok, len("Recordwinst"))
	if got := res.Hits[0].Weight; !near(got, 0.8*titleFactor) {
		t.Errorf("title hit: got %v, want %v", got, 0.8*titleFactor)
	}
	if got := res.Hits[0].Explain(text); !strings.Contains(got, `"Recordwinst" [0:11] finance recordwinst +0.800 title×1.5 = +1.200`) {
		t.Errorf("explain: got %s", got)
	}
}

func TestSentenceSentiment(t *testing.T) {
	s := New(testSet(t))
	res := score(t, s, "Een recordwinst. Een faillissement en een verlies.")
	tests := []struct {
		sentence int
		x        float64 // Σ w / √n of the sentence
	}{
		{0, 0.8},
		{1, (-0.9 - 0.6) / math.Sqrt(2)},
		{2, 0},
	}
	for _, tt := range tests {
		want := tt.x / math.Sqrt(tt.x*tt.x+1)
		if got := s.SentenceSentiment(res.Hits, tt.sentence); !near(got, want) {
			t.Errorf("sentence %d: got %.4f, want %.4f", tt.sentence, got, want)
		}
	}
}

func TestCalibratedLabel(t *testing.T) {
	set := testSet(t)
	set.Calibration = lexicons.Calibration{Negative: -0.2, Positive: 0.4, Direction: 0.5}
	s := New(set)
	tests := []struct {
		sentiment float64
		want      string
	}{
		{0.39, "neutral"}, {0.4, "positive"}, {-0.19, "neutral"}, {-0.2, "negative"}, {0, "neutral"},
	}
	for _, tt := range tests {
		if got := s.Label(tt.sentiment); got != tt.want {
			t.Errorf("Label(%v): got %q, want %q", tt.sentiment, got, tt.want)
		}
	}
	if got, want := Label(0.15), "positive"; got != want {
		t.Errorf("default Label(0.15): got %q, want %q", got, want)
	}
}

func BenchmarkScore(b *testing.B) {
	s := New(testSet(b))
	text := strings.Repeat("De kwartaalwinst van ASML steeg fors, maar Philips gaf een winstwaarschuwing. De AFM legt mogelijk een boete op. ", 40)
	var tok tokenize.Result
	tk := tokenize.New(nil)
	b.SetBytes(int64(len(text)))
	for i := 0; i < b.N; i++ {
		tk.Tokenize(text, &tok)
		s.Score(text, &tok, 0)
	}
}

// TestTopTermsSelection checks the partial selection against a full sort
// of every term, on hits with repeated terms, ties and zero totals, with
// few distinct terms and many, through a Result whose scratch memory is
// reused from round to round. In odd rounds the Result has term names:
// then a name's hits carry its id or not at random (as a direction pair
// named like a lexicon term would), and some names have no id at all.
func TestTopTermsSelection(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var res Result
	var dst []string // AppendTopTerms' memory, kept from round to round
	for round := 0; round < 1000; round++ {
		var hits []Hit
		vocab, maxHits := 12, 40
		if round%4 >= 2 {
			vocab, maxHits = 100, 200
		}
		res.names = nil
		if round%2 == 1 {
			res.names = map[string]int32{}
			for k := 0; k < vocab*2/3; k++ {
				res.names[fmt.Sprintf("t%02d", (k*7)%vocab)] = int32(k + 1)
			}
		}
		for k := rng.IntN(maxHits); k > 0; k-- {
			w := float64(rng.IntN(9)-4) / 4 // ties and zeros are common
			h := Hit{Term: fmt.Sprintf("t%02d", rng.IntN(vocab)), Weight: w}
			if rng.IntN(3) > 0 {
				h.name = res.names[h.Term]
			}
			hits = append(hits, h)
		}
		res.Hits = hits
		totals := map[string]float64{}
		for _, h := range hits {
			totals[h.Term] += h.Weight
		}
		var names []string
		for name, v := range totals {
			if v != 0 {
				names = append(names, name)
			}
		}
		sort.Slice(names, func(a, b int) bool {
			wa, wb := math.Abs(totals[names[a]]), math.Abs(totals[names[b]])
			if wa != wb {
				return wa > wb
			}
			return names[a] < names[b]
		})
		for _, n := range []int{0, 1, 3, 8, 20} {
			want := names
			if len(want) > n {
				want = want[:n]
			}
			got := TopTerms(hits, n)
			if reused := res.TopTerms(n); !slices.Equal(reused, got) {
				t.Fatalf("round %d, n=%d: reused scratch got %v, want %v", round, n, reused, got)
			}
			if dst = res.AppendTopTerms(dst[:0], n); !slices.Equal(dst, got) {
				t.Fatalf("round %d, n=%d: AppendTopTerms got %v, want %v", round, n, dst, got)
			}
			if got == nil || dst == nil {
				t.Fatalf("round %d, n=%d: got nil, want a list (empty if need be)", round, n)
			}
			if len(got) != len(want) {
				t.Fatalf("round %d, n=%d: got %d terms %v, want %d (%v)", round, n, len(got), got, len(want), want)
			}
			for i := range want {
				if !strings.HasPrefix(got[i], want[i]+"(") {
					t.Fatalf("round %d, n=%d: got %v, want order %v", round, n, got, want)
				}
			}
		}
	}
}

// TestAppendTopTermsAllocs checks that AppendTopTerms with memory kept
// from article to article allocates only the string the terms are cut from.
func TestAppendTopTermsAllocs(t *testing.T) {
	res := score(t, New(testSet(t)), "Geen winst, maar fors verlies. De AFM legt een boete op; faillissement dreigt niet. Mogelijk goed.")
	if len(res.Hits) < 3 {
		t.Fatalf("got %d hits, want at least 3 for the test to mean something", len(res.Hits))
	}
	dst := res.AppendTopTerms(nil, 8)
	if n := testing.AllocsPerRun(100, func() { dst = res.AppendTopTerms(dst[:0], 8) }); n != 1 {
		t.Errorf("got %v allocations, want 1 (the terms' string)", n)
	}
}

// TestResultAcrossScorers checks that a Result reused with another Scorer
// does not keep the first one's word cache.
func TestResultAcrossScorers(t *testing.T) {
	a := New(testSet(t))
	set := testSet(t)
	set.Sentiment = nil // a scorer that knows no sentiment words
	b := New(set)
	text := "Een recordwinst en een verlies."
	var tok tokenize.Result
	tokenize.New(nil).Tokenize(text, &tok)
	var res Result
	a.ScoreInto(&res, text, &tok, 0, nil)
	if res.SentimentHits == 0 {
		t.Fatalf("scorer a: got no sentiment hits, want some")
	}
	b.ScoreInto(&res, text, &tok, 0, nil)
	if want := b.Score(text, &tok, 0); res.SentimentHits != want.SentimentHits || res.Sentiment != want.Sentiment {
		t.Errorf("scorer b after a: got %d hits (%.3f), want %d (%.3f)", res.SentimentHits, res.Sentiment, want.SentimentHits, want.Sentiment)
	}
}

// TestRecentCollisions checks the per-worker cache of resolved words:
// words that share a slot (same length, first two, middle and last two
// bytes) must each keep their own lexicon entries, however they
// alternate, and a reused Result must score a text as a fresh one does.
func TestRecentCollisions(t *testing.T) {
	if recentSlot("verlies") != recentSlot("verlaes") || recentSlot("slecht") != recentSlot("slacht") {
		t.Fatal("test words no longer collide: pick others")
	}
	s := New(testSet(t))
	text := "Verlies, verlaes en verlies. Verlaes of verlies? Slecht, slacht, slecht en slacht."
	fresh := score(t, s, text)
	var tok tokenize.Result
	tokenize.New(nil).Tokenize(text, &tok)
	var res Result
	for i := 0; i < 3; i++ {
		s.ScoreInto(&res, text, &tok, 0, nil)
		var terms []string
		for _, h := range res.Hits {
			terms = append(terms, h.Term)
		}
		if got, want := strings.Join(terms, " "), "verlies verlies verlies slecht slecht"; got != want {
			t.Fatalf("round %d: got hits %q, want %q", i, got, want)
		}
		if res.Sentiment != fresh.Sentiment {
			t.Fatalf("round %d: got sentiment %v, want %v as from a fresh Result", i, res.Sentiment, fresh.Sentiment)
		}
	}
}

// TestStemDerivation checks that the stem route does not cross the
// derivations Snowball strips (-heid, -lijk, -baar): zekerheid and over-
// heid stem to zeker and over, but are other words.
func TestStemDerivation(t *testing.T) {
	set := testSet(t)
	set.Sentiment = append(set.Sentiment,
		lexicons.Term{Term: "zeker", POS: "JJ", Weight: 0.3, Lexicon: "general"},
		lexicons.Term{Term: "over", POS: "X", Weight: 0.1, Lexicon: "general"})
	s := New(set)
	tests := []struct{ text, want string }{
		{"Een zekere winst.", "zeker winst"}, // inflection: still zeker
		{"De zekerheid.", ""},
		{"De overheid.", ""},
		{"Verliesbare posten.", ""}, // verlies + baar
		{"Winsten.", "winst"},
	}
	for _, tt := range tests {
		var terms []string
		for _, h := range score(t, s, tt.text).Hits {
			terms = append(terms, h.Term)
		}
		if got := strings.Join(terms, " "); got != tt.want {
			t.Errorf("%q: got hits %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestShiftsArena checks that hits' shifts, which share one arena per
// Result, come out as a fresh Result's do, article after article, while the
// arena grows, and that appending to one hit's shifts leaves the others.
func TestShiftsArena(t *testing.T) {
	s := New(testSet(t))
	tk := tokenize.New(nil)
	texts := []string{
		"Geen boete. Mogelijk een onderzoek? \"Niet goed\", maar fors verlies.",
		strings.Repeat("Mogelijk geen fors verlies, maar niet slecht. \"De AFM: geen boete?\" ", 40),
		"Winst.",
		strings.Repeat("Mogelijk niet goed. ", 200),
		"Geen winst, maar licht verlies.",
	}
	var res Result
	for round := 0; round < 3; round++ {
		for _, text := range texts {
			var tok tokenize.Result
			tk.Tokenize(text, &tok)
			s.ScoreInto(&res, text, &tok, 10, nil)
			want := s.Score(text, &tok, 10)
			if got, want := fmt.Sprint(res.Hits), fmt.Sprint(want.Hits); got != want {
				t.Fatalf("round %d, %.30q: got %s, want %s", round, text, got, want)
			}
			for i := range res.Hits {
				h := &res.Hits[i]
				if len(h.Shifts) == 0 {
					continue
				}
				before := fmt.Sprint(res.Hits)
				h.Shifts = append(h.Shifts, Shift{Name: "x", Factor: 9})
				h.Shifts = h.Shifts[:len(h.Shifts)-1]
				if got := fmt.Sprint(res.Hits); got != before {
					t.Fatalf("appending to hit %d's shifts changed the hits: got %s, want %s", i, got, before)
				}
			}
		}
	}
	// Warm, ScoreInto allocates nothing: the arena has room for the
	// shifted hits (a slice per shifted hit would be hundreds here), and
	// the shifters found per sentence reuse their scratch.
	var tok tokenize.Result
	tk.Tokenize(texts[1], &tok)
	if got := testing.AllocsPerRun(10, func() { s.ScoreInto(&res, texts[1], &tok, 10, nil) }); got != 0 {
		t.Errorf("allocations per ScoreInto of a text with %d hits: got %v, want 0", len(res.Hits), got)
	}
}

// TestLabels checks the labels a Scorer numbers its hits by: LabelsOf
// gives them without a Scorer, each label once, and every hit's index
// names its own lexicon and category.
func TestLabels(t *testing.T) {
	for _, set := range []*lexicons.Set{testSet(t), defaultSet(t)} {
		s := New(set)
		labels := s.Labels()
		if got := LabelsOf(set); !slices.Equal(got, labels) {
			t.Fatalf("got LabelsOf %v, want the Scorer's %v", got, labels)
		}
		seen := map[HitLabel]bool{}
		for _, l := range labels {
			if seen[l] {
				t.Fatalf("label %+v listed twice", l)
			}
			seen[l] = true
		}
		if labels[0] != (HitLabel{Lexicon: "direction"}) {
			t.Errorf("got first label %+v, want direction's", labels[0])
		}
		text := strings.Repeat("De winst steeg fors. Geen verlies, maar de AFM legt een boete op wegens kartelvorming. De ACM onderzoekt. ", 3)
		var tok tokenize.Result
		tokenize.New(set.Abbreviations).Tokenize(text, &tok)
		res := s.Score(text, &tok, 0)
		kinds, actorHit := map[Kind]bool{}, false
		for i := range res.Hits {
			h := &res.Hits[i]
			li := h.LabelIndex()
			if li < 0 || li >= len(labels) {
				t.Fatalf("hit %q: got label index %d of %d", h.Term, li, len(labels))
			}
			if got, want := labels[li], (HitLabel{Lexicon: h.Lexicon, Category: h.Category}); got != want {
				t.Errorf("hit %q: got label %+v, want %+v", h.Term, got, want)
			}
			kinds[h.Kind] = true
			if len(set.Actors) > 0 && h.Lexicon == set.Actors[0].Lexicon {
				actorHit = true
			}
		}
		if len(set.Actors) > 0 && !actorHit {
			t.Errorf("no actor's hit among %d hits", len(res.Hits))
		}
		if len(kinds) != 3 {
			t.Errorf("hits of kinds %v, want sentiment, direction and regulatory ones", kinds)
		}
	}
	if got := (&Hit{}).LabelIndex(); got != -1 {
		t.Errorf("a Hit built by hand: got label index %d, want -1", got)
	}
}

// TestMask checks that masked tokens match no lexicon entry (the pipeline
// masks company names: AkzoNobel is no "nobel"), on their own and inside
// a phrase, while the tokens around them still do; and that a Result
// reused after a masked text forgets that mask.
func TestMask(t *testing.T) {
	s := New(testSet(t))
	text := "Geen winst, maar fors verlies. De AFM legt een boete op."
	tk := tokenize.New(nil)
	var tok tokenize.Result
	tk.Tokenize(text, &tok)
	var res Result
	s.ScoreInto(&res, text, &tok, 0, nil)
	all := map[string]bool{}
	for _, h := range res.Hits {
		all[h.Term] = true
	}
	for _, term := range []string{"winst", "verlies", "boete"} {
		if !all[term] {
			t.Fatalf("unmasked: no hit for %q (hits %v): the test needs it", term, all)
		}
	}
	tests := []struct {
		name   string
		masked []string // norms of the masked tokens
		gone   []string // terms that must no longer hit
		kept   []string // terms that must still hit
		short  bool     // the mask ends at its last masked token
	}{
		{"none", nil, nil, []string{"winst", "verlies", "boete"}, false},
		{"one word", []string{"verlies"}, []string{"verlies"}, []string{"winst", "boete"}, false},
		{"two sentences", []string{"winst", "boete"}, []string{"winst", "boete"}, []string{"verlies"}, false},
		{"short mask", []string{"boete"}, []string{"boete"}, []string{"winst", "verlies"}, true},
	}
	for _, tt := range tests {
		mask := make([]bool, len(tok.Tokens))
		for i, tk := range tok.Tokens {
			mask[i] = slices.Contains(tt.masked, tk.Norm)
		}
		if tt.short {
			mask = mask[:slices.Index(mask, true)+1]
		}
		s.ScoreInto(&res, text, &tok, 0, mask)
		got := map[string]bool{}
		for _, h := range res.Hits {
			got[h.Term] = true
			if int(h.First) < len(mask) && mask[h.First] {
				t.Errorf("%s: got a hit %q on masked token %d", tt.name, h.Term, h.First)
			}
		}
		for _, term := range tt.gone {
			if got[term] {
				t.Errorf("%s: got a hit for masked %q, want none", tt.name, term)
			}
		}
		for _, term := range tt.kept {
			if !got[term] {
				t.Errorf("%s: got no hit for %q, want one (hits %v)", tt.name, term, got)
			}
		}
	}
}
