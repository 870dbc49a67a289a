package arrowout

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// rowAppender appends rows a batch at a time, to the column builders of
// a RecordBuilder or to plain slices it makes arrays of (record). It holds
// each column's getter, with the column's builder as its concrete type,
// grouped by kind, so a row is appended with direct calls, not an
// interface call and a type assertion per value.
//
// Fixed-width values of columns without nulls are gathered in plain
// slices, kept from batch to batch, and handed to their builders with one
// AppendValues per column and batch (finish): a slice append per value
// instead of a capacity check and a validity bit. The strings of string
// and list columns are gathered too, their bytes, offsets and validity
// bits, and made arrays of a batch without a builder (record): a builder
// appends an offset through a function value, checks capacities twice and
// sets a validity bit per string. Nullable float64 columns go to their
// builders row by row.
type rowAppender[T any] struct {
	mem      memory.Allocator // of the gathered strings' arrays
	schema   *arrow.Schema
	strs     []strField[T]
	lists    []listField[T]
	nullF64s []nullF64Field[T]
	i32s     []fixedField[T, int32]
	f64s     []fixedField[T, float64]
	bools    []fixedField[T, bool]
	dates    []dateField[T]
	cats     []catField[T]
}

// strBatch is a batch of strings, gathered: string k is
// data[offs[k]:offs[k+1]]. Its slices are kept from batch to batch.
type strBatch struct {
	offs []int32 // 0, then the end of each string
	data []byte
}

func newStrBatch() strBatch { return strBatch{offs: []int32{0}} }

func (g *strBatch) add(v string) {
	g.data = append(g.data, v...)
	g.offs = append(g.offs, int32(len(g.data)))
}

// len returns the number of strings.
func (g *strBatch) len() int { return len(g.offs) - 1 }

// arrayData returns the strings as the data of a utf8 array, in buffers
// of mem as long as the offsets and bytes (a builder trims its buffers to
// those), and empties g. The strings whose bit is clear in valid, their
// validity bitmap, are null, nulls of them; with none the array has no
// bitmap, and the file has none either way.
func (g *strBatch) arrayData(mem memory.Allocator, valid []byte, nulls int) arrow.ArrayData {
	if len(g.data) > math.MaxInt32 {
		// As a builder's Append does, if built with the debug tag.
		panic("arrowout: a batch's strings exceed the 2 GiB of utf8 offsets")
	}
	n := g.len()
	var bitmap *memory.Buffer
	if nulls > 0 {
		// As long as a builder's, grown a row at a time to the least
		// power of two that holds the rows (NextPowerOf2(x) is above x):
		// the IPC writer writes a bitmap as it is when it is no longer
		// than the rows' bits padded to 64 bytes.
		bitmap = memory.NewResizableBuffer(mem)
		bitmap.Resize(bitutil.CeilByte(bitutil.NextPowerOf2(n-1)) / 8)
		clear(bitmap.Bytes()[copy(bitmap.Bytes(), valid):])
		defer bitmap.Release()
	}
	offs, data := copyBuffer(mem, arrow.Int32Traits.CastToBytes(g.offs)), copyBuffer(mem, g.data)
	defer offs.Release()
	defer data.Release()
	g.offs, g.data = g.offs[:1], g.data[:0]
	return array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{bitmap, offs, data}, nil, nulls, 0)
}

// copyBuffer returns a buffer of mem holding a copy of b.
func copyBuffer(mem memory.Allocator, b []byte) *memory.Buffer {
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(len(b))
	copy(buf.Bytes(), b)
	return buf
}

// strField is a string column; its strings are gathered. A nullable
// column writes "" as null.
type strField[T any] struct {
	i        int // the column's index in the schema
	get      func(*T) string
	nullable bool
	strBatch
	valid []byte // nullable: the validity bitmap of the batch's strings
	nulls int
}

// add appends v, a null if it is "" in a nullable column.
func (f *strField[T]) add(v string) {
	if f.nullable {
		k := f.len()
		if k%8 == 0 {
			f.valid = append(f.valid, 0)
		}
		if v != "" {
			f.valid[k/8] |= 1 << (k % 8)
		} else {
			f.nulls++
		}
	}
	f.strBatch.add(v)
}

// arrayData returns the batch's strings as the data of an array, and
// empties f.
func (f *strField[T]) arrayData(mem memory.Allocator) arrow.ArrayData {
	d := f.strBatch.arrayData(mem, f.valid, f.nulls)
	f.valid, f.nulls = f.valid[:0], 0
	return d
}

// listField is a list<utf8> column; the lists are never null, nor their
// items. Its lists' offsets and items are gathered.
type listField[T any] struct {
	i     int // the column's index in the schema
	get   func(*T) []string
	offs  []int32 // 0, then the end of each list in items
	items strBatch
}

// nullF64Field is a nullable float64 column; NaN is written as null.
type nullF64Field[T any] struct {
	b   *array.Float64Builder
	get func(*T) float64
}

// valuesBuilder is a builder of fixed-width values V.
type valuesBuilder[V any] interface {
	array.Builder
	AppendValues(v []V, valid []bool)
}

// gathered holds a batch's values of a column of fixed-width values
// without nulls, and the column's builder.
type gathered[V any] struct {
	b    valuesBuilder[V]
	vals []V // the batch's values
}

// fixedField is a column of fixed-width values without nulls.
type fixedField[T, V any] struct {
	gathered[V]
	get func(*T) V
}

// catField is the columns of one vector of category values, in category
// order: the vector is got once per row, not once per column.
type catField[T any] struct {
	get  func(*T) []float64
	b    []*array.Float64Builder
	vals []float64 // the batch's values, row after row
	col  []float64 // one column of vals, for AppendValues
}

// newRowAppender types the builders of rb, whose schema is tbl's. A
// getter that does not match its column's type is a mistake in schema.go
// and panics, when the first writer of the table opens.
func newRowAppender[T any](tbl *table[T], rb *array.RecordBuilder, mem memory.Allocator) rowAppender[T] {
	a := rowAppender[T]{mem: mem, schema: rb.Schema()}
	for i, c := range tbl.cols {
		b := rb.Field(i)
		switch get := c.get.(type) {
		case func(*T) string:
			_ = b.(*array.StringBuilder) // the type check the others make
			a.strs = append(a.strs, strField[T]{i: i, get: get, nullable: c.nullable, strBatch: newStrBatch()})
		case func(*T) []string:
			_ = b.(*array.ListBuilder)
			a.lists = append(a.lists, listField[T]{i: i, get: get, offs: []int32{0}, items: newStrBatch()})
		case func(*T) float64:
			if c.nullable {
				a.nullF64s = append(a.nullF64s, nullF64Field[T]{b: b.(*array.Float64Builder), get: get})
			} else {
				a.f64s = append(a.f64s, fixedField[T, float64]{gathered[float64]{b: b.(*array.Float64Builder)}, get})
			}
		case func(*T) int32:
			a.i32s = append(a.i32s, fixedField[T, int32]{gathered[int32]{b: b.(*array.Int32Builder)}, get})
		case func(*T) bool:
			a.bools = append(a.bools, fixedField[T, bool]{gathered[bool]{b: b.(*array.BooleanBuilder)}, get})
		case func(*T) time.Time:
			a.dates = append(a.dates, newDateField(b.(*array.Date32Builder), get))
		case catValue[T]:
			if get.i == 0 {
				a.cats = append(a.cats, catField[T]{get: get.vec})
			}
			if len(a.cats) == 0 || get.i != len(a.cats[len(a.cats)-1].b) {
				panic(fmt.Sprintf("arrowout: %s.%s: category value %d declared out of order", tbl.name, c.name, get.i))
			}
			f := &a.cats[len(a.cats)-1]
			f.b = append(f.b, b.(*array.Float64Builder))
		default:
			panic(fmt.Sprintf("arrowout: %s.%s: unsupported getter %T", tbl.name, c.name, c.get))
		}
		if c.nullable && c.typ.ID() != arrow.STRING && c.typ.ID() != arrow.FLOAT64 {
			panic(fmt.Sprintf("arrowout: %s.%s: nullable %s column", tbl.name, c.name, c.typ))
		}
	}
	return a
}

// append appends row r. The order of the columns does not matter: each
// has its own builder or slices.
func (a *rowAppender[T]) append(r *T) {
	for i := range a.strs {
		f := &a.strs[i]
		f.add(f.get(r))
	}
	for i := range a.lists {
		f := &a.lists[i]
		for _, v := range f.get(r) {
			f.items.add(v)
		}
		f.offs = append(f.offs, int32(f.items.len()))
	}
	for _, f := range a.nullF64s {
		if v := f.get(r); !math.IsNaN(v) {
			f.b.Append(v)
		} else {
			f.b.AppendNull()
		}
	}
	for i := range a.i32s {
		a.i32s[i].gather(r)
	}
	for i := range a.f64s {
		a.f64s[i].gather(r)
	}
	for i := range a.bools {
		a.bools[i].gather(r)
	}
	for i := range a.dates {
		a.dates[i].gather(r)
	}
	for i := range a.cats {
		f := &a.cats[i]
		v := f.get(r)
		n := len(f.b)
		if len(v) >= n {
			f.vals = append(f.vals, v[:n]...)
			continue
		}
		f.vals = append(f.vals, v...)
		for range n - len(v) {
			f.vals = append(f.vals, 0)
		}
	}
}

// finish appends the gathered values of the batch to their builders,
// which then hold the whole batch, and measures the batch for reserve.
func (a *rowAppender[T]) finish() {
	for i := range a.i32s {
		a.i32s[i].finish()
	}
	for i := range a.f64s {
		a.f64s[i].finish()
	}
	for i := range a.bools {
		a.bools[i].finish()
	}
	for i := range a.dates {
		a.dates[i].finish()
	}
	for i := range a.cats {
		f := &a.cats[i]
		rows := len(f.vals) / len(f.b)
		f.col = slices.Grow(f.col[:0], rows)[:rows]
		for k, b := range f.b {
			for j := range f.col {
				f.col[j] = f.vals[j*len(f.b)+k]
			}
			b.Resize(rows)
			b.AppendValues(f.col, nil)
		}
		f.vals = f.vals[:0]
	}
}

// record returns the finished batch of rows as a record: the gathered
// strings' and lists' arrays, and those of rb's builders for the other
// columns, as rb.NewRecord makes them.
func (a *rowAppender[T]) record(rb *array.RecordBuilder) arrow.Record {
	cols := make([]arrow.Array, a.schema.NumFields())
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	for i := range a.strs {
		f := &a.strs[i]
		d := f.arrayData(a.mem)
		cols[f.i] = array.MakeFromData(d)
		d.Release()
	}
	for i := range a.lists {
		f := &a.lists[i]
		items := f.items.arrayData(a.mem, nil, 0)
		offs := copyBuffer(a.mem, arrow.Int32Traits.CastToBytes(f.offs))
		d := array.NewData(a.schema.Field(f.i).Type, len(f.offs)-1, []*memory.Buffer{nil, offs}, []arrow.ArrayData{items}, 0, 0)
		items.Release()
		offs.Release()
		f.offs = f.offs[:1]
		cols[f.i] = array.MakeFromData(d)
		d.Release()
	}
	for i := range cols {
		if cols[i] == nil {
			cols[i] = rb.Field(i).NewArray()
		}
	}
	return array.NewRecord(a.schema, cols, int64(cols[0].Len()))
}

// dateField is a date32 column: the getter's time is converted as it is
// gathered (a direct call, not a closure around the getter).
type dateField[T any] struct {
	gathered[arrow.Date32]
	get func(*T) time.Time
	// last is the time of the row before and day its date (the zero
	// time's before the first row): rows come in runs of one time, an
	// article's mentions or an archive's days, and toDate32 costs two
	// calendar conversions.
	last time.Time
	day  arrow.Date32
}

func newDateField[T any](b *array.Date32Builder, get func(*T) time.Time) dateField[T] {
	return dateField[T]{gathered: gathered[arrow.Date32]{b: b}, get: get, day: toDate32(time.Time{})}
}

func (f *dateField[T]) gather(r *T) {
	// ==, not Equal: the same instant in another location may be another
	// day.
	if t := f.get(r); t != f.last {
		f.last, f.day = t, toDate32(t)
	}
	f.vals = append(f.vals, f.day)
}

// gather keeps row r's value for the batch.
func (f *fixedField[T, V]) gather(r *T) { f.vals = append(f.vals, f.get(r)) }

// finish gives the batch's values to the empty builder. Resize allocates
// exactly the batch: AppendValues alone would reserve, rounding up to the
// power of two above it, twice a full batch.
func (f *gathered[V]) finish() {
	f.b.Resize(len(f.vals))
	f.b.AppendValues(f.vals, nil)
	f.vals = f.vals[:0]
}
