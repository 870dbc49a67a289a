// Package arrowout writes marktstem's output tables (articles, mentions,
// company_daily) as Apache Arrow IPC or Parquet files, flat or
// hive-partitioned by date, and reads any Arrow IPC or Parquet file back for
// the terminal (Dump, Describe).
//
// Every column is declared once, in schema.go; the Arrow schemas, the writers
// and docs/schema.md are derived from that declaration. Files are written to
// a temporary file next to the destination and renamed into place on Close,
// so a reader never sees a half-written file, and the same rows with the
// same Metadata always give byte-identical files.
package arrowout

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
)

// DefaultBatchRows is the number of rows per record batch.
const DefaultBatchRows = 4096

// Article is one row of the articles table.
type Article struct {
	ArticleID          string
	Published          time.Time // civil date, midnight UTC; written as date32
	PublishedPrecision string    // month | day | time
	Source             string    // empty → null
	URL                string    // empty → null
	Title              string
	File               string
	NTokens            int32
	NSentences         int32
	NCompanies         int32
	Sentiment          float64 // −1..1
	SentimentLabel     string  // positive | neutral | negative
	SentimentHits      int32
	RegulatoryRisk     float64 // 0..1
	RegulatoryRiskFlag bool
	RiskHits           int32
	TopTerms           []string  // e.g. "winstwaarschuwing(-0.85)"
	DuplicateOf        string    // id of the article this one copies; empty → null
	RiskCategories     []float64 // per lexicons.Categories(), 0..1
}

// Mention is one row of the mentions table: one company in one article.
type Mention struct {
	ArticleID      string
	Published      time.Time // civil date, midnight UTC; written as date32
	CompanyID      string
	CompanyName    string
	NMentions      int32
	Matched        []string  // surface forms
	FirstOffset    int32     // byte offset
	Relevance      float64   // 0..100
	Sentiment      float64   // −1..1
	RegulatoryRisk float64   // 0..1
	RiskCategories []float64 // per lexicons.Categories(), 0..1
	Novelty        float64   // 0..100
	DuplicateOf    string    // empty → null
}

// CompanyDay is one row of the company_daily table. NaN in a nullable
// column is written as null.
type CompanyDay struct {
	CompanyID              string
	CompanyName            string
	Date                   time.Time // civil date, midnight UTC; written as date32
	NArticles              int32
	NMentions              int32
	SentimentMean          float64
	SentimentWeighted      float64
	RegulatoryRiskMean     float64
	RegulatoryRiskMax      float64
	RegulatoryRiskWeighted float64
	SentimentStd           float64 // nullable
	RegulatoryRiskStd      float64 // nullable
	NegativeShare          float64
	Buzz                   float64 // nullable
	SentimentIndex         float64 // nullable
	RegulatoryRiskIndex    float64 // nullable
	SentimentZ             float64 // nullable
	RegulatoryRiskZ        float64 // nullable
	RiskCategories         []float64
}

// Lexicon identifies one lexicon file that produced the scores.
type Lexicon struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	SHA256  string `json:"sha256"`
}

// Metadata is recorded in the schema metadata of every output file.
type Metadata struct {
	Version  string    // marktstem version
	RunTime  time.Time // recorded in UTC, RFC 3339
	Lexicons []Lexicon
	Inputs   []string
	Panel    string // JSON settings of company_daily's derived columns; empty: not recorded
}

// arrow returns the schema metadata for table, with keys sorted so the
// encoding is deterministic.
func (m Metadata) arrow(table string) (arrow.Metadata, error) {
	lex := m.Lexicons
	if lex == nil {
		lex = []Lexicon{}
	}
	lexJSON, err := json.Marshal(lex)
	if err != nil {
		return arrow.Metadata{}, fmt.Errorf("encode lexicons metadata: %w", err)
	}
	inputs := m.Inputs
	if inputs == nil {
		inputs = []string{}
	}
	inJSON, err := json.Marshal(inputs)
	if err != nil {
		return arrow.Metadata{}, fmt.Errorf("encode inputs metadata: %w", err)
	}
	kv := map[string]string{
		MetaVersion:       m.Version,
		MetaRunTime:       m.RunTime.UTC().Format(time.RFC3339Nano),
		MetaLexicons:      string(lexJSON),
		MetaInputs:        string(inJSON),
		MetaTable:         table,
		MetaSchemaVersion: SchemaVersion,
	}
	if table == TableCompanyDaily && m.Panel != "" {
		kv[MetaPanel] = m.Panel
	}
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = kv[k]
	}
	return arrow.NewMetadata(keys, vals), nil
}

// Writer writes rows of type T to an Arrow IPC or Parquet file. Rows are
// buffered column by column (see rowAppender) and written as a record
// batch (IPC) every DefaultBatchRows rows or a row group (Parquet) every
// ParquetRowGroupRows. The file appears under its final path only when
// Close succeeds. A Writer is not safe for concurrent use.
type Writer[T any] struct {
	path   string
	tbl    *table[T]
	mem    memory.Allocator
	schema *arrow.Schema
	tmp    *os.File
	digest *digestWriter // between buf and tmp: the file's hash as written
	buf    *bufio.Writer
	fw     recordWriter
	bld    *array.RecordBuilder
	app    rowAppender[T] // bld's builders, typed
	// row is the row being appended. Write copies its argument here, to
	// the heap the writer is on anyway: a pointer to the argument, given
	// to the column getters (func values), would make Write allocate a
	// copy of every row.
	row   T
	pend  int // rows in the builders
	batch int // rows per record batch
	rows  int64
	state int // open, sealed, closed or aborted
	// carry holds slices of records given to writeRecord that do not yet
	// fill a batch, carryN their rows.
	carry  []arrow.Record
	carryN int
	file   File // set when sealed
}

// File describes one published output file. Its size and SHA-256 are
// taken from the bytes as they were written (every writer writes its file
// front to back, never seeking), so a run manifest need not read the
// file back: on a 100 MB run that re-read was a quarter of a second spent
// after the last article, with every other core idle.
type File struct {
	Path   string // final path
	Bytes  int64
	SHA256 string // hex
}

// digestWriter hashes and counts what it passes on.
type digestWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func newDigestWriter(w io.Writer) *digestWriter {
	return &digestWriter{w: w, h: sha256.New()}
}

func (d *digestWriter) Write(p []byte) (int, error) {
	n, err := d.w.Write(p)
	d.h.Write(p[:n])
	d.n += int64(n)
	return n, err
}

// sum returns the size and hex SHA-256 of everything written.
func (d *digestWriter) sum() (int64, string) {
	return d.n, hex.EncodeToString(d.h.Sum(nil))
}

// Writer states.
const (
	stateOpen   = iota
	stateSealed // complete under its temporary name, not yet published
	stateClosed
	stateAborted
)

// recordWriter is what ipc.FileWriter and pqarrow.FileWriter have in
// common.
type recordWriter interface {
	Write(arrow.Record) error
	Close() error
}

// FileFormat is the file format of the output tables.
type FileFormat int

// The file formats the writers produce.
const (
	IPC     FileFormat = iota // Arrow IPC file (Feather v2), uncompressed
	Parquet                   // Parquet with zstd, the Arrow schema stored in the file
)

// ParquetRowGroupRows is the number of rows per Parquet row group. A row
// group is built in memory before it is written; 16,384 rows keep that
// near 30 MB for the widest table while groups stay large enough for
// readers to skip by statistics.
const ParquetRowGroupRows = 1 << 14

// ParseFileFormat parses "arrow" (or "ipc") and "parquet".
func ParseFileFormat(s string) (FileFormat, error) {
	switch s {
	case "arrow", "ipc":
		return IPC, nil
	case "parquet":
		return Parquet, nil
	}
	return 0, fmt.Errorf("unknown file format %q: want arrow or parquet", s)
}

// String returns the name ParseFileFormat accepts.
func (f FileFormat) String() string {
	if f == Parquet {
		return "parquet"
	}
	return "arrow"
}

// Ext returns the file name extension, with the dot.
func (f FileFormat) Ext() string { return "." + f.String() }

// formatOf returns the file format a path's extension names: Parquet for
// .parquet, Arrow IPC for anything else.
func formatOf(path string) FileFormat {
	if strings.EqualFold(filepath.Ext(path), Parquet.Ext()) {
		return Parquet
	}
	return IPC
}

// NewArticleWriter creates a writer for the articles table at path: a
// Parquet file when path ends in .parquet, else an Arrow IPC file.
func NewArticleWriter(path string, mem memory.Allocator, meta Metadata) (*Writer[Article], error) {
	return newWriter(path, mem, meta, articlesTable)
}

// NewMentionWriter creates a writer for the mentions table at path, in the
// format its extension names (see NewArticleWriter).
func NewMentionWriter(path string, mem memory.Allocator, meta Metadata) (*Writer[Mention], error) {
	return newWriter(path, mem, meta, mentionsTable)
}

// NewCompanyDayWriter creates a writer for the company_daily table at path,
// in the format its extension names (see NewArticleWriter).
func NewCompanyDayWriter(path string, mem memory.Allocator, meta Metadata) (*Writer[CompanyDay], error) {
	return newWriter(path, mem, meta, companyDailyTable)
}

func newWriter[T any](path string, mem memory.Allocator, meta Metadata, tbl *table[T]) (*Writer[T], error) {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	schema, err := tbl.schema(meta)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", tbl.name, err)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", tbl.name, err)
	}
	digest := newDigestWriter(tmp)
	w := &Writer[T]{
		path:   path,
		tbl:    tbl,
		mem:    mem,
		schema: schema,
		tmp:    tmp,
		digest: digest,
		buf:    bufio.NewWriterSize(digest, 1<<16),
		batch:  DefaultBatchRows,
	}
	var fw recordWriter
	switch formatOf(path) {
	case Parquet:
		usePooledZstd()
		w.batch = ParquetRowGroupRows
		props := parquet.NewWriterProperties(
			parquet.WithAllocator(mem),
			parquet.WithCompression(compress.Codecs.Zstd),
			parquet.WithMaxRowGroupLength(ParquetRowGroupRows),
		)
		// The stored Arrow schema gives readers back the exact types
		// (date32, non-null list items) and the schema metadata.
		fw, err = pqarrow.NewFileWriter(schema, w.buf, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(mem)))
	default:
		fw, err = ipc.NewFileWriter(&seekWriter{w: w.buf}, ipc.WithSchema(schema), ipc.WithAllocator(mem))
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("create %s: %w", tbl.name, err)
	}
	w.fw = fw
	w.bld = array.NewRecordBuilder(mem, schema)
	w.app = newRowAppender(tbl, w.bld, mem)
	return w, nil
}

// errClosed is returned by Write after Close or Abort, and by Close after
// Abort.
var errClosed = errors.New("arrow writer already closed")

// errNotSealed is an internal error: a file published before it was
// complete.
var errNotSealed = errors.New("arrow writer not sealed")

// Write appends one row. Every DefaultBatchRows rows a record batch is
// written to the temporary file.
func (w *Writer[T]) Write(row T) error {
	w.row = row
	return w.put(&w.row)
}

// put appends row r, which must not be changed before put returns.
func (w *Writer[T]) put(r *T) error {
	if w.state != stateOpen {
		return fmt.Errorf("write %s: %w", w.tbl.name, errClosed)
	}
	w.app.append(r)
	w.pend++
	w.rows++
	if w.pend >= w.batch {
		return w.flush()
	}
	return nil
}

// writeRecord appends the rows of rec, rebatched so that the file holds
// exactly the batches Write would have made of the same rows: a file
// merged from several is the file one writer would have written.
func (w *Writer[T]) writeRecord(rec arrow.Record) error {
	if rec.NumRows() == 0 {
		return nil
	}
	rec.Retain()
	w.carry = append(w.carry, rec)
	w.carryN += int(rec.NumRows())
	w.rows += rec.NumRows()
	for w.carryN >= w.batch {
		if err := w.writeCarry(w.batch); err != nil {
			return err
		}
	}
	return nil
}

// writeCarry writes the first n carried rows as one batch.
func (w *Writer[T]) writeCarry(n int) error {
	var take []arrow.Record
	got := 0
	for got < n {
		r := w.carry[0]
		rows := int(r.NumRows())
		if got+rows <= n {
			take = append(take, r)
			w.carry = w.carry[1:]
			got += rows
			continue
		}
		k := n - got
		take = append(take, r.NewSlice(0, int64(k)))
		w.carry[0] = r.NewSlice(int64(k), int64(rows))
		r.Release()
		got = n
	}
	w.carryN -= n
	defer func() {
		for _, r := range take {
			r.Release()
		}
	}()
	cols := make([]arrow.Array, w.schema.NumFields())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i := range cols {
		parts := make([]arrow.Array, len(take))
		for j, r := range take {
			parts[j] = r.Column(i)
		}
		c, err := array.Concatenate(parts, w.mem)
		if err != nil {
			return fmt.Errorf("merge %s: %w", w.tbl.name, err)
		}
		if want := w.schema.Field(i).Type; !arrow.TypeEqual(c.DataType(), want) {
			// Parquet gives lists back with its own item field (name
			// "list", nullable): same layout, relabelled.
			d := c.Data()
			nd := array.NewData(want, d.Len(), d.Buffers(), d.Children(), d.NullN(), d.Offset())
			c.Release()
			c = array.MakeFromData(nd)
			nd.Release()
		}
		cols[i] = c
	}
	rec := array.NewRecord(w.schema, cols, int64(n))
	defer rec.Release()
	if err := w.fw.Write(rec); err != nil {
		return fmt.Errorf("write %s batch: %w", w.tbl.name, err)
	}
	return nil
}

// flush writes the buffered rows as one record batch.
func (w *Writer[T]) flush() error {
	if w.pend == 0 {
		return nil
	}
	w.app.finish()
	rec := w.app.record(w.bld)
	defer rec.Release()
	w.pend = 0
	if err := w.fw.Write(rec); err != nil {
		return fmt.Errorf("write %s batch: %w", w.tbl.name, err)
	}
	return nil
}

// Rows returns the number of rows written so far.
func (w *Writer[T]) Rows() int64 { return w.rows }

// File describes the file Close published: its path, size and SHA-256.
// Before a successful Close it is the zero File.
func (w *Writer[T]) File() File {
	if w.state != stateClosed {
		return File{}
	}
	return w.file
}

// Close writes the remaining rows and the file footer, syncs the temporary
// file and renames it to the final path. A writer with zero rows produces a
// valid Arrow file holding only the schema. On error the temporary file is
// removed and any previous file at the path is left untouched. Closing a
// closed writer does nothing; closing an aborted one is an error.
func (w *Writer[T]) Close() error {
	switch w.state {
	case stateClosed:
		return nil
	case stateAborted:
		return fmt.Errorf("close %s: %w", w.tbl.name, errClosed)
	}
	if err := w.seal(); err != nil {
		w.Abort()
		return err
	}
	if err := w.publish(); err != nil {
		w.Abort()
		return err
	}
	return nil
}

// seal writes the remaining rows and the footer and syncs and closes the
// temporary file, releasing the builders: the file is complete but not yet
// under its final name.
func (w *Writer[T]) seal() error {
	switch w.state {
	case stateSealed, stateClosed:
		return nil
	case stateAborted:
		return fmt.Errorf("seal %s: %w", w.tbl.name, errClosed)
	}
	if err := w.flush(); err != nil {
		return err
	}
	if w.carryN > 0 {
		if err := w.writeCarry(w.carryN); err != nil {
			return err
		}
	}
	if err := w.fw.Close(); err != nil {
		return fmt.Errorf("finish %s: %w", w.tbl.name, err)
	}
	if err := w.buf.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", w.tbl.name, err)
	}
	if err := w.tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("chmod %s: %w", w.tbl.name, err)
	}
	if err := w.tmp.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", w.tbl.name, err)
	}
	if err := w.tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", w.tbl.name, err)
	}
	w.file.Path = w.path
	w.file.Bytes, w.file.SHA256 = w.digest.sum()
	// A sealed file may wait long for its rename: keep nothing but it.
	w.bld.Release()
	w.bld, w.buf, w.fw, w.schema, w.digest = nil, nil, nil, nil, nil
	w.app, w.row = rowAppender[T]{}, *new(T)
	w.state = stateSealed
	return nil
}

// publish renames a sealed file to its final path; a published one stays.
func (w *Writer[T]) publish() error {
	switch w.state {
	case stateClosed:
		return nil
	case stateOpen, stateAborted:
		return fmt.Errorf("publish %s: %w", w.tbl.name, errNotSealed)
	}
	if err := os.Rename(w.tmp.Name(), w.path); err != nil {
		return fmt.Errorf("publish %s: %w", w.tbl.name, err)
	}
	w.tmp = nil
	w.state = stateClosed
	syncDir(filepath.Dir(w.path))
	return nil
}

// syncDir makes a rename durable; errors are ignored because not every
// platform can sync a directory.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}

// Abort discards everything written: the temporary file is removed, the
// builders are released and any previous file at the path stays in place.
// Abort is idempotent and does nothing after a successful Close.
func (w *Writer[T]) Abort() {
	if w == nil || (w.state != stateOpen && w.state != stateSealed) {
		return
	}
	sealed := w.state == stateSealed
	w.state = stateAborted
	if w.fw != nil && !sealed {
		// Closing frees the encoder's buffers; what it writes goes to the
		// temporary file removed below.
		w.fw.Close()
	}
	if w.bld != nil {
		w.bld.Release()
		w.bld = nil
		w.app = rowAppender[T]{}
	}
	for _, r := range w.carry {
		r.Release()
	}
	w.carry, w.carryN = nil, 0
	if w.tmp != nil {
		w.tmp.Close()
		os.Remove(w.tmp.Name())
		w.tmp = nil
	}
}

// seekWriter gives a buffered writer the io.WriteSeeker interface the IPC
// file writer needs; it only ever asks for the current position.
type seekWriter struct {
	w   io.Writer
	pos int64
}

func (s *seekWriter) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	s.pos += int64(n)
	return n, err
}

func (s *seekWriter) Seek(offset int64, whence int) (int64, error) {
	if offset == 0 && whence == io.SeekCurrent {
		return s.pos, nil
	}
	return s.pos, errors.New("seek not supported on buffered arrow output")
}
