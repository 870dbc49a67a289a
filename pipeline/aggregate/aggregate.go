// Package aggregate builds company-day panels from per-article company
// scores.
//
// A panel cell is one company on one day. Cells keep the per-article values
// so that means, relevance-weighted means and maxima are computed with
// gonum's stat and floats packages in a fixed order, which makes the output
// independent of the order in which articles were scored.
package aggregate

import (
	"sort"
	"time"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat"
)

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
}

// Day is one row of the company-day panel.
type Day struct {
	CompanyID         string
	CompanyName       string
	Date              time.Time
	Articles          int
	Mentions          int
	SentimentMean     float64
	SentimentWeighted float64 // weighted by relevance; the plain mean when all relevances are 0
	RiskMean          float64
	RiskMax           float64
}

type key struct {
	company string
	day     int64 // days since the Unix epoch
}

type cell struct {
	name string
	obs  []Obs
}

// Panel accumulates observations. The zero value is not usable; call New.
type Panel struct {
	cells map[key]*cell
}

// New returns an empty panel.
func New() *Panel { return &Panel{cells: map[key]*cell{}} }

// Add records one observation.
func (p *Panel) Add(o Obs) {
	k := key{o.CompanyID, o.Date.Unix() / 86400}
	c := p.cells[k]
	if c == nil {
		c = &cell{name: o.CompanyName}
		p.cells[k] = c
	}
	c.obs = append(c.obs, o)
}

// Len returns the number of company-day cells.
func (p *Panel) Len() int { return len(p.cells) }

// Days returns the panel sorted by company id, then date.
func (p *Panel) Days() []Day {
	keys := make([]key, 0, len(p.cells))
	for k := range p.cells {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool {
		if keys[a].company != keys[b].company {
			return keys[a].company < keys[b].company
		}
		return keys[a].day < keys[b].day
	})
	out := make([]Day, 0, len(keys))
	for _, k := range keys {
		out = append(out, summarize(k, p.cells[k]))
	}
	return out
}

func summarize(k key, c *cell) Day {
	obs := append([]Obs(nil), c.obs...)
	// A fixed order makes floating-point sums reproducible.
	sort.Slice(obs, func(a, b int) bool { return obs[a].ArticleID < obs[b].ArticleID })
	n := len(obs)
	sent, risk, rel := make([]float64, n), make([]float64, n), make([]float64, n)
	d := Day{CompanyID: k.company, CompanyName: c.name, Date: time.Unix(k.day*86400, 0).UTC(), Articles: n}
	for i, o := range obs {
		sent[i], risk[i], rel[i] = o.Sentiment, o.Risk, o.Relevance
		d.Mentions += o.Mentions
	}
	d.SentimentMean = stat.Mean(sent, nil)
	if floats.Sum(rel) > 0 {
		d.SentimentWeighted = stat.Mean(sent, rel)
	} else {
		d.SentimentWeighted = d.SentimentMean
	}
	d.RiskMean = stat.Mean(risk, nil)
	d.RiskMax = floats.Max(risk)
	return d
}
