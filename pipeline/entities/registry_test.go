package entities

import (
	"bytes"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/marktstem/marktstem/pipeline/tokenize"
	"github.com/marktstem/marktstem/seeds"
)

const testRegistry = `id,name,aliases,parent_id,ticker,isin,country,sector
asml,ASML Holding,ASML,,ASML.AS,NL0010273215,NL,Information Technology
ing,ING Groep,ING,,INGA.AS,,NL,Financials
kbc,KBC Groep,KBC,,KBC.BR,,BE,Financials
shell,Shell,Shell plc,,SHEL.AS,,GB,Energy
philips,Koninklijke Philips,Philips,,PHIA.AS,,NL,Health Care
ahold-delhaize,Ahold Delhaize,Ahold|Delhaize,,AD.AS,,NL,Consumer Staples
just-eat-takeaway,Just Eat Takeaway,Just Eat Takeaway.com|Takeaway.com|Thuisbezorgd,,TKWY.AS,,NL,Consumer Discretionary
bytedance,ByteDance,,,,,CN,Communication Services
tiktok,TikTok,,bytedance,,,CN,Communication Services
douyin,Douyin,,bytedance,,,CN,Communication Services
douyin-pay,Douyin Pay,,douyin,,,CN,Financials
nestle,Nestlé,Nestle,,NESN.SW,,CH,Consumer Staples
bpost,bpost,,,BPOST.BR,,BE,Industrials
ucb,UCB,,,UCB.BR,,BE,Health Care
asr,ASR Nederland,ASR|a.s.r.,,ASRNL.AS,,NL,Financials
signify,Signify,,,LIGHT.AS,,NL,Industrials
`

func testReg(t *testing.T) *Registry {
	t.Helper()
	reg, err := ParseRegistry("test.csv", strings.NewReader(testRegistry))
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func find(t *testing.T, reg *Registry, text string) []string {
	t.Helper()
	var tok tokenize.Result
	tokenize.New([]string{"o.a"}).Tokenize(text, &tok)
	var out []string
	ms := reg.Find(text, &tok)
	for _, m := range ms {
		out = append(out, reg.Company(m.Company).ID+"→"+reg.Company(m.Root).ID+":"+m.Surface)
	}
	// FindAnnotated finds the same, with the annotations given, and
	// without them (a slice of another length).
	ann := make([]uint32, len(tok.Tokens))
	for i, tt := range tok.Tokens {
		ann[i] = reg.Annotate(tt.Norm)
	}
	if got := reg.FindAnnotated(text, &tok, ann); !slices.Equal(got, ms) {
		t.Errorf("FindAnnotated: got %+v, want %+v", got, ms)
	}
	if got := reg.FindAnnotated(text, &tok, ann[:len(ann)/2]); len(ann) > 0 && !slices.Equal(got, ms) {
		t.Errorf("FindAnnotated with %d annotations for %d tokens: got %+v, want %+v", len(ann)/2, len(ann), got, ms)
	}
	return out
}

func TestFind(t *testing.T) {
	reg := testReg(t)
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"acronym", "ING boekt winst.", []string{"ing→ing:ING"}},
		{"acronym case", "Een stijgende rating en ing. Ir. Jansen.", nil},
		{"suffix -ing is no mention", "De regering en de financiering.", nil},
		{"possessive", "ASML's omzet steeg.", []string{"asml→asml:ASML"}},
		{"hyphen genitive", "ING-topman en Ahold-dochter", []string{"ing→ing:ING", "ahold-delhaize→ahold-delhaize:Ahold"}},
		{"ordinary word", "een shell script", nil},
		{"capitalised name", "Shell verhoogt het dividend.", []string{"shell→shell:Shell"}},
		{"longest alias", "Douyin Pay groeit, net als Douyin.", []string{"douyin-pay→bytedance:Douyin Pay", "douyin→bytedance:Douyin"}},
		{"brand rolls up", "TikTok en ByteDance", []string{"tiktok→bytedance:TikTok", "bytedance→bytedance:ByteDance"}},
		{"dotted name", "Takeaway.com en Just Eat Takeaway.com", []string{"just-eat-takeaway→just-eat-takeaway:Takeaway.com", "just-eat-takeaway→just-eat-takeaway:Just Eat Takeaway.com"}},
		{"accents folded", "Nestle en Nestlé", []string{"nestle→nestle:Nestle", "nestle→nestle:Nestlé"}},
		{"lower-case brand", "bpost schrapt banen", []string{"bpost→bpost:bpost"}},
		{"part of word", "KBCX en ASMLabs", nil},
		{"all-caps headline", "KBC EN PHILIPS ONDER VUUR", []string{"kbc→kbc:KBC", "philips→philips:PHILIPS"}},
		{"acronyms UCB and ASR", "UCB en ASR, niet ucb of de asr-norm", []string{"ucb→ucb:UCB", "asr→asr:ASR"}},
		{"ordinary words signify and just eat", "these figures signify that we just eat more", nil},
		{"Just Eat as a name", "Just Eat Takeaway verliest, Signify wint", []string{"just-eat-takeaway→just-eat-takeaway:Just Eat Takeaway", "signify→signify:Signify"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := find(t, reg, tt.text)
			if strings.Join(got, ", ") != strings.Join(tt.want, ", ") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRegistryErrors(t *testing.T) {
	const h = "id,name,aliases,parent_id,ticker,isin,country,sector\n"
	tests := []struct {
		name, data, want string
	}{
		{"header", "id,name\n", "test.csv:1: header"},
		{"fields", h + "a,A,,\n", "test.csv:2:"},
		{"bad id", h + "A B,A,,,,,,\n", `test.csv:2: id "A B"`},
		{"duplicate id", h + "a,A,,,,,,\na,B,,,,,,\n", `test.csv:3: duplicate id "a" (first on line 2)`},
		{"no name", h + "a,,,,,,,\n", `test.csv:2: company "a" has no name`},
		{"dangling parent", h + "a,A,,zz,,,,\n", `test.csv:2: parent_id "zz"`},
		{"cycle", h + "a,A,,b,,,,\nb,B,,a,,,,\n", "cycle"},
		{"alias clash", h + "a,Alpha,Omega,,,,,\nb,Omega,,,,,,\n", `test.csv:3: alias "Omega" of "b" is also an alias of "a"`},
		{"invalid utf8", h + "a,A\xff,,,,,,\n", "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRegistry("test.csv", strings.NewReader(tt.data))
			var re *RegistryError
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.As(err, &re) {
				t.Errorf("got error %v, want a *RegistryError containing %q", err, tt.want)
			}
		})
	}
}

// FuzzParseRegistry: arbitrary CSV never panics; errors are typed.
func FuzzParseRegistry(f *testing.F) {
	f.Add(testRegistry)
	f.Add("id,name,aliases,parent_id,ticker,isin,country,sector\na,A,\"x|y\",,,,,\n")
	f.Add("id,name,aliases,parent_id,ticker,isin,country,sector\na,A,,a,,,,\n")
	f.Fuzz(func(t *testing.T, data string) {
		reg, err := ParseRegistry("fuzz.csv", strings.NewReader(data))
		if err != nil {
			var re *RegistryError
			if !errors.As(err, &re) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		var tok tokenize.Result
		text := "ING en ASML's TikTok-deal"
		tokenize.New(nil).Tokenize(text, &tok)
		for _, m := range reg.Find(text, &tok) {
			if m.Start < 0 || m.End > len(text) || m.Start >= m.End {
				t.Fatalf("bad mention span %+v", m)
			}
		}
	})
}

// checkWholeText fails when Find and the reference automaton over every token
// disagree.
func checkWholeText(t *testing.T, reg *Registry, ref *reference, tk *tokenize.Tokenizer, text string) {
	t.Helper()
	var tok tokenize.Result
	tk.Tokenize(text, &tok)
	got, want := reg.Find(text, &tok), ref.find(text, &tok)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("text %q:\ngot  %+v\nwant %+v", text, got, want)
	}
}

// TestFindMatchesAhoCorasick compares Find with the automaton over every token
// on texts made of aliases in every case, with hyphens, possessives and
// glued suffixes, between ordinary words and the words of longer
// aliases alone: on the test registry, on one where an acronym and a name
// share their key (ABC, Abc) and a hyphenated alias word starts with one
// (ABC-topman), and on the shipped registry.
func TestFindMatchesAhoCorasick(t *testing.T) {
	shared, err := ParseRegistry("shared.csv", strings.NewReader(`id,name,aliases,parent_id,ticker,isin,country,sector
abc,ABC,,,,,NL,Financials
abc-corp,Abc Corp,Abc|abc bank,,,,NL,Financials
abcd,ABC Deal,ABC Deal-x|Deal ABC-topman,,,,NL,Financials
`))
	if err != nil {
		t.Fatal(err)
	}
	csv, err := fs.ReadFile(seeds.FS(), "companies.csv")
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := ParseRegistry("seeds/companies.csv", bytes.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	tk := tokenize.New([]string{"o.a"})
	for name, reg := range map[string]*Registry{"test": testReg(t), "shared key": shared, "shipped": shipped} {
		t.Run(name, func(t *testing.T) {
			ref := newReference(reg)
			var pieces []string
			for _, p := range reg.patterns {
				pieces = append(pieces, p.alias, strings.ToLower(p.alias), strings.ToUpper(p.alias))
				if words := strings.Fields(p.alias); len(words) > 1 {
					pieces = append(pieces, words...) // Just, without Eat Takeaway
				}
			}
			pieces = append(pieces, "de", "winst", "Pay", "Eat", "Takeaway", "net", ",", ".", "en", "Deal", "bank")
			suffixes := []string{"", "", "", "-topman", "'s", "'", "s", "x", ".com", "-"}
			rng := rand.New(rand.NewPCG(3, 4))
			for round := 0; round < 3000; round++ {
				var b strings.Builder
				for k := rng.IntN(12); k >= 0; k-- {
					if b.Len() > 0 {
						b.WriteByte(' ')
					}
					b.WriteString(pieces[rng.IntN(len(pieces))])
					b.WriteString(suffixes[rng.IntN(len(suffixes))])
				}
				checkWholeText(t, reg, ref, tk, b.String())
			}
			if seed, err := os.ReadFile("../../../shared/seeds/000_1f7aff34b7c1632d.txt"); err == nil {
				checkWholeText(t, reg, ref, tk, string(seed))
			}
		})
	}
}

func FuzzFind(f *testing.F) {
	for _, s := range []string{"ING-topman en Ahold-dochter", "Douyin Pay groeit, net als Douyin.", "ASML's omzet", "Philips' koers", "Just Eat Takeaway.com-x"} {
		f.Add(s)
	}
	reg, err := ParseRegistry("test.csv", strings.NewReader(testRegistry))
	if err != nil {
		f.Fatal(err)
	}
	tk := tokenize.New([]string{"o.a"})
	ref := newReference(reg)
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			return // the pipeline repairs or rejects invalid UTF-8 before tokenising
		}
		checkWholeText(t, reg, ref, tk, text)
	})
}
