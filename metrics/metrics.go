// Package metrics defines marktstem's Prometheus metrics and the ways a
// batch run exposes them: a node_exporter textfile written at the end of a
// run and an HTTP /metrics endpoint for `marktstem serve`.
//
// All metrics live in one struct built by New against a caller's registry;
// there is no global state. Names follow Prometheus conventions: prefix
// marktstem_, base units, _total for counters, bounded labels.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/push"
	dto "github.com/prometheus/client_model/go"
)

// Stages are the pipeline stages timed by StageDuration.
var stages = []string{"ingest", "tokenize", "score", "attribute", "write"}

// Stages returns the stage label values.
func Stages() []string { return append([]string(nil), stages...) }

// Metrics holds every metric marktstem exports. Build it with New; the
// per-company gauges report only the companies passed to Watch.
type Metrics struct {
	ArticlesRead        prometheus.Counter
	ArticlesScored      prometheus.Counter
	ArticlesRejected    *prometheus.CounterVec // by reason
	FilesSkipped        prometheus.Counter
	Tokens              prometheus.Counter
	InputBytes          prometheus.Counter
	Mentions            prometheus.Counter
	ArticlesWithCompany prometheus.Counter // scored articles naming at least one registry company
	NoHitArticles       prometheus.Counter
	LexiconHits         *prometheus.CounterVec   // by lexicon and category; use AddLexiconHits
	DuplicatesDropped   *prometheus.CounterVec   // by kind; use DropDuplicate
	StageDuration       *prometheus.HistogramVec // by stage, per article (write: per run)
	Sentiment           prometheus.Histogram
	RegulatoryRisk      prometheus.Histogram
	RunDuration         prometheus.Gauge
	LastSuccess         prometheus.Gauge
	LastRunArticles     prometheus.Gauge
	BuildInfo           *prometheus.GaugeVec

	// Per-company series, for the watch-list only (see Watch and
	// SetCompanyDays): a label per registry company would be unbounded.
	CompanySentiment *prometheus.GaugeVec   // by company
	CompanyRisk      *prometheus.GaugeVec   // by company
	CompanyDay       *prometheus.GaugeVec   // by company: date of the day the gauges describe
	CompanyArticles  *prometheus.CounterVec // by company

	watched map[string]bool // set once by Watch, read-only afterwards
}

// New creates the metrics and registers them with reg.
func New(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		ArticlesRead: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "marktstem_articles_read_total", Help: "Articles read from the inputs (scored + rejected).",
		}),
		ArticlesScored: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "marktstem_articles_scored_total", Help: "Articles scored and written.",
		}),
		ArticlesRejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "marktstem_articles_rejected_total", Help: "Articles rejected, by reason (see rejects.jsonl).",
		}, []string{"reason"}),
		FilesSkipped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "marktstem_input_files_skipped_total", Help: "Files in input directories that are not articles (e.g. .csv, .md).",
		}),
		Tokens: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "marktstem_tokens_total", Help: "Tokens produced by the tokeniser.",
		}),
		InputBytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "marktstem_input_bytes_total", Help: "Bytes of article input read (decompressed).",
		}),
		Mentions: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "marktstem_company_mentions_total", Help: "Company mentions found.",
		}),
		ArticlesWithCompany: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "marktstem_articles_with_company_total", Help: "Scored articles that name at least one registry company.",
		}),
		NoHitArticles: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "marktstem_articles_without_lexicon_hit_total", Help: "Scored articles in which no lexicon entry matched.",
		}),
		LexiconHits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "marktstem_lexicon_hits_total", Help: "Lexicon matches that contributed to a score, by lexicon and regulatory category (none for sentiment lexicons).",
		}, []string{"lexicon", "category"}),
		DuplicatesDropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "marktstem_duplicates_dropped_total", Help: "Articles dropped as duplicates, by kind (id: an id seen before; near: near-duplicate text).",
		}, []string{"kind"}),
		StageDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "marktstem_stage_duration_seconds", Help: "Time spent per article in each pipeline stage (write: per run).",
			Buckets: prometheus.ExponentialBuckets(1e-6, 4, 12),
		}, []string{"stage"}),
		Sentiment: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "marktstem_article_sentiment", Help: "Distribution of article sentiment (−1..1).",
			Buckets: prometheus.LinearBuckets(-0.9, 0.2, 10),
		}),
		RegulatoryRisk: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "marktstem_article_regulatory_risk", Help: "Distribution of article regulatory risk (0..1).",
			Buckets: prometheus.LinearBuckets(0.1, 0.1, 9),
		}),
		RunDuration: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "marktstem_run_duration_seconds", Help: "Wall time of the last completed run.",
		}),
		LastSuccess: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "marktstem_last_success_timestamp_seconds", Help: "Unix time at which the last run completed successfully.",
		}),
		LastRunArticles: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "marktstem_last_run_articles", Help: "Articles read by the last completed run.",
		}),
		BuildInfo: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "marktstem_build_info", Help: "Always 1; labels carry the marktstem and Go versions.",
		}, []string{"version", "goversion"}),
		CompanySentiment: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "marktstem_company_sentiment", Help: "Relevance-weighted sentiment (−1..1) of a watched company on its latest day in the run.",
		}, []string{"company"}),
		CompanyRisk: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "marktstem_company_regulatory_risk", Help: "Mean regulatory risk (0..1) of a watched company on its latest day in the run.",
		}, []string{"company"}),
		CompanyDay: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "marktstem_company_latest_day_timestamp_seconds", Help: "Unix time (midnight UTC) of the day that marktstem_company_sentiment and marktstem_company_regulatory_risk describe.",
		}, []string{"company"}),
		CompanyArticles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "marktstem_company_articles_total", Help: "Scored articles that name a watched company.",
		}, []string{"company"}),
	}
	reg.MustRegister(m.ArticlesRead, m.ArticlesScored, m.ArticlesRejected, m.FilesSkipped, m.Tokens, m.InputBytes,
		m.Mentions, m.ArticlesWithCompany, m.NoHitArticles, m.LexiconHits, m.DuplicatesDropped, m.StageDuration,
		m.Sentiment, m.RegulatoryRisk, m.RunDuration, m.LastSuccess, m.LastRunArticles, m.BuildInfo,
		m.CompanySentiment, m.CompanyRisk, m.CompanyDay, m.CompanyArticles)
	for _, s := range stages {
		m.StageDuration.WithLabelValues(s)
	}
	for _, k := range duplicateKinds {
		m.DuplicatesDropped.WithLabelValues(string(k))
	}
	return m
}

// NoCategory is the category label of hits from lexicons without
// regulatory categories (the sentiment and direction lexicons). An explicit
// value rather than "" because an empty label is the same as no label in
// PromQL, which makes "by (category)" sums confusing.
const NoCategory = "none"

// LexiconLabel is one (lexicon, category) label pair of
// marktstem_lexicon_hits_total. Category "" means NoCategory.
type LexiconLabel struct {
	Lexicon  string
	Category string
}

// DuplicateKind is the kind label of marktstem_duplicates_dropped_total.
type DuplicateKind string

// The duplicate kinds. The set is closed so the label stays bounded.
const (
	DuplicateID   DuplicateKind = "id"   // an article id already seen in the run
	DuplicateNear DuplicateKind = "near" // near-duplicate text of an earlier article
)

var duplicateKinds = []DuplicateKind{DuplicateID, DuplicateNear}

// Init sets the build info and pre-creates the label values of the reject
// reasons and of the (lexicon, category) pairs the loaded lexicons can
// produce, so dashboards see zeros rather than missing series.
func (m *Metrics) Init(version string, rejectReasons []string, lexicons []LexiconLabel) {
	m.BuildInfo.WithLabelValues(version, runtime.Version()).Set(1)
	for _, r := range rejectReasons {
		m.ArticlesRejected.WithLabelValues(r)
	}
	for _, l := range lexicons {
		m.LexiconHitsOf(l)
	}
}

func category(c string) string {
	if c == "" {
		return NoCategory
	}
	return c
}

// AddLexiconHits counts n hits of a lexicon in a regulatory category ("" for
// none).
func (m *Metrics) AddLexiconHits(lexicon, cat string, n int) {
	m.LexiconHitsOf(LexiconLabel{lexicon, cat}).Add(float64(n))
}

// LexiconHitsOf returns the counter of label l in LexiconHits, for callers
// that count hits article after article and keep it rather than look the
// labels up each time.
func (m *Metrics) LexiconHitsOf(l LexiconLabel) prometheus.Counter {
	return m.LexiconHits.WithLabelValues(l.Lexicon, category(l.Category))
}

// DropDuplicate counts one article dropped as a duplicate of the given kind.
func (m *Metrics) DropDuplicate(kind DuplicateKind) {
	m.DuplicatesDropped.WithLabelValues(string(kind)).Inc()
}

// WriteTextfile writes the registry's metrics to path for node_exporter's
// textfile collector. The file is replaced atomically (temp file + rename),
// so the collector never reads a partial file.
func WriteTextfile(path string, g prometheus.Gatherer) error {
	if err := prometheus.WriteToTextfile(path, g); err != nil {
		return fmt.Errorf("write metrics textfile: %w", err)
	}
	return nil
}

// Push replaces the metrics of the grouping {job, instance} on a
// Prometheus Pushgateway with the registry's current marktstem_ values.
// Batch jobs push once at the end of a run; PUT semantics (push.Pusher.Push)
// mean metrics of an earlier run that this run no longer has do not linger.
//
// Runtime metrics (go_*, process_*) are not pushed: they describe a process
// that has exited by the time anyone looks, and they clash with the
// Pushgateway's own metrics of the same names and different help texts.
func Push(ctx context.Context, url, job, instance string, g prometheus.Gatherer) error {
	p := push.New(url, job).Gatherer(onlyMarktstem(g))
	if instance != "" {
		p = p.Grouping("instance", instance)
	}
	if err := p.PushContext(ctx); err != nil {
		return fmt.Errorf("push metrics to %s: %w", url, err)
	}
	return nil
}

// onlyMarktstem gathers the marktstem_ metric families of g.
func onlyMarktstem(g prometheus.Gatherer) prometheus.Gatherer {
	return prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		mfs, err := g.Gather()
		out := mfs[:0]
		for _, mf := range mfs {
			if strings.HasPrefix(mf.GetName(), "marktstem_") {
				out = append(out, mf)
			}
		}
		return out, err
	})
}

// Handler returns the HTTP handler for /metrics and /healthz.
func Handler(g prometheus.Gatherer, healthy func() error) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(g, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		if healthy != nil {
			if err := healthy(); err != nil {
				http.Error(w, err.Error(), http.StatusServiceUnavailable)
				return
			}
		}
		fmt.Fprintln(w, "ok")
	})
	return mux
}

// Serve serves h on addr until ctx is cancelled. ready, when not nil,
// receives the bound address (useful with port 0).
func Serve(ctx context.Context, addr string, h http.Handler, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	if ready != nil {
		ready(ln.Addr())
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdown); err != nil {
			return fmt.Errorf("shut down metrics server: %w", err)
		}
		return nil
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("serve metrics: %w", err)
	}
}
