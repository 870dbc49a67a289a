package arrowout

import (
	"bytes"
	"errors"
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

func TestOutputPartitioned(t *testing.T) {
	for _, format := range []FileFormat{IPC, Parquet} {
		t.Run(format.String(), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			dir := t.TempDir()
			layout := Layout{Format: format, Partition: true}
			o, err := NewMentionOutput(dir, layout, mem, testMeta)
			if err != nil {
				t.Fatal(err)
			}
			rows := sampleMentions()
			extra := rows[0]
			extra.Published = day(2024, 3, 15)
			extra.ArticleID = "next-day"
			rows = append(rows, extra)
			for _, r := range rows {
				if err := o.Write(r); err != nil {
					t.Fatal(err)
				}
			}
			paths, err := o.Close()
			if err != nil {
				t.Fatal(err)
			}
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
	paths, err := o.Close()
	if err != nil {
		t.Fatal(err)
	}
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
