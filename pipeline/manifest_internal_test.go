package pipeline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/marktstem/marktstem/pipeline/ingest"
)

// TestManifestStreamsInputs checks that the manifest written with its
// inputs streamed from the log is byte for byte what json.MarshalIndent of
// the whole manifest gives, and that the log leaves no file behind.
func TestManifestStreamsInputs(t *testing.T) {
	for _, n := range []int{0, 1, 3} {
		t.Run(fmt.Sprint(n, " inputs"), func(t *testing.T) {
			dir := t.TempDir()
			log, err := newInputLog(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer log.close()
			m := &Manifest{Version: "test", RunTime: time.Date(2024, 3, 14, 6, 0, 0, 0, time.UTC), Workers: 2,
				Counts:  ManifestCounts{Read: n, Scored: n, RejectsByReason: map[string]int{}},
				Outputs: []ManifestOutput{{Path: "out/articles.arrow", Bytes: 10, SHA256: "ab"}}}
			var all []ingest.InputFile
			for i := range n {
				in := ingest.InputFile{Path: fmt.Sprintf("in/<%d> & \"x\".txt", i), Bytes: int64(i), SHA256: "cd", Complete: i%2 == 0}
				all = append(all, in)
				if err := log.add(in); err != nil {
					t.Fatal(err)
				}
			}
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Errorf("got %d files beside the outputs, want 0 (the log is unlinked)", len(left))
			}
			path, err := writeManifest(dir, m, log)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			m.Inputs = all
			if all == nil {
				m.Inputs = []ingest.InputFile{}
			}
			want, err := json.MarshalIndent(m, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, '\n')
			if !bytes.Equal(got, want) {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
			if filepath.Base(path) != ManifestFile {
				t.Errorf("got %s, want %s", path, ManifestFile)
			}
		})
	}
}
