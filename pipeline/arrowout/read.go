package arrowout

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
)

// fileMagic starts (and ends) every Arrow IPC file.
var fileMagic = []byte("ARROW1")

// streamStart is the continuation marker that starts every message of an
// Arrow IPC stream (since format 0.15). Checking it first keeps a text file
// from being read as a stream whose first "message length" is gigabytes.
var streamStart = []byte{0xff, 0xff, 0xff, 0xff}

// parquetMagic starts (and ends) every Parquet file.
var parquetMagic = []byte("PAR1")

// errNotArrow is returned for a file that is neither an Arrow IPC file, an
// Arrow IPC stream nor a Parquet file.
var errNotArrow = errors.New("not an arrow ipc file or stream, nor a parquet file")

// scan opens the Arrow IPC file (or stream) or Parquet file at path, told
// apart by their magic bytes, calls onSchema with its schema and then fn
// with each record batch in order, one at a time. The record is released
// after fn returns; fn must Retain it to keep it. ctx is checked between
// batches.
func scan(ctx context.Context, path string, mem memory.Allocator, onSchema func(*arrow.Schema) error, fn func(arrow.Record) error) error {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open arrow file: %w", err)
	}
	defer f.Close()
	head := make([]byte, len(fileMagic))
	n, err := f.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return fmt.Errorf("read %s: %w", path, err)
	}
	switch {
	case n == len(fileMagic) && bytes.Equal(head, fileMagic):
		return scanFile(ctx, f, mem, onSchema, fn)
	case n >= len(streamStart) && bytes.Equal(head[:len(streamStart)], streamStart):
		return scanStream(ctx, f, mem, onSchema, fn)
	case n >= len(parquetMagic) && bytes.Equal(head[:len(parquetMagic)], parquetMagic):
		return scanParquet(ctx, f, mem, onSchema, fn)
	}
	return fmt.Errorf("read %s: %w", path, errNotArrow)
}

func scanFile(ctx context.Context, f *os.File, mem memory.Allocator, onSchema func(*arrow.Schema) error, fn func(arrow.Record) error) error {
	r, err := ipc.NewFileReader(f, ipc.WithAllocator(mem))
	if err != nil {
		return fmt.Errorf("read %s: %w", f.Name(), err)
	}
	defer r.Close()
	if err := onSchema(r.Schema()); err != nil {
		return err
	}
	for i := 0; i < r.NumRecords(); i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := r.RecordAt(i)
		if err != nil {
			return fmt.Errorf("read %s batch %d: %w", f.Name(), i, err)
		}
		err = fn(rec)
		rec.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

func scanStream(ctx context.Context, f *os.File, mem memory.Allocator, onSchema func(*arrow.Schema) error, fn func(arrow.Record) error) error {
	r, err := ipc.NewReader(bufio.NewReader(f), ipc.WithAllocator(mem))
	if err != nil {
		return fmt.Errorf("read %s: %w", f.Name(), err)
	}
	defer r.Release()
	if err := onSchema(r.Schema()); err != nil {
		return err
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !r.Next() {
			break
		}
		if err := fn(r.Record()); err != nil {
			return err
		}
	}
	if err := r.Err(); err != nil {
		return fmt.Errorf("read %s: %w", f.Name(), err)
	}
	return nil
}

func scanParquet(ctx context.Context, f *os.File, mem memory.Allocator, onSchema func(*arrow.Schema) error, fn func(arrow.Record) error) error {
	pf, err := file.NewParquetReader(f, file.WithReadProps(parquet.NewReaderProperties(mem)))
	if err != nil {
		return fmt.Errorf("read %s: %w", f.Name(), err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: DefaultBatchRows}, mem)
	if err != nil {
		return fmt.Errorf("read %s: %w", f.Name(), err)
	}
	schema, err := fr.Schema()
	if err != nil {
		return fmt.Errorf("read %s schema: %w", f.Name(), err)
	}
	if err := onSchema(schema); err != nil {
		return err
	}
	rr, err := fr.GetRecordReader(ctx, nil, nil)
	if err != nil {
		return fmt.Errorf("read %s: %w", f.Name(), err)
	}
	defer rr.Release()
	for rr.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(rr.Record()); err != nil {
			return err
		}
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read %s: %w", f.Name(), err)
	}
	return ctx.Err()
}

// ReadAll reads a whole Arrow IPC file (or stream) or Parquet file into memory, for tests and
// small files. The caller must Release the table.
func ReadAll(path string, mem memory.Allocator) (arrow.Table, error) {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	var (
		schema *arrow.Schema
		recs   []arrow.Record
	)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	err := scan(context.Background(), path, mem,
		func(s *arrow.Schema) error { schema = s; return nil },
		func(r arrow.Record) error { r.Retain(); recs = append(recs, r); return nil })
	if err != nil {
		return nil, err
	}
	return array.NewTableFromRecords(schema, recs), nil
}
