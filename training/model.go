package training

import (
	"context"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/optimize"

	"github.com/marktstem/marktstem/lexicons"
	"github.com/marktstem/marktstem/scoring"
)

// feature is one term the model weighs.
type feature struct {
	term    string
	pos     string
	prior   float64
	isNew   bool
	support [3]int
}

// entry is one nonzero feature value of a text.
type entry struct {
	k int
	v float64
}

// dataset holds the features of the labelled texts: row i of x is text i,
// dir[i] its direction-pair value (polarities × factors / √n).
type dataset struct {
	feats  []feature
	index  map[string]int
	x      [][]entry
	dir    []float64
	cnt    []float64 // n/√n: the hits the offset is subtracted for, normalised
	labels []int
	prior  []float64 // w⁰ by feature
	dir0   float64   // prior direction weight
	off0   float64   // prior offset
	// balanced weighs each text by the inverse frequency of its label.
	balanced bool
}

// extract scores every example with set and turns its hits into features.
func extract(ctx context.Context, set *lexicons.Set, examples []Example, cfg Config) (*dataset, error) {
	score := cfg.Scorer(set)
	ds := &dataset{index: map[string]int{}, dir0: set.Calibration.Direction, off0: set.Calibration.Offset, balanced: cfg.Balanced}
	posOf := make(map[string]string, len(set.Sentiment))
	for _, t := range set.Sentiment {
		posOf[t.Term] = t.POS
	}
	for i, e := range examples {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		sc := score(e.Text)
		n := 0
		for _, h := range sc.Result.Hits {
			if h.Kind != scoring.Regulatory {
				n++
			}
		}
		norm := 1 / math.Sqrt(math.Max(1, float64(n)))
		row := map[int]float64{}
		dir := 0.0
		for _, h := range sc.Result.Hits {
			switch h.Kind {
			case scoring.Direction:
				// Base = direction weight × object × verb polarity.
				if ds.dir0 != 0 {
					dir += h.Base / ds.dir0 * h.Factor * norm
				}
			case scoring.Sentiment:
				k, ok := ds.index[h.Term]
				if !ok {
					k = len(ds.feats)
					ds.index[h.Term] = k
					ds.feats = append(ds.feats, feature{term: h.Term, pos: posOf[h.Term], prior: h.Base, isNew: h.Lexicon == lexicons.LearnedName})
					ds.prior = append(ds.prior, h.Base)
				}
				if _, seen := row[k]; !seen {
					ds.feats[k].support[e.Label+1]++
				}
				row[k] += h.Factor * norm
			}
		}
		ents := make([]entry, 0, len(row))
		for k, v := range row {
			ents = append(ents, entry{k, v})
		}
		sort.Slice(ents, func(a, b int) bool { return ents[a].k < ents[b].k })
		ds.x = append(ds.x, ents)
		ds.dir = append(ds.dir, dir)
		ds.cnt = append(ds.cnt, float64(n)*norm)
		ds.labels = append(ds.labels, e.Label)
	}
	return ds, nil
}

// subset returns the rows of ds at idx (features shared).
func (ds *dataset) subset(idx []int) *dataset {
	out := *ds
	out.x, out.dir, out.cnt, out.labels = nil, nil, nil, nil
	for _, i := range idx {
		out.x = append(out.x, ds.x[i])
		out.dir = append(out.dir, ds.dir[i])
		out.cnt = append(out.cnt, ds.cnt[i])
		out.labels = append(out.labels, ds.labels[i])
	}
	return &out
}

// params are the fitted model: term weights w, direction weight d, offset
// o (per hit), scale a and cut points c1 < c2 (on a·x).
type params struct {
	w          []float64
	d, o, a    float64
	c1, c2     float64
	objective  float64
	iterations int
}

// layout of the optimisation vector: w…, d, a, c1, log(c2 − c1), o.
func (ds *dataset) unpack(v []float64) params {
	p := len(ds.feats)
	return params{w: v[:p], d: v[p], a: v[p+1], c1: v[p+2], c2: v[p+2] + math.Exp(v[p+3]), o: v[p+4]}
}

// score is the scorer's sum x for row i.
func (ds *dataset) score(i int, p params) float64 {
	x := p.d*ds.dir[i] - p.o*ds.cnt[i]
	for _, e := range ds.x[i] {
		x += p.w[e.k] * e.v
	}
	return x
}

func (ds *dataset) predict(p params) []float64 {
	out := make([]float64, len(ds.x))
	for i := range out {
		out[i] = ds.score(i, p)
	}
	return out
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// logSigmoid is log σ(z), stable for large |z|.
func logSigmoid(z float64) float64 {
	if z >= 0 {
		return -math.Log1p(math.Exp(-z))
	}
	return z - math.Log1p(math.Exp(z))
}

// logitScale converts the scorer's sum x into log-odds (a = logitScale is
// held fixed). Were a free, the model could shrink every weight and grow a,
// escaping the pull towards the lexicon weights; fixed, the weights stay on
// the lexicon's scale, where x = ±0.5 is a clear statement.
const logitScale = 4

// fit minimises the penalised negative log-likelihood of the ordinal model
// with L-BFGS, starting from the lexicon weights (or from init).
func fit(ctx context.Context, ds *dataset, lambda float64, init []float64) (params, error) {
	p := len(ds.feats)
	v := make([]float64, p+5)
	copy(v, ds.prior)
	v[p], v[p+1], v[p+2], v[p+3], v[p+4] = ds.dir0, logitScale, -0.5, 0, ds.off0
	if init != nil {
		copy(v, init)
	}
	obj := ds.objective(lambda)
	prob := optimize.Problem{
		Func: func(v []float64) float64 { return obj(nil, v) },
		Grad: func(grad, v []float64) { obj(grad, v) },
	}
	settings := &optimize.Settings{
		GradientThreshold: 1e-5,
		MajorIterations:   1000,
		Converger:         &optimize.FunctionConverge{Absolute: 1e-7, Relative: 1e-9, Iterations: 20},
	}
	if err := ctx.Err(); err != nil {
		return params{}, err
	}
	res, err := optimize.Minimize(prob, v, settings, &optimize.LBFGS{})
	if err != nil && res == nil {
		return params{}, fmt.Errorf("fit: %w", err)
	}
	// Iteration limits are fine: the last location is still the best seen.
	out := ds.unpack(append([]float64(nil), res.X...))
	out.objective, out.iterations = res.F, res.Stats.MajorIterations
	if math.IsNaN(out.objective) || !floats.Equal(res.X, res.X) {
		return params{}, fmt.Errorf("fit: optimisation diverged")
	}
	return out, nil
}

// objective returns the penalised negative log-likelihood of the ordinal
// model at an optimisation vector v (layout: unpack); with a non-nil grad
// it also fills in the gradient.
func (ds *dataset) objective(lambda float64) func(grad, v []float64) float64 {
	p := len(ds.feats)
	cw := [3]float64{1, 1, 1} // loss weight by label
	if ds.balanced {
		var count [3]int
		for _, l := range ds.labels {
			count[l+1]++
		}
		for j, c := range count {
			if c > 0 {
				cw[j] = float64(len(ds.labels)) / (3 * float64(c))
			}
		}
	}
	return func(grad, v []float64) float64 {
		pr := ds.unpack(v)
		clear(grad) // nil when only the value is wanted
		var f, gd, gOff, gc1, gc2 float64
		for i := range ds.x {
			x := ds.score(i, pr)
			z := pr.a * x
			wi := cw[ds.labels[i]+1]
			var dz float64 // ∂(−log P)/∂z
			switch ds.labels[i] {
			case -1: // P = σ(c1 − z)
				u := pr.c1 - z
				f -= wi * logSigmoid(u)
				g := wi * (1 - sigmoid(u))
				dz = g
				gc1 -= g
			case 1: // P = σ(z − c2)
				u := z - pr.c2
				f -= wi * logSigmoid(u)
				g := wi * (1 - sigmoid(u))
				dz = -g
				gc2 += g
			default: // P = σ(c2 − z) − σ(c1 − z)
				s2, s1 := sigmoid(pr.c2-z), sigmoid(pr.c1-z)
				P := math.Max(s2-s1, 1e-300)
				f -= wi * math.Log(P)
				d2, d1 := wi*s2*(1-s2), wi*s1*(1-s1)
				dz = (d2 - d1) / P
				gc2 -= d2 / P
				gc1 += d1 / P
			}
			if grad == nil {
				continue
			}
			gd += dz * pr.a * ds.dir[i]
			gOff -= dz * pr.a * ds.cnt[i]
			for _, e := range ds.x[i] {
				grad[e.k] += dz * pr.a * e.v
			}
		}
		for k := 0; k < p; k++ {
			r := pr.w[k] - ds.prior[k]
			f += lambda / 2 * r * r
			if grad != nil {
				grad[k] += lambda * r
			}
		}
		r := pr.d - ds.dir0
		f += lambda / 2 * r * r
		ro := pr.o - ds.off0
		f += lambda / 2 * ro * ro
		if grad != nil {
			grad[p] = gd + lambda*r
			grad[p+1] = 0         // the scale is fixed: see logitScale
			grad[p+2] = gc1 + gc2 // c2 = c1 + exp(e) moves with c1
			grad[p+3] = gc2 * math.Exp(v[p+3])
			grad[p+4] = gOff + lambda*ro
		}
		return f
	}
}

// thresholds returns the cut points t1 < t2 on x that maximise accuracy
// (x ≤ t1 negative, x ≥ t2 positive) and that accuracy.
func thresholds(x []float64, labels []int) (t1, t2, acc float64) {
	n := len(x)
	if n == 0 {
		return -0.1, 0.1, 0
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	// Candidate cuts at up to 400 quantiles: between sorted values.
	m := min(n, 400)
	cuts := make([]int, 0, m+1)
	for q := 0; q <= m; q++ {
		cuts = append(cuts, q*n/m)
	}
	// cum[c][j]: texts of class j among the first cuts[c] sorted texts.
	cum := make([][3]int, len(cuts))
	pos := 0
	var run [3]int
	for ci, cut := range cuts {
		for ; pos < cut; pos++ {
			run[labels[idx[pos]]+1]++
		}
		cum[ci] = run
	}
	total := cum[len(cum)-1]
	best, bi, bj := -1, 0, 0
	for i := range cuts {
		for j := i; j < len(cuts); j++ {
			neg := cum[i][0]
			neu := cum[j][1] - cum[i][1]
			posi := total[2] - cum[j][2]
			if s := neg + neu + posi; s > best {
				best, bi, bj = s, i, j
			}
		}
	}
	cut := func(c int) float64 {
		k := cuts[c]
		switch {
		case k == 0:
			return x[idx[0]] - 1e-3
		case k >= n:
			return x[idx[n-1]] + 1e-3
		}
		return (x[idx[k-1]] + x[idx[k]]) / 2
	}
	t1, t2 = cut(bi), cut(bj)
	if t2-t1 < 1e-6 {
		t2 = t1 + 1e-6
	}
	return t1, t2, float64(best) / float64(n)
}

// chooseLambda picks the penalty with the best mean accuracy over inner
// folds of the training texts. It also returns the held-out sums of that
// penalty's inner models, whose spread is that of unseen texts.
func chooseLambda(ctx context.Context, ds *dataset, cfg Config) (float64, []float64, error) {
	k := cfg.InnerFolds
	best, bestAcc := cfg.Lambdas[0], -1.0
	var bestX []float64
	for _, lambda := range cfg.Lambdas {
		correct := 0
		held := make([]float64, len(ds.x))
		for f := 0; f < k; f++ {
			var tr, te []int
			for i := range ds.x {
				if i%k == f {
					te = append(te, i)
				} else {
					tr = append(tr, i)
				}
			}
			train := ds.subset(tr)
			p, err := fit(ctx, train, lambda, nil)
			if err != nil {
				return 0, nil, err
			}
			t1, t2, _ := thresholds(train.predict(p), train.labels)
			test := ds.subset(te)
			for i, x := range test.predict(p) {
				held[te[i]] = x
				if classify(x, t1, t2) == test.labels[i] {
					correct++
				}
			}
		}
		if acc := float64(correct) / float64(len(ds.x)); acc > bestAcc {
			best, bestAcc, bestX = lambda, acc, held
		}
	}
	return best, bestX, nil
}

func classify(x, t1, t2 float64) int {
	switch {
	case x >= t2:
		return 1
	case x <= t1:
		return -1
	}
	return 0
}
