package job

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"

	"github.com/marktstem/marktstem/pipeline"
	"github.com/marktstem/marktstem/pipeline/arrowout"
)

// writer is where and how the table DoFns write their partitions.
type writer struct {
	Out    string
	Format arrowout.FileFormat
	Meta   arrowout.Metadata
}

// opener is one of arrowout's New…Output constructors.
type opener[T any] func(dir string, l arrowout.Layout, mem memory.Allocator, meta arrowout.Metadata) (*arrowout.Output[T], error)

// writePart writes the rows of one date with arrowout's partitioned layout,
// so the file lands where `marktstem score --partition date` would put it:
// Out/<table>/date=YYYY-MM-DD/part-0.<ext>, a deterministic name, so a
// retried bundle replaces its own file instead of adding one. arrowout
// writes local files only; for a remote Out (gs://…) the partition is
// written to a temporary directory and copied with Beam's filesystem.
func writePart[T any](ctx context.Context, w writer, open opener[T], rows []T) ([]string, error) {
	dir, remote := w.Out, isRemote(w.Out)
	if remote {
		tmp, err := os.MkdirTemp("", "marktstem-part-*")
		if err != nil {
			return nil, fmt.Errorf("create temp dir: %w", err)
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	out, err := open(dir, arrowout.Layout{Format: w.Format, Partition: true}, memory.NewGoAllocator(), w.Meta)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if err := out.Write(r); err != nil {
			out.Abort()
			return nil, err
		}
	}
	files, err := out.Close()
	if err != nil {
		return nil, err
	}
	var dsts []string
	for _, f := range files {
		p := f.Path
		if !remote {
			dsts = append(dsts, p)
			continue
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return nil, fmt.Errorf("publish %s: %w", p, err)
		}
		dst := strings.TrimSuffix(w.Out, "/") + "/" + filepath.ToSlash(rel)
		if err := copyOut(ctx, p, dst); err != nil {
			return nil, err
		}
		dsts = append(dsts, dst)
	}
	return dsts, nil
}

// isRemote reports an output that is a URL for a Beam filesystem rather
// than a local path.
func isRemote(out string) bool { return strings.Contains(out, "://") }

// copyOut copies a local file to dst in a Beam filesystem. Partition
// files are bounded by one day's rows, so reading one whole is fine.
func copyOut(ctx context.Context, src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("publish %s: %w", dst, err)
	}
	return publish(ctx, data, dst)
}

// collect reads every element of a Beam iterator, each decoded into a
// fresh value so that no two share memory.
func collect[T any](all func(*T) bool) []T {
	var out []T
	for {
		var v T
		if !all(&v) {
			return out
		}
		out = append(out, v)
	}
}

// writeDaysFn writes one date's company_daily partition, sorted by company
// id as in a single-machine run.
type writeDaysFn struct{ W writer }

// ProcessElement writes the partition and emits its path.
func (f *writeDaysFn) ProcessElement(ctx context.Context, _ string, all func(*arrowout.CompanyDay) bool, emit func(string)) error {
	rows := collect(all)
	sort.Slice(rows, func(i, j int) bool { return rows[i].CompanyID < rows[j].CompanyID })
	return emitAll(writePart(ctx, f.W, arrowout.NewCompanyDayOutput, rows))(emit)
}

// writeArticlesFn writes one date's articles partition. Input order means
// nothing across distributed files, so rows are sorted by article id.
type writeArticlesFn struct{ W writer }

// ProcessElement writes the partition and emits its path.
func (f *writeArticlesFn) ProcessElement(ctx context.Context, _ string, all func(*arrowout.Article) bool, emit func(string)) error {
	rows := collect(all)
	sort.Slice(rows, func(i, j int) bool { return rows[i].ArticleID < rows[j].ArticleID })
	return emitAll(writePart(ctx, f.W, arrowout.NewArticleOutput, rows))(emit)
}

// writeMentionsFn writes one date's mentions partition: articles by id,
// each article's companies in registry order as the analyzer returned them.
type writeMentionsFn struct{ W writer }

// ProcessElement writes the partition and emits its path.
func (f *writeMentionsFn) ProcessElement(ctx context.Context, _ string, all func(*[]arrowout.Mention) bool, emit func(string)) error {
	groups := collect(all)
	sort.Slice(groups, func(i, j int) bool { return groups[i][0].ArticleID < groups[j][0].ArticleID })
	var rows []arrowout.Mention
	for _, g := range groups {
		rows = append(rows, g...)
	}
	return emitAll(writePart(ctx, f.W, arrowout.NewMentionOutput, rows))(emit)
}

// emitAll passes on writePart's paths or its error.
func emitAll(paths []string, err error) func(func(string)) error {
	return func(emit func(string)) error {
		for _, p := range paths {
			emit(p)
		}
		return err
	}
}

// writeRejectsFn writes every reject to Out/rejects.jsonl, sorted by file,
// line and offset. Rejects are few, so one worker writes them all.
type writeRejectsFn struct{ Out string }

// ProcessElement writes the file and emits its path.
func (f *writeRejectsFn) ProcessElement(ctx context.Context, _ int, all func(*Reject) bool, emit func(string)) error {
	rows := collect(all)
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Offset < b.Offset
	})
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, r := range rows {
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("write rejects: %w", err)
		}
	}
	dst := filepath.Join(f.Out, pipeline.RejectsFile)
	if isRemote(f.Out) {
		dst = strings.TrimSuffix(f.Out, "/") + "/" + pipeline.RejectsFile
	}
	if err := publish(ctx, buf.Bytes(), dst); err != nil {
		return err
	}
	emit(dst)
	return nil
}

// publish writes data to dst: locally to a temporary file beside dst,
// synced and renamed, so the file appears whole; remotely through Beam's
// filesystem, whose writers commit on Close.
func publish(ctx context.Context, data []byte, dst string) error {
	if !isRemote(dst) {
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fmt.Errorf("publish %s: %w", dst, err)
		}
		out, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp-*")
		if err != nil {
			return fmt.Errorf("publish %s: %w", dst, err)
		}
		defer os.Remove(out.Name())
		if _, err := out.Write(data); err != nil {
			out.Close()
			return fmt.Errorf("publish %s: %w", dst, err)
		}
		if err := out.Sync(); err != nil {
			out.Close()
			return fmt.Errorf("publish %s: %w", dst, err)
		}
		if err := out.Close(); err != nil {
			return fmt.Errorf("publish %s: %w", dst, err)
		}
		if err := os.Rename(out.Name(), dst); err != nil {
			return fmt.Errorf("publish %s: %w", dst, err)
		}
		return nil
	}
	fsys, err := filesystem.New(ctx, dst)
	if err != nil {
		return fmt.Errorf("publish %s: %w", dst, err)
	}
	defer fsys.Close()
	wc, err := fsys.OpenWrite(ctx, dst)
	if err != nil {
		return fmt.Errorf("publish %s: %w", dst, err)
	}
	if _, err := wc.Write(data); err != nil {
		wc.Close()
		return fmt.Errorf("publish %s: %w", dst, err)
	}
	if err := wc.Close(); err != nil {
		return fmt.Errorf("publish %s: %w", dst, err)
	}
	return nil
}
