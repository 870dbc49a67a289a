package entities

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/marktstem/marktstem/lexicons"
	"github.com/marktstem/marktstem/pipeline/tokenize"
	"github.com/marktstem/marktstem/scoring"
)

func lexFile(name, header string, rows ...string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte("# name: " + name + "\n# description: test\n# source: test\n# licence: Apache-2.0\n# version: 1\n" +
		header + "\n" + strings.Join(rows, "\n") + "\n")}
}

func testScorer(t *testing.T) *scoring.Scorer {
	t.Helper()
	set, err := lexicons.Load(fstest.MapFS{
		"nl/sentiment_general.tsv": lexFile("general", "term\tpos\tweight\tnote", "goed\tJJ\t0.6\t"),
		"nl/sentiment_finance.tsv": lexFile("finance", "term\tpos\tweight\tnote", "recordwinst\tNN\t0.8\t", "winstwaarschuwing\tNN\t-0.8\t", "ontslagen\tNN\t-0.6\t"),
		"nl/direction.tsv":         lexFile("direction", "term\tkind\tpolarity\tnote", "winst\tobject\t1\t", "stijgt\tverb\t1\t"),
		"nl/shifters.tsv":          lexFile("shifters", "term\tkind\tfactor\tnote", "niet\tnegator\t-0.8\t"),
		"nl/regulatory.tsv":        lexFile("regulatory", "term\tcategory\tweight\tnote", "boete\tenforcement\t0.8\t"),
		"nl/regulatory_actors.tsv": lexFile("actors", "term\tkind\tjurisdiction\tweight\tnote", "afm\tregulator\tNL\t0.8\t"),
		"nl/abbreviations.tsv":     lexFile("abbreviations", "abbreviation\tnote", "o.a\t"),
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return scoring.New(set)
}

func attribute(t *testing.T, text string, titleLen int) (map[string]CompanyScore, *Registry) {
	t.Helper()
	reg := testReg(t)
	sc := testScorer(t)
	var tok tokenize.Result
	tokenize.New(nil).Tokenize(text, &tok)
	res := sc.Score(text, &tok, titleLen)
	out := map[string]CompanyScore{}
	for _, cs := range reg.Attribute(sc, &res, &tok, reg.Find(text, &tok), titleLen) {
		out[reg.Company(cs.Root).ID] = cs
	}
	return out, reg
}

func TestAttributeClauses(t *testing.T) {
	got, _ := attribute(t, "ASML boekt een recordwinst, terwijl Philips een winstwaarschuwing geeft.", 0)
	if got["asml"].Sentiment <= 0 {
		t.Errorf("asml sentiment: got %v, want > 0", got["asml"].Sentiment)
	}
	if got["philips"].Sentiment >= 0 {
		t.Errorf("philips sentiment: got %v, want < 0", got["philips"].Sentiment)
	}
}

func TestAttributeFollowing(t *testing.T) {
	text := "De AFM legt KBC een boete op. Het bedrijf schrapt ontslagen. Ook daarna ontslagen.\n\nShell maakt recordwinst."
	got, _ := attribute(t, text, 0)
	kbc, shell := got["kbc"], got["shell"]
	if kbc.Risk <= 0 || shell.Risk != 0 {
		t.Errorf("risk: got kbc %v shell %v, want kbc > 0 and shell 0", kbc.Risk, shell.Risk)
	}
	if kbc.Sentiment >= 0 {
		t.Errorf("kbc sentiment: got %v, want < 0 from the following sentences", kbc.Sentiment)
	}
	if shell.Sentiment <= 0 {
		t.Errorf("shell sentiment: got %v, want > 0 (new paragraph, own sentence)", shell.Sentiment)
	}
}

func TestRelevance(t *testing.T) {
	text := "TikTok groeit\n\nByteDance en Douyin melden dat TikTok groeit. ASML kijkt toe. Later meer. Nog meer. ASML zwijgt."
	got, _ := attribute(t, text, len("TikTok groeit"))
	bd, asml := got["bytedance"], got["asml"]
	if bd.Mentions != 4 || asml.Mentions != 2 {
		t.Fatalf("mentions: got bytedance %d asml %d, want 4 and 2", bd.Mentions, asml.Mentions)
	}
	if want := 30.0 + 35*4.0/6 + 20; math.Abs(bd.Relevance-want) > 1e-9 {
		t.Errorf("bytedance relevance: got %v, want %v (title + share + subject)", bd.Relevance, want)
	}
	if want := 15.0 + 35*2.0/6; math.Abs(asml.Relevance-want) > 1e-9 {
		t.Errorf("asml relevance: got %v, want %v (lead + share)", asml.Relevance, want)
	}
	if strings.Join(bd.Matched, "|") != "TikTok|ByteDance|Douyin" {
		t.Errorf("matched: got %q", bd.Matched)
	}
}

// TestAttributeReusesMemory checks that Find and Attribute, which keep
// scratch memory between calls, give one text the same result whether it
// is the first the registry sees or follows others with more companies,
// sentences and clauses, and that returned rows are not overwritten later.
func TestAttributeReusesMemory(t *testing.T) {
	reg, sc, tk := testReg(t), testScorer(t), tokenize.New(nil)
	run := func(text string, titleLen int) []CompanyScore {
		var tok tokenize.Result
		tk.Tokenize(text, &tok)
		res := sc.Score(text, &tok, titleLen)
		return reg.Attribute(sc, &res, &tok, reg.Find(text, &tok), titleLen)
	}
	small := "KBC boekt een recordwinst. Het bedrijf schrapt ontslagen."
	big := "TikTok groeit\n\nByteDance en Douyin melden dat TikTok groeit, terwijl ASML een winstwaarschuwing geeft. " +
		"De AFM legt KBC een boete op. Het bedrijf schrapt ontslagen. Ook daarna ontslagen.\n\nShell maakt recordwinst."
	first := run(small, 0)
	keep := fmt.Sprintf("%+v", first)
	fresh := fmt.Sprintf("%+v", run(big, len("TikTok groeit")))
	for i := 0; i < 3; i++ {
		if got := fmt.Sprintf("%+v", run(big, len("TikTok groeit"))); got != fresh {
			t.Fatalf("big text, run %d: got %s, want %s", i+2, got, fresh)
		}
		if got := fmt.Sprintf("%+v", run(small, 0)); got != keep {
			t.Fatalf("small text after big: got %s, want %s", got, keep)
		}
	}
	if got := fmt.Sprintf("%+v", first); got != keep {
		t.Errorf("rows returned earlier changed: got %s, want %s", got, keep)
	}
}

// TestAttributeIntoReuses checks that results in memory kept from article
// to article (AttributeInto, AppendMentions) are those of Attribute and
// Find, whatever the article before left there, and that once the memory
// has grown an article allocates none for them.
func TestAttributeIntoReuses(t *testing.T) {
	reg, sc, tk := testReg(t), testScorer(t), tokenize.New(nil)
	type article struct {
		text     string
		titleLen int
		tok      tokenize.Result
		res      scoring.Result
	}
	texts := []struct {
		text     string
		titleLen int
	}{
		{"TikTok groeit\n\nByteDance en Douyin melden dat TikTok groeit, terwijl ASML een winstwaarschuwing geeft. " +
			"De AFM legt KBC een boete op. Het bedrijf schrapt ontslagen. Ook daarna ontslagen.\n\nShell maakt recordwinst.", len("TikTok groeit")},
		{"KBC boekt een recordwinst. Het bedrijf schrapt ontslagen.", 0},
		{"Geen bedrijf in deze tekst, wel een boete.", 0},
		{"ASML en ASML's klanten: ASML-topman ziet groei.", 0},
	}
	arts := make([]*article, len(texts))
	for i, x := range texts {
		a := &article{text: x.text, titleLen: x.titleLen}
		tk.Tokenize(a.text, &a.tok)
		a.res = sc.Score(a.text, &a.tok, a.titleLen)
		arts[i] = a
	}
	var dst Attribution
	var mentions []Mention
	into := func(a *article) ([]Mention, []CompanyScore) {
		mentions = reg.AppendMentions(mentions[:0], a.text, &a.tok, nil)
		return mentions, reg.AttributeInto(&dst, sc, &a.res, &a.tok, mentions, a.titleLen)
	}
	for round := 0; round < 3; round++ {
		for i, a := range arts {
			wantM := reg.Find(a.text, &a.tok)
			want := reg.Attribute(sc, &a.res, &a.tok, wantM, a.titleLen)
			gotM, got := into(a)
			if g, w := fmt.Sprintf("%+v", gotM), fmt.Sprintf("%+v", wantM); g != w {
				t.Fatalf("round %d, text %d: mentions: got %s, want %s", round, i, g, w)
			}
			if g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want); g != w {
				t.Fatalf("round %d, text %d: got %s, want %s", round, i, g, w)
			}
		}
	}
	// The biggest article has been through: no memory of its own now.
	if n := testing.AllocsPerRun(50, func() { into(arts[0]) }); n != 0 {
		t.Errorf("AppendMentions and AttributeInto with grown memory: got %v allocations, want 0", n)
	}
}

// TestAttributeHitOrder checks that hits in any order (a Result not built
// by ScoreInto) are attributed like hits grouped by sentence, which
// Attribute reads sentence by sentence.
func TestAttributeHitOrder(t *testing.T) {
	reg, sc, tk := testReg(t), testScorer(t), tokenize.New(nil)
	text := "TikTok groeit\n\nByteDance en Douyin melden dat TikTok goed groeit, terwijl ASML een winstwaarschuwing geeft. " +
		"De AFM legt KBC een boete op. Het bedrijf schrapt ontslagen. Ook daarna ontslagen.\n\nShell maakt recordwinst, niet goed voor KBC."
	var tok tokenize.Result
	tk.Tokenize(text, &tok)
	res := sc.Score(text, &tok, len("TikTok groeit"))
	mentions := reg.Find(text, &tok)
	want := reg.Attribute(sc, &res, &tok, mentions, len("TikTok groeit"))
	slices.Reverse(res.Hits)
	got := reg.Attribute(sc, &res, &tok, mentions, len("TikTok groeit"))
	if len(got) != len(want) || len(want) < 4 {
		t.Fatalf("got %d companies, want %d (at least 4)", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		// Reversed hits are summed in another order: equal up to rounding.
		if g.Root != w.Root || math.Abs(g.Sentiment-w.Sentiment) > 1e-12 || math.Abs(g.Risk-w.Risk) > 1e-12 {
			t.Errorf("company %d: got %+v, want %+v", i, g, w)
		}
	}
}

// checkAttribute fails when Attribute and referenceAttribute disagree on
// an article, with its mentions and hits as given, with the mentions out
// of text order, and with the hits out of sentence order.
func checkAttribute(t *testing.T, reg *Registry, sum Summarizer, text string, tok *tokenize.Result, res *scoring.Result, mentions []Mention, titleLen int) {
	t.Helper()
	check := func(how string) {
		t.Helper()
		got := reg.Attribute(sum, res, tok, mentions, titleLen)
		want := referenceAttribute(reg, sum, res, tok, mentions, titleLen)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s, text %q:\ngot  %+v\nwant %+v", how, text, got, want)
		}
	}
	check("as found")
	mentions = slices.Clone(mentions)
	slices.Reverse(mentions)
	check("mentions reversed")
	slices.Reverse(mentions)
	hits := res.Hits
	res.Hits = slices.Clone(hits)
	slices.Reverse(res.Hits)
	check("hits reversed")
	res.Hits = hits
}

// TestAttributeMatchesReference compares Attribute with referenceAttribute
// on the seed articles (shipped registry, default lexicons) and on random
// texts that name several companies per sentence and per clause, with
// sentences that name none after them, across paragraphs and headlines.
func TestAttributeMatchesReference(t *testing.T) {
	t.Run("seeds", func(t *testing.T) {
		reg, sc, arts := benchSetup(t)
		for _, a := range arts {
			checkAttribute(t, reg, sc, a.text, &a.tok, &a.res, a.mentions, a.titleLen)
		}
	})
	t.Run("random", func(t *testing.T) {
		reg, sc, tk := testReg(t), testScorer(t), tokenize.New(nil)
		pieces := []string{"ASML", "ING", "KBC", "Shell", "Philips", "TikTok", "ByteDance", "Douyin", "Ahold", "Nestlé",
			"boekt een recordwinst", "geeft een winstwaarschuwing", "krijgt een boete", "schrapt ontslagen", "niet goed",
			"het bedrijf", "terwijl", "en", ",", ".", ".", ". ", "\n\n", "stijgt", "winst", "de AFM"}
		rng := rand.New(rand.NewPCG(5, 6))
		var tok tokenize.Result
		var res scoring.Result
		for round := 0; round < 3000; round++ {
			var b strings.Builder
			for k := rng.IntN(40); k >= 0; k-- {
				b.WriteString(pieces[rng.IntN(len(pieces))])
				b.WriteByte(' ')
			}
			text := b.String()
			titleLen := rng.IntN(len(text) + 1)
			tk.Tokenize(text, &tok)
			mentions := reg.Find(text, &tok)
			sc.ScoreInto(&res, text, &tok, titleLen, nil)
			checkAttribute(t, reg, sc, text, &tok, &res, mentions, titleLen)
		}
	})
}

// FuzzAttribute holds Attribute to referenceAttribute on any text.
func FuzzAttribute(f *testing.F) {
	f.Add("ASML boekt een recordwinst, terwijl Philips een winstwaarschuwing geeft.", 0)
	f.Add("TikTok groeit\n\nByteDance en Douyin melden dat TikTok groeit. ASML kijkt toe. Later meer. Nog meer. ASML zwijgt.", 13)
	f.Add("De AFM legt KBC een boete op. Het bedrijf schrapt ontslagen. Ook daarna ontslagen.\n\nShell maakt recordwinst.", 0)
	reg, err := ParseRegistry("test.csv", strings.NewReader(testRegistry))
	if err != nil {
		f.Fatal(err)
	}
	tk := tokenize.New(nil)
	var sc *scoring.Scorer
	f.Fuzz(func(t *testing.T, text string, titleLen int) {
		if !utf8.ValidString(text) {
			return // the pipeline repairs or rejects invalid UTF-8 before tokenising
		}
		if sc == nil {
			sc = testScorer(t)
		}
		titleLen = min(max(titleLen, 0), len(text))
		var tok tokenize.Result
		tk.Tokenize(text, &tok)
		mentions := reg.Find(text, &tok)
		res := sc.Score(text, &tok, titleLen)
		checkAttribute(t, reg, sc, text, &tok, &res, mentions, titleLen)
	})
}
