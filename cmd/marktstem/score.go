package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/marktstem/marktstem/lexicons"
	"github.com/marktstem/marktstem/metrics"
	"github.com/marktstem/marktstem/pipeline"
	"github.com/marktstem/marktstem/pipeline/aggregate"
	"github.com/marktstem/marktstem/pipeline/arrowout"
	"github.com/marktstem/marktstem/pipeline/entities"
	"github.com/marktstem/marktstem/pipeline/ingest"
	"github.com/marktstem/marktstem/scoring"
	"github.com/marktstem/marktstem/seeds"
)

// scoreFlags are the flags shared by score, serve and explain.
type scoreFlags struct {
	out             string
	companies       string
	lexiconDir      string
	workers         int
	metricsTextfile string
	pushgateway     string
	pushJob         string
	pushInstance    string
	watch           string
	watchFile       string
	runTime         string
	maxRejectRate   float64
	maxBytes        int
	logFormat       string
	quiet           bool
	top             int
	format          string
	partition       string
	date            string
	history         string
	smoothing       string
	window          int
	zmin            int
}

func (f *scoreFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.out, "out", "out", "output `directory`")
	fs.StringVar(&f.companies, "companies", "", "company registry `CSV` (default: the embedded seeds/companies.csv)")
	fs.StringVar(&f.lexiconDir, "lexicon-dir", "", "`directory` whose *.tsv files replace the embedded lexicons of the same name")
	fs.IntVar(&f.workers, "workers", 0, "scoring workers (0: one per CPU); output does not depend on it")
	fs.StringVar(&f.metricsTextfile, "metrics-textfile", "", "write Prometheus metrics to this `file` at the end of the run (node_exporter textfile collector)")
	fs.StringVar(&f.pushgateway, "pushgateway", "", "push metrics to this Pushgateway `URL` at the end of the run")
	fs.StringVar(&f.pushJob, "push-job", "marktstem", "`job` label of pushed metrics")
	fs.StringVar(&f.pushInstance, "push-instance", hostname(), "`instance` label of pushed metrics")
	fs.StringVar(&f.watch, "watch", "", "comma-separated company `ids` (e.g. asml,ing) that get per-company metrics; at most 50 with --watch-file")
	fs.StringVar(&f.watchFile, "watch-file", "", "`file` of company ids to watch, one per line or comma-separated, # comments")
	fs.StringVar(&f.runTime, "run-time", "", "run time recorded in output metadata (RFC 3339; default: $SOURCE_DATE_EPOCH or now)")
	fs.Float64Var(&f.maxRejectRate, "max-reject-rate", 1, "exit with code 3 when the share of rejected articles is above this `rate` (0..1)")
	fs.IntVar(&f.maxBytes, "max-article-bytes", 0, "reject articles larger than this many `bytes` (0: 16 MiB; at most 2 GiB − 1)")
	fs.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	fs.BoolVar(&f.quiet, "quiet", false, "log errors only")
	fs.IntVar(&f.top, "top", 5, "companies to list in the summary")
	fs.StringVar(&f.format, "format", "arrow", "output file `format`: arrow (Arrow IPC) or parquet (zstd)")
	fs.StringVar(&f.partition, "partition", "", "`column` to hive-partition the tables by: date (out/<table>/date=YYYY-MM-DD/part-0.<ext>; a run replaces only the dates it saw); empty: one file per table")
	fs.StringVar(&f.smoothing, "smoothing", "exp:7", "time weights of company_daily's smoothed indices: equal, linear, exp:HALF_LIFE (days) or almon:b[,B]")
	fs.IntVar(&f.window, "smoothing-window", aggregate.DefaultWindow, "calendar `days` the smoothed indices look back, today included")
	fs.StringVar(&f.date, "date", "", "nightly run: score only articles published on this `YYYY-MM-DD` (others are rejected as outside_date), read the days before from --history and write exactly this day's partitions (implies --partition date)")
	fs.StringVar(&f.history, "history", "", "partitioned output `directory` whose earlier company_daily days a --date run looks back on (default: --out)")
	fs.IntVar(&f.zmin, "zscore-min", aggregate.DefaultZMin, "companies with news on a day needed for company_daily's cross-sectional z-scores")
}

// registerModel registers only the flags that choose the model, the
// lexicons and the company registry, for commands that write no tables
// (eval, lexicon learn): their help lists nothing they would ignore. The
// other fields keep their defaults.
func (f *scoreFlags) registerModel(fs *flag.FlagSet) {
	all := flag.NewFlagSet("", flag.ContinueOnError)
	f.register(all)
	for _, name := range []string{"companies", "lexicon-dir"} {
		fl := all.Lookup(name)
		fs.Var(fl.Value, fl.Name, fl.Usage)
	}
}

// outputs parses the flags that shape the output tables.
func (f *scoreFlags) outputs() (arrowout.Layout, aggregate.Options, error) {
	format, err := arrowout.ParseFileFormat(f.format)
	if err != nil {
		return arrowout.Layout{}, aggregate.Options{}, fmt.Errorf("%w: --format: %v", errUsage, err)
	}
	layout := arrowout.Layout{Format: format}
	if f.date != "" && f.partition == "" {
		f.partition = arrowout.PartitionKey // a nightly run replaces its own day
	}
	if f.history != "" && f.date == "" {
		return arrowout.Layout{}, aggregate.Options{}, fmt.Errorf("%w: --history needs --date", errUsage)
	}
	switch f.partition {
	case "":
	case arrowout.PartitionKey:
		layout.Partition = true
	default:
		return arrowout.Layout{}, aggregate.Options{}, fmt.Errorf("%w: --partition %q: want date or nothing", errUsage, f.partition)
	}
	sm, err := aggregate.ParseSmoothing(f.smoothing, f.window)
	if err != nil {
		return arrowout.Layout{}, aggregate.Options{}, fmt.Errorf("%w: --smoothing: %v", errUsage, err)
	}
	if f.zmin < 2 {
		return arrowout.Layout{}, aggregate.Options{}, fmt.Errorf("%w: --zscore-min %d: want at least 2", errUsage, f.zmin)
	}
	return layout, aggregate.Options{Smoothing: sm, ZMin: f.zmin}, nil
}

// env is what a run needs besides its flags.
type env struct {
	lex      *lexicons.Set
	reg      *entities.Registry
	log      *slog.Logger
	registry *prometheus.Registry
	metrics  *metrics.Metrics
	runTime  time.Time
	layout   arrowout.Layout
	panel    aggregate.Options
	date     time.Time // zero: not a nightly run
}

// setup loads lexicons and the registry (failing fast with file and line)
// and builds the logger and metrics.
func (f *scoreFlags) setup(stderr io.Writer) (*env, error) {
	log, err := newLogger(stderr, f.logFormat, f.quiet)
	if err != nil {
		return nil, err
	}
	if f.maxRejectRate < 0 || f.maxRejectRate > 1 {
		return nil, fmt.Errorf("%w: --max-reject-rate %g: want 0..1", errUsage, f.maxRejectRate)
	}
	rt, err := runTime(f.runTime)
	if err != nil {
		return nil, err
	}
	layout, panel, err := f.outputs()
	if err != nil {
		return nil, err
	}
	var date time.Time
	if f.date != "" {
		if date, err = time.Parse(time.DateOnly, f.date); err != nil {
			return nil, fmt.Errorf("%w: --date %q: want YYYY-MM-DD", errUsage, f.date)
		}
	}
	lex, err := lexicons.LoadDir(f.lexiconDir)
	if err != nil {
		return nil, fmt.Errorf("load lexicons: %w", err)
	}
	reg, err := loadRegistry(f.companies)
	if err != nil {
		return nil, err
	}
	promReg := prometheus.NewRegistry()
	promReg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := metrics.New(promReg)
	reasons := make([]string, 0, len(ingest.Reasons()))
	for _, r := range ingest.Reasons() {
		reasons = append(reasons, string(r))
	}
	m.Init(version, reasons, lexiconLabels(lex))
	watch, err := f.watchList(reg)
	if err != nil {
		return nil, err
	}
	if err := m.Watch(watch); err != nil {
		return nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	return &env{lex: lex, reg: reg, log: log, registry: promReg, metrics: m, runTime: rt, layout: layout, panel: panel, date: date}, nil
}

// lexiconLabels lists the (lexicon, category) pairs the loaded lexicons can
// produce as hits: exactly the label values of marktstem_lexicon_hits_total.
func lexiconLabels(lex *lexicons.Set) []metrics.LexiconLabel {
	var out []metrics.LexiconLabel
	for _, l := range scoring.LabelsOf(lex) {
		out = append(out, metrics.LexiconLabel{Lexicon: l.Lexicon, Category: l.Category})
	}
	return out
}

// watchList reads --watch and --watch-file and checks every id against the
// registry. A brand or subsidiary is refused with its parent's id: scores
// roll up to the parent, so the brand's series would stay empty.
func (f *scoreFlags) watchList(reg *entities.Registry) ([]string, error) {
	text := f.watch
	if f.watchFile != "" {
		data, err := os.ReadFile(f.watchFile)
		if err != nil {
			return nil, fmt.Errorf("%w: --watch-file: %v", errUsage, err)
		}
		text += "\n" + string(data)
	}
	ids := metrics.ParseWatchList(text)
	for _, id := range ids {
		i, ok := reg.Lookup(id)
		if !ok {
			return nil, fmt.Errorf("%w: --watch: unknown company id %q (see the registry's id column)", errUsage, id)
		}
		if root := reg.Root(i); root != i {
			return nil, fmt.Errorf("%w: --watch: %q rolls up to %q; watch %q", errUsage, id, reg.Company(root).ID, reg.Company(root).ID)
		}
	}
	return ids, nil
}

// runTime resolves the time recorded in output metadata. SOURCE_DATE_EPOCH
// (the reproducible-builds convention) makes repeated runs byte-identical.
func runTime(flagValue string) (time.Time, error) {
	if flagValue != "" {
		t, err := time.Parse(time.RFC3339, flagValue)
		if err != nil {
			return time.Time{}, fmt.Errorf("%w: --run-time: %v", errUsage, err)
		}
		return t.UTC(), nil
	}
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("%w: SOURCE_DATE_EPOCH %q: want Unix seconds", errUsage, s)
		}
		return time.Unix(sec, 0).UTC(), nil
	}
	return time.Now().UTC().Truncate(time.Second), nil
}

// hostname is the default instance label for pushed metrics.
func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return "unknown"
	}
	return h
}

func loadRegistry(path string) (*entities.Registry, error) {
	if path == "" {
		reg, err := entities.Default()
		if err != nil {
			return nil, fmt.Errorf("load registry: %w", err)
		}
		return reg, nil
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load registry: %w", err)
	}
	defer fh.Close()
	reg, err := entities.ParseRegistry(path, fh)
	if err != nil {
		return nil, fmt.Errorf("load registry: %w", err)
	}
	return reg, nil
}

func (f *scoreFlags) config(e *env, inputs []string, stdin io.Reader) pipeline.Config {
	return pipeline.Config{
		Inputs: inputs, Stdin: stdin,
		Default: seeds.FS(), DefaultRoot: seeds.ArticlesDir, DefaultLabel: "seeds",
		OutDir: f.out, Workers: f.workers, Lexicons: e.lex, Registry: e.reg,
		Metrics: e.metrics, Logger: e.log, RunTime: e.runTime, Version: version, MaxBytes: f.maxBytes,
		Layout: e.layout, Panel: e.panel, Date: e.date, History: f.history,
	}
}

func cmdScore(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f scoreFlags
	f.register(fs)
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile (pprof) of the run to `file`")
	memProfile := fs.String("memprofile", "", "write a heap profile (pprof) taken at the run's largest live heap to `file`")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: marktstem score [flags] [INPUT…]\n\nScores articles into --out. With no INPUT, scores the embedded sample corpus (seeds/).\n\nFlags:")
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
	if *cpuProfile != "" {
		pf, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	if *memProfile != "" {
		stop := watchHeap(*memProfile, time.Second)
		defer func() {
			if err := stop(); err != nil {
				fmt.Fprintln(stderr, "marktstem: heap profile:", err)
			}
		}()
	}
	sum, runErr := pipeline.Run(ctx, f.config(e, inputs, stdin))
	// The textfile is written even for a failed run, so the last-success
	// timestamp going stale is visible to alerts.
	if f.metricsTextfile != "" {
		if err := metrics.WriteTextfile(f.metricsTextfile, e.registry); err != nil {
			if runErr == nil {
				runErr = err
			}
		}
	}
	if f.pushgateway != "" {
		if err := metrics.Push(ctx, f.pushgateway, f.pushJob, f.pushInstance, e.registry); err != nil {
			e.log.Error("push metrics", "err", err)
			if runErr == nil {
				runErr = err
			}
		}
	}
	if runErr != nil {
		return runErr
	}
	printSummary(stdout, sum, inputs, f.out, f.top)
	return f.checkRejects(sum.Read, sum.Rejected, sum.RejectsByReason)
}

// checkRejects applies --max-reject-rate. Articles of other days in a
// --date run are not bad input and do not count.
func (f *scoreFlags) checkRejects(read, rejected int, byReason map[string]int) error {
	other := byReason[string(ingest.ReasonOutsideDate)]
	read, rejected = read-other, rejected-other
	if read > 0 && float64(rejected)/float64(read) > f.maxRejectRate {
		return fmt.Errorf("%w: %d of %d articles rejected (max rate %g); see %s",
			errTooManyRejects, rejected, read, f.maxRejectRate, filepath.Join(f.out, pipeline.RejectsFile))
	}
	return nil
}

// printSummary prints the run's counts and the companies with the highest
// regulatory risk.
func printSummary(w io.Writer, s *pipeline.Summary, inputs []string, out string, top int) {
	src := "seeds/articles (embedded)"
	if len(inputs) > 0 {
		src = fmt.Sprint(inputs)
	}
	fmt.Fprintf(w, "marktstem %s: %s → %s/ in %.2fs\n", version, src, out, s.Duration.Seconds())
	fmt.Fprintf(w, "articles   %d read = %d scored + %d rejected", s.Read, s.Scored, s.Rejected)
	if s.Rejected > 0 {
		reasons := make([]string, 0, len(s.RejectsByReason))
		for r, n := range s.RejectsByReason {
			reasons = append(reasons, fmt.Sprintf("%s %d", r, n))
		}
		sort.Strings(reasons)
		fmt.Fprintf(w, " (%s; see %s)", strings.Join(reasons, ", "), filepath.Join(out, pipeline.RejectsFile))
	}
	if s.Duplicates > 0 {
		fmt.Fprintf(w, "; %d near-duplicates (written, left out of company_daily)", s.Duplicates)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "companies  %d mentioned (%d mentions), %d company-days\n", len(s.Companies), s.Mentions, s.Days)
	fmt.Fprintf(w, "input      %.1f KB, %d tokens", float64(s.Bytes)/1024, s.Tokens)
	if s.SkippedFiles > 0 {
		fmt.Fprintf(w, "; %d non-article files skipped (not .txt/.jsonl/.ndjson[.gz])", s.SkippedFiles)
	}
	fmt.Fprint(w, "\n")
	if s.Manifest != "" {
		fmt.Fprintf(w, "manifest   %s (inputs and outputs with sha256, counts, lexicons)\n", s.Manifest)
	}
	fmt.Fprintln(w)
	n := min(top, len(s.Companies))
	if n == 0 {
		return
	}
	fmt.Fprintf(w, "Top %d companies by regulatory risk (relevance-weighted mean over the articles that mention them):\n", n)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "company\tarticles\tmentions\tsentiment\trisk mean\trisk max\t")
	for _, c := range s.Companies[:n] {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%+.3f\t%.3f\t%.3f\t\n", c.Name, c.Articles, c.Mentions, c.SentimentMean, c.RiskMean, c.RiskMax)
	}
	tw.Flush()
}

// watchHeap checks the live heap every interval and, each time it is the
// largest yet, writes a heap profile to path: the profile shows what
// occupied memory at the peak, not what is left at the end. stop ends the
// watch and returns the first error.
func watchHeap(path string, interval time.Duration) (stop func() error) {
	done := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		var peak uint64
		var ms runtime.MemStats
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				errc <- nil
				return
			case <-t.C:
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc <= peak {
				continue
			}
			peak = ms.HeapAlloc
			if err := writeHeapProfile(path); err != nil {
				errc <- err
				return
			}
		}
	}()
	return func() error {
		close(done)
		return <-errc
	}
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
