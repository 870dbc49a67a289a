package aggregate

import (
	"bufio"
	"bytes"
	"fmt"
	"testing"
)

// FuzzRun feeds arbitrary bytes to the decoder of spilled runs: it must
// never panic or allocate without bound, and every cell it accepts must
// survive encoding and decoding again unchanged.
func FuzzRun(f *testing.F) {
	p := New(Options{})
	for _, o := range randomObs(20, 9) {
		p.Add(o)
	}
	var run []byte
	for _, k := range p.sortedKeys() {
		run = encodeCell(run, k, p.cells[k])
	}
	f.Add(run)
	f.Add(run[:len(run)/2])
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, data []byte) {
		next := runReader(bufio.NewReader(bytes.NewReader(data)))
		for range 1000 {
			k, c, err := next()
			if err != nil {
				return
			}
			again := encodeCell(nil, k, c)
			k2, c2, err := runReader(bufio.NewReader(bytes.NewReader(again)))()
			if err != nil {
				t.Fatalf("re-decoding an accepted cell: %v", err)
			}
			if k2 != k || fmt.Sprintf("%#v", *c2) != fmt.Sprintf("%#v", *c) {
				t.Fatalf("cell changed by a round trip:\ngot  %#v\nwant %#v", *c2, *c)
			}
		}
	})
}
