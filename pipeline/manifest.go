package pipeline

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/marktstem/marktstem/pipeline/ingest"
)

// ManifestFile is the name of the run manifest in the output directory.
const ManifestFile = "manifest.json"

// Manifest accounts for one run: what went in (inputs with sizes and
// hashes, lexicons with hashes), what came out (files with hashes) and the
// counts that must add up: read = scored + rejected.
type Manifest struct {
	Version         string             `json:"version"`
	RunTime         time.Time          `json:"run_time"`
	DurationSeconds float64            `json:"duration_seconds"`
	Workers         int                `json:"workers"`
	Inputs          []ingest.InputFile `json:"inputs"`
	Lexicons        []ManifestLexicon  `json:"lexicons"`
	Counts          ManifestCounts     `json:"counts"`
	Outputs         []ManifestOutput   `json:"outputs"`
}

// ManifestLexicon identifies one lexicon file.
type ManifestLexicon struct {
	Path    string `json:"path"`
	Name    string `json:"name"`
	Version string `json:"version"`
	SHA256  string `json:"sha256"`
}

// ManifestCounts are the run's accounting.
type ManifestCounts struct {
	Read            int            `json:"articles_read"`
	Scored          int            `json:"articles_scored"`
	Rejected        int            `json:"articles_rejected"`
	RejectsByReason map[string]int `json:"rejects_by_reason"`
	SkippedFiles    int            `json:"skipped_files"`
	NearDuplicates  int            `json:"near_duplicates"`
	Bytes           int64          `json:"input_bytes"`
	Tokens          int64          `json:"tokens"`
	Mentions        int            `json:"company_mentions"`
	Companies       int            `json:"companies"`
	CompanyDays     int            `json:"company_days"`
}

// ManifestOutput is one output file with its size and hash.
type ManifestOutput struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// newManifest describes a finished run.
func newManifest(cfg Config, workers int, sum *Summary) (*Manifest, error) {
	m := &Manifest{
		Version: cfg.Version, RunTime: cfg.RunTime.UTC(), DurationSeconds: sum.Duration.Seconds(), Workers: workers,
		Counts: ManifestCounts{
			Read: sum.Read, Scored: sum.Scored, Rejected: sum.Rejected, RejectsByReason: sum.RejectsByReason,
			SkippedFiles: sum.SkippedFiles, NearDuplicates: sum.Duplicates, Bytes: sum.Bytes, Tokens: sum.Tokens, Mentions: sum.Mentions,
			Companies: len(sum.Companies), CompanyDays: sum.Days,
		},
	}
	for _, f := range cfg.Lexicons.Files {
		m.Lexicons = append(m.Lexicons, ManifestLexicon{Path: f.Path, Name: f.Name(), Version: f.Version(), SHA256: f.SHA256})
	}
	m.Outputs = append(m.Outputs, sum.Outputs...)
	return m, nil
}

// writeManifest writes m, with the inputs of log as its Inputs, to
// dir/manifest.json atomically. The inputs stream from the log, so a run
// over millions of files does not hold their list in memory; the file is
// what json.MarshalIndent of the whole manifest would give.
func writeManifest(dir string, m *Manifest, log *inputLog) (string, error) {
	m.Inputs = []ingest.InputFile{}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return "", fmt.Errorf("manifest: %w", err)
	}
	const slot = "\n  \"inputs\": []"
	at := bytes.Index(data, []byte(slot))
	if at < 0 {
		return "", fmt.Errorf("manifest: no inputs field")
	}
	final := filepath.Join(dir, ManifestFile)
	err = writeAtomicFunc(final, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		bw.Write(data[:at])
		bw.WriteString("\n  \"inputs\": [")
		n := 0
		err := log.each(func(in ingest.InputFile) error {
			b, err := json.MarshalIndent(in, "    ", "  ")
			if err != nil {
				return err
			}
			if n > 0 {
				bw.WriteByte(',')
			}
			n++
			bw.WriteString("\n    ")
			_, err = bw.Write(b)
			return err
		})
		if err != nil {
			return err
		}
		if n > 0 {
			bw.WriteString("\n  ")
		}
		bw.WriteByte(']')
		bw.Write(data[at+len(slot):])
		bw.WriteByte('\n')
		return bw.Flush()
	})
	if err != nil {
		return "", fmt.Errorf("manifest: %w", err)
	}
	return final, nil
}

// inputLog holds the inputs of a run, as JSON lines in an unlinked
// temporary file, until the manifest is written.
type inputLog struct {
	f    *os.File
	path string // non-empty: still to be removed by close
	w    *bufio.Writer
	enc  *json.Encoder
	n    int
}

func newInputLog(dir string) (*inputLog, error) {
	f, err := os.CreateTemp(dir, ".marktstem-inputs-*")
	if err != nil {
		return nil, fmt.Errorf("input list: %w", err)
	}
	l := &inputLog{f: f, w: bufio.NewWriter(f)}
	if os.Remove(f.Name()) != nil {
		l.path = f.Name()
	}
	l.enc = json.NewEncoder(l.w)
	return l, nil
}

// add records one input.
func (l *inputLog) add(in ingest.InputFile) error {
	l.n++
	if err := l.enc.Encode(in); err != nil {
		return fmt.Errorf("input list: %w", err)
	}
	return nil
}

// each calls fn with every input, in the order added.
func (l *inputLog) each(fn func(ingest.InputFile) error) error {
	if err := l.w.Flush(); err != nil {
		return fmt.Errorf("input list: %w", err)
	}
	dec := json.NewDecoder(bufio.NewReader(io.NewSectionReader(l.f, 0, 1<<62)))
	for {
		var in ingest.InputFile
		err := dec.Decode(&in)
		if err == io.EOF {
			return nil
		}
		if err == nil {
			err = fn(in)
		}
		if err != nil {
			return fmt.Errorf("input list: %w", err)
		}
	}
}

func (l *inputLog) close() {
	l.f.Close()
	if l.path != "" {
		os.Remove(l.path)
	}
}

// writeAtomic replaces path with data: temp file in the same directory,
// fsync, rename, fsync of the directory. Readers see the old or the new
// file, never a torn one.
func writeAtomic(path string, data []byte) error {
	return writeAtomicFunc(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeAtomicFunc is writeAtomic with the content written by write.
func writeAtomicFunc(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := write(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
