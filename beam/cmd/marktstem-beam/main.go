// Command marktstem-beam scores news archives on Apache Beam: the same
// scoring, attribution and company-day panel as `marktstem score`, run by
// any Beam runner — Prism in process (the default), Flink or Spark through
// their job servers, or Google Cloud Dataflow.
//
//	marktstem-beam --input 'archive/2024-*/*.jsonl.gz' --out out/
//
// It writes the hive-partitioned layout of `marktstem score --partition
// date`: out/<table>/date=YYYY-MM-DD/part-0.<ext>, and out/rejects.jsonl.
// Beam's own flags (--runner, --endpoint, --environment_type, --project,
// --worker_binary, …) are listed by --help.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	"github.com/marktstem/marktstem/beam/job"
	"github.com/marktstem/marktstem/pipeline/aggregate"
	"github.com/marktstem/marktstem/pipeline/arrowout"
)

// flags are marktstem's own flags. Their names follow `marktstem score`
// where they mean the same; Beam registers its flags (--runner, …) on the
// same command line, which is why these go on flag.CommandLine too.
type flags struct {
	inputs, out, companies, format, smoothing, runTime string
	window, zmin, maxBytes                             int
}

func (f *flags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.inputs, "input", "", "comma-separated file `globs` in any Beam filesystem (local, gs://…); .txt, .jsonl, .ndjson, optionally .gz")
	fs.StringVar(&f.out, "out", "out", "output `directory`, local or gs://…")
	fs.StringVar(&f.companies, "companies", "", "company registry `CSV` read at launch (default: the embedded seeds/companies.csv)")
	fs.StringVar(&f.format, "format", "arrow", "output file `format`: arrow (Arrow IPC) or parquet (zstd)")
	fs.StringVar(&f.smoothing, "smoothing", "exp:7", "time weights of company_daily's smoothed indices: equal, linear, exp:HALF_LIFE (days) or almon:b[,B]")
	fs.IntVar(&f.window, "smoothing-window", aggregate.DefaultWindow, "calendar `days` the smoothed indices look back, today included")
	fs.IntVar(&f.zmin, "zscore-min", aggregate.DefaultZMin, "companies with news on a day needed for company_daily's cross-sectional z-scores")
	fs.IntVar(&f.maxBytes, "max-article-bytes", 0, "reject articles larger than this many `bytes` (0: 16 MiB; at most 2 GiB − 1)")
	fs.StringVar(&f.runTime, "run-time", "", "run time recorded in output metadata (RFC 3339; default: $SOURCE_DATE_EPOCH or now)")
}

func main() {
	var f flags
	f.register(flag.CommandLine)
	flag.Parse()
	// On a worker, Init runs the SDK harness and never returns; only the
	// launching process goes on to build the pipeline.
	beam.Init()
	if err := run(context.Background(), &f); err != nil {
		fmt.Fprintln(os.Stderr, "marktstem-beam:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, f *flags) error {
	opts, err := f.options(ctx)
	if err != nil {
		return err
	}
	p, s := beam.NewPipelineWithRoot()
	if _, err := job.Build(s, opts); err != nil {
		return err
	}
	begin := time.Now()
	if err := beamx.Run(ctx, p); err != nil {
		return fmt.Errorf("run pipeline: %w", err)
	}
	slog.Info("pipeline finished", "out", opts.Out, "duration", time.Since(begin).Round(time.Millisecond))
	return nil
}

// options turns the flags into job options, reading the registry here so
// that workers receive its bytes rather than a path they may not see.
func (f *flags) options(ctx context.Context) (job.Options, error) {
	var o job.Options
	for _, g := range strings.Split(f.inputs, ",") {
		if g = strings.TrimSpace(g); g != "" {
			o.Inputs = append(o.Inputs, g)
		}
	}
	if len(o.Inputs) == 0 {
		return o, errors.New("--input: want at least one glob")
	}
	o.Out = f.out
	var err error
	if o.Format, err = arrowout.ParseFileFormat(f.format); err != nil {
		return o, fmt.Errorf("--format: %w", err)
	}
	sm, err := aggregate.ParseSmoothing(f.smoothing, f.window)
	if err != nil {
		return o, fmt.Errorf("--smoothing: %w", err)
	}
	if f.zmin < 2 {
		return o, fmt.Errorf("--zscore-min %d: want at least 2", f.zmin)
	}
	o.Panel = aggregate.Options{Smoothing: sm, ZMin: f.zmin}
	o.MaxBytes = f.maxBytes
	if f.companies != "" {
		if o.Registry, err = readAll(ctx, f.companies); err != nil {
			return o, fmt.Errorf("--companies: %w", err)
		}
		o.RegistryName = f.companies
	}
	if o.RunTime, err = recordedTime(f.runTime); err != nil {
		return o, err
	}
	o.Version = "dev"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		o.Version = bi.Main.Version
	}
	return o, nil
}

// readAll reads a whole file from any Beam filesystem.
func readAll(ctx context.Context, path string) ([]byte, error) {
	fsys, err := filesystem.New(ctx, path)
	if err != nil {
		return nil, err
	}
	defer fsys.Close()
	return filesystem.Read(ctx, fsys, path)
}

// recordedTime is the run time for the metadata: the flag, else
// SOURCE_DATE_EPOCH (reproducible builds' convention), else now.
func recordedTime(flagVal string) (time.Time, error) {
	if flagVal != "" {
		t, err := time.Parse(time.RFC3339, flagVal)
		if err != nil {
			return time.Time{}, fmt.Errorf("--run-time: %w", err)
		}
		return t, nil
	}
	if v := os.Getenv("SOURCE_DATE_EPOCH"); v != "" {
		sec, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q: %w", v, err)
		}
		return time.Unix(sec, 0).UTC(), nil
	}
	return time.Now().UTC(), nil
}
