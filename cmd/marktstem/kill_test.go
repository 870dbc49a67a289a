package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildBinary builds marktstem once per test into a temp dir.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "marktstem")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// writeCorpus writes a JSONL corpus of n articles made from the seed
// articles, with unique ids, and returns its path.
func writeCorpus(t *testing.T, dir string, n int) string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "..", "seeds", "articles", "*.txt"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("seed articles: %v", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := 0; i < n; i++ {
		data, err := os.ReadFile(paths[i%len(paths)])
		if err != nil {
			t.Fatal(err)
		}
		head, body, _ := strings.Cut(string(data), "\n")
		f := strings.Fields(head) // ["date", "2024-03-14", title…]
		enc.Encode(map[string]string{
			"id": fmt.Sprintf("a%06d", i), "published": f[1][:7] + "-01", "title": strings.Join(f[2:], " "), "body": body,
		})
	}
	p := filepath.Join(dir, fmt.Sprintf("corpus-%d.jsonl", n))
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// outputs reads every non-hidden file of an output directory.
func outputs(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") || e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = data
	}
	return files
}

// TestKilledRunLeavesNoTornFile kills a run with SIGKILL at random moments
// and checks that every output file is then either the previous run's or
// the new run's, byte for byte, and that a new manifest implies that every
// file is new (the manifest is written last: it is the commit record).
func TestKilledRunLeavesNoTornFile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it many times")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	small, large := writeCorpus(t, dir, 50), writeCorpus(t, dir, 3000)
	args := func(out, in string) []string {
		return []string{"score", "--quiet", "--run-time", "2026-11-24T00:00:00Z", "--workers", "2", "--out", out, in}
	}
	run := func(out, in string) time.Duration {
		start := time.Now()
		if b, err := exec.Command(bin, args(out, in)...).CombinedOutput(); err != nil {
			t.Fatalf("marktstem %v: %v\n%s", args(out, in), err, b)
		}
		return time.Since(start)
	}
	oldDir, newDir := filepath.Join(dir, "old"), filepath.Join(dir, "new")
	run(oldDir, small)
	took := run(newDir, large)
	old, fresh := outputs(t, oldDir), outputs(t, newDir)
	delete(old, "manifest.json")
	delete(fresh, "manifest.json") // holds the duration; compared by hash below

	rng := rand.New(rand.NewPCG(1, 2))
	const rounds = 12
	sawOld, sawNew := 0, 0
	for round := 0; round < rounds; round++ {
		out := filepath.Join(dir, fmt.Sprintf("run%d", round))
		run(out, small)
		cmd := exec.Command(bin, args(out, large)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Half the rounds kill anywhere in the run, half near its end,
		// where outputs are being closed and renamed.
		wait := time.Duration(rng.Int64N(int64(took)))
		if round%2 == 1 {
			wait = took*7/10 + time.Duration(rng.Int64N(int64(took)*6/10))
		}
		time.Sleep(wait)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		got := outputs(t, out)
		manifest := got["manifest.json"]
		delete(got, "manifest.json")
		newManifest := bytes.Contains(manifest, []byte(`"articles_read": 3000`))
		for name, data := range got {
			switch {
			case bytes.Equal(data, fresh[name]):
				sawNew++
			case bytes.Equal(data, old[name]):
				sawOld++
				if newManifest {
					t.Errorf("round %d (kill after %v): %s is old but the manifest is new", round, wait, name)
				}
			default:
				t.Errorf("round %d (kill after %v): %s is torn (%d bytes; old %d, new %d)", round, wait, name, len(data), len(old[name]), len(fresh[name]))
			}
		}
		for name := range old {
			if _, ok := got[name]; !ok {
				t.Errorf("round %d: %s vanished", round, name)
			}
		}
	}
	t.Logf("%d rounds: %d old files, %d new files seen after SIGKILL", rounds, sawOld, sawNew)
}

// TestSIGTERMStopsCleanly checks that SIGTERM stops a run without
// publishing anything and without leaving temporary files.
func TestSIGTERMStopsCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	large := writeCorpus(t, dir, 6000)
	out := filepath.Join(dir, "out")
	cmd := exec.Command(bin, "score", "--quiet", "--out", out, large)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	ents, _ := os.ReadDir(out)
	if err == nil {
		t.Skipf("run finished before SIGTERM arrived (%d files)", len(ents))
	}
	if code := cmd.ProcessState.ExitCode(); code != exitFailed {
		t.Errorf("exit code: got %d, want %d\n%s", code, exitFailed, stderr.String())
	}
	if !strings.Contains(stderr.String(), "context canceled") && !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("stderr: got %q, want it to say the run was interrupted", stderr.String())
	}
	for _, e := range ents {
		t.Errorf("left behind after SIGTERM: %s", e.Name())
	}
}
