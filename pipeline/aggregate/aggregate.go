// Package aggregate builds company-day panels from per-article company
// scores.
//
// A panel cell is one company on one day. Cells hold exact running sums
// (see Sum), not the articles: memory stays flat as an archive grows, and
// means, relevance-weighted means and dispersions are correctly rounded
// whatever the order in which articles arrive.
// On top of the daily statistics the panel derives, over the history one run
// sees, a buzz ratio against the trailing 30 days, time-smoothed sentiment
// and risk indices (Smoothing) and cross-sectional z-scores per day.
package aggregate

import (
	"math"
	"sort"
	"time"

	"gonum.org/v1/gonum/stat"
)

// NegativeThreshold is the sentiment at or below which an article counts as
// negative for NegativeShare; it matches scoring's label threshold.
const NegativeThreshold = -0.1

// Obs is one article's scores for one company.
type Obs struct {
	CompanyID   string
	CompanyName string
	Date        time.Time // civil date, midnight UTC
	ArticleID   string
	Mentions    int
	Relevance   float64 // 0..100
	Sentiment   float64
	Risk        float64
	Categories  []float64 // risk per regulatory category, 0..1; may be nil
}

// Day is one row of the company-day panel. Values that cannot be computed
// are NaN: SentimentStd and RiskStd with one article, Buzz without a
// baseline, the z-scores on days with fewer than Options.ZMin companies.
type Day struct {
	CompanyID         string
	CompanyName       string
	Date              time.Time
	Articles          int
	Mentions          int
	SentimentMean     float64
	SentimentWeighted float64 // weighted by relevance; the plain mean when all relevances are 0
	SentimentStd      float64 // sample standard deviation over the articles
	NegativeShare     float64 // share of articles with sentiment ≤ NegativeThreshold
	RiskMean          float64
	RiskWeighted      float64 // weighted by relevance, like SentimentWeighted
	RiskStd           float64
	RiskMax           float64
	Categories        []float64 // mean risk per category; nil when no Obs had categories
	Buzz              float64   // Mentions / mean daily mentions over the trailing BuzzWindow days
	SentimentIndex    float64   // time-smoothed SentimentWeighted
	RiskIndex         float64   // time-smoothed RiskWeighted
	SentimentZ        float64   // cross-sectional z-score of SentimentWeighted on the day
	RiskZ             float64   // cross-sectional z-score of RiskWeighted on the day
}

// Options configures the derived columns. The zero value means the
// defaults: DefaultSmoothing and DefaultZMin.
type Options struct {
	Smoothing Smoothing // Window 0 means DefaultSmoothing
	ZMin      int       // companies needed on a day for z-scores; 0 means DefaultZMin
}

type key struct {
	company string
	day     int64 // days since the Unix epoch
}

// Panel accumulates observations. The zero value is not usable; call New.
type Panel struct {
	opts    Options
	cells   map[key]*Cell
	history map[key]Day // rows of earlier runs: they feed buzz and indices, Days leaves them out
	first   int64       // earliest day the history covers, when hasFirst
	// hasFirst tells a set first from day 0 (1970-01-01), a valid date.
	hasFirst bool
}

// New returns an empty panel.
func New(opts Options) *Panel {
	if opts.Smoothing.Window == 0 {
		opts.Smoothing = DefaultSmoothing()
	}
	if opts.ZMin == 0 {
		opts.ZMin = DefaultZMin
	}
	return &Panel{opts: opts, cells: map[key]*Cell{}, history: map[key]Day{}}
}

// Options returns the panel's options with the defaults filled in.
func (p *Panel) Options() Options { return p.opts }

// Add records one observation.
func (p *Panel) Add(o Obs) {
	k := key{o.CompanyID, civilDay(o.Date)}
	c := p.cells[k]
	if c == nil {
		c = &Cell{}
		p.cells[k] = c
	}
	c.Add(o)
}

// AddHistory adds a company-day row written by an earlier run. Only its
// Mentions, SentimentWeighted and RiskWeighted matter: they feed the buzz
// and the smoothed indices of later days, which is all a day-by-day run
// needs to give the same answers as one run over every day. Days does not
// return history rows.
func (p *Panel) AddHistory(d Day) {
	p.history[key{d.CompanyID, civilDay(d.Date)}] = d
}

// SetFirst records the earliest date the history covers, so that buzz
// counts quiet days from the start of the history rather than from the
// start of this run.
func (p *Panel) SetFirst(t time.Time) { p.first, p.hasFirst = civilDay(t), true }

// civilDay returns the days since 1970-01-01 of t's civil date.
func civilDay(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// Len returns the number of company-day cells.
func (p *Panel) Len() int { return len(p.cells) }

// Days returns the panel sorted by company id, then date.
func (p *Panel) Days() []Day {
	keys := make([]key, 0, len(p.cells)+len(p.history))
	first := int64(math.MaxInt64)
	if p.hasFirst {
		first = p.first
	}
	for k := range p.cells {
		keys = append(keys, k)
		first = min(first, k.day)
	}
	for k := range p.history {
		if _, ok := p.cells[k]; !ok {
			keys = append(keys, k)
			first = min(first, k.day)
		}
	}
	sort.Slice(keys, func(a, b int) bool {
		if keys[a].company != keys[b].company {
			return keys[a].company < keys[b].company
		}
		return keys[a].day < keys[b].day
	})
	out := make([]Day, len(keys))
	for i, k := range keys {
		if c, ok := p.cells[k]; ok {
			out[i] = c.Day(k.company, time.Unix(k.day*86400, 0).UTC())
		} else {
			out[i] = p.history[k]
		}
	}
	weights := p.opts.Smoothing.Weights()
	// Keys are sorted by company, then day: each company's history is one
	// run of rows, and the rows before row i are its earlier days.
	for start := 0; start < len(keys); {
		end := start
		for end < len(keys) && keys[end].company == keys[start].company {
			end++
		}
		for i := start; i < end; i++ {
			buzz(out, keys, start, i, first)
			smooth(out, keys, start, i, weights)
		}
		start = end
	}
	zscores(out, keys, p.opts.ZMin)
	if len(p.history) == 0 {
		return out
	}
	kept := out[:0]
	for i, k := range keys {
		if _, ok := p.cells[k]; ok {
			kept = append(kept, out[i])
		}
	}
	return kept
}

// buzz sets out[i].Buzz: today's mentions over the mean daily mentions of
// the BuzzWindow calendar days before, counting days without mentions as 0
// but only days the run covers (from first, the earliest date of the
// panel), so the start of a run does not look like a quiet month.
func buzz(out []Day, keys []key, start, i int, first int64) {
	today := keys[i].day
	from := max(first, today-BuzzWindow)
	span := today - from
	total := 0
	for j := i - 1; j >= start && keys[j].day >= from; j-- {
		total += out[j].Mentions
	}
	out[i].Buzz = math.NaN()
	if span > 0 && total > 0 {
		out[i].Buzz = float64(out[i].Mentions) / (float64(total) / float64(span))
	}
}

// smooth sets the indices of out[i]: the weighted mean of the daily values
// over the window, w(ℓ) for the day ℓ days back. Days without news
// contribute nothing; the weights of the days with news are renormalised.
func smooth(out []Day, keys []key, start, i int, weights []float64) {
	today := keys[i].day
	var ws, sent, risk float64
	for j := i; j >= start; j-- {
		lag := today - keys[j].day
		if lag >= int64(len(weights)) {
			break
		}
		w := weights[lag]
		ws += w
		sent += w * out[j].SentimentWeighted
		risk += w * out[j].RiskWeighted
	}
	out[i].SentimentIndex, out[i].RiskIndex = math.NaN(), math.NaN()
	if ws > 0 {
		out[i].SentimentIndex, out[i].RiskIndex = sent/ws, risk/ws
	}
}

// zscores sets the cross-sectional z-scores: (x − mean) / sd over the
// companies with a row that day, sd the sample standard deviation; NaN when
// fewer than zmin companies had news or all had the same value.
func zscores(out []Day, keys []key, zmin int) {
	byDay := map[int64][]int{}
	for i, k := range keys {
		byDay[k.day] = append(byDay[k.day], i) // ascending company id
	}
	for i := range out {
		out[i].SentimentZ, out[i].RiskZ = math.NaN(), math.NaN()
	}
	for _, rows := range byDay {
		if len(rows) < zmin || len(rows) < 2 {
			continue
		}
		sent, risk := make([]float64, len(rows)), make([]float64, len(rows))
		for j, r := range rows {
			sent[j], risk[j] = out[r].SentimentWeighted, out[r].RiskWeighted
		}
		sm, ss := stat.MeanStdDev(sent, nil)
		rm, rs := stat.MeanStdDev(risk, nil)
		for _, r := range rows {
			if ss > 0 {
				out[r].SentimentZ = (out[r].SentimentWeighted - sm) / ss
			}
			if rs > 0 {
				out[r].RiskZ = (out[r].RiskWeighted - rm) / rs
			}
		}
	}
}
