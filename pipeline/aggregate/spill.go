package aggregate

import (
	"bufio"
	"cmp"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
)

// A panel holds at most Options.MaxCells cells in memory. Beyond that it
// writes them, sorted in the order Each returns rows, to a run file and
// starts afresh;
// reading the panel merges the runs with the cells still in memory. A cell
// that appears in several runs is merged exactly (Cell.Merge), so the
// result does not depend on when the panel spilled.

// DefaultMaxCells is the number of company-day cells a panel keeps in
// memory before it spills them to disk: about 3 MB.
const DefaultMaxCells = 1 << 12

// mergeFanIn is the number of runs of one level that merge into one run
// of the next level. Reading the panel merges every run at once, each
// through a 64 KiB buffer: with 32, a 500 MB corpus (28 spills of 4,096
// cells) is written once and read once, where merging runs pairwise wrote
// 25 more runs, each cell three or four times; a 20-year archive (some
// 2.6 M company-days) still leaves about 50 runs.
const mergeFanIn = 32

// run is one spilled, sorted batch of cells. The file is unlinked as soon
// as it is created where the system allows it, so a killed run leaves
// nothing behind; path is kept only where it does not.
type run struct {
	f     *os.File
	path  string // non-empty: still to be removed by Close
	cells int
	level int // 0: spilled from memory; l+1: merged from mergeFanIn runs of level l
}

// spill writes the cells in memory to a new run and clears them. When
// mergeFanIn runs of one level have gathered, they merge into one run of
// the next level: the panel holds fewer than mergeFanIn runs per level,
// and a cell is rewritten once per level, log₃₂(cells/MaxCells) times.
func (p *Panel) spill() error {
	keys := p.sortedKeys()
	i := 0
	r, err := p.writeRun(func() (key, *Cell, error) {
		if i == len(keys) {
			return key{}, nil, io.EOF
		}
		k := keys[i]
		i++
		return k, p.cells[k], nil
	})
	if err != nil {
		return err
	}
	p.runs = append(p.runs, r)
	clear(p.cells)
	// Levels never increase along p.runs: the last mergeFanIn runs are of
	// one level when the first of them and the last are.
	for n := len(p.runs); n >= mergeFanIn && p.runs[n-mergeFanIn].level == p.runs[n-1].level; n = len(p.runs) {
		tier := p.runs[n-mergeFanIn:]
		next, err := p.merge(tier, false)
		var merged run
		if err == nil {
			merged, err = p.writeRun(next)
		}
		if err != nil {
			return fmt.Errorf("merge panel runs: %w", err)
		}
		merged.level = tier[0].level + 1
		for _, t := range tier {
			t.close()
		}
		p.runs = append(p.runs[:n-mergeFanIn], merged)
	}
	return nil
}

// writeRun writes the cells next yields, in key order, to a new run.
func (p *Panel) writeRun(next func() (key, *Cell, error)) (run, error) {
	r, err := p.newRun()
	if err != nil {
		return run{}, err
	}
	w := bufio.NewWriterSize(r.f, 1<<16)
	var buf []byte
	for {
		k, c, err := next()
		if err == io.EOF {
			break
		}
		if err == nil {
			buf = encodeCell(buf[:0], k, c)
			_, err = w.Write(buf)
		}
		if err != nil {
			r.close()
			return run{}, fmt.Errorf("spill panel: %w", err)
		}
		r.cells++
	}
	if err := w.Flush(); err != nil {
		r.close()
		return run{}, fmt.Errorf("spill panel: %w", err)
	}
	return r, nil
}

func (p *Panel) newRun() (run, error) {
	f, err := os.CreateTemp(p.opts.SpillDir, ".marktstem-panel-*")
	if err != nil {
		return run{}, fmt.Errorf("spill panel: %w", err)
	}
	r := run{f: f}
	if os.Remove(f.Name()) != nil {
		r.path = f.Name() // e.g. Windows: remove it on Close
	}
	return r, nil
}

func (r run) close() {
	r.f.Close()
	if r.path != "" {
		os.Remove(r.path)
	}
}

// Close releases the panel's run files. A panel that never spilled holds
// none; Close is still safe to call, more than once.
func (p *Panel) Close() error {
	for _, r := range p.runs {
		r.close()
	}
	p.runs = nil
	return nil
}

// sortedKeys returns the keys of the cells in memory, by company then day.
func (p *Panel) sortedKeys() []key {
	keys := make([]key, 0, len(p.cells))
	for k := range p.cells {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, p.compare)
	return keys
}

// compare orders keys as Each returns rows: by company then day, or by
// day then company with Options.ByDate.
func (p *Panel) compare(a, b key) int {
	if p.opts.ByDate {
		if c := cmp.Compare(a.day, b.day); c != 0 {
			return c
		}
		return strings.Compare(a.company, b.company)
	}
	if c := strings.Compare(a.company, b.company); c != 0 {
		return c
	}
	return cmp.Compare(a.day, b.day)
}

// cursor is one sorted source of cells.
type cursor struct {
	k    key
	c    *Cell
	next func() (key, *Cell, error) // io.EOF at the end
}

// cursors is a heap of cursors by their current key.
type cursors struct {
	c       []*cursor
	compare func(a, b key) int
}

func (h *cursors) Len() int           { return len(h.c) }
func (h *cursors) Less(i, j int) bool { return h.compare(h.c[i].k, h.c[j].k) < 0 }
func (h *cursors) Swap(i, j int)      { h.c[i], h.c[j] = h.c[j], h.c[i] }
func (h *cursors) Push(x any)         { h.c = append(h.c, x.(*cursor)) }
func (h *cursors) Pop() any {
	x := h.c[len(h.c)-1]
	h.c = h.c[:len(h.c)-1]
	return x
}

// mergeRuns calls fn with every cell of the panel, on disk and in memory,
// in key order, cells of the same key merged.
func (p *Panel) mergeRuns(fn func(key, *Cell) error) error {
	next, err := p.merge(p.runs, true)
	if err != nil {
		return err
	}
	for {
		k, c, err := next()
		if err == io.EOF {
			return nil
		}
		if err == nil {
			err = fn(k, c)
		}
		if err != nil {
			return err
		}
	}
}

// merge returns a function that yields the cells of runs (and, when
// withMemory, of the cells in memory) in key order, cells of the same key
// merged, then io.EOF.
func (p *Panel) merge(runs []run, withMemory bool) (func() (key, *Cell, error), error) {
	h := &cursors{compare: p.compare}
	add := func(next func() (key, *Cell, error)) error {
		k, c, err := next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		h.c = append(h.c, &cursor{k: k, c: c, next: next})
		return nil
	}
	for _, r := range runs {
		if _, err := r.f.Seek(0, io.SeekStart); err != nil {
			return nil, fmt.Errorf("read panel run: %w", err)
		}
		if err := add(runReader(bufio.NewReaderSize(r.f, 1<<16))); err != nil {
			return nil, err
		}
	}
	if withMemory {
		keys := p.sortedKeys()
		i := 0
		if err := add(func() (key, *Cell, error) {
			if i == len(keys) {
				return key{}, nil, io.EOF
			}
			k := keys[i]
			i++
			return k, p.cells[k], nil
		}); err != nil {
			return nil, err
		}
	}
	heap.Init(h)
	return func() (key, *Cell, error) {
		if len(h.c) == 0 {
			return key{}, nil, io.EOF
		}
		k := h.c[0].k
		var acc *Cell
		owned := false
		for len(h.c) > 0 && p.compare(h.c[0].k, k) == 0 {
			cur := h.c[0]
			switch {
			case acc == nil:
				acc = cur.c
			case !owned:
				// The first cell may be one the panel holds in memory,
				// and a panel is read more than once: merge into a copy.
				acc, owned = acc.clone(), true
				fallthrough
			default:
				acc.Merge(*cur.c)
			}
			nk, nc, err := cur.next()
			switch {
			case err == io.EOF:
				heap.Pop(h)
			case err != nil:
				return key{}, nil, err
			default:
				cur.k, cur.c = nk, nc
				heap.Fix(h, 0)
			}
		}
		return k, acc, nil
	}, nil
}

// encodeCell appends the binary form of one cell to buf.
func encodeCell(buf []byte, k key, c *Cell) []byte {
	buf = appendString(buf, k.company)
	buf = binary.AppendVarint(buf, k.day)
	buf = appendString(buf, c.Name)
	buf = binary.AppendUvarint(buf, uint64(c.Articles))
	buf = binary.AppendUvarint(buf, uint64(c.Mentions))
	buf = binary.AppendUvarint(buf, uint64(c.Negative))
	for _, s := range c.sums() {
		buf = appendSum(buf, *s)
	}
	for _, f := range []float64{c.SentMin, c.SentMax, c.RiskMin, c.RiskMax} {
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(f))
	}
	buf = binary.AppendUvarint(buf, uint64(c.NumCats))
	hasCats := byte(0)
	if c.HasCats {
		hasCats = 1
	}
	buf = append(buf, hasCats)
	buf = binary.AppendUvarint(buf, uint64(len(c.Cats)))
	for _, s := range c.Cats {
		buf = appendSum(buf, s)
	}
	return buf
}

// clone returns a deep copy of c.
func (c *Cell) clone() *Cell {
	cp := *c
	for _, s := range cp.sums() {
		s.Partials = slices.Clone(s.Partials)
	}
	cp.Cats = slices.Clone(c.Cats)
	for i := range cp.Cats {
		cp.Cats[i].Partials = slices.Clone(cp.Cats[i].Partials)
	}
	return &cp
}

// sums returns pointers to the cell's sums but Cats, in the order of the
// binary form (an array: no allocation).
func (c *Cell) sums() [7]*Sum {
	return [...]*Sum{&c.Sent, &c.Sent2, &c.Risk, &c.Risk2, &c.Rel, &c.RelSent, &c.RelRisk}
}

func appendString(buf []byte, s string) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(s)))
	return append(buf, s...)
}

func appendSum(buf []byte, s Sum) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(s.Partials)))
	for _, f := range s.Partials {
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(f))
	}
	return buf
}

// errCorruptRun reports a run file that does not decode: the disk or the
// file system under the spill directory failed.
var errCorruptRun = errors.New("corrupt panel run")

// runReader returns a function that decodes the cells of a run one by one.
func runReader(r *bufio.Reader) func() (key, *Cell, error) {
	d := decoder{r: r}
	return func() (key, *Cell, error) {
		if _, err := r.Peek(1); err == io.EOF {
			return key{}, nil, io.EOF
		}
		var k key
		c := &Cell{}
		// A run is sorted by company or by day: consecutive cells mostly
		// repeat the company, and with it the name.
		k.company = d.string(d.company)
		k.day = d.varint()
		c.Name = d.string(d.name)
		d.company, d.name = k.company, c.Name
		c.Articles, c.Mentions, c.Negative = int(d.uvarint()), int(d.uvarint()), int(d.uvarint())
		for _, s := range c.sums() {
			*s = d.sum()
		}
		var ext [4]float64
		d.floatsInto(ext[:])
		c.SentMin, c.SentMax, c.RiskMin, c.RiskMax = ext[0], ext[1], ext[2], ext[3]
		c.NumCats = int(d.uvarint())
		c.HasCats = d.byte() == 1
		if n := d.uvarint(); n > 0 && d.err == nil {
			if n > 1<<10 {
				return key{}, nil, fmt.Errorf("%w: %d categories", errCorruptRun, n)
			}
			c.Cats = make([]Sum, n)
			for i := range c.Cats {
				c.Cats[i] = d.sum()
			}
		}
		if d.err != nil {
			return key{}, nil, fmt.Errorf("%w: %w", errCorruptRun, d.err)
		}
		return k, c, nil
	}
}

// decoder reads the binary form of cells, keeping the first error. It
// reads through the buffer of r (Peek, then Discard) rather than through
// io.Reader and io.ByteReader, whose calls cost more than the decoding
// and make buffers escape: merging runs decodes every cell several times.
type decoder struct {
	r   *bufio.Reader
	err error
	// The company and name of the cell decoded last, which string
	// returns again instead of allocating a copy when they repeat.
	company, name string
	// floats is the unused rest of a chunk from which the partials of the
	// sums decoded next are cut: one allocation for many sums. A chunk
	// lives as long as one of its cells, which are soon merged or written
	// and gone.
	floats []float64
}

// floatChunk is the number of partials a decoder allocates at once.
const floatChunk = 1 << 10

// errVarint reports a varint longer than 64 bits.
var errVarint = errors.New("varint overflows 64 bits")

// varintBytes returns the buffered bytes that hold the next varint
// (fewer at the end of the run).
func (d *decoder) varintBytes() []byte {
	if d.err != nil {
		return nil
	}
	b, _ := d.r.Peek(binary.MaxVarintLen64) // a short b is told by n ≤ 0 below
	return b
}

// consumed discards the n bytes a varint took, or fails: n is what
// binary.Uvarint or Varint returned.
func (d *decoder) consumed(n int) {
	switch {
	case n > 0:
		d.r.Discard(n)
	case n == 0:
		d.fail(io.ErrUnexpectedEOF)
	default:
		d.fail(errVarint)
	}
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.varintBytes())
	d.consumed(n)
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.varintBytes())
	d.consumed(n)
	return v
}

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	b, err := d.r.ReadByte()
	d.fail(err)
	return b
}

func (d *decoder) float() float64 {
	if d.err != nil {
		return 0
	}
	b, err := d.r.Peek(8)
	if err != nil {
		d.fail(err)
		return 0
	}
	d.r.Discard(8)
	return math.Float64frombits(binary.LittleEndian.Uint64(b))
}

// floatsInto reads len(dst) floats, from one look at the buffer when it
// holds them all.
func (d *decoder) floatsInto(dst []float64) {
	size := 8 * len(dst)
	if d.err != nil || size > d.r.Size() {
		for i := range dst {
			dst[i] = d.float()
		}
		return
	}
	b, err := d.r.Peek(size)
	if err != nil {
		d.fail(err)
		return
	}
	for i := range dst {
		dst[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	d.r.Discard(size)
}

// string reads a string, returning prev rather than a copy if equal.
func (d *decoder) string(prev string) string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > 1<<20 {
		d.fail(fmt.Errorf("string of %d bytes", n))
		return ""
	}
	if int(n) > d.r.Size() { // more than the buffer can show at once
		b := make([]byte, n)
		_, err := io.ReadFull(d.r, b)
		d.fail(err)
		return string(b)
	}
	b, err := d.r.Peek(int(n))
	if err != nil {
		d.fail(err)
		return ""
	}
	d.r.Discard(int(n))
	if string(b) == prev {
		return prev
	}
	return string(b)
}

func (d *decoder) sum() Sum {
	n := d.uvarint()
	if d.err != nil || n == 0 {
		return Sum{}
	}
	if n > 1<<10 {
		d.fail(fmt.Errorf("sum of %d partials", n))
		return Sum{}
	}
	if len(d.floats) < int(n) {
		d.floats = make([]float64, max(floatChunk, int(n)))
	}
	s := Sum{Partials: d.floats[:n:n]} // full: an append to it copies
	d.floats = d.floats[n:]
	d.floatsInto(s.Partials)
	return s
}

func (d *decoder) fail(err error) {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil && d.err == nil {
		d.err = err
	}
}
