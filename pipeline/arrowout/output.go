package arrowout

import (
	"context"

	"errors"
	"fmt"
	"github.com/apache/arrow/go/v17/arrow"
	"os"
	"path/filepath"
	"slices"
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
	parts  map[string]*part[T] // partition value → its files
	open   []string            // values with an open writer, least recently written first
	made   []string            // partition directories this run created
	closed bool                // no more rows: sealed, closed or aborted
	sealed bool                // every partition in one sealed file
	// row is the row being written to a partition, copied here for the
	// reason Writer.row is.
	row T
	// lastDate is the partition date of the last row written, lastVal
	// its partition value: rows come in runs of one date, and formatting
	// the date allocates.
	lastDate time.Time
	lastVal  string
}

// part is one partition of a run: its files so far, the last one open
// while it is among the MaxOpenParts most recently written. Close merges
// the files of a partition into one.
type part[T any] struct {
	files []*Writer[T]
	open  bool
}

// MaxOpenParts is the number of partitions of a table that keep an open
// writer, and rows in memory. Writing to another one seals the least
// recently written: its rows go to disk, and a later row for it starts
// another temporary file, which Close merges with the first. Archives in
// date order are thus partitioned in bounded memory with no extra work;
// rows out of date order cost a merge at the end, not memory. The merged
// file is the one a single writer would have written.
const MaxOpenParts = 8

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
		o.parts = map[string]*part[T]{}
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
	o.row = row
	r := &o.row
	// The same representation (==, not Equal, which ignores the
	// location) formats to the same value.
	if d := o.tbl.part(r); d != o.lastDate || o.lastVal == "" {
		o.lastDate, o.lastVal = d, d.Format(time.DateOnly)
	}
	val := o.lastVal
	p := o.parts[val]
	if p == nil {
		p = &part[T]{}
		o.parts[val] = p
	}
	if p.open {
		if o.open[len(o.open)-1] != val {
			i := slices.Index(o.open, val)
			o.open = append(slices.Delete(o.open, i, i+1), val)
		}
	} else {
		if len(o.open) == MaxOpenParts {
			if err := o.seal(o.open[0]); err != nil {
				return err
			}
		}
		w, err := o.openPart(val)
		if err != nil {
			return err
		}
		p.files = append(p.files, w)
		p.open = true
		o.open = append(o.open, val)
	}
	return p.files[len(p.files)-1].put(r)
}

// seal completes the open file of partition val, under its temporary name.
func (o *Output[T]) seal(val string) error {
	p := o.parts[val]
	if err := p.files[len(p.files)-1].seal(); err != nil {
		return err
	}
	p.open = false
	i := slices.Index(o.open, val)
	o.open = slices.Delete(o.open, i, i+1)
	return nil
}

// openPart creates the directory of one partition and a writer of its
// file.
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

// merge replaces the sealed files of partition val by one, written by a
// new writer from their records in order.
func (o *Output[T]) merge(val string) error {
	p := o.parts[val]
	w, err := o.openPart(val)
	if err != nil {
		return err
	}
	noSchema := func(*arrow.Schema) error { return nil }
	for _, f := range p.files {
		if err := scan(context.Background(), f.tmp.Name(), o.mem, noSchema, w.writeRecord); err != nil {
			w.Abort()
			return fmt.Errorf("merge %s partition %s: %w", o.tbl.name, val, err)
		}
	}
	if err := w.seal(); err != nil {
		w.Abort()
		return err
	}
	for _, f := range p.files {
		f.Abort() // removes the sealed temporary file
	}
	p.files = []*Writer[T]{w}
	return nil
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

// Seal writes what remains of every file of the table (the last rows, the
// footers; in the partitioned layout it also merges the files of a date
// that came back) and syncs them, but publishes nothing: Close then only
// renames. A run seals the tables it is done with while it still
// computes another, so their syncs overlap that work. No row can be
// written after Seal; sealing again does nothing. On error the temporary
// files are removed.
func (o *Output[T]) Seal() error {
	if o.flat != nil {
		if err := o.flat.seal(); err != nil {
			o.flat.Abort()
			return err
		}
		return nil
	}
	if o.sealed {
		return nil
	}
	o.closed = true
	for _, v := range o.values() {
		if p := o.parts[v]; p.open {
			if err := p.files[len(p.files)-1].seal(); err != nil {
				o.Abort()
				return err
			}
			p.open = false
		}
	}
	o.open = nil
	for _, v := range o.values() {
		if len(o.parts[v].files) > 1 {
			if err := o.merge(v); err != nil {
				o.Abort()
				return err
			}
		}
	}
	o.sealed = true
	return nil
}

// values returns the partition values, sorted.
func (o *Output[T]) values() []string {
	vals := make([]string, 0, len(o.parts))
	for v := range o.parts {
		vals = append(vals, v)
	}
	sort.Strings(vals)
	return vals
}

// Close seals the table (see Seal), publishes every file of it and
// describes them (path, size, SHA-256), sorted by path. In the
// partitioned layout each partition's file replaces the previous one
// atomically, and other part files left in those partitions by an earlier
// run (another format, more parts) are removed, so a reader scanning the
// table sees each date exactly once. On error nothing more is published
// and the remaining temporary files are removed.
func (o *Output[T]) Close() ([]File, error) {
	if err := o.Seal(); err != nil {
		return nil, err
	}
	if o.flat != nil {
		if err := o.flat.Close(); err != nil {
			return nil, err
		}
		return []File{o.flat.File()}, nil
	}
	vals := o.values()
	files := make([]File, 0, len(vals))
	for _, v := range vals {
		w := o.parts[v].files[0]
		if err := w.publish(); err != nil {
			o.Abort()
			return nil, err
		}
		files = append(files, w.File())
		if err := removeStaleParts(filepath.Dir(w.path), filepath.Base(w.path)); err != nil {
			o.Abort()
			return nil, fmt.Errorf("%s: %w", o.tbl.name, err)
		}
	}
	o.made = nil
	return files, nil
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
	for _, p := range o.parts {
		for _, w := range p.files {
			w.Abort()
		}
	}
	for _, dir := range o.made {
		os.Remove(dir) // fails, as it should, unless empty
	}
	o.made = nil
}
