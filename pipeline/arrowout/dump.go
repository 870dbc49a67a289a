package arrowout

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// Format is an output format of Dump.
type Format int

// The formats Dump can print.
const (
	FormatTable Format = iota // aligned columns for the terminal
	FormatCSV                 // RFC 4180 CSV with a header row
	FormatJSONL               // one JSON object per row
)

var formatNames = [...]string{FormatTable: "table", FormatCSV: "csv", FormatJSONL: "jsonl"}

// String returns the name ParseFormat accepts.
func (f Format) String() string {
	if f >= 0 && int(f) < len(formatNames) {
		return formatNames[f]
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// ParseFormat parses a format name: "table", "csv" or "jsonl".
func ParseFormat(s string) (Format, error) {
	for i, name := range formatNames {
		if s == name {
			return Format(i), nil
		}
	}
	return 0, fmt.Errorf("unknown format %q: want one of %s", s, strings.Join(formatNames[:], ", "))
}

// maxCell is the widest cell, in runes, of the table format.
const maxCell = 40

// listSep joins list items in the csv and table formats.
const listSep = "|"

// Dump prints the rows of the Arrow IPC file (or stream) at path to w in
// format f. It reads one record batch at a time; the table format reads the
// file twice, first to measure the columns. Nulls are empty in csv and
// table and null in jsonl; dates print as YYYY-MM-DD; lists are joined with
// "|" in csv and table and are arrays in jsonl. ctx is checked between
// batches.
func Dump(ctx context.Context, w io.Writer, path string, f Format, mem memory.Allocator) error {
	bw := bufio.NewWriter(w)
	var err error
	switch f {
	case FormatCSV:
		err = dumpCSV(ctx, bw, path, mem)
	case FormatJSONL:
		err = dumpJSONL(ctx, bw, path, mem)
	case FormatTable:
		err = dumpTable(ctx, bw, path, mem)
	default:
		return fmt.Errorf("dump %s: unknown format %d", path, int(f))
	}
	if ferr := bw.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("dump %s: %w", path, ferr)
	}
	return err
}

func dumpCSV(ctx context.Context, w io.Writer, path string, mem memory.Allocator) error {
	cw := csv.NewWriter(w)
	var rec []string
	err := scan(ctx, path, mem, func(s *arrow.Schema) error {
		rec = make([]string, s.NumFields())
		for i, f := range s.Fields() {
			rec[i] = f.Name
		}
		return cw.Write(rec)
	}, func(r arrow.Record) error {
		cols := r.Columns()
		for row := 0; row < int(r.NumRows()); row++ {
			for i, c := range cols {
				rec[i] = textCell(c, row)
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	if err != nil {
		return fmt.Errorf("dump %s as csv: %w", path, err)
	}
	return nil
}

func dumpJSONL(ctx context.Context, w io.Writer, path string, mem memory.Allocator) error {
	var keys [][]byte // `"name":` per column, precomputed
	var buf []byte
	err := scan(ctx, path, mem, func(s *arrow.Schema) error {
		keys = make([][]byte, s.NumFields())
		for i, f := range s.Fields() {
			keys[i] = append(appendJSONString(nil, f.Name), ':')
		}
		return nil
	}, func(r arrow.Record) error {
		cols := r.Columns()
		for row := 0; row < int(r.NumRows()); row++ {
			buf = append(buf[:0], '{')
			for i, c := range cols {
				if i > 0 {
					buf = append(buf, ',')
				}
				buf = append(buf, keys[i]...)
				buf = appendJSONCell(buf, c, row)
			}
			buf = append(buf, '}', '\n')
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("dump %s as jsonl: %w", path, err)
	}
	return nil
}

func dumpTable(ctx context.Context, w io.Writer, path string, mem memory.Allocator) error {
	// Pass 1: the width of every column.
	var (
		names  []string
		widths []int
		right  []bool // right-align numbers
	)
	err := scan(ctx, path, mem, func(s *arrow.Schema) error {
		for _, f := range s.Fields() {
			name := tableCell(f.Name)
			names = append(names, name)
			widths = append(widths, utf8.RuneCountInString(name))
			right = append(right, isNumeric(f.Type))
		}
		return nil
	}, func(r arrow.Record) error {
		for i, c := range r.Columns() {
			for row := 0; row < c.Len(); row++ {
				widths[i] = max(widths[i], utf8.RuneCountInString(tableCell(textCell(c, row))))
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("dump %s as table: %w", path, err)
	}
	var line strings.Builder
	printRow := func(cell func(i int) string) error {
		line.Reset()
		for i := range names {
			if i > 0 {
				line.WriteString("  ")
			}
			v := cell(i)
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(v))
			if right[i] {
				line.WriteString(pad)
				line.WriteString(v)
			} else {
				line.WriteString(v)
				line.WriteString(pad)
			}
		}
		_, err := io.WriteString(w, strings.TrimRight(line.String(), " ")+"\n")
		return err
	}
	if err := printRow(func(i int) string { return names[i] }); err != nil {
		return fmt.Errorf("dump %s as table: %w", path, err)
	}
	if err := printRow(func(i int) string { return strings.Repeat("-", widths[i]) }); err != nil {
		return fmt.Errorf("dump %s as table: %w", path, err)
	}
	// Pass 2: the rows.
	err = scan(ctx, path, mem, func(s *arrow.Schema) error {
		if s.NumFields() != len(names) {
			return fmt.Errorf("file changed while reading")
		}
		return nil
	}, func(r arrow.Record) error {
		cols := r.Columns()
		for row := 0; row < int(r.NumRows()); row++ {
			if err := printRow(func(i int) string { return tableCell(textCell(cols[i], row)) }); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("dump %s as table: %w", path, err)
	}
	return nil
}

// tableCell makes s fit one terminal cell: control characters become spaces
// and more than maxCell runes are cut to maxCell with a trailing "…".
func tableCell(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		s = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return ' '
			}
			return r
		}, s)
	}
	if utf8.RuneCountInString(s) <= maxCell {
		return s
	}
	n := 0
	for i := range s {
		if n == maxCell-1 {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

func isNumeric(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64, arrow.DECIMAL128, arrow.DECIMAL256:
		return true
	}
	return false
}

// textCell formats value row of arr for csv and table: empty for null, lists
// joined with "|".
func textCell(arr arrow.Array, row int) string {
	if arr.IsNull(row) {
		return ""
	}
	switch a := arr.(type) {
	case *array.String:
		return a.Value(row)
	case *array.LargeString:
		return a.Value(row)
	case *array.StringView:
		return a.Value(row)
	case *array.Int8:
		return strconv.FormatInt(int64(a.Value(row)), 10)
	case *array.Int16:
		return strconv.FormatInt(int64(a.Value(row)), 10)
	case *array.Int32:
		return strconv.FormatInt(int64(a.Value(row)), 10)
	case *array.Int64:
		return strconv.FormatInt(a.Value(row), 10)
	case *array.Uint8:
		return strconv.FormatUint(uint64(a.Value(row)), 10)
	case *array.Uint16:
		return strconv.FormatUint(uint64(a.Value(row)), 10)
	case *array.Uint32:
		return strconv.FormatUint(uint64(a.Value(row)), 10)
	case *array.Uint64:
		return strconv.FormatUint(a.Value(row), 10)
	case *array.Float32:
		return strconv.FormatFloat(float64(a.Value(row)), 'g', -1, 32)
	case *array.Float64:
		return strconv.FormatFloat(a.Value(row), 'g', -1, 64)
	case *array.Boolean:
		return strconv.FormatBool(a.Value(row))
	case *array.Date32:
		return a.Value(row).ToTime().Format(time.DateOnly)
	case *array.Date64:
		return a.Value(row).ToTime().Format(time.DateOnly)
	case *array.Timestamp:
		return formatTimestamp(a, row)
	case array.ListLike:
		start, end := a.ValueOffsets(row)
		vals := a.ListValues()
		items := make([]string, 0, end-start)
		for j := start; j < end; j++ {
			items = append(items, textCell(vals, int(j)))
		}
		return strings.Join(items, listSep)
	}
	return arr.ValueStr(row)
}

// formatTimestamp prints a timestamp in RFC 3339 in its time zone, or
// without a zone when the type has none (a wall-clock time).
func formatTimestamp(a *array.Timestamp, row int) string {
	dt := a.DataType().(*arrow.TimestampType)
	t := a.Value(row).ToTime(dt.Unit)
	if dt.TimeZone == "" {
		return t.UTC().Format("2006-01-02T15:04:05.999999999")
	}
	if loc, err := dt.GetZone(); err == nil && loc != nil {
		t = t.In(loc)
	}
	return t.Format(time.RFC3339Nano)
}

// appendJSONCell appends value row of arr as JSON: null for null, numbers as
// numbers (non-finite floats as strings), dates as "YYYY-MM-DD", lists as
// arrays and anything else as the string of its ValueStr.
func appendJSONCell(b []byte, arr arrow.Array, row int) []byte {
	if arr.IsNull(row) {
		return append(b, "null"...)
	}
	switch a := arr.(type) {
	case *array.Int8, *array.Int16, *array.Int32, *array.Int64,
		*array.Uint8, *array.Uint16, *array.Uint32, *array.Uint64, *array.Boolean:
		return append(b, textCell(arr, row)...)
	case *array.Float32:
		return appendJSONFloat(b, float64(a.Value(row)), 32)
	case *array.Float64:
		return appendJSONFloat(b, a.Value(row), 64)
	case array.ListLike:
		start, end := a.ValueOffsets(row)
		vals := a.ListValues()
		b = append(b, '[')
		for j := start; j < end; j++ {
			if j > start {
				b = append(b, ',')
			}
			b = appendJSONCell(b, vals, int(j))
		}
		return append(b, ']')
	}
	return appendJSONString(b, textCell(arr, row))
}

func appendJSONFloat(b []byte, v float64, bits int) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return appendJSONString(b, strconv.FormatFloat(v, 'g', -1, bits))
	}
	return strconv.AppendFloat(b, v, 'g', -1, bits)
}

// appendJSONString appends s as a JSON string. Unlike encoding/json it does
// not escape <, > and &, so URLs stay readable; invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// Describe prints the schema of the Arrow IPC file (or stream) at path:
// every field with its type and nullability, the schema metadata and the
// number of rows and record batches.
func Describe(w io.Writer, path string) error {
	var (
		schema  *arrow.Schema
		rows    int64
		batches int
	)
	err := scan(context.Background(), path, memory.DefaultAllocator,
		func(s *arrow.Schema) error { schema = s; return nil },
		func(r arrow.Record) error { rows += r.NumRows(); batches++; return nil })
	if err != nil {
		return fmt.Errorf("describe %s: %w", path, err)
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "file: %s\n", path)
	fmt.Fprintf(bw, "rows: %d in %d record %s\n", rows, batches, plural(batches, "batch", "batches"))
	fmt.Fprintf(bw, "columns: %d\n", schema.NumFields())
	nameW, typeW := 0, 0
	types := make([]string, schema.NumFields())
	for i, f := range schema.Fields() {
		types[i] = typeName(f.Type)
		nameW = max(nameW, utf8.RuneCountInString(f.Name))
		typeW = max(typeW, utf8.RuneCountInString(types[i]))
	}
	for i, f := range schema.Fields() {
		null := "not null"
		if f.Nullable {
			null = "nullable"
		}
		fmt.Fprintf(bw, "  %s%s  %s%s  %s\n",
			f.Name, strings.Repeat(" ", nameW-utf8.RuneCountInString(f.Name)),
			types[i], strings.Repeat(" ", typeW-utf8.RuneCountInString(types[i])), null)
	}
	md := schema.Metadata()
	fmt.Fprintf(bw, "metadata: %d\n", md.Len())
	keyW := 0
	for _, k := range md.Keys() {
		keyW = max(keyW, utf8.RuneCountInString(k))
	}
	for i, k := range md.Keys() {
		fmt.Fprintf(bw, "  %s%s  %s\n", k, strings.Repeat(" ", keyW-utf8.RuneCountInString(k)), md.Values()[i])
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("describe %s: %w", path, err)
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// typeName is a short name of an Arrow type: list<utf8> rather than
// list<item: utf8, nullable>.
func typeName(dt arrow.DataType) string {
	if l, ok := dt.(arrow.ListLikeType); ok && dt.ID() != arrow.MAP {
		var kind string
		switch dt.ID() {
		case arrow.LIST:
			kind = "list"
		case arrow.LARGE_LIST:
			kind = "large_list"
		case arrow.LIST_VIEW:
			kind = "list_view"
		case arrow.LARGE_LIST_VIEW:
			kind = "large_list_view"
		default:
			return dt.String()
		}
		return kind + "<" + typeName(l.Elem()) + ">"
	}
	return dt.String()
}
