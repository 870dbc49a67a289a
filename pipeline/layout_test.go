package pipeline_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/marktstem/marktstem/pipeline"
	"github.com/marktstem/marktstem/pipeline/arrowout"
)

// tree reads every regular file under dir, keyed by slash path, skipping the
// manifest (it records the worker count and the run's duration).
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == pipeline.ManifestFile {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDeterministicLayouts checks byte-identical output for 1 and 4 workers
// in every format and layout, with no Arrow memory left behind.
func TestDeterministicLayouts(t *testing.T) {
	for _, layout := range []arrowout.Layout{
		{Format: arrowout.Parquet},
		{Format: arrowout.Parquet, Partition: true},
		{Format: arrowout.IPC, Partition: true},
	} {
		name := layout.Format.String()
		if layout.Partition {
			name += "-partitioned"
		}
		t.Run(name, func(t *testing.T) {
			var first map[string][]byte
			for _, workers := range []int{1, 4} {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				out := t.TempDir()
				cfg := config(t, out, workers, mem)
				cfg.Layout = layout
				sum, err := pipeline.Run(context.Background(), cfg)
				if err != nil {
					t.Fatal(err)
				}
				mem.AssertSize(t, 0)
				files := tree(t, out)
				for _, o := range sum.Outputs {
					rel, _ := filepath.Rel(out, o.Path)
					if _, ok := files[filepath.ToSlash(rel)]; !ok {
						t.Errorf("output %s listed in the summary but missing", rel)
					}
				}
				if first == nil {
					first = files
					continue
				}
				if len(files) != len(first) {
					t.Errorf("got %d files with %d workers, want %d", len(files), workers, len(first))
				}
				for name, data := range first {
					if !bytes.Equal(files[name], data) {
						t.Errorf("%s differs between 1 and %d workers", name, workers)
					}
				}
			}
		})
	}
}

// TestPartitionReplace checks that a run replaces exactly the partitions of
// the dates it saw: a second run over one day's articles rewrites that day
// and leaves every other date, and stale part files in the replaced
// partition are removed.
func TestPartitionReplace(t *testing.T) {
	out := t.TempDir()
	layout := arrowout.Layout{Format: arrowout.Parquet, Partition: true}
	cfg := config(t, out, 2, nil)
	cfg.Layout = layout
	if _, err := pipeline.Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	before := tree(t, out)
	const day = "2024-03-14"
	dayDir := filepath.Join(out, "company_daily", "date="+day)
	stale := filepath.Join(dayDir, "part-1.parquet")
	if err := os.WriteFile(stale, []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}

	// One day's articles, from the seeds directory on disk.
	in := t.TempDir()
	matches, err := filepath.Glob(filepath.Join("..", "seeds", "articles", day+"_*.txt"))
	if err != nil || len(matches) < 2 {
		t.Fatalf("got %d seed articles for %s (%v), want at least 2", len(matches), day, err)
	}
	for _, m := range matches[:2] { // fewer articles: the day's files must change
		data, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(in, filepath.Base(m)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg = config(t, out, 2, nil, in)
	cfg.Layout = layout
	if _, err := pipeline.Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	after := tree(t, out)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale part file: got stat error %v, want it removed", err)
	}
	var changed []string
	for name, data := range before {
		got, ok := after[name]
		if !ok {
			t.Errorf("%s: gone after the second run, want it kept", name)
			continue
		}
		if !bytes.Equal(got, data) {
			changed = append(changed, name)
		}
	}
	sort.Strings(changed)
	for _, name := range changed {
		if !strings.Contains(name, "/date="+day+"/") && !strings.HasSuffix(name, ".jsonl") {
			t.Errorf("%s changed, want only partitions of %s replaced", name, day)
		}
	}
	if len(changed) == 0 {
		t.Errorf("got no changed files, want the %s partitions replaced", day)
	}
	for name := range after {
		if strings.Contains(name, ".tmp-") {
			t.Errorf("got temporary file %s, want none", name)
		}
	}
}
