package dataset

import (
	"fmt"
	"math"
	"strings"
)

// Scaling is how Parse scales each input column: x_scaled = (x − Shift)/Scale
// with a Shift and Scale per column (see Table). The zero value is ZScore.
type Scaling int

const (
	// ZScore centres each column on its mean μ and divides by its
	// population standard deviation σ = √(Σ(x−μ)²/N): Shift μ, Scale σ.
	// A constant column (σ = 0) gets Scale 1, so it is only centred (all 0).
	ZScore Scaling = iota
	// MinMax maps each column's [min, max] onto [0, 1]: Shift min,
	// Scale max − min. A constant column gets Shift min and Scale 1 (all 0).
	MinMax
	// NoScaling leaves the inputs as read: Shift 0, Scale 1.
	NoScaling
)

// scalingNames are the names of the scalings, indexed by Scaling.
var scalingNames = [...]string{ZScore: "zscore", MinMax: "minmax", NoScaling: "none"}

// String returns the scaling's name: "zscore", "minmax" or "none".
func (s Scaling) String() string {
	if s < 0 || int(s) >= len(scalingNames) {
		return fmt.Sprintf("Scaling(%d)", int(s))
	}
	return scalingNames[s]
}

// ScalingNames returns the names of the scalings, in the order of their
// values: "zscore", "minmax", "none".
func ScalingNames() []string { return append([]string(nil), scalingNames[:]...) }

// ParseScaling returns the scaling named s, as String prints it
// (case-sensitive).
func ParseScaling(s string) (Scaling, error) {
	for i, name := range scalingNames {
		if s == name {
			return Scaling(i), nil
		}
	}
	return 0, fmt.Errorf("dataset: unknown scaling %q (want %s)", s, strings.Join(scalingNames[:], ", "))
}

// valid reports whether s is one of the defined scalings.
func (s Scaling) valid() bool { return s >= 0 && int(s) < len(scalingNames) }

// fit returns the Shift and Scale of s for the column x, which has at
// least one value, all finite. The returned Scale may be 0 or +Inf when
// the column's values are too small or too far apart for float64; the
// caller rejects those.
func (s Scaling) fit(x []float64) (shift, scale float64) {
	if s == NoScaling {
		return 0, 1
	}
	lo, hi := x[0], x[0]
	for _, v := range x[1:] {
		lo, hi = min(lo, v), max(hi, v)
	}
	if lo == hi {
		return lo, 1
	}
	if s == MinMax {
		return lo, hi - lo
	}
	return meanStd(x, lo, hi)
}

// meanStd returns the mean and population standard deviation of x, whose
// values lie in [lo, hi] with lo < hi.
//
// It uses the corrected two-pass algorithm (Chan, Golub and LeVeque, "Algorithms for
// computing the sample variance", The American Statistician 37(3), 1983):
// the mean μ₀ = Σx/N, then the deviations d = x − μ₀, the mean
// μ = μ₀ + Σd/N and the variance (Σd² − (Σd)²/N)/N. To keep the sums from
// overflowing or underflowing, the values are first scaled exactly by a
// power of two that brings max(|lo|, |hi|) into [0.5, 1).
func meanStd(x []float64, lo, hi float64) (mean, std float64) {
	_, e := math.Frexp(max(math.Abs(lo), math.Abs(hi)))
	n := float64(len(x))
	var sum float64
	for _, v := range x {
		sum += math.Ldexp(v, -e)
	}
	mu := sum / n
	var c, ss float64
	for _, v := range x {
		d := math.Ldexp(v, -e) - mu
		c += d
		ss += d * d
	}
	mu += c / n
	ss = max(ss-c*c/n, 0)
	mean = min(max(math.Ldexp(mu, e), lo), hi)
	return mean, math.Ldexp(math.Sqrt(ss/n), e)
}
