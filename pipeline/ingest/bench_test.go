package ingest

import (
	"bytes"
	"context"
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
