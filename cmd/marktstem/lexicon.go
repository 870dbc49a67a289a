package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/marktstem/marktstem/training"
)

// cmdLexicon dispatches the lexicon subcommands.
func cmdLexicon(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "learn" {
		fmt.Fprintln(stderr, "Usage: marktstem lexicon learn [flags] FILE.tsv")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return flag.ErrHelp
		}
		return fmt.Errorf("%w: want the subcommand learn", errUsage)
	}
	return cmdLexiconLearn(ctx, args[1:], stdout, stderr)
}

func cmdLexiconLearn(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("lexicon learn", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f scoreFlags
	f.registerModel(fs)
	var cols columns
	fs.StringVar(&cols.id, "id-col", "", "`column` with the text id (default: id)")
	fs.StringVar(&cols.text, "text-col", "", "`column` with the text (default: headline, else text)")
	fs.StringVar(&cols.label, "label-col", "", "`column` with the gold label −1/0/1 (default: label)")
	outPath := fs.String("o", "sentiment_learned.tsv", "write the learned lexicon to this `file` (- for stdout); put it in a --lexicon-dir to use it")
	var lf learnFlags
	lf.register(fs)
	dataset := fs.String("dataset", "", "dataset name recorded in the header (default: FILE's base name)")
	version := fs.String("version", "", "lexicon version recorded in the header (default: today, YYYY.MM.DD)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: marktstem lexicon learn [flags] FILE.tsv\n\nLearns sentiment term weights from labelled texts (TSV: id, text, label −1/0/1) on top of the\nlexicons (without any learned one) and writes them as a lexicon file that overrides them:\nscores stay sums of explainable terms. Check the gain first with marktstem eval --folds 5.\n\nFlags:")
		fs.PrintDefaults()
	}
	files, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return fmt.Errorf("%w: name one labelled TSV file", errUsage)
	}
	cfg, err := lf.config()
	if err != nil {
		return err
	}
	e, err := f.setup(io.Discard)
	if err != nil {
		return err
	}
	cfg.Scorer = analyzerScorer(e.reg)
	ex, err := examples(files[0], cols)
	if err != nil {
		return err
	}
	if *dataset == "" {
		*dataset = filepath.Base(files[0])
	}
	if *version == "" {
		*version = time.Now().UTC().Format("2006.01.02")
	}
	l, err := training.Learn(ctx, e.lex.WithoutLearned(), ex, cfg)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := l.Write(&buf, *dataset, *version); err != nil {
		return err
	}
	newTerms := 0
	for _, t := range l.Terms {
		if t.New {
			newTerms++
		}
	}
	fmt.Fprintf(stderr, "learned %d terms (%d new, %d lexicon weights corrected) from %d texts, λ %g, thresholds %+.3f/%+.3f, direction %.3f, offset %.3f per hit, training accuracy %.3f (in-sample)\n",
		len(l.Terms), newTerms, len(l.Terms)-newTerms, l.Examples, l.Lambda, l.Calibration.Negative, l.Calibration.Positive, l.Calibration.Direction, l.Calibration.Offset, l.TrainAccuracy)
	if *outPath == "-" {
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	if err := writeFileAtomic(*outPath, buf.Bytes()); err != nil {
		return fmt.Errorf("write %s: %w", *outPath, err)
	}
	fmt.Fprintf(stdout, "wrote %s\n", *outPath)
	return nil
}

// learnFlags are the learning settings shared by lexicon learn and eval --folds.
type learnFlags struct {
	minSupport, phraseSupport, phrases int
	lambdas                            string
	balanced, heldOut                  bool
}

func (lf *learnFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&lf.minSupport, "min-support", 3, "texts a new word must occur in to be learned")
	fs.IntVar(&lf.phrases, "phrases", 1, "also learn phrases of 2…`n` adjacent words within a clause (1: words only; phrases did not gain in cross-validation)")
	fs.IntVar(&lf.phraseSupport, "phrase-support", 25, "texts a phrase must occur in to be learned (rarer phrases overfit: 3 and 10 lost accuracy in cross-validation)")
	fs.StringVar(&lf.lambdas, "lambda", "1,3,10,30", "comma-separated penalties towards the lexicon weights; with several, chosen by 3-fold cross-validation on the training texts")
	fs.BoolVar(&lf.balanced, "balanced", false, "weigh texts by the inverse frequency of their label in the loss")
	fs.BoolVar(&lf.heldOut, "heldout-thresholds", true, "place the label thresholds on the inner folds' held-out sums instead of the training sums (needs several --lambda)")
}

func (lf *learnFlags) config() (training.Config, error) {
	if lf.minSupport < 1 || lf.phraseSupport < 1 || lf.phrases < 1 {
		return training.Config{}, fmt.Errorf("%w: --min-support, --phrase-support and --phrases want at least 1", errUsage)
	}
	cfg := training.Config{MinSupport: lf.minSupport, PhraseSupport: lf.phraseSupport, Phrases: lf.phrases, Balanced: lf.balanced, HeldOutThresholds: lf.heldOut}
	for _, s := range strings.Split(lf.lambdas, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || v <= 0 {
			return training.Config{}, fmt.Errorf("%w: --lambda %q: want positive numbers", errUsage, lf.lambdas)
		}
		cfg.Lambdas = append(cfg.Lambdas, v)
	}
	return cfg, nil
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory, so a reader never sees half a lexicon.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
