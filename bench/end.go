package bench

import (
	"math"
	"strconv"
	"strings"

	"github.com/optbench/optbench/optim"
)

// EndCause says why a run's loss stopped going down: what its floor
// measures. EndCauses classifies every run; a floor is reported per cause,
// never as a median across causes.
type EndCause string

const (
	// EndOptimum: the run reached the optimum to the arithmetic's
	// resolution — a parameter error within optimumULPs spacings of the
	// known optimum's largest coordinate, or, for outputs other than
	// sigmoid units, a loss of exactly 0.
	EndOptimum EndCause = "optimum"
	// EndSaturated: sigmoid outputs, a loss below 2^(−2p)/(N·K) for the
	// arithmetic's p-bit significand (2⁻¹⁰⁶/(N·K) in float64), exactly 0
	// included: every output is within the spacing below 1 of its 0/1
	// target, whose optimum is at infinite weights, and the loss still
	// falls only because the weights grow while the residuals underflow.
	// Its value measures weight growth, not fit.
	EndSaturated EndCause = "saturated"
	// EndStepBound: a plateau of an optimizer with a lower bound on its
	// step (Rprop's delta-min) at a parameter error within
	// stepBoundFactor of that bound, on a problem with a known optimum:
	// the bound, a setting, sets the floor.
	EndStepBound EndCause = "step-bound"
	// EndLocalMin: a plateau at a best loss at least localMinFactor times
	// the best loss any run reached on the problem in the same
	// arithmetic (and above the saturation level), on a network with a
	// hidden layer or a nonlinear output (a linear one's MSE is convex): a
	// local minimum or a flat region, not a precision limit.
	EndLocalMin EndCause = "local-minimum"
	// EndPlateau: any other plateau (e.g. the loss's rounding near a
	// nonzero optimum loss).
	EndPlateau EndCause = "plateau"
	// EndBudget: the run used its iteration or evaluation budget while
	// still improving.
	EndBudget EndCause = "budget"
	// EndTarget: the run stopped after reaching every target (without
	// KeepGoing).
	EndTarget EndCause = "target"
	// EndDiverged: the loss or the parameters stopped being finite.
	EndDiverged EndCause = "diverged"
)

// Thresholds of EndCauses.
const (
	// optimumULPs is how many spacings of the optimum's largest
	// coordinate a parameter error may be to count as the optimum: the
	// conditioning of a least-squares fit times the rounding of the
	// loss's sums leaves about a hundred on celsius (9.2e-13 at a
	// spacing of 7.1e-15).
	optimumULPs = 1e3
	// stepBoundFactor: a parameter error within this factor of
	// delta-min is attributed to it.
	stepBoundFactor = 1e3
	// localMinFactor: a plateau this many times above the best loss
	// known for the problem is a local minimum.
	localMinFactor = 1e3
)

// EndCauses classifies the end of each run of recs (in order), using the
// plan's problems and, for local minima, the best loss of any run of the
// same problem and arithmetic among recs.
func EndCauses(plan *Plan, recs []*Record) []EndCause {
	type key struct{ problem, precision string }
	best := map[key]float64{}
	for _, r := range recs {
		k := key{r.Problem, precisionOr64(r.Precision)}
		if v, ok := best[k]; !ok || r.BestLoss < v {
			best[k] = r.BestLoss
		}
	}
	out := make([]EndCause, len(recs))
	for i, r := range recs {
		out[i] = Classify(plan.Problem(r.Problem), r, best[key{r.Problem, precisionOr64(r.Precision)}])
	}
	return out
}

// Classify returns the end cause of r, a run of p (nil: unknown problem,
// only the status is used), given the best loss known for p in r's
// arithmetic. The rules are tried in the order of the EndCause constants.
func Classify(p *optim.Problem, r *Record, bestKnown float64) EndCause {
	prec := precisionOr64(r.Precision)
	if r.Status == StatusDiverged {
		return EndDiverged
	}
	sat := 0.0
	if p != nil {
		sat = SaturationLoss(p, prec)
	}
	switch {
	case sat > 0 && r.BestLoss < sat:
		return EndSaturated
	case r.BestLoss == 0:
		return EndOptimum
	}
	perr := BestParamErr(r)
	if p != nil && p.Optimum != nil && perr <= optimumULPs*optimumSpacing(p.Optimum, prec) {
		return EndOptimum
	}
	switch r.Status {
	case StatusBudget:
		return EndBudget
	case StatusTarget:
		return EndTarget
	}
	if dmin := setting(r.Settings, "delta-min"); dmin > 0 && p != nil && p.Optimum != nil && perr <= stepBoundFactor*dmin {
		return EndStepBound
	}
	if r.BestLoss >= localMinFactor*bestKnown && r.BestLoss > 0 && !convex(p) {
		return EndLocalMin
	}
	return EndPlateau
}

// convex reports whether p's MSE is convex in the parameters: a network
// of one linear layer (linear least squares). Unknown problems are not.
func convex(p *optim.Problem) bool {
	return p != nil && len(p.Net.Layers) == 1 && p.Net.Layers[0].Act == optim.Linear
}

// BestParamErr returns the smallest parameter error r recorded (at its
// checkpoints and at its end), NaN if none.
func BestParamErr(r *Record) float64 {
	best := r.ParamErr
	for _, q := range r.Trace {
		if !(q.ParamErr >= best) && !math.IsNaN(q.ParamErr) {
			best = q.ParamErr
		}
	}
	return best
}

// SaturationLoss returns 2^(−2p)/(N·K) for problems whose outputs are
// sigmoid units, with p = 53 (float64) or 24 (float32) significand bits,
// N samples and K outputs: below it every output lies within the spacing
// below 1 of its 0/1 target. It returns 0 for other output units.
func SaturationLoss(p *optim.Problem, precision string) float64 {
	ls := p.Net.Layers
	if len(ls) == 0 || ls[len(ls)-1].Act != optim.Sigmoid || p.Data.N == 0 {
		return 0
	}
	bits := 53
	if precision == optim.Float32 {
		bits = 24
	}
	r := math.Ldexp(1, -bits)
	return r * r / float64(p.Data.N*p.Net.Out())
}

// optimumSpacing is the spacing of the arithmetic's numbers at the
// largest coordinate of the optimum.
func optimumSpacing(opt []float64, precision string) float64 {
	big := 0.0
	for _, v := range opt {
		big = max(big, math.Abs(v))
	}
	if precision == optim.Float32 {
		f := float32(big)
		return float64(math.Nextafter32(f, float32(math.Inf(1))) - f)
	}
	return math.Nextafter(big, math.Inf(1)) - big
}

// setting returns the value of key in canonical settings "k=v;k=v", or 0.
func setting(settings, key string) float64 {
	for _, kv := range strings.Split(settings, ";") {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			f, err := strconv.ParseFloat(v, 64)
			if err == nil {
				return f
			}
		}
	}
	return 0
}

// setEnds records in every run of recs (all the runs of an experiment, or
// of a shard's merge) the cause of its end (Record.End), as the final
// rewrite of a results folder writes it.
func setEnds(plan *Plan, recs []*Record) {
	for i, c := range EndCauses(plan, recs) {
		recs[i].End = string(c)
	}
}
