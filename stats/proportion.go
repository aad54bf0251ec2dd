package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// FisherExact returns the two-sided p-value of Fisher's exact test of
// equal success probabilities, for s1 successes in n1 trials and s2 in n2:
// with the margins fixed, the first cell X is hypergeometric,
// P(X = x) = C(n1, x)·C(n2, t−x)/C(n1+n2, t) with t = s1+s2, and p is the
// sum of P(X = x) over the tables no more likely than the observed one
// (with R's relative tolerance 1 + 1e-7 for ties in probability), as R's
// fisher.test and scipy.stats.fisher_exact.
//
// It returns NaN for negative counts or successes above their trials.
func FisherExact(s1, n1, s2, n2 int) float64 {
	if s1 < 0 || s2 < 0 || n1 < s1 || n2 < s2 {
		return math.NaN()
	}
	t := s1 + s2
	lo, hi := max(0, t-n2), min(t, n1)
	logP := func(x int) float64 { return logChoose(n1, x) + logChoose(n2, t-x) - logChoose(n1+n2, t) }
	obs := logP(s1)
	var p float64
	for x := lo; x <= hi; x++ {
		if lp := logP(x); lp <= obs+math.Log1p(1e-7) {
			p += math.Exp(lp)
		}
	}
	return math.Min(1, p)
}

func logChoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// NewcombeDiff returns Newcombe's hybrid score interval for the difference
// of two independent proportions p₁ − p₂ (Newcombe 1998, "Interval
// estimation for the difference between independent proportions", Stat.
// Med. 17:873–890, method 10): with (l₁, u₁) and (l₂, u₂) the Wilson
// intervals of p̂₁ = s1/n1 and p̂₂ = s2/n2 at the same confidence,
// lo = p̂₁ − p̂₂ − √((p̂₁ − l₁)² + (u₂ − p̂₂)²) and
// hi = p̂₁ − p̂₂ + √((u₁ − p̂₁)² + (p̂₂ − l₂)²).
//
// It returns (NaN, NaN) when either Wilson interval is invalid or a sample
// is empty.
func NewcombeDiff(s1, n1, s2, n2 int, confidence float64) (lo, hi float64) {
	if n1 <= 0 || n2 <= 0 {
		return math.NaN(), math.NaN()
	}
	l1, u1 := Wilson(s1, n1, confidence)
	l2, u2 := Wilson(s2, n2, confidence)
	if math.IsNaN(l1) || math.IsNaN(l2) {
		return math.NaN(), math.NaN()
	}
	p1, p2 := float64(s1)/float64(n1), float64(s2)/float64(n2)
	d := p1 - p2
	return d - math.Hypot(p1-l1, u2-p2), d + math.Hypot(u1-p1, p2-l2)
}

// SignTest returns the two-sided exact sign test of paired samples x and
// y: among the n pairs with xᵢ ≠ yᵢ (ties dropped), the number less with
// xᵢ < yᵢ is Binomial(n, ½) under H₀, and
// p = min(1, 2·min(P(B ≤ less), P(B ≥ less))) (as R's
// binom.test(less, n)). It ignores the sizes of the differences, so a few
// huge ones cannot dominate it. n = 0 gives p = 1; unequal lengths or a
// NaN give p = NaN.
func SignTest(x, y []float64) (less, n int, p float64) {
	if len(x) != len(y) {
		return 0, 0, math.NaN()
	}
	for i := range x {
		switch {
		case math.IsNaN(x[i]) || math.IsNaN(y[i]):
			return 0, 0, math.NaN()
		case x[i] < y[i]:
			less++
			n++
		case x[i] > y[i]:
			n++
		}
	}
	if n == 0 {
		return 0, 0, 1
	}
	b := distuv.Binomial{N: float64(n), P: 0.5}
	le := b.CDF(float64(less))
	ge := 1 - b.CDF(float64(less-1))
	if less == 0 {
		ge = 1
	}
	return less, n, math.Min(1, 2*math.Min(le, ge))
}
