package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"gonum.org/v1/gonum/stat"

	"github.com/marktstem/marktstem/lexicons"
	"github.com/marktstem/marktstem/pipeline"
	"github.com/marktstem/marktstem/pipeline/entities"
	"github.com/marktstem/marktstem/pipeline/ingest"
	"github.com/marktstem/marktstem/scoring"
	"github.com/marktstem/marktstem/training"
)

// labelled is one headline of an evaluation set.
type labelled struct {
	id, text string
	gold     int // −1/0/1 for sentiment, 0/1 for regulatory risk
}

// columns names the columns of a labelled TSV; empty names are detected.
type columns struct {
	id, text, label string
}

// readLabelled reads a TSV with a header naming an id column, a headline
// column and a label column ("label" for sentiment, "reg_risk" for
// regulatory risk) unless cols names them. It returns the rows and which
// task the file is for.
func readLabelled(path string, cols columns) ([]labelled, string, error) {
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
	case cols.label != "":
		if !hasCol(col, cols.label) {
			return nil, "", fmt.Errorf("%s: no column %q (--label-col)", path, cols.label)
		}
		task, labelCol = "sentiment", cols.label
		if cols.label == "reg_risk" {
			task = "regulatory"
		}
	case hasCol(col, "reg_risk"):
		task, labelCol = "regulatory", "reg_risk"
	case hasCol(col, "label"):
		task, labelCol = "sentiment", "label"
	default:
		return nil, "", fmt.Errorf("%s: header needs a label or reg_risk column", path)
	}
	textCol := cols.text
	switch {
	case textCol != "":
		if !hasCol(col, textCol) {
			return nil, "", fmt.Errorf("%s: no column %q (--text-col)", path, textCol)
		}
	case hasCol(col, "headline"):
		textCol = "headline"
	case hasCol(col, "text"):
		textCol = "text"
	default:
		return nil, "", fmt.Errorf("%s: header needs a headline or text column (or --text-col)", path)
	}
	idCol := cols.id
	if idCol == "" {
		idCol = "id"
	} else if !hasCol(col, idCol) {
		return nil, "", fmt.Errorf("%s: no column %q (--id-col)", path, idCol)
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
		if (task == "sentiment" && (g < -1 || g > 1)) || (task == "regulatory" && (g < 0 || g > 1)) {
			return nil, "", fmt.Errorf("%s:%d: label %d out of range for %s", path, line, g, task)
		}
		id := strconv.Itoa(line)
		if hasCol(col, idCol) && len(rec) > col[idCol] {
			id = rec[col[idCol]]
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
	riskThreshold := fs.Float64("risk-threshold", scoring.FlagThreshold, "regulatory risk at or above which a headline counts as flagged (articles use 0.5; single headlines carry fewer terms)")
	f.registerModel(fs)
	preds := fs.String("predictions", "", "write per-headline predictions to this TSV `file` (with --folds: the held-out ones, with their fold)")
	labels := fs.String("labels", "", "labelled TSV `file` to evaluate (or name files as arguments)")
	var cols columns
	fs.StringVar(&cols.id, "id-col", "", "`column` with the text id (default: id, else the line number)")
	fs.StringVar(&cols.text, "text-col", "", "`column` with the text (default: headline, else text)")
	fs.StringVar(&cols.label, "label-col", "", "`column` with the gold label: −1/0/1 sentiment, or 0/1 if named reg_risk (default: reg_risk, else label)")
	var lf learnFlags
	lf.register(fs)
	folds := fs.Int("folds", 0, "cross-validate learned weights: learn on k−1 of `k` folds (by hash of the id) from the lexicons without the learned one, score the held-out fold")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: marktstem eval [flags] [--labels] FILE.tsv…\n\nScores labelled headlines (TSV with id, headline and label (−1/0/1) or reg_risk (0/1) columns)\nand prints accuracy, per-class precision/recall/F1, macro-F1 and the confusion matrix.\nWith --folds k it reports k-fold cross-validated figures of `marktstem lexicon learn` instead.\n\nFlags:")
		fs.PrintDefaults()
	}
	files, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if *labels != "" {
		files = append([]string{*labels}, files...)
	}
	if len(files) == 0 {
		return fmt.Errorf("%w: name a labelled TSV file", errUsage)
	}
	if *folds == 1 || *folds < 0 {
		return fmt.Errorf("%w: --folds %d: want 0 (no cross-validation) or at least 2", errUsage, *folds)
	}
	e, err := f.setup(io.Discard)
	if err != nil {
		return err
	}
	var pw *bufio.Writer
	// finish flushes and closes the predictions file: a write error must
	// fail the command, not leave a short file behind.
	finish := func(err error) error { return err }
	if *preds != "" {
		pf, err := os.Create(*preds)
		if err != nil {
			return err
		}
		defer pf.Close()
		pw = bufio.NewWriter(pf)
		finish = func(err error) error {
			if err != nil {
				return err
			}
			if err := pw.Flush(); err != nil {
				return fmt.Errorf("predictions: %w", err)
			}
			if err := pf.Close(); err != nil {
				return fmt.Errorf("predictions: %w", err)
			}
			return nil
		}
		header := "file\tid\ttask\tgold\tpredicted\tsentiment\tregulatory_risk"
		if *folds > 0 {
			header += "\tfold\tpredicted_lexicons_only" // held out: learned on the other folds
		}
		fmt.Fprintln(pw, header)
	}
	if *folds > 0 {
		cfg, err := lf.config()
		if err != nil {
			return err
		}
		return finish(crossValidate(ctx, stdout, pw, e, files, cols, *folds, cfg))
	}
	an := pipeline.NewAnalyzer(e.lex, e.reg)
	var buf pipeline.Buffer
	for _, path := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows, task, err := readLabelled(path, cols)
		if err != nil {
			return err
		}
		if task == "sentiment" {
			warnInSample(stdout, e.lex, path)
		}
		classes := []int{-1, 0, 1}
		if task == "regulatory" {
			classes = []int{0, 1}
		}
		conf := map[[2]int]int{}
		var pos, neg []float64 // risk scores by gold label, for the AUC
		for _, row := range rows {
			a := &ingest.Article{ID: row.id, Title: row.text}
			x := an.Analyze(a, &buf)
			var pred int
			if task == "regulatory" {
				if x.Score.Risk >= *riskThreshold {
					pred = 1
				}
				if row.gold == 1 {
					pos = append(pos, x.Score.Risk)
				} else {
					neg = append(neg, x.Score.Risk)
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
		if task == "regulatory" && len(pos) > 0 && len(neg) > 0 {
			fmt.Fprintf(stdout, "ROC AUC   %.3f (threshold-free; flag threshold %.2f)\n\n", auc(pos, neg), *riskThreshold)
		}
	}
	return finish(nil)
}

// auc is the probability that a random positive scores above a random
// negative (ties count half): the Mann–Whitney form of the ROC AUC.
func auc(pos, neg []float64) float64 {
	var wins float64
	for _, p := range pos {
		for _, n := range neg {
			switch {
			case p > n:
				wins++
			case p == n:
				wins += 0.5
			}
		}
	}
	return wins / float64(len(pos)*len(neg))
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

// warnInSample notes when the learned lexicon was learned from the file
// being evaluated: its figures are then in-sample, not a measure of quality.
func warnInSample(w io.Writer, set *lexicons.Set, path string) {
	for _, f := range set.Files {
		if f.Meta["name"] == lexicons.LearnedName && strings.Contains(f.Meta["source"], "from "+filepath.Base(path)+" ") {
			fmt.Fprintf(w, "note: the learned lexicon (%s) was learned from %s: these figures are in-sample; use --folds 5\n", f.Version(), filepath.Base(path))
		}
	}
}

// examples reads labelled sentiment texts for learning.
func examples(path string, cols columns) ([]training.Example, error) {
	rows, task, err := readLabelled(path, cols)
	if err != nil {
		return nil, err
	}
	if task != "sentiment" {
		return nil, fmt.Errorf("%w: %s: learning needs sentiment labels (-1/0/1), not %s", errUsage, path, task)
	}
	out := make([]training.Example, len(rows))
	for i, r := range rows {
		out[i] = training.Example{ID: r.id, Text: r.text, Label: r.gold}
	}
	return out, nil
}

// analyzerScorer scores texts the way eval does: as a headline, with
// company names masked.
func analyzerScorer(reg *entities.Registry) func(*lexicons.Set) training.ScoreFunc {
	return func(set *lexicons.Set) training.ScoreFunc {
		an := pipeline.NewAnalyzer(set, reg)
		return func(text string) training.Scored {
			// A Buffer per text: training keeps every text's hits.
			var buf pipeline.Buffer
			x := an.Analyze(&ingest.Article{Title: text}, &buf)
			toks := x.Tokens.Tokens
			mask := make([]bool, len(toks))
			for _, m := range x.Mentions {
				for i := m.First; i < m.First+m.N && i < len(mask); i++ {
					mask[i] = true
				}
			}
			return training.Scored{Result: x.Score, Tokens: toks, Masked: mask}
		}
	}
}

// crossValidate prints k-fold figures before and after learning for each file.
func crossValidate(ctx context.Context, w io.Writer, pw *bufio.Writer, e *env, files []string, cols columns, k int, cfg training.Config) error {
	base := e.lex.WithoutLearned()
	for _, path := range files {
		ex, err := examples(path, cols)
		if err != nil {
			return err
		}
		cfg.Scorer = analyzerScorer(e.reg)
		res, err := training.CrossValidate(ctx, base, ex, k, cfg)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s (sentiment, %d headlines, %d-fold cross-validation by hash of id; learned inside each fold from the lexicons without the learned one)\n", path, len(ex), k)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "fold\ttrain\ttest\tλ\tterms\tthresholds\toffset\tacc before\tmacro-F1 before\tacc after\tmacro-F1 after\t")
		var accB, f1B, accA, f1A []float64
		var total training.Confusion
		for _, r := range res {
			if pw != nil {
				for _, p := range r.Predictions {
					fmt.Fprintf(pw, "%s\t%s\tsentiment\t%d\t%d\t%.6f\t%.6f\t%d\t%d\n", path, p.ID, p.Gold, p.After, p.Sentiment, p.Risk, r.Fold, p.Before)
				}
			}
			fmt.Fprintf(tw, "%d\t%d\t%d\t%g\t%d\t%+.3f %+.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t\n", r.Fold, r.Train, r.Test, r.Lambda, r.Terms,
				r.Calibration.Negative, r.Calibration.Positive, r.Calibration.Offset, r.Before.Accuracy(), r.Before.MacroF1(), r.After.Accuracy(), r.After.MacroF1())
			accB, f1B = append(accB, r.Before.Accuracy()), append(f1B, r.Before.MacroF1())
			accA, f1A = append(accA, r.After.Accuracy()), append(f1A, r.After.MacroF1())
			for g := range r.After {
				for p := range r.After[g] {
					total[g][p] += r.After[g][p]
				}
			}
		}
		tw.Flush()
		ms := func(v []float64) string {
			m, sd := stat.MeanStdDev(v, nil)
			return fmt.Sprintf("%.3f ± %.3f", m, sd)
		}
		fmt.Fprintf(w, "lexicons only   accuracy %s  macro-F1 %s\n", ms(accB), ms(f1B))
		fmt.Fprintf(w, "with learning   accuracy %s  macro-F1 %s  (mean ± sd over %d folds)\n", ms(accA), ms(f1A), k)
		conf := map[[2]int]int{}
		for g := -1; g <= 1; g++ {
			for p := -1; p <= 1; p++ {
				conf[[2]int{g, p}] = total[g+1][p+1]
			}
		}
		printEval(w, path+" — held-out predictions of all folds, with learning", "sentiment", total.N(), []int{-1, 0, 1}, conf)
	}
	return nil
}
