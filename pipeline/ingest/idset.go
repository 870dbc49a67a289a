package ingest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"

	"github.com/bits-and-blooms/bloom/v3"
)

// idSet is the set of article ids a walk has seen, with where each was
// first seen, in memory that hardly grows with the archive: the newest ids
// sit in a map; beyond DefaultMaxIDs the map is written, sorted, to a run
// file on disk, and runs of equal size merge (a binary counter, so there
// are at most log₂(ids/DefaultMaxIDs) runs). Memory keeps, per run, a Bloom
// filter (1.2 bytes per id) that answers "not seen" for almost every new
// id, and the first key of every block of the file, so that the rare
// "maybe" costs one read of a block per run.
type idSet struct {
	dir    string
	maxMem int
	mem    map[idKey]uint64 // id → packed origin (see packOrigin)
	runs   []*idRun         // sizes strictly decreasing: a binary counter
	buf    []byte
}

// DefaultMaxIDs is the number of ids an idSet keeps in its map before it
// spills them to a run: about 3 MB.
const DefaultMaxIDs = 1 << 16

const (
	idRecordLen = 16 + 8 // key, packed origin
	idBlockLen  = 64     // records per indexed block: 1.5 KB read per lookup
	idFalsePos  = 0.01   // Bloom filter false-positive rate per run
)

// idRun is one sorted run of ids on disk.
type idRun struct {
	f     *os.File
	path  string // non-empty: still to be removed on close
	n     int    // records
	first []idKey
	bloom *bloom.BloomFilter
}

func newIDSet(dir string, maxMem int) *idSet {
	if maxMem <= 0 {
		maxMem = DefaultMaxIDs
	}
	return &idSet{dir: dir, maxMem: maxMem, mem: make(map[idKey]uint64)}
}

// lookup returns the packed origin of k, if it was added.
func (s *idSet) lookup(k idKey) (uint64, bool, error) {
	if o, ok := s.mem[k]; ok {
		return o, true, nil
	}
	for _, r := range s.runs {
		if o, ok, err := r.lookup(k, &s.buf); ok || err != nil {
			return o, ok, err
		}
	}
	return 0, false, nil
}

// add records k, which lookup did not find.
func (s *idSet) add(k idKey, origin uint64) error {
	s.mem[k] = origin
	if len(s.mem) < s.maxMem {
		return nil
	}
	keys := make([]idKey, 0, len(s.mem))
	for k := range s.mem {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b idKey) int { return bytes.Compare(a[:], b[:]) })
	i := 0
	r, err := s.writeRun(len(keys), func() (idKey, uint64, error) {
		k := keys[i]
		i++
		return k, s.mem[k], nil
	})
	if err != nil {
		return err
	}
	clear(s.mem)
	s.runs = append(s.runs, r)
	for n := len(s.runs); n >= 2 && s.runs[n-2].n <= s.runs[n-1].n; n = len(s.runs) {
		a, b := s.runs[n-2], s.runs[n-1]
		merged, err := s.merge(a, b)
		if err != nil {
			return err
		}
		a.close()
		b.close()
		s.runs = append(s.runs[:n-2], merged)
	}
	return nil
}

// close releases the run files.
func (s *idSet) close() {
	for _, r := range s.runs {
		r.close()
	}
	s.runs = nil
}

// writeRun writes n records, given in key order, to a new run.
func (s *idSet) writeRun(n int, next func() (idKey, uint64, error)) (*idRun, error) {
	f, err := os.CreateTemp(s.dir, ".marktstem-ids-*")
	if err != nil {
		return nil, fmt.Errorf("spill article ids: %w", err)
	}
	r := &idRun{f: f, n: n, bloom: bloom.NewWithEstimates(uint(max(n, 1)), idFalsePos)}
	if os.Remove(f.Name()) != nil {
		r.path = f.Name() // the system keeps open files: remove on close
	}
	w := bufio.NewWriterSize(f, 1<<16)
	var rec [idRecordLen]byte
	for i := range n {
		k, o, err := next()
		if err != nil {
			r.close()
			return nil, err
		}
		if i%idBlockLen == 0 {
			r.first = append(r.first, k)
		}
		r.bloom.Add(k[:])
		copy(rec[:16], k[:])
		binary.LittleEndian.PutUint64(rec[16:], o)
		if _, err := w.Write(rec[:]); err != nil {
			r.close()
			return nil, fmt.Errorf("spill article ids: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		r.close()
		return nil, fmt.Errorf("spill article ids: %w", err)
	}
	return r, nil
}

// merge writes the records of a and b, in key order, to a new run.
func (s *idSet) merge(a, b *idRun) (*idRun, error) {
	ra, rb := a.reader(), b.reader()
	ka, oa, ea := ra()
	kb, ob, eb := rb()
	return s.writeRun(a.n+b.n, func() (idKey, uint64, error) {
		switch {
		case ea != nil && ea != io.EOF:
			return idKey{}, 0, ea
		case eb != nil && eb != io.EOF:
			return idKey{}, 0, eb
		case eb == io.EOF || (ea == nil && bytes.Compare(ka[:], kb[:]) < 0):
			if ea != nil {
				return idKey{}, 0, fmt.Errorf("merge article ids: %w", io.ErrUnexpectedEOF)
			}
			k, o := ka, oa
			ka, oa, ea = ra()
			return k, o, nil
		default:
			k, o := kb, ob
			kb, ob, eb = rb()
			return k, o, nil
		}
	})
}

// reader returns a function that reads the run's records in order.
func (r *idRun) reader() func() (idKey, uint64, error) {
	br := bufio.NewReaderSize(io.NewSectionReader(r.f, 0, int64(r.n)*idRecordLen), 1<<16)
	var rec [idRecordLen]byte
	return func() (idKey, uint64, error) {
		if _, err := io.ReadFull(br, rec[:]); err != nil {
			if err != io.EOF {
				err = fmt.Errorf("read article ids: %w", err)
			}
			return idKey{}, 0, err
		}
		return idKey(rec[:16]), binary.LittleEndian.Uint64(rec[16:]), nil
	}
}

// lookup finds k in the run: the Bloom filter rules out almost every id
// that is not there; otherwise one block is read and searched.
func (r *idRun) lookup(k idKey, buf *[]byte) (uint64, bool, error) {
	if !r.bloom.Test(k[:]) {
		return 0, false, nil
	}
	// The last block whose first key is ≤ k.
	b := sort.Search(len(r.first), func(i int) bool { return bytes.Compare(r.first[i][:], k[:]) > 0 }) - 1
	if b < 0 {
		return 0, false, nil
	}
	recs := min(idBlockLen, r.n-b*idBlockLen)
	*buf = slices.Grow((*buf)[:0], recs*idRecordLen)[:recs*idRecordLen]
	if _, err := r.f.ReadAt(*buf, int64(b)*idBlockLen*idRecordLen); err != nil {
		return 0, false, fmt.Errorf("read article ids: %w", err)
	}
	blk := *buf
	key := func(i int) []byte { return blk[i*idRecordLen : i*idRecordLen+16] }
	lo := sort.Search(recs, func(i int) bool { return bytes.Compare(key(i), k[:]) >= 0 })
	if lo < recs && bytes.Equal(key(lo), k[:]) {
		return binary.LittleEndian.Uint64(blk[lo*idRecordLen+16:]), true, nil
	}
	return 0, false, nil
}

func (r *idRun) close() {
	r.f.Close()
	if r.path != "" {
		os.Remove(r.path)
	}
}

// nameLog keeps, on disk, the input names that packed origins point to:
// an archive of millions of one-article files would otherwise hold every
// path in memory until the end of the walk.
type nameLog struct {
	dir     string
	f       *os.File
	path    string // non-empty: still to be removed on close
	w       *bufio.Writer
	size    int64  // bytes written
	last    string // the name added last, and its offset
	lastOff int64
}

// add records name, unless it is the one added last, and returns its
// offset.
func (n *nameLog) add(name string) (int64, error) {
	if n.f != nil && name == n.last {
		return n.lastOff, nil
	}
	if n.f == nil {
		f, err := os.CreateTemp(n.dir, ".marktstem-names-*")
		if err != nil {
			return 0, fmt.Errorf("spill input names: %w", err)
		}
		n.f, n.w = f, bufio.NewWriterSize(f, 1<<14)
		if os.Remove(f.Name()) != nil {
			n.path = f.Name()
		}
	}
	rec := binary.AppendUvarint(nil, uint64(len(name)))
	rec = append(rec, name...)
	if _, err := n.w.Write(rec); err != nil {
		return 0, fmt.Errorf("spill input names: %w", err)
	}
	n.last, n.lastOff = name, n.size
	n.size += int64(len(rec))
	return n.lastOff, nil
}

// at returns the name recorded at off.
func (n *nameLog) at(off int64) (string, error) {
	if n.f == nil || off >= n.size {
		return "", fmt.Errorf("read input names: no name at %d", off)
	}
	if off == n.lastOff {
		return n.last, nil
	}
	if err := n.w.Flush(); err != nil {
		return "", fmt.Errorf("spill input names: %w", err)
	}
	r := bufio.NewReader(io.NewSectionReader(n.f, off, n.size-off))
	l, err := binary.ReadUvarint(r)
	if err != nil || l > uint64(n.size-off) {
		return "", fmt.Errorf("read input names: bad record at %d", off)
	}
	b := make([]byte, l)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("read input names: %w", err)
	}
	return string(b), nil
}

func (n *nameLog) close() {
	if n.f == nil {
		return
	}
	n.f.Close()
	if n.path != "" {
		os.Remove(n.path)
	}
	n.f = nil
}
