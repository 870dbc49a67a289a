// Package job is marktstem's pipeline on Apache Beam, for archives that
// outgrow one machine:
//
//	match globs → read and score each file (DoFn) → keep the first of each
//	article id → mark near-duplicates and novelty → combine per company
//	and day (CombineFn) → derive the panel's time and cross-section
//	columns → write each date's partition (DoFn)
//
// Every stage calls the root module's packages (ingest, pipeline's
// Analyzer, aggregate, arrowout), so a Beam run and `marktstem score
// --partition date` write the same rows: the test in this package checks
// company_daily value by value against pipeline.Run.
package job

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"

	"github.com/marktstem/marktstem/lexicons"
	"github.com/marktstem/marktstem/pipeline"
	"github.com/marktstem/marktstem/pipeline/aggregate"
	"github.com/marktstem/marktstem/pipeline/arrowout"
	"github.com/marktstem/marktstem/pipeline/entities"
	"github.com/marktstem/marktstem/pipeline/ingest"
	"github.com/marktstem/marktstem/pipeline/novelty"
	"github.com/marktstem/marktstem/seeds"
)

// Options configures a Beam run. Everything in it travels to the workers
// inside the serialized DoFns, so it must not name files only the
// launching machine can read.
type Options struct {
	// Inputs are file globs in any Beam filesystem (a local path,
	// gs://bucket/news/*.jsonl.gz, …). Files are read as in a directory
	// walk of `marktstem score`: .txt, .jsonl and .ndjson, optionally
	// .gz; hidden and other files are skipped.
	Inputs []string
	// Out is the output directory, local or in a Beam filesystem. Tables
	// are hive-partitioned: Out/<table>/date=YYYY-MM-DD/part-0.<ext>.
	Out string
	// Registry is the company registry CSV; nil means the embedded
	// seeds/companies.csv. Its bytes, not its path, go to the workers.
	Registry     []byte
	RegistryName string // for error messages
	Format       arrowout.FileFormat
	Panel        aggregate.Options
	MaxBytes     int // per article; 0 means ingest's default
	Version      string
	RunTime      time.Time // recorded in the output metadata
}

// Build adds the pipeline to s and returns the paths of the files it will
// write, one element per file. It loads the lexicons and the registry once
// here, so a broken registry fails at launch rather than on every worker.
func Build(s beam.Scope, o Options) (beam.PCollection, error) {
	if len(o.Inputs) == 0 {
		return beam.PCollection{}, fmt.Errorf("no input globs")
	}
	if o.Registry == nil {
		data, err := fs.ReadFile(seeds.FS(), seeds.CompaniesFile)
		if err != nil {
			return beam.PCollection{}, fmt.Errorf("read embedded registry: %w", err)
		}
		o.Registry, o.RegistryName = data, "seeds/"+seeds.CompaniesFile
	}
	lex, _, err := load(o.Registry, o.RegistryName)
	if err != nil {
		return beam.PCollection{}, err
	}
	meta := arrowout.Metadata{Version: o.Version, RunTime: o.RunTime.UTC(), Inputs: o.Inputs}
	for _, f := range lex.Files {
		meta.Lexicons = append(meta.Lexicons, arrowout.Lexicon{Name: f.Name(), Version: f.Version(), SHA256: f.SHA256})
	}
	panelMeta := meta
	if panelMeta.Panel, err = pipeline.PanelMetadata(aggregate.New(o.Panel).Options()); err != nil {
		return beam.PCollection{}, err
	}

	var matched []beam.PCollection
	for _, g := range o.Inputs {
		matched = append(matched, fileio.MatchFiles(s.Scope("match"), g, fileio.MatchEmptyDisallow()))
	}
	// A reshuffle spreads the files over the workers; without it a runner
	// may fuse reading into the single-element match stage.
	files := beam.Reshuffle(s, beam.Flatten(s, matched...))
	scored, rejects := beam.ParDo2(s.Scope("score"), &scoreFn{Registry: o.Registry, RegistryName: o.RegistryName, MaxBytes: o.MaxBytes}, files)
	firsts, dups := beam.ParDo2(s.Scope("dedupe"), firstFn, beam.GroupByKey(s, scored))
	keyed, probes := beam.ParDo2(s.Scope("probe"), probeFn, firsts)
	verdicts := beam.ParDo(s.Scope("novelty"), detectFn, beam.GroupByKey(s, beam.AddFixedKey(s, probes)))
	judged := beam.ParDo(s.Scope("apply-novelty"), applyFn, beam.CoGroupByKey(s, keyed, verdicts))
	obs, arts, ments := beam.ParDo3(s.Scope("split"), splitFn, judged)

	cells := beam.CombinePerKey(s.Scope("company-day"), &cellFn{}, obs)
	days := beam.ParDo(s, dropKeyFn, cells)
	rows := beam.ParDo(s.Scope("derive"), &deriveFn{Panel: o.Panel}, beam.GroupByKey(s, beam.AddFixedKey(s, days)))

	w := writer{Out: o.Out, Format: o.Format, Meta: meta}
	pd := writer{Out: o.Out, Format: o.Format, Meta: panelMeta}
	paths := []beam.PCollection{
		beam.ParDo(s.Scope("write-company-daily"), &writeDaysFn{W: pd}, beam.GroupByKey(s, rows)),
		beam.ParDo(s.Scope("write-articles"), &writeArticlesFn{W: w}, beam.GroupByKey(s, arts)),
		beam.ParDo(s.Scope("write-mentions"), &writeMentionsFn{W: w}, beam.GroupByKey(s, ments)),
		beam.ParDo(s.Scope("write-rejects"), &writeRejectsFn{Out: o.Out},
			beam.GroupByKey(s, beam.AddFixedKey(s, beam.Flatten(s, rejects, dups)))),
	}
	return beam.Flatten(s, paths...), nil
}

// load parses the embedded lexicons and the registry.
func load(registry []byte, name string) (*lexicons.Set, *entities.Registry, error) {
	lex, err := lexicons.Default()
	if err != nil {
		return nil, nil, fmt.Errorf("load lexicons: %w", err)
	}
	reg, err := entities.ParseRegistry(name, bytes.NewReader(registry))
	if err != nil {
		return nil, nil, fmt.Errorf("load registry: %w", err)
	}
	return lex, reg, nil
}

// Scored is one article after the per-article stages, with where it was
// read, so that the first of several articles with one id can be kept.
type Scored struct {
	File string
	Line int
	Rows pipeline.Rows
}

// Reject is one line of rejects.jsonl, as `marktstem score` writes it.
type Reject = pipeline.RejectRecord

// scoreFn reads one file with ingest and scores its articles with the
// pipeline's Analyzer. Its exported fields are what Beam serializes to the
// workers; the analyzer is rebuilt there in Setup.
type scoreFn struct {
	Registry     []byte
	RegistryName string
	MaxBytes     int

	an  *pipeline.Analyzer
	buf pipeline.Buffer
}

// Setup builds the analyzer once per DoFn instance.
func (f *scoreFn) Setup() error {
	lex, reg, err := load(f.Registry, f.RegistryName)
	if err != nil {
		return err
	}
	f.an = pipeline.NewAnalyzer(lex, reg)
	return nil
}

// ProcessElement reads and scores one file. A Reader per file keeps the
// duplicate check within the file; duplicates across files are settled by
// firstFn after the shuffle.
func (f *scoreFn) ProcessElement(ctx context.Context, md fileio.FileMetadata, emit func(string, Scored), reject func(Reject)) error {
	fsys, err := openFile(ctx, md)
	if err != nil {
		return err
	}
	defer fsys.Close()
	r := ingest.NewReader(ingest.Options{MaxArticleBytes: f.MaxBytes})
	defer r.Close()
	dir, _ := splitPath(md.Path)
	err = r.WalkFS(ctx, fsys, ".", dir, func(rec ingest.Record) error {
		if rj := rec.Reject; rj != nil {
			reject(Reject{File: rj.Origin.File, Line: rj.Origin.Line, Offset: rj.Origin.Offset, ID: rj.ID, Reason: string(rj.Reason), Detail: rj.Detail})
			return nil
		}
		a := rec.Article
		rows, err := f.an.Rows(a, &f.buf)
		if err != nil {
			return err
		}
		emit(a.ID, Scored{File: a.Origin.File, Line: a.Origin.Line, Rows: rows})
		return nil
	})
	if err != nil {
		return fmt.Errorf("read %s: %w", md.Path, err)
	}
	return nil
}

// splitPath splits a path or URL at its last slash; dir is "" when there
// is none.
func splitPath(p string) (dir, base string) {
	i := strings.LastIndex(p, "/")
	if i < 0 {
		return "", p
	}
	return p[:i], p[i+1:]
}

// firstFn keeps the first article of an id in (file, line) order, the
// order of a directory walk, and rejects the others as duplicates, as
// ingest.Reader does within one walk.
func firstFn(id string, all func(*Scored) bool, emit func(Scored), reject func(Reject)) {
	got := collect(all)
	sort.SliceStable(got, func(i, j int) bool {
		if got[i].File != got[j].File {
			return got[i].File < got[j].File
		}
		return got[i].Line < got[j].Line
	})
	emit(got[0])
	first := ingest.Origin{File: got[0].File, Line: got[0].Line}
	for _, d := range got[1:] {
		reject(Reject{File: d.File, Line: d.Line, ID: id, Reason: string(ingest.ReasonDuplicateID),
			Detail: fmt.Sprintf("id %q first seen at %s", id, first)})
	}
}

// Probe is what the novelty detector needs of one article: far less than
// its rows, so that the one worker which sees every article in order
// holds about 600 bytes per article.
type Probe struct {
	ID        string
	File      string
	Line      int
	At        time.Time
	Signature []byte
	Companies []string
}

// probeFn keys an article's rows by id for the join with the detector's
// verdict and emits its probe.
func probeFn(sc Scored, emit func(string, pipeline.Rows), probe func(Probe)) {
	probe(Probe{ID: sc.Rows.Article.ArticleID, File: sc.File, Line: sc.Line, At: sc.Rows.Published,
		Signature: sc.Rows.Signature, Companies: sc.Rows.Companies()})
	emit(sc.Rows.Article.ArticleID, sc.Rows)
}

// detectFn runs novelty's Detector over every article in (file, line)
// order, the order a single-machine run feeds it, because whether an
// article is a near-duplicate depends on which of two copies came first.
func detectFn(_ int, all func(*Probe) bool, emit func(string, novelty.Result)) error {
	probes := collect(all)
	sort.Slice(probes, func(i, j int) bool {
		if probes[i].File != probes[j].File {
			return probes[i].File < probes[j].File
		}
		return probes[i].Line < probes[j].Line
	})
	d := novelty.NewDetector()
	for _, p := range probes {
		var sig novelty.Signature
		if err := sig.UnmarshalBinary(p.Signature); err != nil {
			return fmt.Errorf("article %s: %w", p.ID, err)
		}
		emit(p.ID, d.Add(p.ID, p.At, sig, p.Companies))
	}
	return nil
}

// applyFn joins an article's rows with the detector's verdict.
func applyFn(id string, rows func(*pipeline.Rows) bool, verdicts func(*novelty.Result) bool, emit func(pipeline.Rows)) error {
	var r pipeline.Rows
	var v novelty.Result
	if !rows(&r) || !verdicts(&v) {
		return fmt.Errorf("article %s: rows or novelty verdict missing", id)
	}
	r.Novelty(v)
	emit(r)
	return nil
}

// cellKey keys a company-day cell: the date first, so that the key of
// every cell starts with a fixed-length date whatever the company id holds.
func cellKey(date time.Time, company string) string {
	return date.Format(time.DateOnly) + "/" + company
}

// splitFn fans one article's rows out to the panel (keyed by cell) and to
// the articles and mentions tables (keyed by partition date).
func splitFn(r pipeline.Rows, obs func(string, aggregate.Obs), arts func(string, arrowout.Article), ments func(string, []arrowout.Mention)) {
	for _, o := range r.Obs {
		obs(cellKey(o.Date, o.CompanyID), o)
	}
	date := r.Article.Published.Format(time.DateOnly)
	arts(date, r.Article)
	if len(r.Mentions) > 0 {
		// One element per article keeps its mentions in registry order.
		ments(date, r.Mentions)
	}
}

// Cell is the accumulator of cellFn: aggregate's constant-space cell of
// exact sums, which merges in any order with bit-identical results, plus
// the key it belongs to.
type Cell struct {
	CompanyID string
	Date      time.Time
	Acc       aggregate.Cell
}

// cellFn combines the observations of one company and day into the day's
// statistics with aggregate's own accumulator and formulas.
type cellFn struct{}

// CreateAccumulator returns an empty cell.
func (cellFn) CreateAccumulator() Cell { return Cell{} }

// AddInput adds one observation.
func (cellFn) AddInput(c Cell, o aggregate.Obs) Cell {
	c.CompanyID, c.Date = o.CompanyID, o.Date
	c.Acc.Add(o)
	return c
}

// MergeAccumulators merges two cells; order does not matter.
func (cellFn) MergeAccumulators(a, b Cell) Cell {
	if a.CompanyID == "" {
		a.CompanyID, a.Date = b.CompanyID, b.Date
	}
	a.Acc.Merge(b.Acc)
	return a
}

// ExtractOutput computes the day's statistics, exactly as a single-machine
// panel does for each of its cells.
func (cellFn) ExtractOutput(c Cell) aggregate.Day {
	return c.Acc.Day(c.CompanyID, c.Date)
}

func dropKeyFn(_ string, d aggregate.Day) aggregate.Day { return d }

// deriveFn fills the columns that look beyond one cell: buzz and the
// smoothed indices (a company's history) and the z-scores (a day's
// cross-section). It sees every company-day row at once — rows, not
// articles, so a 20-year panel of thousands of companies fits one worker.
type deriveFn struct {
	Panel aggregate.Options
}

// ProcessElement derives the columns and keys each row by its date.
func (f *deriveFn) ProcessElement(_ int, all func(*aggregate.Day) bool, emit func(string, arrowout.CompanyDay)) error {
	days := collect(all)
	sort.Slice(days, func(i, j int) bool {
		if days[i].CompanyID != days[j].CompanyID {
			return days[i].CompanyID < days[j].CompanyID
		}
		return days[i].Date.Before(days[j].Date)
	})
	// The derived columns depend on the daily rows only through Mentions,
	// SentimentWeighted and RiskWeighted. A panel of one observation per
	// row carrying those values (relevance 1, so the weighted mean of one
	// value is the value itself) derives them with aggregate's own code.
	p := aggregate.New(f.Panel)
	defer p.Close()
	for _, d := range days {
		if err := p.Add(aggregate.Obs{CompanyID: d.CompanyID, CompanyName: d.CompanyName, Date: d.Date,
			Mentions: d.Mentions, Relevance: 1, Sentiment: d.SentimentWeighted, Risk: d.RiskWeighted}); err != nil {
			return fmt.Errorf("derive: %w", err)
		}
	}
	derived, err := p.Days()
	if err != nil {
		return fmt.Errorf("derive: %w", err)
	}
	if len(derived) != len(days) {
		return fmt.Errorf("derive: %d rows from %d days", len(derived), len(days))
	}
	for i, d := range days {
		x := derived[i]
		if x.CompanyID != d.CompanyID || !x.Date.Equal(d.Date) {
			return fmt.Errorf("derive: row %d is %s %s, want %s %s", i, x.CompanyID, x.Date, d.CompanyID, d.Date)
		}
		d.Buzz, d.SentimentIndex, d.RiskIndex, d.SentimentZ, d.RiskZ = x.Buzz, x.SentimentIndex, x.RiskIndex, x.SentimentZ, x.RiskZ
		emit(d.Date.Format(time.DateOnly), pipeline.DayRow(d))
	}
	return nil
}
