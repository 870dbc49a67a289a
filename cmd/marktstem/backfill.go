package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/marktstem/marktstem/metrics"
	"github.com/marktstem/marktstem/pipeline"
	"github.com/marktstem/marktstem/pipeline/ingest"
)

// cmdBackfill scores a date range one day at a time, in order, into a
// date-partitioned output: each day is a nightly run (score --date) whose
// buzz and indices look back on the days before it, so a backfilled
// history equals one run over the whole range and later nightly runs
// continue it.
//
// The inputs are read once per day: simple and bounded in memory, at the
// cost of reading a month's input thirty times; split archives by date
// (one file or directory per day) to avoid it.
func cmdBackfill(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("backfill", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f scoreFlags
	f.register(fs)
	from := fs.String("from", "", "first `date` (YYYY-MM-DD)")
	to := fs.String("to", "", "last `date` (YYYY-MM-DD), included")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: marktstem backfill --from YYYY-MM-DD --to YYYY-MM-DD [flags] INPUT…\n\nScores each day of the range in order as a nightly run (score --date) into --out, partitioned by date.\nA progress bar is shown when stderr is a terminal; logs are structured (--log-format json).\n\nFlags:")
		fs.PrintDefaults()
	}
	inputs, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	start, err := time.Parse(time.DateOnly, *from)
	if err != nil {
		return fmt.Errorf("%w: --from %q: want YYYY-MM-DD", errUsage, *from)
	}
	end, err := time.Parse(time.DateOnly, *to)
	if err != nil || end.Before(start) {
		return fmt.Errorf("%w: --to %q: want a YYYY-MM-DD not before --from", errUsage, *to)
	}
	if f.date != "" {
		return fmt.Errorf("%w: backfill sets --date itself", errUsage)
	}
	for _, in := range inputs {
		if in == "-" {
			return fmt.Errorf("%w: stdin cannot be read once per day", errUsage)
		}
	}
	f.date = *from // validated per day below; makes setup choose the partitioned layout
	e, err := f.setup(stderr)
	if err != nil {
		return err
	}
	days := int(end.Sub(start).Hours()/24) + 1
	var bar *progressbar.ProgressBar
	if fd, ok := stderr.(*os.File); ok && term.IsTerminal(int(fd.Fd())) {
		bar = progressbar.NewOptions(days, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("backfill"),
			progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish())
	}
	total := pipeline.Summary{RejectsByReason: map[string]int{}}
	scoredOrRejected := 0 // articles of the range: outside_date rejects are other days' articles
	for d := 0; d < days; d++ {
		day := start.AddDate(0, 0, d)
		e.date = day
		cfg := f.config(e, inputs, stdin)
		cfg.Until = end // the days up to --to are rescored in order
		sum, err := pipeline.Run(ctx, cfg)
		if err != nil {
			return fmt.Errorf("backfill %s: %w", day.Format(time.DateOnly), err)
		}
		e.log.Info("day scored", "date", day.Format(time.DateOnly), "scored", sum.Scored, "company_days", sum.Days,
			"rejected_other_reasons", sum.Rejected-sum.RejectsByReason["outside_date"])
		total.Scored += sum.Scored
		total.Days += sum.Days
		scoredOrRejected += sum.Read - sum.RejectsByReason[string(ingest.ReasonOutsideDate)]
		for r, n := range sum.RejectsByReason {
			if r != "outside_date" {
				total.RejectsByReason[r] += n
				total.Rejected += n
			}
		}
		if bar != nil {
			bar.Add(1)
		}
	}
	if f.metricsTextfile != "" {
		if err := metrics.WriteTextfile(f.metricsTextfile, e.registry); err != nil {
			return err
		}
	}
	if f.pushgateway != "" {
		if err := metrics.Push(ctx, f.pushgateway, f.pushJob, f.pushInstance, e.registry); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "backfill %s … %s: %d days, %d articles scored, %d company-days, %d rejected %v → %s/\n",
		start.Format(time.DateOnly), end.Format(time.DateOnly), days, total.Scored, total.Days, total.Rejected, total.RejectsByReason, f.out)
	return f.checkRejects(scoredOrRejected, total.Rejected, total.RejectsByReason)
}
