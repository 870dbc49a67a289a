// Command floor reads articles like `marktstem score` does and only
// tokenises them (tokens and sentences): the floor that full scoring is
// measured against. It prints bytes, articles and MB/s.
//
// With -lookup it also does the peer's algorithm on the tokens, less its
// check for negations: one map lookup per token in the sentiment
// lexicon's one-word terms and a sum. That is the least a scorer working
// on these tokens does beyond tokenising, and so a bound on how close full
// scoring can come to the floor (bench/README.md, "How far the floor is").
//
//	go run ./bench/floor corpus.jsonl
//	go run ./bench/floor -lookup corpus.jsonl
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/marktstem/marktstem/lexicons"
	"github.com/marktstem/marktstem/pipeline/ingest"
	"github.com/marktstem/marktstem/pipeline/tokenize"
)

func main() {
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "tokenising workers")
	lookup := flag.Bool("lookup", false, "also look every token up in the sentiment lexicon and sum the weights, as the peer does")
	flag.Parse()
	lex, err := lexicons.Default()
	if err != nil {
		log.Fatal(err)
	}
	var weights map[string]float64 // built only for -lookup: the floor itself stays as it was
	if *lookup {
		weights = map[string]float64{}
		for _, t := range lex.Sentiment {
			if !strings.Contains(t.Term, " ") {
				weights[t.Term] = t.Weight // a later entry replaces an earlier one, as in the scorer
			}
		}
	}
	tk := tokenize.New(lex.Abbreviations)
	jobs := make(chan *ingest.Article, 256)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var tokens int64
	var total float64
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var res tokenize.Result
			var n int64
			var sum float64
			for a := range jobs {
				tk.Tokenize(a.Text(), &res)
				n += int64(len(res.Tokens))
				if *lookup {
					for i := range res.Tokens {
						sum += weights[res.Tokens[i].Norm]
					}
				}
			}
			mu.Lock()
			tokens += n
			total += sum
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
	name := "tokenize-only"
	if *lookup {
		name = fmt.Sprintf("tokenize+lookup (sum %.1f)", total) // printed so the sum is not optimised away
	}
	fmt.Printf("%s: %d bytes, %d articles, %d tokens in %.2fs: %.1f MB/s, %.0f articles/s\n",
		name, bytes, articles, tokens, secs, float64(bytes)/secs/1e6, float64(articles)/secs)
}
