package aggregate

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Scheme is a family of time weights for the smoothed indices.
type Scheme int

// The weighting schemes, after those of the R package sentometrics.
const (
	Exponential Scheme = iota // w(ℓ) = 2^(−ℓ/h), h the half-life in days
	Equal                     // w(ℓ) = 1
	Linear                    // w(ℓ) = W − ℓ
	Almon                     // w(ℓ) = (1 − (1 − i/W)^b)·(1 − i/W)^(B − b), i = ℓ + 1
)

// Defaults of the smoothed indices and the buzz baseline.
const (
	DefaultWindow   = 30 // calendar days, today included
	DefaultHalfLife = 7  // days
	DefaultZMin     = 5  // companies on a day before z-scores are given
	BuzzWindow      = 30 // calendar days before today
)

// Smoothing selects the time weights of the smoothed indices: a scheme, its
// parameter and the window. The zero value is invalid; use ParseSmoothing or
// DefaultSmoothing.
type Smoothing struct {
	Scheme   Scheme
	HalfLife float64 // Exponential: days for the weight to halve
	B        int     // Almon: polynomial order b, 1 ≤ b ≤ Order
	Order    int     // Almon: highest order B
	Window   int     // W: calendar days, today included
}

// DefaultSmoothing is an exponential decay with a half-life of 7 days over
// 30 calendar days: last week's news counts half as much as today's, and a
// month-old story has all but vanished.
func DefaultSmoothing() Smoothing {
	return Smoothing{Scheme: Exponential, HalfLife: DefaultHalfLife, Window: DefaultWindow}
}

// ParseSmoothing parses "equal", "linear", "exp:HALF_LIFE" or "almon:b,B"
// (b and B as in sentometrics' weights_almon; "almon:b" means B = 3), with
// the window in days.
func ParseSmoothing(s string, window int) (Smoothing, error) {
	if window < 1 {
		return Smoothing{}, fmt.Errorf("smoothing window %d: want at least 1 day", window)
	}
	name, arg, hasArg := strings.Cut(s, ":")
	sm := Smoothing{Window: window}
	switch name {
	case "equal", "linear":
		if hasArg {
			return Smoothing{}, fmt.Errorf("smoothing %q: %s takes no parameter", s, name)
		}
		sm.Scheme = Equal
		if name == "linear" {
			sm.Scheme = Linear
		}
	case "exp":
		h, err := strconv.ParseFloat(arg, 64)
		if err != nil || !(h > 0) || math.IsInf(h, 0) {
			return Smoothing{}, fmt.Errorf("smoothing %q: want exp:HALF_LIFE with a half-life in days > 0", s)
		}
		sm.Scheme, sm.HalfLife = Exponential, h
	case "almon":
		bs, Bs, hasB := strings.Cut(arg, ",")
		b, err := strconv.Atoi(bs)
		sm.Scheme, sm.B, sm.Order = Almon, b, 3
		if err == nil && hasB {
			sm.Order, err = strconv.Atoi(Bs)
		}
		if err != nil || b < 1 || sm.Order < b {
			return Smoothing{}, fmt.Errorf("smoothing %q: want almon:b or almon:b,B with 1 ≤ b ≤ B", s)
		}
	default:
		return Smoothing{}, fmt.Errorf("smoothing %q: want equal, linear, exp:HALF_LIFE or almon:b[,B]", s)
	}
	return sm, nil
}

// String returns the form ParseSmoothing accepts (without the window).
func (sm Smoothing) String() string {
	switch sm.Scheme {
	case Equal:
		return "equal"
	case Linear:
		return "linear"
	case Almon:
		return fmt.Sprintf("almon:%d,%d", sm.B, sm.Order)
	}
	return "exp:" + strconv.FormatFloat(sm.HalfLife, 'g', -1, 64)
}

// Weights returns the unnormalised weight of each lag ℓ = 0 (today) …
// W − 1. The index divides by the weights of the days that had news, so
// only their ratios matter.
func (sm Smoothing) Weights() []float64 {
	w := make([]float64, sm.Window)
	n := float64(sm.Window)
	for l := range w {
		switch sm.Scheme {
		case Equal:
			w[l] = 1
		case Linear:
			w[l] = n - float64(l)
		case Almon:
			// sentometrics' weights_almon with do.inverse = TRUE (its
			// default): i/W runs from today outwards, so the weight rises
			// from today to a hump and falls to 0 at the far end when B > b.
			x := 1 - float64(l+1)/n
			w[l] = (1 - math.Pow(x, float64(sm.B))) * math.Pow(x, float64(sm.Order-sm.B))
		default:
			w[l] = math.Exp2(-float64(l) / sm.HalfLife)
		}
	}
	return w
}
