package arrowout

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/memory"
)

func TestPartitionSegment(t *testing.T) {
	tests := []struct {
		val, want string
		bad       bool
	}{
		{"2024-03-14", "date=2024-03-14", false},
		{"-001-01-01", "date=-001-01-01", false},
		{"", "", true},
		{"..", "", true},
		{".hidden", "", true},
		{"2024/03/14", "", true},
		{`2024\03`, "", true},
		{"a=b", "", true},
		{"x\x00y", "", true},
		{"x\ny", "", true},
	}
	for _, tt := range tests {
		got, err := partitionSegment("date", tt.val)
		if tt.bad {
			if !errors.Is(err, errBadPartition) {
				t.Errorf("partitionSegment(%q): got %q, %v, want errBadPartition", tt.val, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("partitionSegment(%q): got %q, %v, want %q", tt.val, got, err, tt.want)
		}
	}
}

// writeMentions opens a mentions Output in dir and writes rows to it.
func writeMentions(t *testing.T, dir string, layout Layout, mem memory.Allocator, rows []Mention) *Output[Mention] {
	t.Helper()
	o, err := NewMentionOutput(dir, layout, mem, testMeta)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := o.Write(r); err != nil {
			o.Abort()
			t.Fatal(err)
		}
	}
	return o
}

// published checks that each file's size and SHA-256, taken as it was
// written, are those of the file on disk, and returns the paths.
func published(t *testing.T, files []File) []string {
	t.Helper()
	paths := make([]string, len(files))
	for i, f := range files {
		data, err := os.ReadFile(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if f.Bytes != int64(len(data)) || f.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: got %d bytes, sha256 %s; the file has %d bytes, sha256 %x", f.Path, f.Bytes, f.SHA256, len(data), sum)
		}
		paths[i] = f.Path
	}
	return paths
}

func TestOutputPartitioned(t *testing.T) {
	for _, format := range []FileFormat{IPC, Parquet} {
		t.Run(format.String(), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			dir := t.TempDir()
			layout := Layout{Format: format, Partition: true}
			rows := sampleMentions()
			extra := rows[0]
			extra.Published = day(2024, 3, 15)
			extra.ArticleID = "next-day"
			rows = append(rows, extra)
			o := writeMentions(t, dir, layout, mem, rows)
			files, err := o.Close()
			if err != nil {
				t.Fatal(err)
			}
			paths := published(t, files)
			ext := format.Ext()
			want := []string{
				filepath.Join(dir, "mentions", "date=2024-03-14", "part-0"+ext),
				filepath.Join(dir, "mentions", "date=2024-03-15", "part-0"+ext),
			}
			if !reflect.DeepEqual(paths, want) {
				t.Fatalf("got paths %v, want %v", paths, want)
			}
			got, _ := readRows(t, paths[0], mem, decodeMention)
			if !reflect.DeepEqual(got, rows[:2]) {
				t.Errorf("partition 2024-03-14: got %+v, want %+v", got, rows[:2])
			}
			got, _ = readRows(t, paths[1], mem, decodeMention)
			if !reflect.DeepEqual(got, rows[2:]) {
				t.Errorf("partition 2024-03-15: got %+v, want %+v", got, rows[2:])
			}
			day15, _ := os.ReadFile(paths[1])

			// A second run over 14 March only: that partition is
			// replaced, 15 March stays, an aborted third run changes
			// nothing and leaves no temporary files or new directories.
			o2, err := NewMentionOutput(dir, layout, mem, testMeta)
			if err != nil {
				t.Fatal(err)
			}
			if err := o2.Write(rows[1]); err != nil {
				t.Fatal(err)
			}
			if _, err := o2.Close(); err != nil {
				t.Fatal(err)
			}
			got, _ = readRows(t, paths[0], mem, decodeMention)
			if !reflect.DeepEqual(got, rows[1:2]) {
				t.Errorf("replaced partition: got %+v, want %+v", got, rows[1:2])
			}
			if now, _ := os.ReadFile(paths[1]); !bytes.Equal(now, day15) {
				t.Error("partition 2024-03-15 changed, want it untouched")
			}
			o3, err := NewMentionOutput(dir, layout, mem, testMeta)
			if err != nil {
				t.Fatal(err)
			}
			other := rows[0]
			other.Published = day(2024, 3, 16)
			if err := o3.Write(other); err != nil {
				t.Fatal(err)
			}
			o3.Abort()
			if _, err := os.Stat(filepath.Join(dir, "mentions", "date=2024-03-16")); !os.IsNotExist(err) {
				t.Errorf("aborted partition directory: got stat error %v, want it removed", err)
			}
			if err := o3.Write(other); !errors.Is(err, errClosed) {
				t.Errorf("Write after Abort: got %v, want %v", err, errClosed)
			}
		})
	}
}

func TestOutputFlat(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	o, err := NewCompanyDayOutput(dir, Layout{Format: Parquet}, mem, testMeta)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range sampleDays() {
		if err := o.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	files, err := o.Close()
	if err != nil {
		t.Fatal(err)
	}
	paths := published(t, files)
	if want := []string{filepath.Join(dir, "company_daily.parquet")}; !reflect.DeepEqual(paths, want) {
		t.Errorf("got paths %v, want %v", paths, want)
	}
	head := make([]byte, 4)
	f, err := os.Open(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Read(head); err != nil || string(head) != "PAR1" {
		t.Errorf("got magic %q, want PAR1", head)
	}
	// cat reads Parquet: the schema with its metadata, and the rows.
	var desc bytes.Buffer
	if err := Describe(&desc, paths[0]); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"rows: 2", "buzz", "float64  nullable", "marktstem.table           company_daily", "date                      date32"} {
		if !strings.Contains(desc.String(), want) {
			t.Errorf("Describe: got\n%s\nwant it to contain %q", desc.String(), want)
		}
	}
	var csv bytes.Buffer
	if err := Dump(t.Context(), &csv, paths[0], FormatCSV, mem); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csv.String(), "\ning,ING Groep,2024-03-15,1,1,-0.125,-0.125,0.9,0.9,0.9,,,1,,-0.125,0.9,,,0.9,") {
		t.Errorf("Dump csv: got\n%s", csv.String())
	}
}

// TestOutputManyPartitions checks that a run over more dates than
// MaxOpenParts keeps only that many writers open, and that a date whose
// rows come back after its writer was sealed still ends as one file, byte
// for byte the file one writer given all its rows writes — across record
// batch boundaries too.
func TestOutputManyPartitions(t *testing.T) {
	for _, format := range []FileFormat{IPC, Parquet} {
		t.Run(format.String(), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			dir := t.TempDir()
			layout := Layout{Format: format, Partition: true}
			base := sampleMentions()[0]
			dates := MaxOpenParts + 4
			row := func(d, i int) Mention {
				r := base
				r.Published = day(2024, 3, 1+d)
				r.ArticleID = fmt.Sprintf("d%d-%d", d, i)
				r.Relevance = float64(i)
				return r
			}
			// Three passes over every date: the later passes find the
			// first dates sealed. Date 0 gets enough rows for several
			// record batches, split across its files.
			var rows []Mention
			byDate := map[string][]Mention{}
			for pass := range 3 {
				for d := range dates {
					n := 1
					if d == 0 {
						n = DefaultBatchRows*2/3 + pass
					}
					for i := range n {
						r := row(d, pass*10000+i)
						rows = append(rows, r)
						key := r.Published.Format("2006-01-02")
						byDate[key] = append(byDate[key], r)
					}
				}
			}
			o, err := NewMentionOutput(dir, layout, mem, testMeta)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if err := o.Write(r); err != nil {
					t.Fatal(err)
				}
				if n := len(o.open); n > MaxOpenParts {
					t.Fatalf("got %d open partitions, want at most %d", n, MaxOpenParts)
				}
			}
			files, err := o.Close()
			if err != nil {
				t.Fatal(err)
			}
			paths := published(t, files)
			if len(paths) != dates {
				t.Fatalf("got %d files, want one per date, %d", len(paths), dates)
			}
			for _, p := range paths {
				key := strings.TrimPrefix(filepath.Base(filepath.Dir(p)), "date=")
				single := filepath.Join(t.TempDir(), "one"+format.Ext())
				w, err := NewMentionWriter(single, mem, testMeta)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range byDate[key] {
					if err := w.Write(r); err != nil {
						t.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				got, _ := os.ReadFile(p)
				want, _ := os.ReadFile(single)
				if !bytes.Equal(got, want) {
					t.Errorf("%s: %d bytes, differs from the %d bytes one writer writes", key, len(got), len(want))
				}
			}
			if left, _ := filepath.Glob(filepath.Join(dir, "mentions", "*", ".*")); len(left) != 0 {
				t.Errorf("got temporary files left: %v", left)
			}
		})
	}
}

// TestSealThenClose checks that Seal leaves nothing under a final name and
// no row writable, and that Close after it publishes the bytes Close alone
// would have, in every layout, also where a date comes back after more
// than MaxOpenParts others (a merge).
func TestSealThenClose(t *testing.T) {
	rows := sampleMentions()
	for d := range MaxOpenParts + 2 {
		r := rows[0]
		r.Published = day(2024, 4, 1).AddDate(0, 0, d)
		rows = append(rows, r)
	}
	rows = append(rows, rows[0]) // back to the first date
	write := func(t *testing.T, dir string, layout Layout, seal bool) []File {
		t.Helper()
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		o := writeMentions(t, dir, layout, mem, rows)
		if seal {
			for range 2 { // sealing again does nothing
				if err := o.Seal(); err != nil {
					t.Fatal(err)
				}
			}
			if got := tree(t, dir); len(got) != 0 {
				t.Errorf("after Seal: got files %v, want none under a final name", got)
			}
			if err := o.Write(rows[0]); !errors.Is(err, errClosed) {
				t.Errorf("Write after Seal: got %v, want %v", err, errClosed)
			}
		}
		files, err := o.Close()
		if err != nil {
			t.Fatal(err)
		}
		again, err := o.Close()
		if err != nil || !reflect.DeepEqual(again, files) {
			t.Errorf("second Close: got %v, %v, want %v, nil", again, err, files)
		}
		n := 0
		for _, p := range published(t, files) {
			got, _ := readRows(t, p, mem, decodeMention)
			n += len(got)
		}
		if n != len(rows) {
			t.Errorf("got %d rows in %d files, want %d", n, len(files), len(rows))
		}
		return files
	}
	for _, layout := range []Layout{{Format: IPC}, {Format: Parquet}, {Format: IPC, Partition: true}, {Format: Parquet, Partition: true}} {
		t.Run(fmt.Sprintf("%v/partition=%v", layout.Format, layout.Partition), func(t *testing.T) {
			alone := write(t, t.TempDir(), layout, false)
			sealed := write(t, t.TempDir(), layout, true)
			if len(alone) != len(sealed) {
				t.Fatalf("got %d files, want %d", len(sealed), len(alone))
			}
			for i := range alone {
				if alone[i].SHA256 != sealed[i].SHA256 {
					t.Errorf("file %d: got sha256 %s after Seal, want %s", i, sealed[i].SHA256, alone[i].SHA256)
				}
			}
		})
	}
}

// tree lists the files under dir that are not hidden temporary files.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
