// Package lexicons loads marktstem's versioned lexicon data.
//
// Every lexicon is a tab-separated file under nl/ with a provenance header:
//
//	# name: finance-sentiment
//	# description: …
//	# source: …
//	# licence: Apache-2.0
//	# version: 2026.11.0
//	term	pos	weight	note
//	winst	NN	0.4
//
// The files are embedded in the binary, validated on load (errors name the
// file and line), and hashed so that every output can record exactly which
// lexicon data produced it. A user directory can override files by name.
package lexicons

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

//go:embed nl/*.tsv
var embedded embed.FS

// Embedded returns the lexicon files compiled into the binary.
func Embedded() fs.FS { return embedded }

// requiredMeta are the provenance keys every file must carry.
var requiredMeta = []string{"name", "description", "source", "licence", "version"}

// ParseError reports a problem in a lexicon file at a line.
type ParseError struct {
	File string
	Line int
	Err  error
}

// Error formats the problem as file:line: message.
func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }

// Unwrap returns the underlying error, for errors.Is and errors.As.
func (e *ParseError) Unwrap() error { return e.Err }

// ErrMissing is returned when a lexicon the scorers need is absent.
var ErrMissing = errors.New("lexicon missing")

// File is one parsed lexicon file.
type File struct {
	Path    string            // e.g. "nl/regulatory.tsv"
	Meta    map[string]string // provenance header
	Columns []string          // header row
	Rows    []Row
	SHA256  string // hex digest of the raw file bytes
}

// Row is one data row of a lexicon file.
type Row struct {
	Line   int
	Fields []string
}

// Name returns the lexicon's declared name.
func (f *File) Name() string { return f.Meta["name"] }

// Version returns the lexicon's declared version.
func (f *File) Version() string { return f.Meta["version"] }

// Field returns the named column of a row ("" when the column is absent).
func (f *File) Field(r Row, col string) string {
	for i, c := range f.Columns {
		if c == col {
			return r.Fields[i]
		}
	}
	return ""
}

// Parse reads and validates the generic structure of one lexicon file.
func Parse(name string, data []byte) (*File, error) {
	sum := sha256.Sum256(data)
	f := &File{Path: name, Meta: map[string]string{}, SHA256: hex.EncodeToString(sum[:])}
	fail := func(line int, format string, args ...any) error {
		return &ParseError{File: name, Line: line, Err: fmt.Errorf(format, args...)}
	}
	if !utf8.Valid(data) {
		return nil, fail(0, "not valid UTF-8")
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	seen := map[string]int{}
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if f.Columns == nil {
			if strings.HasPrefix(text, "#") {
				k, v, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(text, "#")), ":")
				if ok && !strings.ContainsAny(k, " \t") {
					f.Meta[strings.TrimSpace(k)] = strings.TrimSpace(v)
				}
				continue
			}
			if strings.TrimSpace(text) == "" {
				continue
			}
			f.Columns = strings.Split(text, "\t")
			for _, k := range requiredMeta {
				if f.Meta[k] == "" {
					return nil, fail(line, "header lacks %q (need # %s: …)", k, k)
				}
			}
			continue
		}
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Split(text, "\t")
		if len(fields) != len(f.Columns) {
			return nil, fail(line, "got %d fields, want %d (%s)", len(fields), len(f.Columns), strings.Join(f.Columns, ", "))
		}
		key := fields[0]
		if key == "" || strings.TrimSpace(key) != key || strings.Contains(key, "  ") {
			return nil, fail(line, "bad term %q: empty or stray spaces", key)
		}
		if !norm.NFC.IsNormalString(key) {
			return nil, fail(line, "term %q is not NFC", key)
		}
		dupKey := key + "\t" + fields[1%len(fields)]
		if prev, ok := seen[dupKey]; ok {
			return nil, fail(line, "duplicate term %q (first on line %d)", key, prev)
		}
		seen[dupKey] = line
		f.Rows = append(f.Rows, Row{Line: line, Fields: fields})
	}
	if err := sc.Err(); err != nil {
		return nil, fail(line, "%w", err)
	}
	if f.Columns == nil {
		return nil, fail(line, "no header row")
	}
	return f, nil
}

// Set is every lexicon the scorers use, parsed and typed.
type Set struct {
	Files         []*File // sorted by path
	Sentiment     []Term  // general, finance, then learned; a later entry replaces an earlier one with the same term
	Calibration   Calibration
	Direction     []Direction
	Shifters      []Shifter
	Regulatory    []Term
	Actors        []Actor
	Abbreviations []string
	CompoundParts []CompoundPart // decompounder vocabulary (nl/compound_parts.tsv)
}

// CompoundPart is a word of the decompounder's vocabulary and the roles it
// may play in a closed compound.
type CompoundPart struct {
	Term  string
	Roles []string // a subset of CompoundRoles()
}

// CompoundRoles returns the roles a compound part may have: head (may be
// the rightmost part), modifier (may be a left part), modifier-s (may be a
// left part with a linking s), stop-head (never split off as a head),
// no-split (never split) and no-modifier (never a left part).
func CompoundRoles() []string {
	return []string{"head", "modifier", "modifier-s", "stop-head", "no-split", "no-modifier"}
}

// Term is a scored word or phrase.
type Term struct {
	Term     string
	Lexicon  string // name of the lexicon it came from
	POS      string // part of speech where given
	Category string // regulatory category; "" for sentiment
	Weight   float64
}

// DirectionKind tells movement verbs from the quantities that move.
type DirectionKind string

// Direction kinds.
const (
	Object DirectionKind = "object"
	Verb   DirectionKind = "verb"
)

// Direction is an entry of the direction lexicon: a quantity whose rise is
// good (+1) or bad (−1), or a movement up (+1) or down (−1).
type Direction struct {
	Term     string
	Kind     DirectionKind
	Polarity float64
}

// ShifterKind classifies valence shifters.
type ShifterKind string

// Shifter kinds.
const (
	Negator   ShifterKind = "negator"
	Amplifier ShifterKind = "amplifier"
	Downtoner ShifterKind = "downtoner"
	Contrast  ShifterKind = "contrast"
	Hedge     ShifterKind = "hedge"
)

// Shifter is a word that changes the weight of nearby terms.
type Shifter struct {
	Term   string
	Kind   ShifterKind
	Factor float64
}

// Actor is a regulator, court or government that raises risk when it acts.
type Actor struct {
	Term          string
	Lexicon       string // name of the lexicon it came from
	Kind          string
	Jurisdiction  string
	Category      string // regulatory category of its base weight (by remit)
	Weight        float64
	CaseSensitive bool // the surface form must be upper-case (AP, OM)
}

// actorCategory is the category of an actor without a category column:
// what such an actor typically does.
var actorCategory = map[string]string{
	"regulator": "enforcement", "court": "litigation", "government": "state_intervention",
	"prosecutor": "investigation", "supranational": "legislation", "legislature": "legislation",
}

// Categories are the regulatory-risk categories, in output order.
var categories = []string{
	"enforcement", "investigation", "litigation", "legislation", "tax", "competition",
	"sanctions", "licensing", "privacy", "state_intervention", "prudential", "esg",
}

// Categories returns the regulatory-risk categories in output order.
func Categories() []string { return append([]string(nil), categories...) }

// Default loads the embedded lexicons.
func Default() (*Set, error) { return Load(embedded, nil) }

// LoadDir loads the embedded lexicons with files of the same name in dir
// (e.g. dir/regulatory.tsv) taking precedence.
func LoadDir(dir string) (*Set, error) {
	if dir == "" {
		return Default()
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("lexicon dir: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("lexicon dir %s: not a directory", dir)
	}
	return Load(embedded, os.DirFS(dir))
}

// Load parses nl/*.tsv from base, replacing any file whose base name also
// exists at the top of override (which may be nil).
func Load(base fs.FS, override fs.FS) (*Set, error) {
	names, err := fs.Glob(base, "nl/*.tsv")
	if err != nil {
		return nil, fmt.Errorf("list lexicons: %w", err)
	}
	sort.Strings(names)
	set := &Set{}
	byBase := map[string]*File{}
	for _, name := range names {
		src, label := base, name
		if override != nil {
			if _, err := fs.Stat(override, path.Base(name)); err == nil {
				src, label = override, path.Base(name)
			}
		}
		data, err := fs.ReadFile(src, label)
		if err != nil {
			return nil, fmt.Errorf("read lexicon %s: %w", label, err)
		}
		f, err := Parse(name, data)
		if err != nil {
			return nil, err
		}
		set.Files = append(set.Files, f)
		byBase[strings.TrimSuffix(path.Base(name), ".tsv")] = f
	}
	need := func(base string) (*File, error) {
		f := byBase[base]
		if f == nil {
			return nil, fmt.Errorf("%w: nl/%s.tsv", ErrMissing, base)
		}
		return f, nil
	}
	for _, b := range []string{"sentiment_general", "sentiment_finance"} {
		f, err := need(b)
		if err != nil {
			return nil, err
		}
		terms, err := sentimentTerms(f)
		if err != nil {
			return nil, err
		}
		set.Sentiment = append(set.Sentiment, terms...)
	}
	set.Calibration = DefaultCalibration()
	if f := byBase[learnedBase]; f != nil {
		if err := set.addLearned(f); err != nil {
			return nil, err
		}
	}
	set.Sentiment = dedupe(set.Sentiment)
	steps := []struct {
		base string
		fn   func(*File) error
	}{
		{"direction", func(f *File) (err error) { set.Direction, err = directions(f); return }},
		{"shifters", func(f *File) (err error) { set.Shifters, err = shifters(f); return }},
		{"regulatory", func(f *File) (err error) { set.Regulatory, err = regulatory(f); return }},
		{"regulatory_actors", func(f *File) (err error) { set.Actors, err = actors(f); return }},
		{"abbreviations", func(f *File) error {
			for _, r := range f.Rows {
				set.Abbreviations = append(set.Abbreviations, r.Fields[0])
			}
			return nil
		}},
	}
	// The decompounder vocabulary is optional for a custom base: without
	// it, compounds are only split at lexicon terms.
	if f := byBase["compound_parts"]; f != nil {
		if set.CompoundParts, err = compoundParts(f); err != nil {
			return nil, err
		}
	}
	for _, s := range steps {
		f, err := need(s.base)
		if err != nil {
			return nil, err
		}
		if err := s.fn(f); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// requireColumns checks that a file has the columns a typed reader needs.
func requireColumns(f *File, cols ...string) error {
	for _, c := range cols {
		found := false
		for _, have := range f.Columns {
			found = found || have == c
		}
		if !found {
			return &ParseError{File: f.Path, Line: 0, Err: fmt.Errorf("missing column %q", c)}
		}
	}
	return nil
}

// number parses a float in [lo, hi] from a row's column.
func number(f *File, r Row, col string, lo, hi float64) (float64, error) {
	s := f.Field(r, col)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) {
		return 0, &ParseError{File: f.Path, Line: r.Line, Err: fmt.Errorf("%s %q is not a number", col, s)}
	}
	if v < lo || v > hi {
		return 0, &ParseError{File: f.Path, Line: r.Line, Err: fmt.Errorf("%s %g out of range [%g, %g]", col, v, lo, hi)}
	}
	return v, nil
}

func sentimentTerms(f *File) ([]Term, error) {
	if err := requireColumns(f, "term", "weight"); err != nil {
		return nil, err
	}
	out := make([]Term, 0, len(f.Rows))
	for _, r := range f.Rows {
		w, err := number(f, r, "weight", -1, 1)
		if err != nil {
			return nil, err
		}
		out = append(out, Term{Term: r.Fields[0], Lexicon: f.Name(), POS: f.Field(r, "pos"), Weight: w})
	}
	return out, nil
}

func regulatory(f *File) ([]Term, error) {
	if err := requireColumns(f, "term", "category", "weight"); err != nil {
		return nil, err
	}
	valid := map[string]bool{}
	for _, c := range categories {
		valid[c] = true
	}
	out := make([]Term, 0, len(f.Rows))
	for _, r := range f.Rows {
		cat := f.Field(r, "category")
		if !valid[cat] {
			return nil, &ParseError{File: f.Path, Line: r.Line, Err: fmt.Errorf("unknown category %q (want one of %s)", cat, strings.Join(categories, ", "))}
		}
		w, err := number(f, r, "weight", -1, 1)
		if err != nil {
			return nil, err
		}
		out = append(out, Term{Term: r.Fields[0], Lexicon: f.Name(), Category: cat, Weight: w})
	}
	return out, nil
}

func directions(f *File) ([]Direction, error) {
	if err := requireColumns(f, "term", "kind", "polarity"); err != nil {
		return nil, err
	}
	out := make([]Direction, 0, len(f.Rows))
	for _, r := range f.Rows {
		k := DirectionKind(f.Field(r, "kind"))
		if k != Object && k != Verb {
			return nil, &ParseError{File: f.Path, Line: r.Line, Err: fmt.Errorf("kind %q: want object or verb", k)}
		}
		p, err := number(f, r, "polarity", -1, 1)
		if err != nil {
			return nil, err
		}
		out = append(out, Direction{Term: r.Fields[0], Kind: k, Polarity: p})
	}
	return out, nil
}

func shifters(f *File) ([]Shifter, error) {
	if err := requireColumns(f, "term", "kind", "factor"); err != nil {
		return nil, err
	}
	out := make([]Shifter, 0, len(f.Rows))
	for _, r := range f.Rows {
		k := ShifterKind(f.Field(r, "kind"))
		switch k {
		case Negator, Amplifier, Downtoner, Contrast, Hedge:
		default:
			return nil, &ParseError{File: f.Path, Line: r.Line, Err: fmt.Errorf("unknown shifter kind %q", k)}
		}
		v, err := number(f, r, "factor", -2, 3)
		if err != nil {
			return nil, err
		}
		out = append(out, Shifter{Term: r.Fields[0], Kind: k, Factor: v})
	}
	return out, nil
}

func actors(f *File) ([]Actor, error) {
	if err := requireColumns(f, "term", "kind", "weight"); err != nil {
		return nil, err
	}
	out := make([]Actor, 0, len(f.Rows))
	for _, r := range f.Rows {
		w, err := number(f, r, "weight", 0, 1)
		if err != nil {
			return nil, err
		}
		kind := f.Field(r, "kind")
		cat := f.Field(r, "category")
		if cat == "" {
			cat = actorCategory[kind]
		}
		if cat != "" && !slices.Contains(categories, cat) {
			return nil, &ParseError{File: f.Path, Line: r.Line, Err: fmt.Errorf("unknown category %q (want one of %s)", cat, strings.Join(categories, ", "))}
		}
		if cat == "" {
			cat = "enforcement"
		}
		out = append(out, Actor{
			Term: r.Fields[0], Lexicon: f.Name(), Kind: kind, Jurisdiction: f.Field(r, "jurisdiction"), Category: cat, Weight: w,
			CaseSensitive: strings.Contains(f.Field(r, "note"), "case-sensitive"),
		})
	}
	return out, nil
}

func compoundParts(f *File) ([]CompoundPart, error) {
	if err := requireColumns(f, "term", "roles"); err != nil {
		return nil, err
	}
	valid := map[string]bool{}
	for _, r := range CompoundRoles() {
		valid[r] = true
	}
	out := make([]CompoundPart, 0, len(f.Rows))
	for _, r := range f.Rows {
		roles := strings.Split(f.Field(r, "roles"), ",")
		for _, role := range roles {
			if !valid[role] {
				return nil, &ParseError{File: f.Path, Line: r.Line, Err: fmt.Errorf("unknown role %q (want some of %s)", role, strings.Join(CompoundRoles(), ", "))}
			}
		}
		out = append(out, CompoundPart{Term: r.Fields[0], Roles: roles})
	}
	return out, nil
}
