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
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/push"
)

// Stages are the pipeline stages timed by StageDuration.
var stages = []string{"ingest", "tokenize", "score", "attribute", "write"}

// Stages returns the stage label values.
func Stages() []string { return append([]string(nil), stages...) }

// Metrics holds every metric marktstem exports.
type Metrics struct {
	ArticlesRead     prometheus.Counter
	ArticlesScored   prometheus.Counter
	ArticlesRejected *prometheus.CounterVec // by reason
	FilesSkipped     prometheus.Counter
	Tokens           prometheus.Counter
	InputBytes       prometheus.Counter
	Mentions         prometheus.Counter
	NoHitArticles    prometheus.Counter
	LexiconHits      *prometheus.CounterVec   // by lexicon
	StageDuration    *prometheus.HistogramVec // by stage, per article (write: per run)
	Sentiment        prometheus.Histogram
	RegulatoryRisk   prometheus.Histogram
	RunDuration      prometheus.Gauge
	LastSuccess      prometheus.Gauge
	LastRunArticles  prometheus.Gauge
	BuildInfo        *prometheus.GaugeVec
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
		NoHitArticles: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "marktstem_articles_without_lexicon_hit_total", Help: "Scored articles in which no lexicon entry matched.",
		}),
		LexiconHits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "marktstem_lexicon_hits_total", Help: "Lexicon matches that contributed to a score, by lexicon.",
		}, []string{"lexicon"}),
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
	}
	reg.MustRegister(m.ArticlesRead, m.ArticlesScored, m.ArticlesRejected, m.FilesSkipped, m.Tokens, m.InputBytes,
		m.Mentions, m.NoHitArticles, m.LexiconHits, m.StageDuration, m.Sentiment, m.RegulatoryRisk,
		m.RunDuration, m.LastSuccess, m.LastRunArticles, m.BuildInfo)
	for _, s := range stages {
		m.StageDuration.WithLabelValues(s)
	}
	return m
}

// Init sets the build info and pre-creates the label values of the reject
// reasons and lexicons, so dashboards see zeros rather than missing series.
func (m *Metrics) Init(version string, rejectReasons, lexiconNames []string) {
	m.BuildInfo.WithLabelValues(version, runtime.Version()).Set(1)
	for _, r := range rejectReasons {
		m.ArticlesRejected.WithLabelValues(r)
	}
	for _, l := range lexiconNames {
		m.LexiconHits.WithLabelValues(l)
	}
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
// Prometheus Pushgateway with the registry's current values. Batch jobs push
// once at the end of a run; PUT semantics (push.Pusher.Push) mean metrics
// of an earlier run that this run no longer has do not linger.
func Push(ctx context.Context, url, job, instance string, g prometheus.Gatherer) error {
	p := push.New(url, job).Gatherer(g)
	if instance != "" {
		p = p.Grouping("instance", instance)
	}
	if err := p.PushContext(ctx); err != nil {
		return fmt.Errorf("push metrics to %s: %w", url, err)
	}
	return nil
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
