package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/marktstem/marktstem/pipeline/aggregate"
	"github.com/marktstem/marktstem/pipeline/arrowout"
	"github.com/marktstem/marktstem/pipeline/novelty"
)

// laterHistory reports a history that already holds days after date.
func laterHistory(dir string, last, date time.Time) error {
	return fmt.Errorf("%w: %s holds %s, after %s; re-run from %s in date order (marktstem backfill --from %s --to %s)",
		ErrLaterHistory, dir, last.Format(time.DateOnly), date.Format(time.DateOnly),
		date.Format(time.DateOnly), date.Format(time.DateOnly), last.Format(time.DateOnly))
}

// ErrLaterHistory is returned for a --date run whose history already holds
// days after that date: their buzz and indices depend on the day being
// (re)scored, so they would silently go stale. Re-run from that date in
// order (marktstem backfill).
var ErrLaterHistory = errors.New("history has days after the date")

// ErrNeedPartitions is returned for a --date run without a date-partitioned
// output: a nightly run must replace exactly its own day.
var ErrNeedPartitions = errors.New("a --date run needs --partition date")

// ErrHistorySettings is returned for a --date run whose history was
// written with other panel settings (smoothing, window, z-score minimum):
// its indices would mix two definitions.
var ErrHistorySettings = errors.New("history was written with other panel settings")

// historyDates lists the dates of dir's partitions of table, sorted.
func historyDates(dir, table string) ([]time.Time, error) {
	ents, err := os.ReadDir(filepath.Join(dir, table))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil // the first night
	}
	if err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	var out []time.Time
	for _, e := range ents {
		v, ok := strings.CutPrefix(e.Name(), "date=")
		if !e.IsDir() || !ok {
			continue
		}
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			continue // not ours
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out, nil
}

// loadHistory seeds panel with the company_daily rows of the days before
// date that its derived columns look back on, read from the partitioned
// history in dir, and tells it where the history starts. It refuses a
// history with days after until (ErrLaterHistory): a nightly run passes its
// date, a backfill the last day it will rescore.
func loadHistory(ctx context.Context, dir string, date, until time.Time, panel *aggregate.Panel, settings string, mem memory.Allocator, log *slog.Logger) (int, error) {
	dates, err := historyDates(dir, arrowout.TableCompanyDaily)
	if err != nil {
		return 0, err
	}
	// A later day with articles but no company has no company_daily
	// partition: look at the articles table too.
	arts, err := historyDates(dir, arrowout.TableArticles)
	if err != nil {
		return 0, err
	}
	if len(arts) > 0 && (len(dates) == 0 || arts[len(arts)-1].After(dates[len(dates)-1])) {
		if last := arts[len(arts)-1]; last.After(until) {
			return 0, laterHistory(dir, last, date)
		}
	}
	if len(dates) == 0 {
		return 0, nil
	}
	if last := dates[len(dates)-1]; last.After(until) {
		return 0, laterHistory(dir, last, date)
	}
	prevDays := dates
	for len(prevDays) > 0 && !prevDays[len(prevDays)-1].Before(date) {
		prevDays = prevDays[:len(prevDays)-1] // days being rescored
	}
	if len(prevDays) > 0 && prevDays[len(prevDays)-1].Before(date.AddDate(0, 0, -1)) {
		prev := prevDays[len(prevDays)-1]
		// Days without company news have no partition, so this may be
		// quiet news, or missed nights: say so rather than guess.
		log.Warn("no company_daily in the history for the days just before this date: quiet news or missed nights (backfill them)",
			"last", prev.Format(time.DateOnly), "date", date.Format(time.DateOnly))
	}
	if len(prevDays) > 0 {
		panel.SetFirst(prevDays[0])
	}
	window := max(aggregate.BuzzWindow, panel.Options().Smoothing.Window)
	from := date.AddDate(0, 0, -window)
	rows := 0
	for _, d := range dates {
		if d.Before(from) || !d.Before(date) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return rows, err
		}
		part := filepath.Join(dir, arrowout.TableCompanyDaily, "date="+d.Format(time.DateOnly))
		files, err := filepath.Glob(filepath.Join(part, "part-*"))
		if err != nil {
			return rows, fmt.Errorf("read history: %w", err)
		}
		for _, f := range files {
			n, err := readHistoryFile(f, panel, settings, mem)
			if err != nil {
				return rows, err
			}
			rows += n
		}
	}
	return rows, nil
}

// readHistoryFile adds the rows of one company_daily partition file.
func readHistoryFile(path string, panel *aggregate.Panel, settings string, mem memory.Allocator) (int, error) {
	tbl, err := arrowout.ReadAll(path, mem)
	if err != nil {
		return 0, fmt.Errorf("read history %s: %w", path, err)
	}
	defer tbl.Release()
	if got, ok := tbl.Schema().Metadata().GetValue("marktstem.panel"); ok && got != settings {
		return 0, fmt.Errorf("%w: %s has %s, this run %s; re-run the history with the same --smoothing, --smoothing-window and --zscore-min",
			ErrHistorySettings, path, got, settings)
	}
	col := func(name string) (*arrow.Chunked, error) {
		idx := tbl.Schema().FieldIndices(name)
		if len(idx) != 1 {
			return nil, fmt.Errorf("read history %s: no column %s", path, name)
		}
		return tbl.Column(idx[0]).Data(), nil
	}
	ids, err := col("company_id")
	if err != nil {
		return 0, err
	}
	dates, err := col("date")
	if err != nil {
		return 0, err
	}
	ments, err := col("n_mentions")
	if err != nil {
		return 0, err
	}
	sents, err := col("sentiment_weighted")
	if err != nil {
		return 0, err
	}
	risks, err := col("regulatory_risk_weighted")
	if err != nil {
		return 0, err
	}
	n := 0
	for c := range ids.Chunks() {
		id := ids.Chunk(c).(*array.String)
		dt := dates.Chunk(c).(*array.Date32)
		mn := ments.Chunk(c).(*array.Int32)
		se := sents.Chunk(c).(*array.Float64)
		ri := risks.Chunk(c).(*array.Float64)
		for i := 0; i < id.Len(); i++ {
			panel.AddHistory(aggregate.Day{
				CompanyID: id.Value(i), Date: dt.Value(i).ToTime().UTC(), Mentions: int(mn.Value(i)),
				SentimentWeighted: nullNaN(se, i), RiskWeighted: nullNaN(ri, i),
			})
			n++
		}
	}
	return n, nil
}

func nullNaN(a *array.Float64, i int) float64 {
	if a.IsNull(i) {
		return math.NaN()
	}
	return a.Value(i)
}

// noveltyRecord is one article in a nightly run's novelty state: what the
// next night's run needs to see near-duplicates across midnight.
type noveltyRecord struct {
	ID        string    `json:"id"`
	At        time.Time `json:"at"`
	Companies []string  `json:"companies"`
	Signature []byte    `json:"signature"` // novelty.Signature, binary
}

// noveltyStatePath is where a nightly run keeps the signatures of its day,
// beside (not inside) the tables' partitions.
func noveltyStatePath(dir string, day time.Time) string {
	return filepath.Join(dir, "_state", "novelty", "date="+day.Format(time.DateOnly)+".jsonl")
}

// loadNoveltyState feeds the previous day's articles to the detector, in
// their order, so that a copy published after midnight of a story from the
// evening before is marked as in one run over both days. A missing file (a
// first night, or a quiet day) is no error.
func loadNoveltyState(dir string, day time.Time, d *novelty.Detector) (int, error) {
	path := noveltyStatePath(dir, day.AddDate(0, 0, -1))
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read novelty state: %w", err)
	}
	n := 0
	for i, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var r noveltyRecord
		if err := json.Unmarshal(line, &r); err != nil {
			return n, fmt.Errorf("novelty state %s:%d: %w", path, i+1, err)
		}
		var sig novelty.Signature
		if err := sig.UnmarshalBinary(r.Signature); err != nil {
			return n, fmt.Errorf("novelty state %s:%d: %w", path, i+1, err)
		}
		d.Add(r.ID, r.At, sig, r.Companies)
		n++
	}
	return n, nil
}

// writeNoveltyState writes the day's records atomically.
func writeNoveltyState(dir string, day time.Time, recs []noveltyRecord) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, r := range recs {
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("novelty state: %w", err)
		}
	}
	path := noveltyStatePath(dir, day)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("novelty state: %w", err)
	}
	if err := writeAtomic(path, buf.Bytes()); err != nil {
		return fmt.Errorf("novelty state: %w", err)
	}
	return nil
}

// dropStaleDay removes the partitions of day that this run did not write:
// a rescored day without mentions (or without articles) must not keep the
// rows of an earlier run of that day.
func dropStaleDay(dir string, day time.Time, written []ManifestOutput) error {
	seg := "date=" + day.Format(time.DateOnly)
	for _, table := range []string{arrowout.TableArticles, arrowout.TableMentions, arrowout.TableCompanyDaily} {
		part := filepath.Join(dir, table, seg)
		fresh := false
		for _, w := range written {
			if strings.HasPrefix(w.Path, part+string(filepath.Separator)) {
				fresh = true
				break
			}
		}
		if fresh {
			continue
		}
		if err := os.RemoveAll(part); err != nil {
			return fmt.Errorf("remove stale partition %s: %w", part, err)
		}
	}
	return nil
}
