package arrowout

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// rowAppender appends rows to the column builders of a RecordBuilder, a
// batch at a time. It holds each column's getter with the column's builder
// as its concrete type, grouped by kind, so a row is appended with direct
// calls, not an interface call and a type assertion per value.
//
// Fixed-width values of columns without nulls are gathered in plain
// slices, kept from batch to batch, and handed to their builders with one
// AppendValues per column and batch (finish): a slice append per value
// instead of a capacity check and a validity bit. Strings, lists and
// nullable columns go to their builders row by row, into buffers sized
// from the batch before (reserve).
type rowAppender[T any] struct {
	strs     []strField[T]
	lists    []listField[T]
	nullF64s []nullF64Field[T]
	i32s     []fixedField[T, int32]
	f64s     []fixedField[T, float64]
	bools    []fixedField[T, bool]
	dates    []dateField[T]
	cats     []catField[T]
}

type strField[T any] struct {
	b        *array.StringBuilder
	get      func(*T) string
	nullable bool // "" is written as null
	data     int  // bytes in the last batch
}

type listField[T any] struct {
	b           *array.ListBuilder
	vb          *array.StringBuilder // b's value builder
	get         func(*T) []string
	items, data int // strings and their bytes in the last batch
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
func newRowAppender[T any](tbl *table[T], rb *array.RecordBuilder) rowAppender[T] {
	var a rowAppender[T]
	for i, c := range tbl.cols {
		b := rb.Field(i)
		switch get := c.get.(type) {
		case func(*T) string:
			a.strs = append(a.strs, strField[T]{b: b.(*array.StringBuilder), get: get, nullable: c.nullable})
		case func(*T) []string:
			lb := b.(*array.ListBuilder)
			a.lists = append(a.lists, listField[T]{b: lb, vb: lb.ValueBuilder().(*array.StringBuilder), get: get})
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
			a.dates = append(a.dates, dateField[T]{gathered[arrow.Date32]{b: b.(*array.Date32Builder)}, get})
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
// has its own builder.
func (a *rowAppender[T]) append(r *T) {
	for _, f := range a.strs {
		if v := f.get(r); v != "" || !f.nullable {
			f.b.Append(v)
		} else {
			f.b.AppendNull()
		}
	}
	for _, f := range a.lists {
		f.b.Append(true)
		for _, v := range f.get(r) {
			f.vb.Append(v)
		}
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
	for i := range a.strs {
		a.strs[i].data = a.strs[i].b.DataLen()
	}
	for i := range a.lists {
		f := &a.lists[i]
		f.items, f.data = f.vb.Len(), f.vb.DataLen()
	}
}

// dateField is a date32 column: the getter's time is converted as it is
// gathered (a direct call, not a closure around the getter).
type dateField[T any] struct {
	gathered[arrow.Date32]
	get func(*T) time.Time
}

func (f *dateField[T]) gather(r *T) { f.vals = append(f.vals, toDate32(f.get(r))) }

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

// reserve makes room in the empty string and list builders for a batch of
// rows like the last one finished, an eighth more for the strings' bytes
// and the lists' items, so the buffers are allocated once per batch
// instead of doubling their way up from nothing, copying as they go. It
// sizes with Resize, which allocates what it is asked for: Reserve(n)
// rounds up to the power of two above n, twice a full batch.
//
// The file holds the same bytes either way: the builders trim the offset
// and value buffers to the values when the batch becomes a record, and
// the IPC writer drops the validity bitmap of a column without nulls. A
// column with nulls has its validity bitmap written as it is, though, when
// it is no longer than the rows need rounded up to 64 bytes: one sized for
// a whole batch would be written longer than a grown one in a short last
// batch. So nullable columns are left to grow as they did, but for the
// bytes of their strings.
func (a *rowAppender[T]) reserve(rows int) {
	for _, f := range a.strs {
		if !f.nullable {
			f.b.Resize(rows)
		}
		f.b.ReserveData(f.data + f.data/8)
	}
	for _, f := range a.lists {
		// A list builder sizes its offsets as its rows: one more ends the
		// last list.
		f.b.Resize(rows + 1)
		if f.items > 0 {
			f.vb.Resize(f.items + f.items/8)
			f.vb.ReserveData(f.data + f.data/8)
		}
	}
}
