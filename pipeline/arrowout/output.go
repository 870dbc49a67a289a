package arrowout

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"
)

// Layout says how a run lays out its tables in the output directory.
type Layout struct {
	Format FileFormat
	// Partition writes each table hive-partitioned by date,
	// <dir>/<table>/date=YYYY-MM-DD/part-0.<ext>, instead of one file
	// <dir>/<table>.<ext>. A run replaces exactly the partitions of the
	// dates it saw and leaves every other date in place.
	Partition bool
}

// PartitionKey is the hive partition column of the partitioned layout.
const PartitionKey = "date"

// partFile is the base name of the one file in each partition.
const partFile = "part-0"

// Output is one table of a run: a single file, or one file per date in the
// partitioned layout. Nothing appears under a final name before Close. An
// Output is not safe for concurrent use.
type Output[T any] struct {
	dir    string
	layout Layout
	tbl    *table[T]
	mem    memory.Allocator
	meta   Metadata
	flat   *Writer[T]
	parts  map[string]*Writer[T] // partition value → writer
	made   []string              // partition directories this run created
	closed bool
}

// NewArticleOutput opens the articles table of a run in dir.
func NewArticleOutput(dir string, l Layout, mem memory.Allocator, meta Metadata) (*Output[Article], error) {
	return newOutput(dir, l, mem, meta, articlesTable)
}

// NewMentionOutput opens the mentions table of a run in dir.
func NewMentionOutput(dir string, l Layout, mem memory.Allocator, meta Metadata) (*Output[Mention], error) {
	return newOutput(dir, l, mem, meta, mentionsTable)
}

// NewCompanyDayOutput opens the company_daily table of a run in dir.
func NewCompanyDayOutput(dir string, l Layout, mem memory.Allocator, meta Metadata) (*Output[CompanyDay], error) {
	return newOutput(dir, l, mem, meta, companyDailyTable)
}

func newOutput[T any](dir string, l Layout, mem memory.Allocator, meta Metadata, tbl *table[T]) (*Output[T], error) {
	o := &Output[T]{dir: dir, layout: l, tbl: tbl, mem: mem, meta: meta}
	if l.Partition {
		o.parts = map[string]*Writer[T]{}
		return o, nil
	}
	w, err := newWriter(filepath.Join(dir, tbl.file+l.Format.Ext()), mem, meta, tbl)
	if err != nil {
		return nil, err
	}
	o.flat = w
	return o, nil
}

// Write appends one row, to the partition of its date in the partitioned
// layout.
func (o *Output[T]) Write(row T) error {
	if o.flat != nil {
		return o.flat.Write(row)
	}
	if o.closed {
		return fmt.Errorf("write %s: %w", o.tbl.name, errClosed)
	}
	val := o.tbl.part(&row).Format(time.DateOnly)
	w := o.parts[val]
	if w == nil {
		var err error
		if w, err = o.openPart(val); err != nil {
			return err
		}
		o.parts[val] = w
	}
	return w.Write(row)
}

// openPart creates the directory of one partition and its writer.
func (o *Output[T]) openPart(val string) (*Writer[T], error) {
	seg, err := partitionSegment(PartitionKey, val)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.tbl.name, err)
	}
	dir := filepath.Join(o.dir, o.tbl.name, seg)
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		o.made = append(o.made, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s partition: %w", o.tbl.name, err)
	}
	return newWriter(filepath.Join(dir, partFile+o.layout.Format.Ext()), o.mem, o.meta, o.tbl)
}

// errBadPartition reports a partition value that is not safe as a path
// segment.
var errBadPartition = errors.New("unsafe partition value")

// partitionSegment returns the hive directory name key=value. Values come
// from data, so anything that could leave the table directory or name a
// hidden file (separators, "..", a leading dot, NUL, control characters)
// is refused rather than rewritten, which could merge two partitions.
func partitionSegment(key, val string) (string, error) {
	if val == "" || val[0] == '.' || strings.ContainsAny(val, `/\=:*?"<>|`) ||
		strings.IndexFunc(val, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return "", fmt.Errorf("%w %q", errBadPartition, val)
	}
	return key + "=" + val, nil
}

// Close publishes every file of the table and returns their paths, sorted.
// In the partitioned layout each partition's file replaces the previous one
// atomically, and other part files left in those partitions by an earlier
// run (another format, more parts) are removed, so a reader scanning the
// table sees each date exactly once. On error nothing more is published
// and the remaining temporary files are removed.
func (o *Output[T]) Close() ([]string, error) {
	if o.flat != nil {
		if err := o.flat.Close(); err != nil {
			return nil, err
		}
		return []string{o.flat.path}, nil
	}
	o.closed = true
	vals := make([]string, 0, len(o.parts))
	for v := range o.parts {
		vals = append(vals, v)
	}
	sort.Strings(vals)
	paths := make([]string, 0, len(vals))
	for _, v := range vals {
		w := o.parts[v]
		if err := w.Close(); err != nil {
			o.Abort()
			return nil, err
		}
		paths = append(paths, w.path)
		if err := removeStaleParts(filepath.Dir(w.path), filepath.Base(w.path)); err != nil {
			o.Abort()
			return nil, fmt.Errorf("%s: %w", o.tbl.name, err)
		}
	}
	o.made = nil
	return paths, nil
}

// removeStaleParts removes the part files in dir other than keep.
func removeStaleParts(dir, keep string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("clean partition: %w", err)
	}
	for _, e := range ents {
		name := e.Name()
		if name == keep || e.IsDir() || !strings.HasPrefix(name, "part-") {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("clean partition: %w", err)
		}
	}
	return nil
}

// Abort discards every file not yet published and the partition
// directories this run created and left empty; published files and earlier
// runs' partitions stay in place.
func (o *Output[T]) Abort() {
	if o.flat != nil {
		o.flat.Abort()
		return
	}
	o.closed = true
	for _, w := range o.parts {
		w.Abort()
	}
	for _, dir := range o.made {
		os.Remove(dir) // fails, as it should, unless empty
	}
	o.made = nil
}
