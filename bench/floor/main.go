// Command floor reads articles like `marktstem score` does and only
// tokenises them (tokens and sentences): the floor that full scoring is
// measured against. It prints bytes, articles and MB/s.
//
//	go run ./bench/floor corpus.jsonl
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/marktstem/marktstem/lexicons"
	"github.com/marktstem/marktstem/pipeline/ingest"
	"github.com/marktstem/marktstem/pipeline/tokenize"
)

func main() {
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "tokenising workers")
	flag.Parse()
	lex, err := lexicons.Default()
	if err != nil {
		log.Fatal(err)
	}
	tk := tokenize.New(lex.Abbreviations)
	jobs := make(chan *ingest.Article, 256)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var tokens int64
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var res tokenize.Result
			var n int64
			for a := range jobs {
				tk.Tokenize(a.Text(), &res)
				n += int64(len(res.Tokens))
			}
			mu.Lock()
			tokens += n
			mu.Unlock()
		}()
	}
	start := time.Now()
	var bytes, articles int64
	r := ingest.NewReader(ingest.Options{})
	defer r.Close()
	err = r.Walk(context.Background(), flag.Args(), os.Stdin, func(rec ingest.Record) error {
		bytes += rec.Bytes
		if rec.Article != nil {
			articles++
			jobs <- rec.Article
		}
		return nil
	})
	close(jobs)
	wg.Wait()
	if err != nil {
		log.Fatal(err)
	}
	secs := time.Since(start).Seconds()
	fmt.Printf("tokenize-only: %d bytes, %d articles, %d tokens in %.2fs: %.1f MB/s, %.0f articles/s\n",
		bytes, articles, tokens, secs, float64(bytes)/secs/1e6, float64(articles)/secs)
}
