package aggregate

import (
	"math"
	"time"
)

// Sum is an exact floating-point sum (Shewchuk's algorithm, as in Python's
// math.fsum): it keeps non-overlapping partial sums, so Value is the
// correctly rounded total whatever the order in which values were added or
// sums merged. That makes a company-day independent of the order in which
// articles arrive (workers, Beam bundles) while holding a few numbers
// instead of every observation.
type Sum struct {
	Partials []float64
}

// Add adds x exactly.
func (s *Sum) Add(x float64) {
	if x == 0 {
		return // most risks are exactly 0: keep their sums empty
	}
	i := 0
	for _, y := range s.Partials {
		// Knuth's TwoSum: hi + lo = x + y exactly, whichever is larger.
		// It gives the same hi and lo as Shewchuk's Fast2Sum after
		// ordering x and y by magnitude, without that branch, which
		// mispredicts on scores of either sign and size.
		hi := x + y
		yv := hi - x
		lo := (x - (hi - yv)) + (y - yv)
		if lo != 0 {
			s.Partials[i] = lo
			i++
		}
		x = hi
	}
	s.Partials = append(s.Partials[:i], x)
}

// Merge adds every value of o.
func (s *Sum) Merge(o Sum) {
	for _, p := range o.Partials {
		s.Add(p)
	}
}

// Value returns the correctly rounded sum.
func (s *Sum) Value() float64 {
	p := s.Partials
	n := len(p)
	if n == 0 {
		return 0
	}
	n--
	hi := p[n]
	lo := 0.0
	for n > 0 {
		x := hi
		n--
		y := p[n]
		hi = x + y
		lo = y - (hi - x)
		if lo != 0 {
			break
		}
	}
	// Round half-even across the remaining partials (fsum's final step).
	if n > 0 && ((lo < 0 && p[n-1] < 0) || (lo > 0 && p[n-1] > 0)) {
		y := lo * 2
		x := hi + y
		if y == x-hi {
			hi = x
		}
	}
	return hi
}

// Cell accumulates the observations of one company on one day in constant
// space. Cells merge in any order with identical results, which is what a
// Beam CombineFn needs.
type Cell struct {
	Name                     string
	Articles, Mentions       int
	Negative                 int
	Sent, Sent2, Risk, Risk2 Sum
	Rel, RelSent, RelRisk    Sum
	SentMin, SentMax         float64
	RiskMin, RiskMax         float64
	Cats                     []Sum // per regulatory category, up to the last one with risk
	NumCats                  int   // categories per observation
	HasCats                  bool  // some observation had categories (else Day.Categories is nil)
}

// Add records one observation.
func (c *Cell) Add(o Obs) {
	if c.Articles == 0 {
		c.Name = o.CompanyName
		c.SentMin, c.SentMax, c.RiskMin, c.RiskMax = o.Sentiment, o.Sentiment, o.Risk, o.Risk
		c.reserve()
	}
	c.Articles++
	c.Mentions += o.Mentions
	if o.Sentiment <= NegativeThreshold {
		c.Negative++
	}
	c.Sent.Add(o.Sentiment)
	c.Sent2.Add(o.Sentiment * o.Sentiment)
	c.Risk.Add(o.Risk)
	c.Risk2.Add(o.Risk * o.Risk)
	c.Rel.Add(o.Relevance)
	c.RelSent.Add(o.Relevance * o.Sentiment)
	c.RelRisk.Add(o.Relevance * o.Risk)
	c.SentMin, c.SentMax = min(c.SentMin, o.Sentiment), max(c.SentMax, o.Sentiment)
	c.RiskMin, c.RiskMax = min(c.RiskMin, o.Risk), max(c.RiskMax, o.Risk)
	if o.Categories != nil {
		c.HasCats = true
	}
	for i, v := range o.Categories {
		if v == 0 {
			continue // allocate category sums only where there is risk
		}
		if len(c.Cats) <= i {
			c.Cats = append(c.Cats, make([]Sum, i+1-len(c.Cats))...)
		}
		c.Cats[i].Add(v)
	}
	c.NumCats = max(c.NumCats, len(o.Categories))
}

// reservedPartials is the room reserve makes for each sum's partials:
// sums of a few hundred scores mostly need two or three.
const reservedPartials = 4

// reserve gives the cell's empty sums room for their first partials in
// one allocation, instead of one or more each as they grow. Each gets a
// full slice of its own part, which an append beyond copies
// (TestCellSumsApart). A sum that stays empty is then an empty slice
// rather than nil: the same sum to Value, Merge and the run files.
func (c *Cell) reserve() {
	sums := c.sums()
	block := make([]float64, len(sums)*reservedPartials)
	for i, s := range sums {
		if cap(s.Partials) == 0 {
			s.Partials = block[i*reservedPartials : i*reservedPartials : (i+1)*reservedPartials]
		}
	}
}

// Merge adds the observations of o.
func (c *Cell) Merge(o Cell) {
	if o.Articles == 0 {
		return
	}
	if c.Articles == 0 {
		c.Name = o.Name
		c.SentMin, c.SentMax, c.RiskMin, c.RiskMax = o.SentMin, o.SentMax, o.RiskMin, o.RiskMax
	}
	c.Articles += o.Articles
	c.Mentions += o.Mentions
	c.Negative += o.Negative
	for _, p := range []struct{ dst, src *Sum }{
		{&c.Sent, &o.Sent}, {&c.Sent2, &o.Sent2}, {&c.Risk, &o.Risk}, {&c.Risk2, &o.Risk2},
		{&c.Rel, &o.Rel}, {&c.RelSent, &o.RelSent}, {&c.RelRisk, &o.RelRisk},
	} {
		p.dst.Merge(*p.src)
	}
	c.SentMin, c.SentMax = min(c.SentMin, o.SentMin), max(c.SentMax, o.SentMax)
	c.RiskMin, c.RiskMax = min(c.RiskMin, o.RiskMin), max(c.RiskMax, o.RiskMax)
	c.HasCats = c.HasCats || o.HasCats
	c.NumCats = max(c.NumCats, o.NumCats)
	for len(c.Cats) < len(o.Cats) {
		c.Cats = append(c.Cats, Sum{})
	}
	for i := range o.Cats {
		c.Cats[i].Merge(o.Cats[i])
	}
}

// Day computes the day's statistics. The columns that look beyond the day
// (buzz, indices, z-scores) are NaN; Panel.Days fills them.
func (c *Cell) Day(companyID string, date time.Time) Day {
	n := float64(c.Articles)
	d := Day{
		CompanyID: companyID, CompanyName: c.Name, Date: date, Articles: c.Articles, Mentions: c.Mentions,
		SentimentStd: math.NaN(), RiskStd: math.NaN(), Buzz: math.NaN(),
		SentimentIndex: math.NaN(), RiskIndex: math.NaN(), SentimentZ: math.NaN(), RiskZ: math.NaN(),
	}
	if c.Articles == 0 {
		d.SentimentMean, d.SentimentWeighted, d.RiskMean, d.RiskWeighted, d.NegativeShare = math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()
		return d
	}
	d.SentimentMean = c.Sent.Value() / n
	d.RiskMean = c.Risk.Value() / n
	d.SentimentWeighted, d.RiskWeighted = d.SentimentMean, d.RiskMean
	if rel := c.Rel.Value(); rel > 0 {
		d.SentimentWeighted = c.RelSent.Value() / rel
		d.RiskWeighted = c.RelRisk.Value() / rel
	}
	d.RiskMax = c.RiskMax
	d.NegativeShare = float64(c.Negative) / n
	if c.Articles > 1 {
		d.SentimentStd = sampleStd(c.Sent.Value(), c.Sent2.Value(), n, c.SentMin == c.SentMax)
		d.RiskStd = sampleStd(c.Risk.Value(), c.Risk2.Value(), n, c.RiskMin == c.RiskMax)
	}
	if c.HasCats {
		d.Categories = make([]float64, c.NumCats)
		for i := range c.Cats {
			d.Categories[i] = c.Cats[i].Value() / n
		}
	}
	return d
}

// sampleStd is the sample standard deviation from the sum and the sum of
// squares; constant values give exactly 0 rather than rounding noise.
func sampleStd(sum, sum2, n float64, constant bool) float64 {
	if constant {
		return 0
	}
	v := (sum2 - sum*sum/n) / (n - 1)
	return math.Sqrt(max(0, v))
}
