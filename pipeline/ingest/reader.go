package ingest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// ErrNoStdin is returned by Walk when "-" is named but no stdin reader was given.
var ErrNoStdin = errors.New("input \"-\" named but no stdin reader given")

// ErrStdinTwice is returned by Walk when "-" is named more than once: the
// second read would silently see an exhausted stream.
var ErrStdinTwice = errors.New("input \"-\" named more than once")

// stdinName is Origin.File and the .txt id for articles read from "-".
const stdinName = "stdin"

// bufSize is the read buffer per stream; JSONL lines longer than this are
// assembled in a separate, reused buffer.
const bufSize = 64 << 10

// format is an input format.
type format int

const (
	formatUnknown format = iota // decided by sniffing the content
	formatTxt
	formatJSONL
)

// formatOf derives the format from a file name; ok is false when the name
// has no input extension. The .gz suffix is stripped first.
func formatOf(name string) (f format, gz bool) {
	lower := strings.ToLower(name)
	if strings.HasSuffix(lower, ".gz") {
		lower, gz = lower[:len(lower)-3], true
	}
	switch {
	case strings.HasSuffix(lower, ".txt"):
		return formatTxt, gz
	case strings.HasSuffix(lower, ".jsonl"), strings.HasSuffix(lower, ".ndjson"):
		return formatJSONL, gz
	}
	return formatUnknown, gz
}

// idOf is the .txt article id: the base name without ".gz" and without its
// one format extension, so "a.b.txt.gz" keeps its meaningful "a.b".
func idOf(base string) string {
	if strings.HasSuffix(strings.ToLower(base), ".gz") {
		base = base[:len(base)-3]
	}
	if ext := path.Ext(base); ext != "" && ext != base {
		base = base[:len(base)-len(ext)]
	}
	return base
}

// isHidden reports names that directory walks skip (".git", ".DS_Store", …).
func isHidden(name string) bool { return strings.HasPrefix(name, ".") }

// Reader reads articles from files, directories and stdin. It remembers every
// article id it has produced, so duplicates are rejected across all inputs
// of a walk (and across walks on the same Reader). It is not safe for
// concurrent use.
type Reader struct {
	max     int
	log     *slog.Logger
	seen    *idSet
	names   *nameLog
	onInput func(InputFile) error
	skipped int
}

// InputFile describes one input as read: the run manifest lists them.
type InputFile struct {
	Path     string `json:"path"`
	Bytes    int64  `json:"bytes"`    // raw (compressed) bytes read
	SHA256   string `json:"sha256"`   // of the raw bytes
	Complete bool   `json:"complete"` // false when reading stopped early (error, cancellation)
}

// NewReader returns a Reader configured by opts.
func NewReader(opts Options) *Reader {
	r := &Reader{max: opts.MaxArticleBytes, log: opts.Logger, seen: newIDSet(opts.SpillDir, opts.MaxIDs),
		names: &nameLog{dir: opts.SpillDir}, onInput: opts.OnInput}
	if r.max <= 0 {
		r.max = DefaultMaxArticleBytes
	}
	r.max = min(r.max, LimitArticleBytes)
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	return r
}

// Skipped returns how many files were skipped because their extension is
// not an input format (hidden files are not counted: skipping them is by
// design, not a likely mistake).
func (r *Reader) Skipped() int { return r.skipped }

// Walk reads inputs in order. An input is a file (read whatever its
// extension: by extension when it has an input one, else sniffed like
// stdin), a directory (read recursively in sorted path order, hidden
// entries skipped, only .txt/.jsonl/.ndjson[.gz] read, directory symlinks
// followed once) or "-" for stdin. fn is called for every article and
// reject in a deterministic order; an error from fn stops the walk and is
// returned unchanged, as is ctx.Err() after cancellation.
//
// A top-level input that cannot be stat'ed, opened or listed is returned as
// an error, because it is a usage problem; a file inside a directory that
// cannot be read becomes a Reject with ReasonReadError and the walk goes on.
func (r *Reader) Walk(ctx context.Context, inputs []string, stdin io.Reader, fn func(Record) error) error {
	usedStdin := false
	for _, in := range inputs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if in == "-" {
			if stdin == nil {
				return ErrNoStdin
			}
			if usedStdin {
				return ErrStdinTwice
			}
			usedStdin = true
			if err := r.readStream(ctx, stdin, stdinName, stdinName, formatUnknown, false, 0, fn); err != nil {
				return err
			}
			continue
		}
		fi, err := os.Stat(in)
		if err != nil {
			return fmt.Errorf("input: %w", err)
		}
		if !fi.IsDir() {
			f, err := os.Open(in)
			if err != nil {
				return fmt.Errorf("input: %w", err)
			}
			fmtName, gz := formatOf(in)
			err = r.readStream(ctx, f, in, idOf(filepath.Base(in)), fmtName, gz, fi.Size(), fn)
			f.Close()
			if err != nil {
				return err
			}
			continue
		}
		if err := r.walkDir(ctx, in, fn); err != nil {
			return err
		}
	}
	return nil
}

// entry is a file found in a directory walk, or a path that could not be
// read (err set), which becomes a read_error reject in path order.
type entry struct {
	path string
	err  error
}

// walkDir reads the directory root recursively.
func (r *Reader) walkDir(ctx context.Context, root string, fn func(Record) error) error {
	var entries []entry
	visited := make(map[string]bool)
	if real, err := filepath.EvalSymlinks(root); err == nil {
		visited[real] = true
	}
	des, err := os.ReadDir(root)
	if err != nil {
		return fmt.Errorf("input: %w", err)
	}
	var links []symlinkDir
	r.collect(root, des, visited, &entries, &links)
	for len(links) > 0 {
		// Following a link can find more links; they queue up behind.
		l := links[0]
		links = links[1:]
		r.enter(l.path, l.real, visited, &entries, &links)
	}
	// Sorting the full paths (not per directory) is what makes "sorted by
	// path" true across nesting levels.
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.path, b.path) })
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.err != nil {
			if err := r.readErrorReject(ctx, e.path, e.err, fn); err != nil {
				return err
			}
			continue
		}
		if err := r.readOSFile(ctx, e.path, fn); err != nil {
			return err
		}
	}
	return nil
}

func (r *Reader) readOSFile(ctx context.Context, p string, fn func(Record) error) error {
	f, err := os.Open(p)
	if err != nil {
		return r.readErrorReject(ctx, p, err, fn)
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	fmtName, gz := formatOf(p)
	return r.readStream(ctx, f, p, idOf(filepath.Base(p)), fmtName, gz, size, fn)
}

func (r *Reader) readErrorReject(ctx context.Context, file string, err error, fn func(Record) error) error {
	return r.emit(ctx, Record{Reject: &Reject{Origin: Origin{File: file}, Reason: ReasonReadError, Detail: err.Error()}}, fn)
}

// symlinkDir is a directory symlink found by collect, followed only after
// the real tree has been collected.
type symlinkDir struct{ path, real string }

// collect adds the input files under dir to out. Directory symlinks are
// deferred to links: following them only after the real directories are
// known means a directory is read under its own path rather than under
// whichever alias sorts first, and each real directory is entered once, so
// symlink loops end.
func (r *Reader) collect(dir string, des []os.DirEntry, visited map[string]bool, out *[]entry, links *[]symlinkDir) {
	for _, de := range des {
		name := de.Name()
		p := filepath.Join(dir, name)
		if isHidden(name) {
			r.log.Debug("skipping hidden path", "path", p)
			continue
		}
		typ := de.Type()
		if typ&fs.ModeSymlink != 0 {
			fi, err := os.Stat(p)
			if err != nil {
				*out = append(*out, entry{path: p, err: err})
				continue
			}
			if fi.IsDir() {
				real, err := filepath.EvalSymlinks(p)
				if err != nil {
					*out = append(*out, entry{path: p, err: err})
					continue
				}
				*links = append(*links, symlinkDir{p, real})
				continue
			}
			typ = fi.Mode().Type()
		}
		switch {
		case typ.IsDir():
			real, err := filepath.EvalSymlinks(p)
			if err != nil {
				*out = append(*out, entry{path: p, err: err})
				continue
			}
			r.enter(p, real, visited, out, links)
		case !typ.IsRegular():
			r.skipped++
			r.log.Info("skipping non-regular file", "path", p, "type", typ.String())
		default:
			if f, _ := formatOf(name); f == formatUnknown {
				r.skipped++
				r.log.Debug("skipping file: not .txt, .jsonl or .ndjson (optionally .gz)", "path", p)
				continue
			}
			*out = append(*out, entry{path: p})
		}
	}
}

// enter collects directory p (real path real) unless it was visited.
func (r *Reader) enter(p, real string, visited map[string]bool, out *[]entry, links *[]symlinkDir) {
	if visited[real] {
		r.log.Warn("skipping directory already read (symlink loop or alias)", "path", p, "real", real)
		return
	}
	visited[real] = true
	sub, err := os.ReadDir(p)
	if err != nil {
		*out = append(*out, entry{path: p, err: err})
	}
	// ReadDir may return some entries along with an error.
	r.collect(p, sub, visited, out, links)
}

// WalkFS is Walk over fsys: root is a directory (or file) inside fsys and
// Origin.File is label + "/" + path. Symlinked directories are not followed,
// since fs.FS offers no real path to detect loops with.
func (r *Reader) WalkFS(ctx context.Context, fsys fs.FS, root, label string, fn func(Record) error) error {
	if root == "" {
		root = "."
	}
	name := func(p string) string {
		if label == "" {
			return p
		}
		return label + "/" + p
	}
	fi, err := fs.Stat(fsys, root)
	if err != nil {
		return fmt.Errorf("input: %w", err)
	}
	if !fi.IsDir() {
		return r.readFSFile(ctx, fsys, root, name(root), fn)
	}
	var entries []entry
	var walk func(dir string) error
	walk = func(dir string) error {
		des, err := fs.ReadDir(fsys, dir)
		if err != nil {
			if dir == root {
				return fmt.Errorf("input: %w", err)
			}
			entries = append(entries, entry{path: dir, err: err})
		}
		for _, de := range des {
			p := path.Join(dir, de.Name())
			if isHidden(de.Name()) {
				continue
			}
			typ := de.Type()
			if typ&fs.ModeSymlink != 0 {
				fi, err := fs.Stat(fsys, p)
				if err != nil {
					entries = append(entries, entry{path: p, err: err})
					continue
				}
				if fi.IsDir() {
					r.log.Warn("not following directory symlink", "path", name(p))
					continue
				}
				typ = fi.Mode().Type()
			}
			switch {
			case typ.IsDir():
				if err := walk(p); err != nil {
					return err
				}
			case !typ.IsRegular():
				r.skipped++
				r.log.Info("skipping non-regular file", "path", name(p))
			default:
				if f, _ := formatOf(p); f == formatUnknown {
					r.skipped++
					r.log.Debug("skipping file: not .txt, .jsonl or .ndjson (optionally .gz)", "path", name(p))
					continue
				}
				entries = append(entries, entry{path: p})
			}
		}
		return nil
	}
	if err := walk(root); err != nil {
		return err
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.path, b.path) })
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.err != nil {
			if err := r.readErrorReject(ctx, name(e.path), e.err, fn); err != nil {
				return err
			}
			continue
		}
		if err := r.readFSFile(ctx, fsys, e.path, name(e.path), fn); err != nil {
			return err
		}
	}
	return nil
}

func (r *Reader) readFSFile(ctx context.Context, fsys fs.FS, p, label string, fn func(Record) error) error {
	f, err := fsys.Open(p)
	if err != nil {
		return r.readErrorReject(ctx, label, err, fn)
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	fmtName, gz := formatOf(p)
	return r.readStream(ctx, f, label, idOf(path.Base(p)), fmtName, gz, size, fn)
}

// srcReader remembers errors of the underlying (compressed) source, so a
// failure can be blamed on the file system (read_error) rather than on the
// gzip data (bad_gzip).
type srcReader struct {
	r   io.Reader
	n   int64
	err error
}

func (s *srcReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.n += int64(n)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

// streamErr classifies a read error of the decompressed stream.
func streamErr(src *srcReader, gz bool, err error) (Reason, string) {
	if src.err != nil || !gz {
		e := err
		if src.err != nil {
			e = src.err
		}
		return ReasonReadError, e.Error()
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return ReasonBadGzip, "truncated gzip stream: " + err.Error()
	}
	return ReasonBadGzip, "corrupt gzip stream: " + err.Error()
}

// readStream reads one file or stdin. f is the format from the name
// (formatUnknown: sniff), gzName whether the name ends in .gz; gzip is also
// detected by its magic bytes whatever the name. sizeHint, when known,
// avoids regrowing the buffer of a .txt article.
func (r *Reader) readStream(ctx context.Context, raw io.Reader, file, id string, f format, gzName bool, sizeHint int64, fn func(Record) error) (rerr error) {
	// Every raw byte passes through a hash, so the run manifest can name
	// exactly which input produced the outputs.
	h := sha256.New()
	src := &srcReader{r: io.TeeReader(raw, h)}
	defer func() {
		if rerr == nil && src.err == nil {
			// Drain what was not read (the tail of a too-large article),
			// so size and hash describe the whole file.
			io.Copy(io.Discard, src)
		}
		if r.onInput == nil {
			return
		}
		in := InputFile{Path: file, Bytes: src.n, SHA256: hex.EncodeToString(h.Sum(nil)), Complete: rerr == nil && src.err == nil}
		if err := r.onInput(in); err != nil && rerr == nil {
			rerr = err
		}
	}()
	br := bufio.NewReaderSize(src, bufSize)
	reject := func(line int, reason Reason, detail string, n int64) error {
		rj := &Reject{Origin: Origin{File: file, Line: line}, Reason: reason, Detail: detail}
		if f != formatJSONL {
			rj.ID = id
		}
		return r.emit(ctx, Record{Reject: rj, Bytes: n}, fn)
	}
	magic, err := br.Peek(2)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return reject(0, ReasonReadError, err.Error(), 0)
	}
	// Gzip is recognised by content too: a name is only a hint.
	gz := len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b
	if gzName && !gz {
		if len(magic) == 0 {
			return reject(1, ReasonEmpty, "file is empty", 0)
		}
		return reject(1, ReasonBadGzip, "name ends in .gz but content is not gzip (no magic bytes)", 0)
	}
	if gz {
		zr, err := gzip.NewReader(br)
		if err != nil {
			reason, detail := streamErr(src, true, err)
			return reject(1, reason, detail, 0)
		}
		defer zr.Close()
		sizeHint = 0 // the compressed size says little about the text size
		br = bufio.NewReaderSize(zr, bufSize)
	}
	if f == formatUnknown {
		f = sniff(br)
	}
	if f == formatJSONL {
		return r.readJSONL(ctx, br, src, gz, file, fn)
	}
	// A .txt article is one record: read it whole, but never more than
	// max+1 bytes, which is enough to tell that it is too large.
	data, n, err := readLimited(br, r.max, sizeHint)
	if err != nil {
		reason, detail := streamErr(src, gz, err)
		return reject(1, reason, detail, n)
	}
	if len(data) > r.max {
		return reject(1, ReasonTooLarge, fmt.Sprintf("article exceeds %d bytes", r.max), n)
	}
	return r.emit(ctx, parseTxt(data, file, id), fn)
}

// sniff decides the format of unnamed input: JSONL when the first
// non-blank character (after an optional BOM) is '{', else .txt.
func sniff(br *bufio.Reader) format {
	head, _ := br.Peek(512)
	head = bytes.TrimPrefix(head, []byte(bom))
	head = bytes.TrimLeft(head, " \t\r\n")
	if len(head) > 0 && head[0] == '{' {
		return formatJSONL
	}
	return formatTxt
}

// readLimited reads all of r up to max+1 bytes.
func readLimited(r io.Reader, max int, sizeHint int64) ([]byte, int64, error) {
	c := 512
	if sizeHint > 0 && sizeHint <= int64(max) {
		c = int(sizeHint) + 1 // +1 so the final read sees EOF without growing
	}
	buf := bytes.NewBuffer(make([]byte, 0, c))
	n, err := buf.ReadFrom(io.LimitReader(r, int64(max)+1))
	return buf.Bytes(), n, err
}

// readJSONL emits one record per non-blank line.
func (r *Reader) readJSONL(ctx context.Context, br *bufio.Reader, src *srcReader, gz bool, file string, fn func(Record) error) error {
	lr := &lineReader{br: br, max: r.max}
	var off, pending int64 // pending: bytes of skipped blank lines, credited to the next record
	lineNo, records := 0, 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		l, err := lr.next()
		lineNo++
		o := Origin{File: file, Line: lineNo, Offset: off}
		off += l.n
		if err == io.EOF {
			if records == 0 {
				return r.emit(ctx, Record{Reject: &Reject{Origin: Origin{File: file, Line: 1}, Reason: ReasonEmpty, Detail: "no JSONL records"}, Bytes: pending}, fn)
			}
			return nil
		}
		if err != nil {
			reason, detail := streamErr(src, gz, err)
			return r.emit(ctx, Record{Reject: &Reject{Origin: o, Reason: reason, Detail: detail}, Bytes: pending + l.n}, fn)
		}
		var rec Record
		switch {
		case l.tooLong:
			rec.Reject = &Reject{Origin: o, Reason: ReasonTooLarge, Detail: fmt.Sprintf("line exceeds %d bytes", r.max)}
		default:
			data := l.data
			if lineNo == 1 {
				data = bytes.TrimPrefix(data, []byte(bom))
			}
			if len(bytes.TrimSpace(data)) == 0 {
				pending += l.n
				continue
			}
			rec = parseJSONLine(data, o)
		}
		rec.Bytes = pending + l.n
		pending = 0
		records++
		if err := r.emit(ctx, rec, fn); err != nil {
			return err
		}
	}
}

// idKey identifies an article id by its hash: 16 bytes whatever the id's
// length. Two ids would be taken for one only if their SHA-256 agreed on
// 128 bits.
type idKey [16]byte

// Where an id was first seen is packed into 64 bits: the offset of the
// input's name in Reader.names and the line.
const (
	lineBits = 28
	maxLine  = 1<<lineBits - 1 // later lines saturate
	maxName  = 1<<(64-lineBits) - 1
)

// packOrigin packs o, whose file is the input being read.
func (r *Reader) packOrigin(o Origin) (uint64, error) {
	off, err := r.names.add(o.File)
	if err != nil {
		return 0, err
	}
	return uint64(min(off, maxName))<<lineBits | uint64(min(max(o.Line, 0), maxLine)), nil
}

// unpackOrigin is the inverse of packOrigin.
func (r *Reader) unpackOrigin(p uint64) (Origin, error) {
	off, line := int64(p>>lineBits), int(p&maxLine)
	if off >= maxName {
		return Origin{File: "an earlier input", Line: line}, nil
	}
	name, err := r.names.at(off)
	return Origin{File: name, Line: line}, err
}

// Close releases the files in which a long walk keeps the ids it has seen.
func (r *Reader) Close() error {
	r.seen.close()
	r.names.close()
	return nil
}

// emit hands rec to fn after the duplicate check, which must happen here,
// in walk order, for "first one wins" to be deterministic.
func (r *Reader) emit(ctx context.Context, rec Record, fn func(Record) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if a := rec.Article; a != nil {
		h := sha256.Sum256([]byte(a.ID))
		k := idKey(h[:16])
		first, ok, err := r.seen.lookup(k)
		if err != nil {
			return err
		}
		if ok {
			rec.Article = nil
			at, err := r.unpackOrigin(first)
			if err != nil {
				return err
			}
			rec.Reject = &Reject{Origin: a.Origin, ID: a.ID, Reason: ReasonDuplicateID, Detail: fmt.Sprintf("id %q first seen at %s", a.ID, at)}
		} else {
			at, err := r.packOrigin(a.Origin)
			if err == nil {
				err = r.seen.add(k, at)
			}
			if err != nil {
				return err
			}
			if a.Repaired != "" {
				r.log.Info("repaired input text", "file", a.Origin.String(), "id", a.ID, "repairs", a.Repaired)
			}
		}
	}
	return fn(rec)
}
