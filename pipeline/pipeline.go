// Package pipeline runs marktstem end to end:
//
//	source → tokenize → score → attribute → aggregate → sink
//
// Articles are read in a deterministic order, scored by a bounded pool of
// workers, and written back in input order, so the output files are
// byte-identical whatever the number of workers. Every article read is
// either scored or rejected with a reason; rejects are logged, counted and
// written to rejects.jsonl. Every output file appears atomically.
package pipeline

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/marktstem/marktstem/lexicons"
	"github.com/marktstem/marktstem/metrics"
	"github.com/marktstem/marktstem/pipeline/aggregate"
	"github.com/marktstem/marktstem/pipeline/arrowout"
	"github.com/marktstem/marktstem/pipeline/entities"
	"github.com/marktstem/marktstem/pipeline/ingest"
	"github.com/marktstem/marktstem/pipeline/novelty"
	"github.com/marktstem/marktstem/pipeline/tokenize"
	"github.com/marktstem/marktstem/scoring"
)

// RejectsFile is the name of the rejects log in the output directory.
const RejectsFile = "rejects.jsonl"

// Config configures a run.
type Config struct {
	Inputs       []string  // files, directories or "-"; empty means Default
	Stdin        io.Reader // read for "-"
	Default      fs.FS     // corpus used when Inputs is empty
	DefaultRoot  string    // directory inside Default
	DefaultLabel string    // how Default's files are named in outputs
	OutDir       string
	Workers      int // 0 means GOMAXPROCS
	Lexicons     *lexicons.Set
	Registry     *entities.Registry
	Metrics      *metrics.Metrics // optional
	Logger       *slog.Logger     // optional
	Alloc        memory.Allocator // optional; Go allocator by default
	RunTime      time.Time        // recorded in the output metadata
	Version      string
	MaxBytes     int               // per article; 0 means the reader's default
	Layout       arrowout.Layout   // file format and partitioning; zero: flat Arrow IPC
	Panel        aggregate.Options // company_daily smoothing and z-scores; zero: defaults
	// Date, when set, makes a nightly run: only articles published that
	// day are scored (others are rejected as outside_date), the derived
	// company_daily columns look back on the partitions in History (OutDir
	// when empty), and exactly that day's partitions are written.
	Date    time.Time
	History string
	// Until, for a backfill, is the last day it will rescore: history days
	// up to Until are about to be replaced in order, so only days after it
	// make the run refuse. Zero means Date.
	Until time.Time
}

// Summary reports a finished run.
type Summary struct {
	Read, Scored, Rejected int
	RejectsByReason        map[string]int
	SkippedFiles           int
	Duplicates             int    // near-duplicate articles: written, but left out of company_daily
	InputFiles             int    // inputs read; the manifest lists each with its size and sha256
	Manifest               string // path of the run manifest
	Bytes, Tokens          int64
	Mentions               int
	Companies              []CompanyTotal   // every company mentioned, by descending risk
	Days                   int              // company-day rows
	Outputs                []ManifestOutput // published files, hashed as they were written
	Duration               time.Duration
}

// CompanyTotal summarises one company over the run.
type CompanyTotal struct {
	ID, Name      string
	Articles      int
	Mentions      int
	SentimentMean float64
	RiskMean      float64 // weighted by relevance: what the articles about the company say
	RiskMax       float64
}

// ErrNoLexicons and ErrNoRegistry report incomplete configuration.
var (
	ErrNoLexicons = errors.New("pipeline: no lexicons configured")
	ErrNoRegistry = errors.New("pipeline: no company registry configured")
)

// item travels from the reader through the workers to the writer.
type item struct {
	seq     int
	art     *ingest.Article
	rej     *ingest.Reject
	bytes   int64
	out     *scored
	elapsed [3]time.Duration // tokenize, score, attribute
}

// hitCount is the number of an article's hits with one metric label.
type hitCount struct {
	label metrics.LexiconLabel
	index int // the label's scoring.Hit.LabelIndex; -1: none
	n     int
}

type scored struct {
	article  arrowout.Article
	mentions []arrowout.Mention
	obs      []aggregate.Obs
	roots    []int // the registry root of each of obs
	tokens   int
	hits     []hitCount // per lexicon and category; an article has a handful
	noHit    bool
	sig      novelty.Signature    // computed by the worker; compared in input order
	at       time.Time            // publication time, for the novelty window
	attr     entities.Attribution // the memory of mentions' Matched and RiskCategories
}

// Run executes the pipeline.
func Run(ctx context.Context, cfg Config) (*Summary, error) {
	begin := time.Now()
	if cfg.Lexicons == nil {
		return nil, ErrNoLexicons
	}
	if cfg.Registry == nil {
		return nil, ErrNoRegistry
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Alloc == nil {
		cfg.Alloc = memory.NewGoAllocator()
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if err := os.MkdirAll(cfg.OutDir, 0o755); err != nil {
		return nil, fmt.Errorf("create output dir: %w", err)
	}
	meta := arrowout.Metadata{Version: cfg.Version, RunTime: cfg.RunTime.UTC(), Inputs: cfg.Inputs}
	if len(cfg.Inputs) == 0 {
		meta.Inputs = []string{cfg.DefaultLabel + "/" + cfg.DefaultRoot + " (embedded)"}
	}
	for _, f := range cfg.Lexicons.Files {
		meta.Lexicons = append(meta.Lexicons, arrowout.Lexicon{Name: f.Name(), Version: f.Version(), SHA256: f.SHA256})
	}
	if cfg.Panel.SpillDir == "" {
		cfg.Panel.SpillDir = cfg.OutDir // beside the outputs (/tmp may be small); the reader and the input list spill there too
	}
	// A partitioned company_daily is written date by date, so that only a
	// few partitions are open at a time; each holds its rows by company
	// either way.
	cfg.Panel.ByDate = cfg.Layout.Partition
	panel := aggregate.New(cfg.Panel)
	defer panel.Close()
	var err error
	if meta.Panel, err = panelMeta(panel.Options()); err != nil {
		return nil, err
	}
	var day string // the one date of a nightly run
	hist := cfg.History
	if hist == "" {
		hist = cfg.OutDir
	}
	if !cfg.Date.IsZero() {
		if !cfg.Layout.Partition {
			return nil, ErrNeedPartitions
		}
		day = cfg.Date.Format(time.DateOnly)
		until := cfg.Until
		if until.IsZero() || until.Before(cfg.Date) {
			until = cfg.Date
		}
		n, err := loadHistory(ctx, hist, civil(cfg.Date), civil(until), panel, meta.Panel, cfg.Alloc, cfg.Logger)
		if err != nil {
			return nil, err
		}
		cfg.Logger.Info("history loaded", "dir", hist, "company_days", n, "date", day)
	}
	sink, err := newSink(cfg.OutDir, cfg.Layout, cfg.Alloc, meta)
	if err != nil {
		return nil, err
	}
	defer sink.abort()
	if day != "" {
		sink.nightly = true
		n, err := loadNoveltyState(hist, civil(cfg.Date), sink.novelty)
		if err != nil {
			return nil, err
		}
		cfg.Logger.Info("novelty state loaded", "previous_day_articles", n)
	}

	an := NewAnalyzer(cfg.Lexicons, cfg.Registry)
	inputs, err := newInputLog(cfg.Panel.SpillDir)
	if err != nil {
		return nil, err
	}
	defer inputs.close()
	reader := ingest.NewReader(ingest.Options{MaxArticleBytes: cfg.MaxBytes, Logger: cfg.Logger, SpillDir: cfg.Panel.SpillDir, OnInput: inputs.add})
	defer reader.Close()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Deep queues: with the reader and the writer sharing the cores with
	// the workers, a worker that finds the results queue full sleeps while
	// a core idles; 16 articles per worker (a few MB) keep them all busy.
	jobs := make(chan *item, workers*16)
	results := make(chan *item, workers*16)
	readDone := make(chan error, 1)
	readerExited := make(chan struct{})
	// However Run returns, the reader goroutine has stopped before the
	// reader and the input list it writes to are closed (deferred above).
	defer func() {
		cancel()
		<-readerExited
	}()
	go func() {
		defer close(readerExited)
		defer close(jobs)
		seq := 0
		emit := func(rec ingest.Record) error {
			if a := rec.Article; a != nil && day != "" && a.Date().Format(time.DateOnly) != day {
				rec = ingest.Record{Bytes: rec.Bytes, Reject: &ingest.Reject{Origin: a.Origin, ID: a.ID, Reason: ingest.ReasonOutsideDate,
					Detail: fmt.Sprintf("published %s; this run scores %s only", a.Date().Format(time.DateOnly), day)}}
			}
			it := &item{seq: seq, art: rec.Article, rej: rec.Reject, bytes: rec.Bytes}
			seq++
			select {
			case jobs <- it:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if len(cfg.Inputs) == 0 {
			readDone <- reader.WalkFS(ctx, cfg.Default, cfg.DefaultRoot, cfg.DefaultLabel, emit)
		} else {
			readDone <- reader.Walk(ctx, cfg.Inputs, cfg.Stdin, emit)
		}
	}()
	// Scored articles go back to the workers once the sink has written
	// them: their row slices are reused rather than reallocated.
	var recycled sync.Pool
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf Buffer
			for it := range jobs {
				if it.art != nil {
					it.out = process(it, an, &buf, &recycled)
				}
				select {
				case results <- it:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	sum := &Summary{RejectsByReason: map[string]int{}}
	pending := map[int]*item{}
	next := 0
	var writeErr error
	m := cfg.Metrics
	sm := newSinkMetrics(m)
	for it := range results {
		if writeErr != nil {
			continue // drain
		}
		pending[it.seq] = it
		for {
			cur, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if err := sink.add(cur, sum, panel, sm, cfg.Logger); err != nil {
				writeErr = err
				cancel()
				break
			}
			if out := cur.out; out != nil {
				// The writers and the panel copied what they keep.
				clear(out.mentions)
				clear(out.obs)
				recycled.Put(out)
				cur.out = nil
			}
		}
	}
	if writeErr != nil {
		return nil, writeErr
	}
	if readErr := <-readDone; readErr != nil {
		return nil, fmt.Errorf("read inputs: %w", readErr)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sum.SkippedFiles = reader.Skipped()
	writeStart := time.Now()
	// The articles and mentions are complete: their last batches, footers
	// and fsyncs go on beside the company_daily passes (a sixth of a
	// second of I/O wait for the 500 MB benchmark corpus). sink.seal has
	// the two tables to itself until it returns.
	sealed := make(chan error, 1)
	go func() { sealed <- sink.seal() }()
	// Only the latest day of each company reaches the metrics: keep that,
	// not the panel.
	latest := map[string]metrics.CompanyDayValue{}
	err = panel.Each(func(d aggregate.Day) error {
		sum.Days++
		if err := sink.days.Write(DayRow(d)); err != nil {
			return fmt.Errorf("write company_daily: %w", err)
		}
		v := latest[d.CompanyID]
		v.Articles += d.Articles
		if d.Date.After(v.Date) || v.CompanyID == "" {
			v.CompanyID, v.Date, v.Sentiment, v.Risk = d.CompanyID, d.Date, d.SentimentWeighted, d.RiskMean
		}
		latest[d.CompanyID] = v
		return nil
	})
	if sealErr := <-sealed; err == nil {
		err = sealErr
	}
	if err != nil {
		return nil, err
	}
	outputs, err := sink.commit()
	if err != nil {
		return nil, err
	}
	if sink.nightly {
		if err := dropStaleDay(cfg.OutDir, civil(cfg.Date), outputs); err != nil {
			return nil, err
		}
		// After the tables: a state file never describes a day whose
		// tables were not published.
		if err := writeNoveltyState(cfg.OutDir, civil(cfg.Date), sink.state); err != nil {
			return nil, err
		}
	}
	sum.Outputs = outputs
	sum.Companies = rank(sink.totals)
	sum.InputFiles = inputs.n
	sum.Duration = time.Since(begin)
	man, err := newManifest(cfg, workers, sum)
	if err != nil {
		return nil, err
	}
	if sum.Manifest, err = writeManifest(cfg.OutDir, man, inputs); err != nil {
		return nil, err
	}
	if m != nil {
		m.StageDuration.WithLabelValues("write").Observe(time.Since(writeStart).Seconds())
		m.FilesSkipped.Add(float64(sum.SkippedFiles))
		m.RunDuration.Set(sum.Duration.Seconds())
		m.LastRunArticles.Set(float64(sum.Read))
		// Sentiment is relevance-weighted and risk the plain mean, as in
		// the summary; a smoothed index can replace both once it is settled.
		cv := make([]metrics.CompanyDayValue, 0, len(latest))
		for _, v := range latest {
			cv = append(cv, v)
		}
		m.SetCompanyDays(cv)
		m.LastSuccess.SetToCurrentTime()
	}
	return sum, nil
}

// Analyzer runs the per-article stages: tokenize, score, find and
// attribute companies. It is safe for concurrent use.
type Analyzer struct {
	tk     *tokenize.Tokenizer
	sc     *scoring.Scorer
	reg    *entities.Registry
	labels []metrics.LexiconLabel // sc.Labels()
}

// NewAnalyzer builds the per-article stages from lexicons and a registry.
func NewAnalyzer(set *lexicons.Set, reg *entities.Registry) *Analyzer {
	an := &Analyzer{tk: tokenize.New(set.Abbreviations), sc: scoring.New(set), reg: reg}
	for _, l := range an.sc.Labels() {
		an.labels = append(an.labels, metrics.LexiconLabel{Lexicon: l.Lexicon, Category: l.Category})
	}
	return an
}

// Registry returns the company registry the analyzer matches against.
func (an *Analyzer) Registry() *entities.Registry { return an.reg }

// Scorer returns the scorer the analyzer uses (for explanations).
func (an *Analyzer) Scorer() *scoring.Scorer { return an.sc }

// Analysis is everything known about one article after scoring.
type Analysis struct {
	Text      string
	TitleLen  int
	Tokens    *tokenize.Result
	Score     scoring.Result
	Mentions  []entities.Mention
	Companies []entities.CompanyScore
	Elapsed   [3]time.Duration // tokenize, score, attribute
}

// Buffer is the memory one goroutine reuses from article to article: the
// tokens, the hits and the mask of company names. The zero value is ready
// to use; a Buffer must not be shared between goroutines.
type Buffer struct {
	tokens   tokenize.Result
	score    scoring.Result
	mask     []bool
	mentions []entities.Mention
	attr     entities.Attribution // Analyze's; process attributes into the row's own
	// labelAt is 1 + the index in scored.hits of each label index's
	// count, 0 for none yet; all 0 between articles.
	labelAt []int32
}

// Analyze scores one article. The Analysis shares memory with buf: it is
// valid until the next Analyze with the same buf.
func (an *Analyzer) Analyze(a *ingest.Article, buf *Buffer) Analysis {
	return an.analyze(a, buf, &buf.attr)
}

// analyze is Analyze with the companies' scores in attr.
func (an *Analyzer) analyze(a *ingest.Article, buf *Buffer, attr *entities.Attribution) Analysis {
	text := a.Text()
	titleLen := len(a.Title)
	toks := &buf.tokens
	// The stages are timed as offsets from t0: time.Since reads only the
	// monotonic clock, where time.Now reads the wall clock too, and six
	// readings per article showed in profiles.
	t0 := time.Now()
	an.tk.Tokenize(text, toks)
	t1 := time.Since(t0)
	// The scorer looks every word up once, and keeps with it what the
	// word is to company matching (entities.Registry.Annotate), so that
	// matching need not look the tokens up again.
	res := &buf.score
	an.sc.Resolve(res, toks, an.reg)
	t1b := time.Since(t0)
	// Companies are found before scoring so that their names are kept
	// out of the lexicon lookups (AkzoNobel is not "nobel").
	mentions := an.reg.AppendMentions(buf.mentions[:0], text, toks, res.Annotations())
	buf.mentions = mentions
	if cap(buf.mask) < len(toks.Tokens) {
		buf.mask = make([]bool, len(toks.Tokens))
	}
	mask := buf.mask[:len(toks.Tokens)]
	clear(mask)
	for _, m := range mentions {
		for i := m.First; i < m.First+m.N && i < len(mask); i++ {
			mask[i] = true
		}
	}
	t2 := time.Since(t0)
	an.sc.ScoreResolved(res, text, toks, titleLen, mask)
	t3 := time.Since(t0)
	companies := an.reg.AttributeInto(attr, an.sc, res, toks, mentions, titleLen)
	t4 := time.Since(t0)
	return Analysis{
		Text: text, TitleLen: titleLen, Tokens: toks, Score: *res, Mentions: mentions, Companies: companies,
		Elapsed: [3]time.Duration{t1, t3 - t2 + t1b - t1, t4 - t3 + t2 - t1b},
	}
}

// process turns one analysed article into output rows. With a pool it
// reuses a scored the sink is done with.
func process(it *item, an *Analyzer, buf *Buffer, pool *sync.Pool) *scored {
	a := it.art
	var out *scored
	if pool != nil {
		out, _ = pool.Get().(*scored)
	}
	if out == nil {
		out = &scored{}
	}
	// The companies' scores go to the row's own memory, not buf's: the
	// rows hold on to their Matched and Categories until the sink has
	// written them, and the sink gives the row back only then.
	x := an.analyze(a, buf, &out.attr)
	it.elapsed = x.Elapsed
	out.fill(a, &x, an, buf)
	return out
}

// fill makes out the rows of article a, analysed as x with buf.
func (out *scored) fill(a *ingest.Article, x *Analysis, an *Analyzer, buf *Buffer) {
	reg := an.reg
	res := x.Score
	date := a.Date()
	toks := x.Tokens
	// The categories and top terms of a recycled row, written by the
	// sink before it gave the row back, take the new ones.
	cats := append(out.article.RiskCategories[:0], res.Categories...)
	terms := out.article.TopTerms[:0]
	*out = scored{tokens: len(toks.Tokens), noHit: res.NoHit, at: a.Published,
		mentions: out.mentions[:0], obs: out.obs[:0], roots: out.roots[:0], hits: out.hits[:0], attr: out.attr}
	// Novelty signs the words and numbers, through the hashes scoring
	// keeps of their norms.
	out.sig = novelty.SignHashes(buf.score.WordHashes())
	out.countHits(res.Hits, an.labels, buf)
	out.article = arrowout.Article{
		ArticleID: a.ID, Published: date, PublishedPrecision: string(a.Precision),
		Source: a.Source, URL: a.URL, Title: a.Title, File: a.Origin.File,
		NTokens: int32(len(toks.Tokens)), NSentences: int32(len(toks.Sentences)), NCompanies: int32(len(x.Companies)),
		Sentiment: res.Sentiment, SentimentLabel: res.Label, SentimentHits: int32(res.SentimentHits),
		RegulatoryRisk: res.Risk, RegulatoryRiskFlag: res.Flag, RiskHits: int32(res.RiskHits),
		// res lives in buf, reused by the next article: the row keeps
		// copies (TopTerms: res is a copy of buf.score, whose scratch
		// persists).
		TopTerms: buf.score.AppendTopTerms(terms, 8), RiskCategories: cats,
	}
	for _, cs := range x.Companies {
		c := reg.Company(cs.Root)
		out.mentions = append(out.mentions, arrowout.Mention{
			ArticleID: a.ID, Published: date, CompanyID: c.ID, CompanyName: c.Name,
			NMentions: int32(cs.Mentions), Matched: cs.Matched, FirstOffset: int32(cs.FirstOffset),
			Relevance: cs.Relevance, Sentiment: cs.Sentiment, RegulatoryRisk: cs.Risk, RiskCategories: cs.Categories,
		})
		out.obs = append(out.obs, aggregate.Obs{
			CompanyID: c.ID, CompanyName: c.Name, Date: date, ArticleID: a.ID,
			Mentions: cs.Mentions, Relevance: cs.Relevance, Sentiment: cs.Sentiment, Risk: cs.Risk, Categories: cs.Categories,
		})
		out.roots = append(out.roots, cs.Root)
	}
}

// countHits sets out.hits to the number of hits per label. Hits the
// scorer made count by their label index, the others by name.
func (out *scored) countHits(hits []scoring.Hit, labels []metrics.LexiconLabel, buf *Buffer) {
	if len(buf.labelAt) < len(labels) {
		buf.labelAt = make([]int32, len(labels))
	}
	at := buf.labelAt
	for i := range hits {
		h := &hits[i]
		if li := h.LabelIndex(); li >= 0 && li < len(labels) {
			if k := at[li]; k > 0 {
				out.hits[k-1].n++
			} else {
				out.hits = append(out.hits, hitCount{label: labels[li], index: li, n: 1})
				at[li] = int32(len(out.hits))
			}
			continue
		}
		l := metrics.LexiconLabel{Lexicon: h.Lexicon, Category: h.Category}
		k := 0
		for k < len(out.hits) && out.hits[k].label != l {
			k++
		}
		if k == len(out.hits) {
			out.hits = append(out.hits, hitCount{label: l, index: -1})
		}
		out.hits[k].n++
	}
	for _, c := range out.hits {
		if c.index >= 0 {
			at[c.index] = 0
		}
	}
}

// sinkMetrics updates the metrics for every article the sink adds. The
// children of the labelled metrics it updates per article are resolved
// once: WithLabelValues hashes the label values and takes the vector's
// lock on every call.
type sinkMetrics struct {
	*metrics.Metrics
	stages [len(itemStages)]prometheus.Observer // StageDuration, by itemStages
	// byIndex holds the LexiconHits children by hitCount.index, hits
	// those of the labels without one.
	byIndex []prometheus.Counter
	hits    map[metrics.LexiconLabel]prometheus.Counter
}

// itemStages are the stage labels of item.elapsed.
var itemStages = [...]string{"tokenize", "score", "attribute"}

// newSinkMetrics returns the sinkMetrics of m, nil for none.
func newSinkMetrics(m *metrics.Metrics) *sinkMetrics {
	if m == nil {
		return nil
	}
	sm := &sinkMetrics{Metrics: m, hits: map[metrics.LexiconLabel]prometheus.Counter{}}
	for i, stage := range itemStages {
		sm.stages[i] = m.StageDuration.WithLabelValues(stage)
	}
	return sm
}

// addLexiconHits is m.AddLexiconHits(h.label.Lexicon, h.label.Category,
// h.n) with the label's counter looked up by its index, else by name.
func (sm *sinkMetrics) addLexiconHits(h hitCount) {
	var c prometheus.Counter
	if h.index >= 0 {
		if h.index >= len(sm.byIndex) {
			sm.byIndex = append(sm.byIndex, make([]prometheus.Counter, h.index+1-len(sm.byIndex))...)
		}
		if c = sm.byIndex[h.index]; c == nil {
			c = sm.LexiconHitsOf(h.label)
			sm.byIndex[h.index] = c
		}
	} else if c = sm.hits[h.label]; c == nil {
		c = sm.LexiconHitsOf(h.label)
		sm.hits[h.label] = c
	}
	c.Add(float64(h.n))
}

type companyAcc struct {
	id, name           string
	articles, mentions int
	sent, risk, max    float64
	rel, relRisk       float64
}

// rank orders companies by relevance-weighted mean regulatory risk (a
// passing mention in another company's fine should not top the list), then
// maximum, then id.
func rank(totals []companyAcc) []CompanyTotal {
	out := []CompanyTotal{}
	for _, a := range totals {
		if a.articles == 0 {
			continue // not mentioned, or only in near-duplicates
		}
		risk := a.risk / float64(a.articles)
		if a.rel > 0 {
			risk = a.relRisk / a.rel
		}
		out = append(out, CompanyTotal{
			ID: a.id, Name: a.name, Articles: a.articles, Mentions: a.mentions,
			SentimentMean: a.sent / float64(a.articles), RiskMean: risk, RiskMax: a.max,
		})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].RiskMean != out[j].RiskMean {
			return out[i].RiskMean > out[j].RiskMean
		}
		if out[i].RiskMax != out[j].RiskMax {
			return out[i].RiskMax > out[j].RiskMax
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// sink owns the output files of a run until they are committed.
type sink struct {
	dir      string
	articles *arrowout.Output[arrowout.Article]
	mentions *arrowout.Output[arrowout.Mention]
	days     *arrowout.Output[arrowout.CompanyDay]
	rejects  *os.File
	rejectsW *bufio.Writer
	rejHash  hash.Hash // of what rejectsW wrote, for the manifest
	rejEnc   *json.Encoder
	novelty  *novelty.Detector
	state    []noveltyRecord // nightly runs: the day's signatures for the next night
	ids      []string        // an article's company ids, reused (novelty copies them)
	totals   []companyAcc    // the run's totals by registry root; articles 0: none
	nightly  bool
	done     bool
}

// panelMeta is the marktstem.panel metadata: the settings behind
// company_daily's derived columns.
func panelMeta(o aggregate.Options) (string, error) {
	b, err := json.Marshal(struct {
		Smoothing string `json:"smoothing"`
		Window    int    `json:"window_days"`
		ZMin      int    `json:"zscore_min_companies"`
		Buzz      int    `json:"buzz_window_days"`
	}{o.Smoothing.String(), o.Smoothing.Window, o.ZMin, aggregate.BuzzWindow})
	if err != nil {
		return "", fmt.Errorf("encode panel metadata: %w", err)
	}
	return string(b), nil
}

func newSink(dir string, layout arrowout.Layout, mem memory.Allocator, meta arrowout.Metadata) (*sink, error) {
	s := &sink{dir: dir, novelty: novelty.NewDetector()}
	var err error
	if s.articles, err = arrowout.NewArticleOutput(dir, layout, mem, meta); err != nil {
		return nil, err
	}
	if s.mentions, err = arrowout.NewMentionOutput(dir, layout, mem, meta); err != nil {
		s.abort()
		return nil, err
	}
	if s.days, err = arrowout.NewCompanyDayOutput(dir, layout, mem, meta); err != nil {
		s.abort()
		return nil, err
	}
	if s.rejects, err = os.CreateTemp(dir, "."+RejectsFile+".tmp-*"); err != nil {
		s.abort()
		return nil, fmt.Errorf("create rejects file: %w", err)
	}
	s.rejHash = sha256.New()
	s.rejectsW = bufio.NewWriter(io.MultiWriter(s.rejects, s.rejHash))
	s.rejEnc = json.NewEncoder(s.rejectsW)
	s.rejEnc.SetEscapeHTML(false)
	return s, nil
}

// RejectRecord is one line of rejects.jsonl.
type RejectRecord struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Offset int64  `json:"offset"`
	ID     string `json:"id,omitempty"`
	Reason string `json:"reason"`
	Detail string `json:"detail"`
}

func (s *sink) add(it *item, sum *Summary, panel *aggregate.Panel, m *sinkMetrics, log *slog.Logger) error {
	sum.Read++
	sum.Bytes += it.bytes
	if m != nil {
		m.ArticlesRead.Inc()
		m.InputBytes.Add(float64(it.bytes))
	}
	if r := it.rej; r != nil {
		sum.Rejected++
		sum.RejectsByReason[string(r.Reason)]++
		level := slog.LevelWarn
		if r.Reason == ingest.ReasonOutsideDate {
			level = slog.LevelDebug // expected in a --date run over a multi-day input, not a problem
		}
		log.Log(context.Background(), level, "article rejected", "file", r.Origin.File, "line", r.Origin.Line, "reason", string(r.Reason), "detail", r.Detail)
		if m != nil {
			m.ArticlesRejected.WithLabelValues(string(r.Reason)).Inc()
			if r.Reason == ingest.ReasonDuplicateID {
				m.DropDuplicate(metrics.DuplicateID)
			}
		}
		if err := s.rejEnc.Encode(RejectRecord{File: r.Origin.File, Line: r.Origin.Line, Offset: r.Origin.Offset, ID: r.ID, Reason: string(r.Reason), Detail: r.Detail}); err != nil {
			return fmt.Errorf("write rejects: %w", err)
		}
		return nil
	}
	out := it.out
	// Near-duplicates are decided here, in input order, so the answer does
	// not depend on the number of workers.
	rows := Rows{Article: out.article, Mentions: out.mentions}
	ids := rows.appendCompanies(s.ids[:0])
	s.ids = ids
	nov := s.novelty.Add(out.article.ArticleID, out.at, out.sig, ids)
	if s.nightly {
		sig, err := out.sig.MarshalBinary()
		if err != nil {
			return fmt.Errorf("novelty state: %w", err)
		}
		s.state = append(s.state, noveltyRecord{ID: out.article.ArticleID, At: out.at, Companies: append(make([]string, 0, len(ids)), ids...), Signature: sig})
	}
	rows.Novelty(nov) // as the Beam pipeline applies it
	out.article, out.mentions = rows.Article, rows.Mentions
	if nov.DuplicateOf != "" {
		sum.Duplicates++
		if m != nil {
			m.DropDuplicate(metrics.DuplicateNear)
		}
	}
	if err := s.articles.Write(out.article); err != nil {
		return fmt.Errorf("write articles: %w", err)
	}
	for _, mrow := range out.mentions {
		if err := s.mentions.Write(mrow); err != nil {
			return fmt.Errorf("write mentions: %w", err)
		}
	}
	for i, o := range out.obs {
		if nov.DuplicateOf != "" {
			// A copy of a story already counted: in the outputs, not the panel.
			sum.Mentions += o.Mentions
			continue
		}
		if err := panel.Add(o); err != nil {
			return err
		}
		root := out.roots[i]
		if root >= len(s.totals) {
			s.totals = append(s.totals, make([]companyAcc, root+1-len(s.totals))...)
		}
		acc := &s.totals[root]
		if acc.articles == 0 {
			acc.id, acc.name = o.CompanyID, o.CompanyName
		}
		acc.articles++
		acc.mentions += o.Mentions
		acc.sent += o.Sentiment
		acc.risk += o.Risk
		acc.rel += o.Relevance
		acc.relRisk += o.Relevance * o.Risk
		acc.max = max(acc.max, o.Risk)
		sum.Mentions += o.Mentions
	}
	sum.Scored++
	sum.Tokens += int64(out.tokens)
	if m != nil {
		m.ArticlesScored.Inc()
		m.Tokens.Add(float64(out.tokens))
		m.Mentions.Add(float64(len(out.mentions)))
		if len(out.mentions) > 0 {
			m.ArticlesWithCompany.Inc()
		}
		for _, c := range out.hits {
			m.addLexiconHits(c)
		}
		if out.noHit {
			m.NoHitArticles.Inc()
		}
		m.Sentiment.Observe(out.article.Sentiment)
		m.RegulatoryRisk.Observe(out.article.RegulatoryRisk)
		for i, o := range m.stages {
			o.Observe(it.elapsed[i].Seconds())
		}
	}
	return nil
}

// seal completes the articles and mentions tables without publishing
// them (arrowout.Output.Seal).
func (s *sink) seal() error {
	if err := s.articles.Seal(); err != nil {
		return fmt.Errorf("close output: %w", err)
	}
	if err := s.mentions.Seal(); err != nil {
		return fmt.Errorf("close output: %w", err)
	}
	return nil
}

// commit closes every output; each appears atomically under its final name.
func (s *sink) commit() ([]ManifestOutput, error) {
	var out []ManifestOutput
	for _, w := range []interface {
		Close() ([]arrowout.File, error)
	}{s.articles, s.mentions, s.days} {
		files, err := w.Close()
		if err != nil {
			return nil, fmt.Errorf("close output: %w", err)
		}
		for _, f := range files {
			out = append(out, ManifestOutput(f))
		}
	}
	if err := s.rejectsW.Flush(); err != nil {
		return nil, fmt.Errorf("write rejects: %w", err)
	}
	info, err := s.rejects.Stat()
	if err != nil {
		return nil, fmt.Errorf("publish rejects: %w", err)
	}
	// CreateTemp made it 0600; the tables are 0644, and so is this.
	if err := s.rejects.Chmod(0o644); err != nil {
		return nil, fmt.Errorf("publish rejects: %w", err)
	}
	if err := s.rejects.Sync(); err != nil {
		return nil, fmt.Errorf("sync rejects: %w", err)
	}
	if err := s.rejects.Close(); err != nil {
		return nil, fmt.Errorf("close rejects: %w", err)
	}
	final := filepath.Join(s.dir, RejectsFile)
	if err := os.Rename(s.rejects.Name(), final); err != nil {
		return nil, fmt.Errorf("publish rejects: %w", err)
	}
	s.done = true
	return append(out, ManifestOutput{Path: final, Bytes: info.Size(), SHA256: hex.EncodeToString(s.rejHash.Sum(nil))}), nil
}

// abort removes every temporary file of an unfinished run; the previous
// outputs, if any, stay in place.
func (s *sink) abort() {
	if s.done {
		return
	}
	if s.articles != nil {
		s.articles.Abort()
	}
	if s.mentions != nil {
		s.mentions.Abort()
	}
	if s.days != nil {
		s.days.Abort()
	}
	if s.rejects != nil {
		s.rejects.Close()
		os.Remove(s.rejects.Name())
	}
}

// civil returns t's calendar date at midnight UTC.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
