// Package aggregate builds company-day panels from per-article company
// scores.
//
// A panel cell is one company on one day. Cells hold exact running sums
// (see Sum), not the articles, so means, relevance-weighted means and
// dispersions are correctly rounded whatever the order in which articles
// arrive. A panel keeps at most Options.MaxCells cells in memory and spills
// the rest to sorted runs on disk, merged when it is read: memory stays
// flat however many company-days an archive has.
// On top of the daily statistics the panel derives, over the history one run
// sees, a buzz ratio against the trailing 30 days, time-smoothed sentiment
// and risk indices (Smoothing) and cross-sectional z-scores per day.
package aggregate

import (
	"math"
	"slices"
	"time"
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

// Options configures the derived columns and the panel's memory. The zero
// value means the defaults: DefaultSmoothing, DefaultZMin, DefaultMaxCells
// and the system's temporary directory.
type Options struct {
	Smoothing Smoothing // Window 0 means DefaultSmoothing
	ZMin      int       // companies needed on a day for z-scores; 0 means DefaultZMin
	// MaxCells is the number of company-day cells kept in memory; beyond
	// it the panel spills sorted runs to SpillDir. 0 means DefaultMaxCells.
	MaxCells int
	SpillDir string // "" means os.TempDir()
	// ByDate makes Each return rows by date, then company id, the order
	// in which a date-partitioned table is written; the default is by
	// company id, then date. The values do not depend on it.
	ByDate bool
}

type key struct {
	company string
	day     int64 // days since the Unix epoch
}

// Panel accumulates observations in bounded memory: see Options.MaxCells.
// The zero value is not usable; call New, and Close when done.
type Panel struct {
	opts    Options
	cells   map[key]*Cell
	runs    []run       // spilled cells, each run sorted by key
	history map[key]Day // rows of earlier runs: they feed buzz and indices, Each leaves them out
	first   int64       // earliest day the panel covers, when hasFirst
	// hasFirst tells a set first from day 0 (1970-01-01), a valid date.
	hasFirst bool
	// The civil day of the last observation's date, when hasLast: an
	// article's observations share its date, and the calendar
	// conversion per observation showed in profiles.
	lastDate time.Time
	lastDay  int64
	hasLast  bool
}

// New returns an empty panel.
func New(opts Options) *Panel {
	if opts.Smoothing.Window == 0 {
		opts.Smoothing = DefaultSmoothing()
	}
	if opts.ZMin == 0 {
		opts.ZMin = DefaultZMin
	}
	if opts.MaxCells <= 0 {
		opts.MaxCells = DefaultMaxCells
	}
	return &Panel{opts: opts, cells: map[key]*Cell{}, history: map[key]Day{}}
}

// Options returns the panel's options with the defaults filled in.
func (p *Panel) Options() Options { return p.opts }

// Add records one observation. It fails only when the panel cannot spill
// to disk.
func (p *Panel) Add(o Obs) error {
	// ==, not Equal: the civil day is the date's in its own location, and
	// the same instant elsewhere may fall on another day.
	if !p.hasLast || o.Date != p.lastDate {
		p.lastDate, p.lastDay, p.hasLast = o.Date, civilDay(o.Date), true
	}
	k := key{o.CompanyID, p.lastDay}
	p.cover(k.day)
	c := p.cells[k]
	if c == nil {
		if len(p.cells) >= p.opts.MaxCells {
			if err := p.spill(); err != nil {
				return err
			}
		}
		c = &Cell{}
		p.cells[k] = c
	}
	c.Add(o)
	return nil
}

// cover extends the panel's first day to include day.
func (p *Panel) cover(day int64) {
	if !p.hasFirst || day < p.first {
		p.first, p.hasFirst = day, true
	}
}

// AddHistory adds a company-day row written by an earlier run. Only its
// Mentions, SentimentWeighted and RiskWeighted matter: they feed the buzz
// and the smoothed indices of later days, which is all a day-by-day run
// needs to give the same answers as one run over every day. Each does not
// return history rows.
func (p *Panel) AddHistory(d Day) {
	k := key{d.CompanyID, civilDay(d.Date)}
	p.cover(k.day)
	p.history[k] = d
}

// SetFirst records the earliest date the history covers, so that buzz
// counts quiet days from the start of the history rather than from the
// start of this run.
func (p *Panel) SetFirst(t time.Time) { p.cover(civilDay(t)) }

// civilDay returns the days since 1970-01-01 of t's civil date.
func civilDay(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// Days returns the panel sorted by company id, then date. It holds every
// row in memory; Each streams them.
func (p *Panel) Days() ([]Day, error) {
	var out []Day
	err := p.Each(func(d Day) error {
		out = append(out, d)
		return nil
	})
	return out, err
}

// row is what the derived columns need of an earlier day of a company.
type row struct {
	day        int64
	mentions   int
	sent, risk float64
}

// dayStats accumulates one day's cross-section for the z-scores, exactly,
// so that the result does not depend on the order of the companies.
type dayStats struct {
	n                  int
	sent, risk         Sum // pass 1: Σx
	sentMean, riskMean float64
	sentD, riskD       Sum // pass 2: Σ(x − mean)
	sentD2, riskD2     Sum // pass 2: Σ(x − mean)²
}

// Each calls fn with every row of the panel, sorted by company id, then
// date (by date, then company id, with Options.ByDate), with the derived
// columns filled in. It reads the panel in three
// streaming passes (daily means, their deviations, then the rows), so its
// memory is bounded by the number of days and the smoothing window, not
// by the number of rows. History rows feed the derived columns but are not
// passed to fn.
func (p *Panel) Each(fn func(Day) error) error {
	stats := map[int64]*dayStats{}
	if err := p.rows(func(k key, d *Day, _ bool) error {
		s := stats[k.day]
		if s == nil {
			s = &dayStats{}
			stats[k.day] = s
		}
		s.n++
		s.sent.Add(d.SentimentWeighted)
		s.risk.Add(d.RiskWeighted)
		return nil
	}); err != nil {
		return err
	}
	for _, s := range stats {
		n := float64(s.n)
		s.sentMean, s.riskMean = s.sent.Value()/n, s.risk.Value()/n
	}
	if err := p.rows(func(k key, d *Day, _ bool) error {
		s := stats[k.day]
		ds, dr := d.SentimentWeighted-s.sentMean, d.RiskWeighted-s.riskMean
		s.sentD.Add(ds)
		s.sentD2.Add(ds * ds)
		s.riskD.Add(dr)
		s.riskD2.Add(dr * dr)
		return nil
	}); err != nil {
		return err
	}
	weights := p.opts.Smoothing.Weights()
	keep := int64(max(BuzzWindow, len(weights)))
	// Each company's earlier days within keep, oldest first. Companies
	// are bounded by the registry; by company, only one is live at a time.
	pasts := map[string][]row{}
	var company string
	return p.rows(func(k key, d *Day, emit bool) error {
		if !p.opts.ByDate && k.company != company {
			delete(pasts, company)
			company = k.company
		}
		past := pasts[k.company]
		drop := 0
		for drop < len(past) && k.day-past[drop].day > keep {
			drop++
		}
		past = append(past[:0], past[drop:]...)
		buzz(d, past, k.day, p.first)
		past = append(past, row{k.day, d.Mentions, d.SentimentWeighted, d.RiskWeighted})
		pasts[k.company] = past
		smooth(d, past, weights)
		zscores(d, stats[k.day], p.opts.ZMin)
		if !emit {
			return nil
		}
		return fn(*d)
	})
}

// rows calls fn with every row of the panel in key order: the daily
// statistics of the cells (emit true) merged with the history rows (emit
// false), a cell taking the place of a history row of the same key.
// The rows are passed in one variable, overwritten from call to call: fn
// must not keep d.
func (p *Panel) rows(fn func(k key, d *Day, emit bool) error) error {
	var d Day // one for every row: fn's pointer makes it escape
	hist := make([]key, 0, len(p.history))
	for k := range p.history {
		hist = append(hist, k)
	}
	slices.SortFunc(hist, p.compare)
	h := 0
	flush := func(upto *key) error {
		for ; h < len(hist) && (upto == nil || p.compare(hist[h], *upto) <= 0); h++ {
			if upto != nil && p.compare(hist[h], *upto) == 0 {
				continue // the cell replaces it
			}
			d = p.history[hist[h]]
			if err := fn(hist[h], &d, false); err != nil {
				return err
			}
		}
		return nil
	}
	err := p.mergeRuns(func(k key, c *Cell) error {
		if err := flush(&k); err != nil {
			return err
		}
		d = c.Day(k.company, time.Unix(k.day*86400, 0).UTC())
		return fn(k, &d, true)
	})
	if err != nil {
		return err
	}
	return flush(nil)
}

// buzz sets d.Buzz: today's mentions over the mean daily mentions of the
// BuzzWindow calendar days before, counting days without mentions as 0 but
// only days the panel covers (from first, its earliest date), so the start
// of a run does not look like a quiet month. past holds the company's
// earlier rows, oldest first.
func buzz(d *Day, past []row, today, first int64) {
	from := max(first, today-BuzzWindow)
	span := today - from
	total := 0
	for j := len(past) - 1; j >= 0 && past[j].day >= from; j-- {
		total += past[j].mentions
	}
	d.Buzz = math.NaN()
	if span > 0 && total > 0 {
		d.Buzz = float64(d.Mentions) / (float64(total) / float64(span))
	}
}

// smooth sets the indices of d: the weighted mean of the daily values over
// the window, w(ℓ) for the day ℓ days back. Days without news contribute
// nothing; the weights of the days with news are renormalised. past ends
// with today's row.
func smooth(d *Day, past []row, weights []float64) {
	today := past[len(past)-1].day
	var ws, sent, risk float64
	for j := len(past) - 1; j >= 0; j-- {
		lag := today - past[j].day
		if lag >= int64(len(weights)) {
			break
		}
		w := weights[lag]
		ws += w
		sent += w * past[j].sent
		risk += w * past[j].risk
	}
	d.SentimentIndex, d.RiskIndex = math.NaN(), math.NaN()
	if ws > 0 {
		d.SentimentIndex, d.RiskIndex = sent/ws, risk/ws
	}
}

// zscores sets the cross-sectional z-scores of d: (x − mean) / sd over the
// companies with a row that day, sd the sample standard deviation
// (computed in two passes, corrected as in gonum's stat.MeanStdDev); NaN
// when fewer than zmin companies had news or all had the same value.
func zscores(d *Day, s *dayStats, zmin int) {
	d.SentimentZ, d.RiskZ = math.NaN(), math.NaN()
	if s.n < zmin || s.n < 2 {
		return
	}
	n := float64(s.n)
	sd := func(dev, dev2 *Sum) float64 {
		c := dev.Value()
		return math.Sqrt(max(0, (dev2.Value()-c*c/n)/(n-1)))
	}
	if ss := sd(&s.sentD, &s.sentD2); ss > 0 {
		d.SentimentZ = (d.SentimentWeighted - s.sentMean) / ss
	}
	if rs := sd(&s.riskD, &s.riskD2); rs > 0 {
		d.RiskZ = (d.RiskWeighted - s.riskMean) / rs
	}
}
