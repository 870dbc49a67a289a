package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/marktstem/marktstem/pipeline"
	"github.com/marktstem/marktstem/pipeline/ingest"
	"github.com/marktstem/marktstem/pipeline/tokenize"
)

// labelled is one headline of an evaluation set.
type labelled struct {
	id, text string
	gold     int // −1/0/1 for sentiment, 0/1 for regulatory risk
}

// readLabelled reads a TSV with a header naming an id column, a headline
// column and a label column ("label" for sentiment, "reg_risk" for
// regulatory risk). It returns the rows and which task the file is for.
func readLabelled(path string) ([]labelled, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.Comma = '\t'
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return nil, "", fmt.Errorf("%s: read header: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	task, labelCol := "", ""
	switch {
	case hasCol(col, "reg_risk"):
		task, labelCol = "regulatory", "reg_risk"
	case hasCol(col, "label"):
		task, labelCol = "sentiment", "label"
	default:
		return nil, "", fmt.Errorf("%s: header needs a label or reg_risk column", path)
	}
	textCol := "headline"
	if !hasCol(col, textCol) {
		textCol = "text"
	}
	if !hasCol(col, textCol) {
		return nil, "", fmt.Errorf("%s: header needs a headline or text column", path)
	}
	var out []labelled
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) <= col[labelCol] || len(rec) <= col[textCol] {
			return nil, "", fmt.Errorf("%s:%d: too few fields", path, line)
		}
		g, err := strconv.Atoi(strings.TrimSpace(rec[col[labelCol]]))
		if err != nil {
			return nil, "", fmt.Errorf("%s:%d: label %q: %w", path, line, rec[col[labelCol]], err)
		}
		id := strconv.Itoa(line)
		if hasCol(col, "id") {
			id = rec[col["id"]]
		}
		out = append(out, labelled{id: id, text: rec[col[textCol]], gold: g})
	}
	return out, task, nil
}

func hasCol(col map[string]int, name string) bool { _, ok := col[name]; return ok }

func cmdEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f scoreFlags
	f.register(fs)
	preds := fs.String("predictions", "", "write per-headline predictions to this TSV `file`")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: marktstem eval [flags] FILE.tsv…\n\nScores labelled headlines (TSV with id, headline and label (−1/0/1) or reg_risk (0/1) columns)\nand prints accuracy, macro-F1 and the confusion matrix.\n\nFlags:")
		fs.PrintDefaults()
	}
	files, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("%w: name a labelled TSV file", errUsage)
	}
	e, err := f.setup(io.Discard)
	if err != nil {
		return err
	}
	an := pipeline.NewAnalyzer(e.lex, e.reg)
	var pw *bufio.Writer
	if *preds != "" {
		pf, err := os.Create(*preds)
		if err != nil {
			return err
		}
		defer pf.Close()
		pw = bufio.NewWriter(pf)
		defer pw.Flush()
		fmt.Fprintln(pw, "file\tid\ttask\tgold\tpredicted\tsentiment\tregulatory_risk")
	}
	var buf tokenize.Result
	for _, path := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows, task, err := readLabelled(path)
		if err != nil {
			return err
		}
		classes := []int{-1, 0, 1}
		if task == "regulatory" {
			classes = []int{0, 1}
		}
		conf := map[[2]int]int{}
		for _, row := range rows {
			a := &ingest.Article{ID: row.id, Title: row.text}
			x := an.Analyze(a, &buf)
			var pred int
			if task == "regulatory" {
				if x.Score.Flag {
					pred = 1
				}
			} else {
				switch x.Score.Label {
				case "positive":
					pred = 1
				case "negative":
					pred = -1
				}
			}
			conf[[2]int{row.gold, pred}]++
			if pw != nil {
				fmt.Fprintf(pw, "%s\t%s\t%s\t%d\t%d\t%.6f\t%.6f\n", path, row.id, task, row.gold, pred, x.Score.Sentiment, x.Score.Risk)
			}
		}
		printEval(stdout, path, task, len(rows), classes, conf)
	}
	return nil
}

// printEval prints accuracy, per-class and macro F1, and the confusion matrix.
func printEval(w io.Writer, path, task string, n int, classes []int, conf map[[2]int]int) {
	correct := 0
	for _, c := range classes {
		correct += conf[[2]int{c, c}]
	}
	fmt.Fprintf(w, "%s (%s, %d headlines)\n", path, task, n)
	if n == 0 {
		return
	}
	fmt.Fprintf(w, "accuracy  %.3f\n", float64(correct)/float64(n))
	var f1s []float64
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "gold \\ predicted\t")
	for _, c := range classes {
		fmt.Fprintf(tw, "%+d\t", c)
	}
	fmt.Fprintln(tw, "recall\tprecision\tF1\t")
	for _, g := range classes {
		fmt.Fprintf(tw, "%+d\t", g)
		row, col := 0, 0
		for _, p := range classes {
			fmt.Fprintf(tw, "%d\t", conf[[2]int{g, p}])
			row += conf[[2]int{g, p}]
			col += conf[[2]int{p, g}]
		}
		tp := float64(conf[[2]int{g, g}])
		rec, prec := ratio(tp, float64(row)), ratio(tp, float64(col))
		f1 := ratio(2*prec*rec, prec+rec)
		f1s = append(f1s, f1)
		fmt.Fprintf(tw, "%.3f\t%.3f\t%.3f\t\n", rec, prec, f1)
	}
	tw.Flush()
	sort.Float64s(f1s)
	sum := 0.0
	for _, v := range f1s {
		sum += v
	}
	fmt.Fprintf(w, "macro-F1  %.3f\n\n", sum/float64(len(f1s)))
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
