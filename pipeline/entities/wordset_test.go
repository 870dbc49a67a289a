package entities

import (
	"slices"
	"strings"
	"testing"
)

// shippedReg is the registry the binary ships with.
func shippedReg(t testing.TB) *Registry {
	t.Helper()
	reg, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// checkFoldNorm fails when foldNorm and its byte-wise specification
// disagree on norm.
func checkFoldNorm(t *testing.T, norm string) {
	t.Helper()
	f, cut := foldNorm(norm)
	wf, wcut := foldNormBytewise(norm)
	if f != wf || cut != wcut {
		t.Fatalf("foldNorm(%q) = %q, %v; want %q, %v", norm, f, cut, wf, wcut)
	}
}

// TestFoldNorm puts a hyphen, an apostrophe, an accented letter and a
// byte ≥ 0x80 at every position of words of every length foldNorm reads
// in another way (1–3, 4–7, 8 and more, a multiple of 8 or not).
func TestFoldNorm(t *testing.T) {
	for _, special := range []string{"-", "'", "é", "\x80", "\xff", ",", "\x00"} {
		for n := 0; n <= 26; n++ {
			checkFoldNorm(t, strings.Repeat("a", n))
			for i := 0; i < n; i++ {
				checkFoldNorm(t, strings.Repeat("a", i)+special+strings.Repeat("b", n-i))
			}
		}
	}
}

// FuzzFoldNorm holds foldNorm to the byte-wise loop it replaces.
func FuzzFoldNorm(f *testing.F) {
	for _, s := range []string{"ing-topman", "asml's", "nestlé", "philips'", "aandeelhoudersvergadering", "de", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(checkFoldNorm)
}

// TestWordSet checks the set on every alias word of the shipped registry
// and on words next to them against a map, and the patterns each word
// starts.
func TestWordSet(t *testing.T) {
	for name, reg := range map[string]*Registry{"test": testReg(t), "shipped": shippedReg(t)} {
		t.Run(name, func(t *testing.T) {
			want := map[string]bool{}
			starts := map[string][]int32{}
			for p, pat := range reg.patterns {
				for _, w := range pat.words {
					want[w] = true
				}
				starts[pat.words[0]] = append(starts[pat.words[0]], int32(p))
			}
			var probes []string
			for w := range want {
				probes = append(probes, w, w+"x", w[:len(w)-1], "x"+w, strings.ToUpper(w))
			}
			for _, w := range probes {
				i := reg.words.lookup(w)
				if got := i >= 0; got != want[w] {
					t.Fatalf("lookup(%q) = %d, want found %v", w, i, want[w])
				}
				if i < 0 {
					continue
				}
				if got := reg.words.words[i]; got.word != w || !slices.Equal(got.starts, starts[w]) {
					t.Fatalf("lookup(%q) = %d: %q starting %v, want starting %v", w, i, got.word, got.starts, starts[w])
				}
			}
		})
	}
}
