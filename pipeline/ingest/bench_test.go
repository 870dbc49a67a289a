package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

func BenchmarkJSONL(b *testing.B) {
	var buf bytes.Buffer
	body := strings.Repeat("De toezichthouder onderzoekt de fusie. ", 50)
	for i := 0; i < 1000; i++ {
		buf.WriteString(`{"id":"` + strconv.Itoa(i) + `","published":"2024-03-14","title":"Titel","body":"` + body + `"}` + "\n")
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewReader(Options{})
		if err := r.Walk(context.Background(), []string{"-"}, bytes.NewReader(data), func(Record) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseTxt(b *testing.B) {
	data := []byte(" date 2021-09 Titel\n\n" + strings.Repeat("De toezichthouder onderzoekt de fusie. ", 200))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		parseTxt(data, "f.txt", "f")
	}
}

// benchArticleLine is a realistic JSONL line: a news article of about
// 1.5 KB with escaped quotes and paragraph breaks, as a scraper writes it.
const benchArticleLine = `{"id":"fd-2024-03-14-0193","published":"2024-03-14T09:30:00+01:00",` +
	`"title":"Ahold Delhaize verrast beleggers met hogere winst en extra inkoop van aandelen",` +
	`"body":"Ahold Delhaize heeft in het vierde kwartaal meer verdiend dan analisten hadden verwacht. ` +
	`De onderliggende operationele winst steeg met 4,2 procent tot 1,03 miljard euro, terwijl de markt ` +
	`rekende op 987 miljoen euro. De omzet kwam uit op 22,6 miljard euro.\n\n` +
	`\"Onze merken in de Verenigde Staten hebben het beter gedaan dan we vreesden\", zei topman Frans Muller ` +
	`donderdagochtend bij de presentatie van de jaarcijfers in Zaandam. \"De Amerikaanse consument let op ` +
	`de prijs, maar blijft wel bij ons boodschappen doen.\" Vooral Food Lion en Stop & Shop wonnen ` +
	`marktaandeel, onder meer door scherpere aanbiedingen en een groeiende onlineverkoop.\n\n` +
	`Het concern kondigde daarnaast een nieuw inkoopprogramma van eigen aandelen aan ter waarde van ` +
	`1 miljard euro. Het dividend over 2023 wordt verhoogd naar 1,10 euro per aandeel, een stijging van ` +
	`4,8 procent ten opzichte van een jaar eerder. Op het Damrak won het aandeel in de eerste handelsuren ` +
	`ruim 5 procent en was daarmee de grootste stijger in de AEX.\n\n` +
	`Analisten van ING spreken van \"een sterk kwartaal in een lastige markt\". Zij wijzen er wel op dat ` +
	`de marge in Europa onder druk blijft staan door hogere loonkosten en de prijsoorlog in België, waar ` +
	`Delhaize 128 eigen winkels aan zelfstandige ondernemers overdraagt. De vakbonden reageerden ` +
	`teleurgesteld en dreigen met nieuwe acties.\n\n` +
	`Voor 2024 verwacht Ahold Delhaize een onderliggende marge van ongeveer 4 procent en een vrije ` +
	`kasstroom van circa 2,2 miljard euro. Het bedrijf wil de komende jaren 1,25 miljard euro besparen ` +
	`met het programma \"Save for Our Customers\".",` +
	`"source":"fd.nl","url":"https://fd.nl/ondernemen/1493021/ahold-delhaize-verrast-beleggers"}`

func BenchmarkDecodeArticle(b *testing.B) {
	data := []byte(benchArticleLine)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var ja jsonArticle
		if !decodeArticle(data, &ja) {
			b.Fatal("decodeArticle: got false, want true")
		}
	}
}

func BenchmarkUnmarshalArticle(b *testing.B) {
	data := []byte(benchArticleLine)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var ja jsonArticle
		if err := json.Unmarshal(data, &ja); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseJSONLine measures what the reader and a worker spend on one
// line: the line becomes an Article, whose Text the scorer then reads.
func BenchmarkParseJSONLine(b *testing.B) {
	data := []byte(benchArticleLine)
	o := Origin{File: "f.jsonl", Line: 1}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		rec := parseJSONLine(data, o)
		if rec.Article == nil {
			b.Fatal(rec.Reject)
		}
		n += len(rec.Article.Text())
	}
	if n == 0 {
		b.Fatal("no text")
	}
}

// BenchmarkScanArticle measures the validating scan of a line alone.
func BenchmarkScanArticle(b *testing.B) {
	data := []byte(benchArticleLine)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var la lineArticle
		if !scanArticle(data, &la) {
			b.Fatal("scanArticle: got false, want true")
		}
	}
}
