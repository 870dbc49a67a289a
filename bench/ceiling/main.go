// Command ceiling measures what an unconstrained bag-of-words model
// reaches on a labelled sentiment TSV, with the same folds as
// `marktstem eval --folds`. It is the yardstick for the lexicon model:
// a multinomial logistic regression (L2, fitted by L-BFGS from gonum)
// over every word and word pair seen at least twice in the training
// folds, with no lexicon and no explanation to keep. If the lexicon
// model comes close to this figure, more terms will not buy accuracy.
//
//	go run ./bench/ceiling ../shared/eval/sentiment_train_nl.tsv
package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/optimize"
	"gonum.org/v1/gonum/stat"

	"github.com/marktstem/marktstem/lexicons"
	"github.com/marktstem/marktstem/pipeline/tokenize"
	"github.com/marktstem/marktstem/training"
)

type row struct {
	id    string
	label int // 0, 1, 2 for −1, 0, 1
	feats []string
}

func main() {
	folds := flag.Int("folds", 5, "cross-validation folds")
	textCol := flag.String("text-col", "headline", "text column")
	cs := flag.String("c", "0.3,1,3", "inverse L2 strengths to try, comma-separated")
	flag.Parse()
	if flag.NArg() != 1 {
		log.Fatal("usage: ceiling [flags] labelled.tsv")
	}
	rows, err := read(flag.Arg(0), *textCol)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d texts, %d folds, word unigrams+bigrams (min df 2 in the training folds)\n", len(rows), *folds)
	for _, s := range strings.Split(*cs, ",") {
		c, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || c <= 0 {
			log.Fatalf("-c: bad value %q", s)
		}
		var accs, f1s, dims []float64
		for k := 0; k < *folds; k++ {
			var train, test []row
			for _, r := range rows {
				if training.Fold(r.id, *folds) == k {
					test = append(test, r)
				} else {
					train = append(train, r)
				}
			}
			acc, f1, d, err := fold(context.Background(), train, test, c)
			if err != nil {
				log.Fatal(err)
			}
			accs, f1s, dims = append(accs, acc), append(f1s, f1), append(dims, float64(d))
		}
		fmt.Printf("C=%-5g accuracy %.3f ± %.3f  macro-F1 %.3f  (%.0f features per fold)\n",
			c, stat.Mean(accs, nil), stat.StdDev(accs, nil), stat.Mean(f1s, nil), stat.Mean(dims, nil))
	}
}

// read loads id, label and text and turns each text into its features:
// the normalised words and numbers of our tokeniser and their pairs.
func read(path, textCol string) ([]row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma, r.LazyQuotes, r.FieldsPerRecord = '\t', true, -1
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, name := range []string{"id", "label", textCol} {
		if _, ok := col[name]; !ok {
			return nil, fmt.Errorf("%s: no column %q", path, name)
		}
	}
	lex, err := lexicons.Default()
	if err != nil {
		return nil, err
	}
	tk := tokenize.New(lex.Abbreviations)
	var res tokenize.Result
	var out []row
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		l, err := strconv.Atoi(rec[col["label"]])
		if err != nil || l < -1 || l > 1 {
			return nil, fmt.Errorf("%s: label %q", path, rec[col["label"]])
		}
		tk.Tokenize(rec[col[textCol]], &res)
		var words, feats []string
		for _, t := range res.Tokens {
			if t.Kind == tokenize.Word || t.Kind == tokenize.Number {
				words = append(words, t.Norm)
			}
		}
		feats = append(feats, words...)
		for i := 1; i < len(words); i++ {
			feats = append(feats, words[i-1]+" "+words[i])
		}
		out = append(out, row{id: rec[col["id"]], label: l + 1, feats: feats})
	}
}

// fold fits on train and returns accuracy and macro-F1 on test, and the
// number of features.
func fold(ctx context.Context, train, test []row, c float64) (acc, f1 float64, features int, err error) {
	df := map[string]int{}
	for _, r := range train {
		seen := map[string]bool{}
		for _, f := range r.feats {
			if !seen[f] {
				seen[f] = true
				df[f]++
			}
		}
	}
	index := map[string]int{}
	for f, n := range df {
		if n >= 2 {
			index[f] = len(index)
		}
	}
	encode := func(rows []row) [][]int {
		x := make([][]int, len(rows))
		for i, r := range rows {
			seen := map[int]bool{}
			for _, f := range r.feats {
				if j, ok := index[f]; ok && !seen[j] {
					seen[j] = true
					x[i] = append(x[i], j)
				}
			}
		}
		return x
	}
	xTrain, xTest := encode(train), encode(test)
	d := len(index)
	// Parameters: 3 weights per feature, then 3 biases.
	logits := func(w []float64, x []int, z *[3]float64) {
		copy(z[:], w[3*d:])
		for _, j := range x {
			for k := 0; k < 3; k++ {
				z[k] += w[3*j+k]
			}
		}
	}
	p := optimize.Problem{
		Func: func(w []float64) float64 {
			g := make([]float64, len(w))
			return objective(w, g, xTrain, train, d, c, logits)
		},
		Grad: func(g, w []float64) {
			objective(w, g, xTrain, train, d, c, logits)
		},
	}
	res, err := optimize.Minimize(p, make([]float64, 3*d+3), &optimize.Settings{MajorIterations: 300}, &optimize.LBFGS{})
	if err != nil && res == nil {
		return 0, 0, 0, fmt.Errorf("fit: %w", err)
	}
	var conf training.Confusion
	for i, x := range xTest {
		var z [3]float64
		logits(res.X, x, &z)
		best := 0
		for k := 1; k < 3; k++ {
			if z[k] > z[best] {
				best = k
			}
		}
		conf.Add(test[i].label-1, best-1)
	}
	return conf.Accuracy(), conf.MacroF1(), d, ctx.Err()
}

// objective is the penalised negative log-likelihood; it fills g with
// its gradient.
func objective(w, g []float64, x [][]int, rows []row, d int, c float64, logits func([]float64, []int, *[3]float64)) float64 {
	for i := range g {
		g[i] = 0
	}
	loss := 0.0
	for i, xi := range x {
		var z [3]float64
		logits(w, xi, &z)
		m := math.Max(z[0], math.Max(z[1], z[2]))
		sum := 0.0
		for k := range z {
			z[k] = math.Exp(z[k] - m)
			sum += z[k]
		}
		y := rows[i].label
		loss -= math.Log(z[y] / sum)
		for k := 0; k < 3; k++ {
			r := z[k] / sum
			if k == y {
				r--
			}
			g[3*d+k] += r
			for _, j := range xi {
				g[3*j+k] += r
			}
		}
	}
	for i := 0; i < 3*d; i++ {
		loss += w[i] * w[i] / (2 * c)
		g[i] += w[i] / c
	}
	return loss
}
