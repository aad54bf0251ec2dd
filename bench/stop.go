package bench

import (
	"math"
	"time"
)

// The stopping rules of a run, small concrete types the driver (Execute)
// composes, as gonum's optimize.Converger is composed by optimize.Minimize:
// BudgetRule ends a run that has used its budget, PlateauRule one whose best
// loss stopped improving, and TargetTracker records the first hit of each
// target and says when every one is reached. They are concrete (not behind
// an interface) so that their checks inline into the run's loop.

// BudgetRule ends a run once it has made Iters iterations or, when Evals is
// positive, spent Evals loss evaluations.
type BudgetRule struct {
	Iters, Evals int
}

// IterDone reports whether a run that has made it iterations has used its
// iteration budget.
func (b BudgetRule) IterDone(it int) bool { return it >= b.Iters }

// EvalsDone reports whether a run that has spent evals loss evaluations
// has used its evaluation budget.
func (b BudgetRule) EvalsDone(evals int) bool { return b.Evals > 0 && evals >= b.Evals }

// PlateauRule ends a run whose best loss has stopped improving: once its
// Steps have spent e ≥ e₀ + max(Min, e₀) loss evaluations, where e₀ is what
// they had spent when the best loss last fell by more than a relative
// relImprove (see Config.PlateauMin). Min ≤ 0 disables it. The zero value
// (after Start) never stops.
type PlateauRule struct {
	Min int

	ref             float64 // the best loss at the last improvement
	tImp, eImp, ini int     // iteration and Steps' evaluations then; Init's evaluations
}

// Start begins a run at loss, after Init spent initEvals evaluations.
func (p *PlateauRule) Start(loss float64, initEvals int) {
	p.ref, p.tImp, p.eImp, p.ini = loss, 0, 0, initEvals
}

// Observe records the loss after iteration it, when the run has spent evals
// loss evaluations in all.
func (p *PlateauRule) Observe(loss float64, it, evals int) {
	if loss < p.ref*(1-relImprove) {
		p.ref, p.tImp, p.eImp = loss, it, evals-p.ini
	}
}

// Done reports whether the run, having spent evals loss evaluations in
// all, is on a plateau.
func (p *PlateauRule) Done(evals int) bool {
	e := evals - p.ini
	return p.Min > 0 && e-p.eImp >= max(p.Min, p.eImp)
}

// Floor returns the plateau's floor, the best loss at the last
// improvement, and the iteration it was reached at.
func (p *PlateauRule) Floor() (float64, int) { return p.ref, p.tImp }

// TargetTracker records the first hit of each target that applies to a
// problem, in AllTargets' order. Loss targets are checked against the
// excess loss (loss − EStar); the parameter and classification targets are
// checked by the functions the driver gives, only while pending.
type TargetTracker struct {
	// EStar is subtracted from the loss before the loss targets' levels
	// (OptimumLoss; 0 on most problems).
	EStar float64
	// ParamError returns the parameters' distance from the optimum.
	ParamError func() float64
	// Classified reports whether every output is on the right side of 0.5
	// at a loss below 0.25 (the driver knows when it is sure).
	Classified func(loss float64) bool

	targets              []Target
	hits                 []Hit     // the record's, one per target
	start                time.Time // the run's start, for the hits' seconds
	loss                 []int     // indices of the applicable loss targets, by falling level
	param, class         int       // index of the parameter and classification targets, -1 if none
	next                 int       // position in loss of the next level
	nextLoss             float64
	paramPend, classPend bool
	pending              int
}

// newTargetTracker returns a tracker of the targets that apply to the
// problem (applies says which), recording the first hit of target i in
// hits[i] with the seconds since start.
func newTargetTracker(targets []Target, applies func(Target) bool, hits []Hit, start time.Time) *TargetTracker {
	t := &TargetTracker{targets: targets, hits: hits, start: start, param: -1, class: -1, nextLoss: math.Inf(-1)}
	for i, tg := range targets {
		if !applies(tg) {
			continue
		}
		switch tg.Kind {
		case LossTarget:
			t.loss = append(t.loss, i)
		case ParamTarget:
			t.param = i
		case ClassTarget:
			t.class = i
		}
	}
	t.pending = len(t.loss)
	if t.param >= 0 {
		t.pending++
	}
	if t.class >= 0 {
		t.pending++
	}
	t.paramPend, t.classPend = t.param >= 0, t.class >= 0
	return t
}

// Possible reports whether loss could be a hit, so that the driver calls
// Check only then: it reaches the next loss level, or the parameter or
// classification target is pending (the latter only below 0.25).
func (t *TargetTracker) Possible(loss float64) bool {
	return loss-t.EStar <= t.nextLoss || t.paramPend || t.classPend && loss < 0.25
}

// hit records target i's first hit at iteration it after evals loss
// evaluations.
func (t *TargetTracker) hit(i, it, evals int) {
	t.hits[i] = Hit{Iter: it, Evals: evals, Seconds: time.Since(t.start).Seconds()}
	t.pending--
}

// Check records the hits at loss, after iteration it and evals loss
// evaluations, and reports whether every target has been reached.
func (t *TargetTracker) Check(loss float64, it, evals int) bool {
	for t.next < len(t.loss) && loss-t.EStar <= t.targets[t.loss[t.next]].Value {
		t.hit(t.loss[t.next], it, evals)
		t.next++
	}
	if t.nextLoss = math.Inf(-1); t.next < len(t.loss) {
		t.nextLoss = t.targets[t.loss[t.next]].Value
	}
	if t.paramPend && t.ParamError() <= ParamTolerance {
		t.hit(t.param, it, evals)
		t.paramPend = false
	}
	if t.classPend && loss < 0.25 && t.Classified(loss) {
		t.hit(t.class, it, evals)
		t.classPend = false
	}
	return t.pending == 0
}
