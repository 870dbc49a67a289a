package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/marktstem/marktstem/metrics"
	"github.com/marktstem/marktstem/pipeline"
	"github.com/marktstem/marktstem/pipeline/arrowout"
	"github.com/marktstem/marktstem/pipeline/ingest"
	"github.com/marktstem/marktstem/scoring"
	"github.com/marktstem/marktstem/seeds"
)

func cmdCat(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "table", "output format: csv, jsonl or table")
	schema := fs.Bool("schema", false, "print the schema and metadata instead of the rows")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: marktstem cat [--format csv|jsonl|table] [--schema] FILE…\n\nPrints Arrow IPC files (.arrow, streams too) and Parquet files, told apart by content.\n\nFlags:")
		fs.PrintDefaults()
	}
	files, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("%w: name an Arrow or Parquet file, e.g. out/articles.arrow", errUsage)
	}
	f, err := arrowout.ParseFormat(*format)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	for _, path := range files {
		if *schema {
			if err := arrowout.Describe(stdout, path); err != nil {
				return err
			}
			continue
		}
		if err := arrowout.Dump(ctx, stdout, path, f, memory.NewGoAllocator()); err != nil {
			return err
		}
	}
	return nil
}

func cmdExplain(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f scoreFlags
	f.register(fs)
	id := fs.String("id", "", "explain only the article with this `id`")
	text := fs.String("text", "", "explain this `sentence` (or headline) instead of articles")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: marktstem explain [flags] [INPUT…]\n       marktstem explain --text \"De winst steeg niet.\"\n\nPrints each sentence with its score and the terms, shifters and rules behind it (words, byte\noffsets, lexicon entry, lookup route), then each company's share.\n\nFlags:")
		fs.PrintDefaults()
	}
	inputs, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	e, err := f.setup(stderr)
	if err != nil {
		return err
	}
	an := pipeline.NewAnalyzer(e.lex, e.reg)
	reader := ingest.NewReader(ingest.Options{MaxArticleBytes: f.maxBytes, Logger: e.log})
	defer reader.Close()
	var buf pipeline.Buffer
	emit := func(rec ingest.Record) error {
		if rec.Reject != nil {
			if *id == "" {
				fmt.Fprintf(stdout, "REJECTED %v\n\n", rec.Reject)
			}
			return nil
		}
		a := rec.Article
		if *id != "" && a.ID != *id {
			return nil
		}
		x := an.Analyze(a, &buf)
		explain(stdout, a, x, an)
		return nil
	}
	if *text != "" {
		a := &ingest.Article{ID: "text", Title: *text}
		explain(stdout, a, an.Analyze(a, &buf), an)
		return nil
	}
	if len(inputs) == 0 {
		return reader.WalkFS(ctx, seeds.FS(), seeds.ArticlesDir, "seeds", emit)
	}
	return reader.Walk(ctx, inputs, stdin, emit)
}

func explain(w io.Writer, a *ingest.Article, x pipeline.Analysis, an *pipeline.Analyzer) {
	s := x.Score
	fmt.Fprintf(w, "%s  %s  %s\n", a.ID, a.Date().Format("2006-01-02"), a.Title)
	fmt.Fprintf(w, "  sentiment %+.3f (%s, %d hits)  regulatory risk %.3f (flag %v, %d hits)  tokens %d  sentences %d\n",
		s.Sentiment, s.Label, s.SentimentHits, s.Risk, s.Flag, s.RiskHits, s.Tokens, s.Sentences)
	cal := an.Scorer().Calibration()
	sum := "Σ weights"
	if cal.Offset != 0 {
		sum = fmt.Sprintf("(Σ weights − %.3f × hits)", cal.Offset)
	}
	fmt.Fprintf(w, "  sentiment = x/√(x²+1), x = %s / √max(1, hits); negative ≤ %+.3f, positive ≥ %+.3f\n", sum, cal.Negative, cal.Positive)
	for si, sent := range x.Tokens.Sentences {
		var hits []scoring.Hit
		for _, h := range s.Hits {
			if int(h.Sentence) == si {
				hits = append(hits, h)
			}
		}
		sv := an.Scorer().SentenceSentiment(s.Hits, si)
		fmt.Fprintf(w, "  s%-3d %+.3f %-8s %s\n", si, sv, an.Scorer().Label(sv), clip(x.Text[sent.Start:sent.End], 100))
		for _, h := range hits {
			kind := "sentiment"
			switch h.Kind {
			case scoring.Regulatory:
				kind = "risk"
			case scoring.Direction:
				kind = "rule"
			}
			fmt.Fprintf(w, "         %-9s %s\n", kind, h.Explain(x.Text))
		}
	}
	for _, act := range s.Actors {
		fmt.Fprintf(w, "    s%-3d actor     %q [%d:%d] weight %.2f\n", act.Sentence, x.Text[act.Start:act.End], act.Start, act.End, act.Weight)
	}
	reg := an.Registry()
	for _, c := range x.Companies {
		co := reg.Company(c.Root)
		fmt.Fprintf(w, "  company %-24s relevance %5.1f  sentiment %+.3f  risk %.3f  mentions %d %q\n",
			co.Name, c.Relevance, c.Sentiment, c.Risk, c.Mentions, c.Matched)
	}
	fmt.Fprintln(w)
}

// clip shortens s to at most n runes for one-line display.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func cmdServe(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f scoreFlags
	f.register(fs)
	addr := fs.String("addr", "127.0.0.1:9464", "listen `address` for /metrics and /healthz (loopback by default)")
	interval := fs.Duration("interval", 0, "re-run the scoring every `duration` (0: once at start)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: marktstem serve [flags] [INPUT…]\n\nScores the inputs (again every --interval) and serves Prometheus metrics on /metrics.\n\nFlags:")
		fs.PrintDefaults()
	}
	inputs, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	for _, in := range inputs {
		if in == "-" && *interval > 0 {
			return fmt.Errorf("%w: stdin cannot be re-read every --interval", errUsage)
		}
	}
	e, err := f.setup(stderr)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	var lastErr error = errors.New("first run not finished")
	health := func() error {
		mu.Lock()
		defer mu.Unlock()
		return lastErr
	}
	once := func() {
		_, err := pipeline.Run(ctx, f.config(e, inputs, stdin))
		if err != nil {
			e.log.Error("run failed", "err", err)
		} else {
			e.log.Info("run finished", "out", f.out)
		}
		mu.Lock()
		lastErr = err
		mu.Unlock()
	}
	go func() {
		once()
		if *interval <= 0 {
			return
		}
		t := time.NewTicker(*interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				once()
			}
		}
	}()
	return metrics.Serve(ctx, *addr, metrics.Handler(e.registry, health), func(a net.Addr) {
		e.log.Info("serving metrics", "url", "http://"+a.String()+"/metrics")
		fmt.Fprintf(stdout, "serving http://%s/metrics and /healthz\n", a)
	})
}
