package pipeline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/marktstem/marktstem/pipeline"
	"github.com/marktstem/marktstem/pipeline/aggregate"
	"github.com/marktstem/marktstem/pipeline/arrowout"
)

// thirtyDays writes a JSONL corpus of 30 consecutive days, two or three
// seed articles a day, and on every fifth day a wire copy of the previous
// day's first story under another id: a near-duplicate across midnight.
func thirtyDays(t *testing.T) (string, []time.Time) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "seeds", "articles", "*.txt"))
	if err != nil || len(paths) < 20 {
		t.Fatalf("seed articles: %v", err)
	}
	sort.Strings(paths)
	start := time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	var days []time.Time
	k := 0
	var prevTitle, prevBody string
	for d := 0; d < 30; d++ {
		day := start.AddDate(0, 0, d)
		days = append(days, day)
		if d%5 == 4 {
			enc.Encode(map[string]string{"id": fmt.Sprintf("d%02d-copy", d), "published": day.Format(time.DateOnly),
				"title": prevTitle, "body": prevBody})
		}
		for n := 0; n < 2+d%2; n++ {
			data, err := os.ReadFile(paths[k%len(paths)])
			if err != nil {
				t.Fatal(err)
			}
			k++
			head, body, _ := strings.Cut(string(data), "\n")
			f := strings.Fields(head)
			enc.Encode(map[string]string{"id": fmt.Sprintf("d%02d-%d", d, n), "published": day.Format(time.DateOnly),
				"title": strings.Join(f[2:], " "), "body": body})
			if n == 0 {
				prevTitle, prevBody = strings.Join(f[2:], " "), body
			}
		}
	}
	p := filepath.Join(t.TempDir(), "month.jsonl")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p, days
}

// companyDaily reads every company_daily partition of a run, keyed by date.
func companyDaily(t *testing.T, out string) map[string][]map[string]any {
	t.Helper()
	parts, err := filepath.Glob(filepath.Join(out, arrowout.TableCompanyDaily, "date=*", "part-0.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]map[string]any{}
	for _, p := range parts {
		_, r := readTable(t, p)
		rows[filepath.Base(filepath.Dir(p))] = r
	}
	return rows
}

// TestNightlyEqualsOneRun scores 30 days one night at a time and checks
// that company_daily equals one run over all 30 days, every column.
func TestNightlyEqualsOneRun(t *testing.T) {
	if testing.Short() {
		t.Skip("31 runs")
	}
	input, days := thirtyDays(t)
	base := t.TempDir()
	whole, nightly := filepath.Join(base, "whole"), filepath.Join(base, "nightly")
	cfg := config(t, whole, 2, nil, input)
	cfg.Layout = arrowout.Layout{Partition: true}
	sumWhole, err := pipeline.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, day := range days {
		cfg := config(t, nightly, 2, nil, input)
		cfg.Layout = arrowout.Layout{Partition: true}
		cfg.Date = day
		sum, err := pipeline.Run(context.Background(), cfg)
		if err != nil {
			t.Fatalf("%s: %v", day.Format(time.DateOnly), err)
		}
		if sum.RejectsByReason["outside_date"] != sum.Read-sum.Scored {
			t.Fatalf("%s: rejects %v, want only outside_date", day.Format(time.DateOnly), sum.RejectsByReason)
		}
	}
	if sumWhole.Duplicates < 5 {
		t.Fatalf("one run found %d near-duplicates, want the 5 wire copies", sumWhole.Duplicates)
	}
	want, got := companyDaily(t, whole), companyDaily(t, nightly)
	if len(got) != len(want) || len(want) < 25 {
		t.Fatalf("partitions: got %d, want %d (>= 25)", len(got), len(want))
	}
	compared := 0
	for date, wrows := range want {
		grows := got[date]
		if len(grows) != len(wrows) {
			t.Errorf("%s: got %d rows, want %d", date, len(grows), len(wrows))
			continue
		}
		for i := range wrows {
			for col, w := range wrows[i] {
				g := grows[i][col]
				if !same(g, w) {
					t.Errorf("%s row %d (%v) %s: got %v, want %v", date, i, wrows[i]["company_id"], col, g, w)
				}
				compared++
			}
		}
	}
	t.Logf("%d partitions, %d values compared", len(want), compared)

	// Re-running an earlier night would leave the later days' buzz and
	// indices stale: refused.
	cfg = config(t, nightly, 2, nil, input)
	cfg.Layout = arrowout.Layout{Partition: true}
	cfg.Date = days[10]
	if _, err := pipeline.Run(context.Background(), cfg); !errors.Is(err, pipeline.ErrLaterHistory) {
		t.Errorf("re-running %s: got %v, want ErrLaterHistory", days[10].Format(time.DateOnly), err)
	}
	// Re-running the last night replaces it with the same answer.
	cfg.Date = days[len(days)-1]
	if _, err := pipeline.Run(context.Background(), cfg); err != nil {
		t.Errorf("re-running the last day: %v", err)
	}
}

// same compares output values: floats within 1e-12, null equal to null.
func same(a, b any) bool {
	fa, oka := a.(float64)
	fb, okb := b.(float64)
	if oka && okb {
		return fa == fb || math.Abs(fa-fb) <= 1e-12 || (math.IsNaN(fa) && math.IsNaN(fb))
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

func TestNightlyNeedsPartitions(t *testing.T) {
	cfg := config(t, t.TempDir(), 1, nil)
	cfg.Date = time.Date(2024, 3, 14, 0, 0, 0, 0, time.UTC)
	if _, err := pipeline.Run(context.Background(), cfg); !errors.Is(err, pipeline.ErrNeedPartitions) {
		t.Errorf("got %v, want ErrNeedPartitions", err)
	}
}

// TestNightlySettings checks that a history written with other panel
// settings is refused rather than mixed.
func TestNightlySettings(t *testing.T) {
	input, days := thirtyDays(t)
	out := t.TempDir()
	run := func(day time.Time, smoothing string) error {
		cfg := config(t, out, 1, nil, input)
		cfg.Layout = arrowout.Layout{Partition: true}
		cfg.Date = day
		sm, err := aggregate.ParseSmoothing(smoothing, 30)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Panel = aggregate.Options{Smoothing: sm}
		_, err = pipeline.Run(context.Background(), cfg)
		return err
	}
	if err := run(days[0], "exp:7"); err != nil {
		t.Fatal(err)
	}
	if err := run(days[1], "linear"); !errors.Is(err, pipeline.ErrHistorySettings) {
		t.Errorf("other smoothing: got %v, want ErrHistorySettings", err)
	}
	if err := run(days[1], "exp:7"); err != nil {
		t.Errorf("same smoothing: %v", err)
	}
}

// TestNightlyDropsStaleDay re-runs the last night with an input that has
// nothing for it: the day's old partitions must go, not linger.
func TestNightlyDropsStaleDay(t *testing.T) {
	input, days := thirtyDays(t)
	out := t.TempDir()
	last := days[len(days)-1]
	cfg := config(t, out, 1, nil, input)
	cfg.Layout = arrowout.Layout{Partition: true}
	cfg.Date = last
	if _, err := pipeline.Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	part := filepath.Join(out, arrowout.TableArticles, "date="+last.Format(time.DateOnly))
	if _, err := os.Stat(part); err != nil {
		t.Fatalf("first run wrote no articles partition: %v", err)
	}
	empty := filepath.Join(t.TempDir(), "none.jsonl")
	os.WriteFile(empty, []byte(`{"id":"x","published":"2020-01-01","title":"Oud nieuws"}`+"\n"), 0o644)
	cfg = config(t, out, 1, nil, empty)
	cfg.Layout = arrowout.Layout{Partition: true}
	cfg.Date = last
	if _, err := pipeline.Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{arrowout.TableArticles, arrowout.TableMentions, arrowout.TableCompanyDaily} {
		if _, err := os.Stat(filepath.Join(out, table, "date="+last.Format(time.DateOnly))); !os.IsNotExist(err) {
			t.Errorf("%s partition of the re-run day: got %v, want it removed", table, err)
		}
	}
}
