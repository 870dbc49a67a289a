package arrowout

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/marktstem/marktstem/lexicons"
)

// benchCompanies are (id, name, surface forms) of the kind the registry
// holds.
var benchCompanies = [][3]string{
	{"ahold-delhaize", "Ahold Delhaize", "Albert Heijn"},
	{"aldi", "Aldi", "Aldi"},
	{"asml", "ASML", "ASML"},
	{"heineken", "Heineken", "Heineken"},
	{"ing", "ING Groep", "ING"},
	{"philips", "Koninklijke Philips", "Philips"},
	{"postnl", "PostNL", "PostNL"},
	{"shell", "Shell", "Shell"},
	{"abn-amro", "ABN AMRO", "ABN AMRO"},
	{"kpn", "KPN", "KPN"},
}

// benchTerms are top terms as the scorer formats them.
var benchTerms = []string{
	"slecht(-0.80)", "kapitaalbuffer(+0.70)", "oorlog(-0.65)", "waarschuwt(-0.62)",
	"extra dividend(+0.60)", "goed(+0.59)", "kosten stegen(-0.56)", "incident(-0.55)",
	"aandeel zakte(-1.11)", "mededingingsonderzoek(+0.98)", "verlies(-0.70)", "jaar(+0.63)",
}

// benchRows returns realistic rows as a 100 MB generated corpus yields
// them: about six mentions per article, eight top terms, mostly zero risk
// categories, a duplicate now and then, 50 articles a day.
func benchRows(articles int) ([]Article, []Mention) {
	rng := rand.New(rand.NewPCG(1, 2))
	ncat := len(lexicons.Categories())
	var as []Article
	var ms []Mention
	for i := range articles {
		id := fmt.Sprintf("gen-%09d", i)
		pub := day(2005, 1, 1).AddDate(0, 0, i/50)
		dup := ""
		if rng.IntN(20) == 0 {
			dup = fmt.Sprintf("gen-%09d", rng.IntN(i+1))
		}
		riskCats := func() []float64 {
			v := make([]float64, ncat)
			for range rng.IntN(3) {
				v[rng.IntN(ncat)] = rng.Float64()
			}
			return v
		}
		terms := make([]string, 8)
		for j := range terms {
			terms[j] = benchTerms[rng.IntN(len(benchTerms))]
		}
		n := 1 + rng.IntN(11)
		as = append(as, Article{
			ArticleID: id, Published: pub, PublishedPrecision: "day", Source: "bench",
			Title: "Heineken stelt nieuwe bestuurder aan voor ijsdivisie", File: "corpus-100MB.jsonl",
			NTokens: int32(200 + rng.IntN(300)), NSentences: int32(10 + rng.IntN(20)), NCompanies: int32(n),
			Sentiment: rng.Float64()*2 - 1, SentimentLabel: "neutral", SentimentHits: int32(rng.IntN(100)),
			RegulatoryRisk: rng.Float64(), RegulatoryRiskFlag: rng.IntN(2) == 0, RiskHits: int32(rng.IntN(9)),
			TopTerms: terms, DuplicateOf: dup, RiskCategories: riskCats(),
		})
		for j := range n {
			c := benchCompanies[(i+j)%len(benchCompanies)]
			matched := []string{c[2]}
			if rng.IntN(3) == 0 {
				matched = append(matched, c[1])
			}
			ms = append(ms, Mention{
				ArticleID: id, Published: pub, CompanyID: c[0], CompanyName: c[1],
				NMentions: int32(1 + rng.IntN(4)), Matched: matched, FirstOffset: int32(rng.IntN(3000)),
				Relevance: rng.Float64() * 100, Sentiment: rng.Float64()*2 - 1, RegulatoryRisk: rng.Float64(),
				RiskCategories: riskCats(), Novelty: 100, DuplicateOf: dup,
			})
		}
	}
	return as, ms
}

// benchWrite writes b.N rows, cycling through rows, with one writer per
// benchmark run: the cost per row, batches and file writes included. It
// uses the pipeline's allocator: a checked one records a stack trace per
// allocation, which would dominate the measurement.
func benchWrite[T any](b *testing.B, open func(string, memory.Allocator, Metadata) (*Writer[T], error), ext string, rows []T) {
	mem := memory.NewGoAllocator()
	w, err := open(filepath.Join(b.TempDir(), "t"+ext), mem, testMeta)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := w.Write(rows[i%len(rows)]); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkWriteMentions(b *testing.B) {
	_, ms := benchRows(2000)
	for _, ext := range formats {
		b.Run(ext[1:], func(b *testing.B) { benchWrite(b, NewMentionWriter, ext, ms) })
	}
}

func BenchmarkWriteArticles(b *testing.B) {
	as, _ := benchRows(2000)
	for _, ext := range formats {
		b.Run(ext[1:], func(b *testing.B) { benchWrite(b, NewArticleWriter, ext, as) })
	}
}
