package optim

import (
	"math"
	"math/rand/v2"
)

// The defaults of GAOf's settings, used for zero fields.
const (
	DefaultGAPopulation    = 50
	DefaultGAElite         = 2
	DefaultGATournament    = 3
	DefaultGACrossoverRate = 0.9
	DefaultGAAlpha         = 0.5
	DefaultGAMutationRate  = 0.1
	DefaultGAMutationSigma = 0.1
	DefaultGAInitRange     = 1 // the tutorial's [-1, 1]
)

// GAOf is a real-coded genetic algorithm over the flat parameter vector. Each
// generation keeps the Elite best individuals unchanged (they are not
// re-evaluated), then fills the rest of the population with children of
// parents chosen by tournament selection: with probability CrossoverRate two
// parents are recombined by BLX-α crossover (each gene drawn uniformly from
// [lo − α·d, hi + α·d], d = hi − lo, Eshelman & Schaffer 1993), otherwise the
// children are copies of the parents; every gene of a child then mutates with
// probability MutationRate by adding MutationSigma·N(0, 1). Only children
// that differ from a parent are evaluated, so the evaluations of a generation
// are the individuals actually evaluated. The best individual's loss never
// gets worse from one generation to the next.
//
// The first individual of the initial population is the starting point x;
// the others are drawn uniformly from [-InitRange, InitRange] per gene.
// The zero value is usable: every zero setting means its default.
type GAOf[T Float] struct {
	// Population is the number of individuals (≥ 2). If 0, DefaultGAPopulation is used.
	Population int
	// Elite is the number of best individuals copied unchanged into the next
	// generation (1 ≤ Elite < Population). If 0, DefaultGAElite is used.
	Elite int
	// Tournament is the tournament size (≥ 1; aspirants are drawn with
	// replacement, as in DEAP's selTournament). If 0, DefaultGATournament is used.
	Tournament int
	// CrossoverRate is the probability that a pair of parents is recombined,
	// in [0, 1]. If 0, DefaultGACrossoverRate is used; a negative value means no crossover.
	CrossoverRate float64
	// Alpha is BLX-α's extension of the parents' interval (≥ 0). If 0,
	// DefaultGAAlpha is used; a negative value means α = 0 (arithmetic crossover).
	Alpha float64
	// MutationRate is the probability that each gene mutates, in [0, 1].
	// If 0, DefaultGAMutationRate is used; a negative value means no mutation.
	MutationRate float64
	// MutationSigma is the standard deviation of the Gaussian mutation
	// (> 0). If 0, DefaultGAMutationSigma is used.
	MutationSigma float64
	// InitRange is the half-width of the uniform initial population (> 0).
	// If 0, DefaultGAInitRange is used.
	InitRange float64

	obj                         ObjectiveOf[T]
	rnd                         *rand.Rand
	pop, next                   []T // population × dim, row-major
	fit, nextFit                []T
	elite                       []int
	n, dim, elites, tour        int
	cx, alpha, mut, sigma, init float64
	best                        int
	inited, diverged            bool
}

// GA is the float64 GAOf.
type GA = GAOf[float64]

var (
	_ Optimizer            = (*GA)(nil)
	_ OptimizerOf[float32] = (*GAOf[float32])(nil)
)

// Check reports whether the settings are valid (a *SettingError if not)
// without evaluating anything; Init runs the same check.
func (ga *GAOf[T]) Check() error { return ga.resolve() }

func (ga *GAOf[T]) resolve() error {
	defInt := func(v, d int) int {
		if v == 0 {
			return d
		}
		return v
	}
	defF := func(v, d, neg float64) float64 {
		if v == 0 {
			return d
		}
		if v < 0 {
			return neg
		}
		return v
	}
	ga.n = defInt(ga.Population, DefaultGAPopulation)
	ga.elites = defInt(ga.Elite, DefaultGAElite)
	ga.tour = defInt(ga.Tournament, DefaultGATournament)
	ga.cx = defF(ga.CrossoverRate, DefaultGACrossoverRate, 0)
	ga.alpha = defF(ga.Alpha, DefaultGAAlpha, 0)
	ga.mut = defF(ga.MutationRate, DefaultGAMutationRate, 0)
	ga.sigma = ga.MutationSigma
	if ga.sigma == 0 {
		ga.sigma = DefaultGAMutationSigma
	}
	ga.init = ga.InitRange
	if ga.init == 0 {
		ga.init = DefaultGAInitRange
	}
	switch {
	case ga.n < 2 || ga.n > 1<<20:
		return &SettingError{"ga.population", float64(ga.Population), "an integer in [2, 2^20]"}
	case ga.elites < 1 || ga.elites >= ga.n:
		return &SettingError{"ga.elite", float64(ga.Elite), "an integer ≥ 1 and < population"}
	case ga.tour < 1 || ga.tour > ga.n:
		return &SettingError{"ga.tournament", float64(ga.Tournament), "an integer in [1, population]"}
	case math.IsNaN(ga.cx) || ga.cx > 1:
		return &SettingError{"ga.crossover", ga.CrossoverRate, "a probability in [0, 1]"}
	case math.IsNaN(ga.alpha) || math.IsInf(ga.alpha, 0):
		return &SettingError{"ga.alpha", ga.Alpha, "a finite number ≥ 0"}
	case math.IsNaN(ga.mut) || ga.mut > 1:
		return &SettingError{"ga.mutation", ga.MutationRate, "a probability in [0, 1]"}
	case !(ga.sigma > 0) || math.IsInf(ga.sigma, 0):
		return &SettingError{"ga.sigma", ga.MutationSigma, "a finite number > 0"}
	case !(ga.init > 0) || math.IsInf(ga.init, 0):
		return &SettingError{"ga.init-range", ga.InitRange, "a finite number > 0"}
	}
	return nil
}

// Init implements Optimizer. It evaluates the whole initial population.
func (ga *GAOf[T]) Init(obj ObjectiveOf[T], x []T, rnd *rand.Rand) (T, error) {
	ga.inited = false
	if err := ga.resolve(); err != nil {
		return 0, err
	}
	if rnd == nil {
		return 0, &SettingError{"ga.rand", 0, "a non-nil *rand.Rand"}
	}
	d := obj.Dim()
	if len(x) != d {
		return 0, &DimError{len(x), d}
	}
	ga.obj, ga.rnd, ga.dim = obj, rnd, d
	ga.pop, ga.next = resize(ga.pop, ga.n*d), resize(ga.next, ga.n*d)
	ga.fit, ga.nextFit = resize(ga.fit, ga.n), resize(ga.nextFit, ga.n)
	if cap(ga.elite) < ga.elites {
		ga.elite = make([]int, ga.elites)
	}
	ga.elite = ga.elite[:ga.elites]
	copy(ga.pop, x)
	for i := d; i < len(ga.pop); i++ {
		ga.pop[i] = T(ga.init * (2*rnd.Float64() - 1))
	}
	for k := 0; k < ga.n; k++ {
		ga.fit[k] = ga.eval(ga.pop[k*d : (k+1)*d])
	}
	ga.best = argmin(ga.fit)
	ga.inited = true
	ga.diverged = !finite(ga.fit[ga.best])
	copy(x, ga.pop[ga.best*d:(ga.best+1)*d])
	if ga.diverged {
		return ga.fit[ga.best], ErrDiverged
	}
	return ga.fit[ga.best], nil
}

// eval returns the loss of one individual, with non-finite losses (and
// individuals with non-finite genes) ranked as +Inf, the worst.
func (ga *GAOf[T]) eval(ind []T) T {
	var chk T
	for _, v := range ind {
		chk += v * 0
	}
	if chk != 0 {
		return T(math.Inf(1))
	}
	f := ga.obj.Loss(ind)
	if f != f {
		return T(math.Inf(1))
	}
	return f
}

func argmin[T Float](f []T) int {
	b := 0
	for i, v := range f {
		if v < f[b] {
			b = i
		}
	}
	return b
}

// tournament returns the index of the best of tour aspirants drawn with
// replacement from the n individuals with losses fit.
//
// The comparisons are made on orderKey, without a branch on their outcome,
// which is random and would be mispredicted half the time.
func tournament[T Float](rnd *rand.Rand, fit []T, tour int) int {
	n := len(fit)
	w := rnd.IntN(n)
	kw := orderKey(fit[w])
	for k := 1; k < tour; k++ {
		c := rnd.IntN(n)
		if kc := orderKey(fit[c]); kc < kw {
			w, kw = c, kc
		}
	}
	return w
}

// orderKey maps a loss to an integer with the same order: for non-NaN
// values u < v exactly when orderKey(u) < orderKey(v), −0 and +0 having
// the same key (fit holds no NaN: eval ranks NaN losses as +Inf).
func orderKey[T Float](v T) uint64 {
	b := math.Float64bits(float64(v) + 0) // −0 + 0 = +0
	return b ^ (uint64(int64(b)>>63) | 1<<63)
}

// selectElite stores the indices of the ga.elites best individuals in
// ga.elite, best first (ties broken by lower index). It makes one pass,
// inserting each individual into the sorted list of the best ones so far;
// an individual goes before another only when its loss is strictly lower,
// and the indices come in increasing order, so ties keep the lower index
// first.
func (ga *GAOf[T]) selectElite() {
	elite, fit := ga.elite, ga.fit
	k := 0 // elite[:k] is sorted
	for i, v := range fit {
		if k == len(elite) {
			if !(v < fit[elite[k-1]]) {
				continue
			}
			k--
		}
		j := k
		for j > 0 && v < fit[elite[j-1]] {
			elite[j] = elite[j-1]
			j--
		}
		elite[j] = i
		k++
	}
}

// mutate applies Gaussian mutation to child and reports whether any gene
// changed.
func (ga *GAOf[T]) mutate(child []T) bool {
	mut := ga.mut
	if mut == 0 {
		return false
	}
	rnd, sigma := ga.rnd, T(ga.sigma)
	changed := false
	for i := range child {
		if rnd.Float64() < mut {
			child[i] += sigma * T(rnd.NormFloat64())
			changed = true
		}
	}
	return changed
}

// Step implements Optimizer: one generation.
func (ga *GAOf[T]) Step(x []T) (T, error) {
	if !ga.inited {
		return 0, ErrNotInitialized
	}
	d := ga.dim
	if ga.diverged {
		return ga.fit[ga.best], ErrDiverged
	}
	if len(x) != d {
		return 0, &DimError{len(x), d}
	}
	ga.selectElite()
	n := ga.n
	pop, next := ga.pop[:n*d], ga.next[:n*d]
	fit, nextFit := ga.fit[:n], ga.nextFit[:n]
	for e, k := range ga.elite {
		copy(next[e*d:(e+1)*d], pop[k*d:(k+1)*d])
		nextFit[e] = fit[k]
	}
	rnd, tour, cx := ga.rnd, ga.tour, ga.cx
	alpha := T(ga.alpha)
	widen := 1 + 2*alpha
	for c := ga.elites; c < n; c += 2 {
		p1, p2 := tournament(rnd, fit, tour), tournament(rnd, fit, tour)
		a, b := pop[p1*d:(p1+1)*d], pop[p2*d:(p2+1)*d]
		c1 := next[c*d : (c+1)*d]
		var c2 []T
		if c+1 < n {
			c2 = next[(c+1)*d : (c+2)*d]
		}
		crossed := cx > 0 && rnd.Float64() < cx
		if crossed {
			b := b[:len(a)]
			c1 := c1[:len(a)]
			if c2 != nil {
				c2 := c2[:len(a)]
				for i, lo := range a {
					hi := b[i]
					if lo > hi {
						lo, hi = hi, lo
					}
					span := hi - lo
					base, width := lo-alpha*span, widen*span
					c1[i] = base + width*T(rnd.Float64())
					c2[i] = base + width*T(rnd.Float64())
				}
			} else {
				for i, lo := range a {
					hi := b[i]
					if lo > hi {
						lo, hi = hi, lo
					}
					span := hi - lo
					base, width := lo-alpha*span, widen*span
					c1[i] = base + width*T(rnd.Float64())
				}
			}
		} else {
			copy(c1, a)
			if c2 != nil {
				copy(c2, b)
			}
		}
		if ga.mutate(c1) || crossed {
			nextFit[c] = ga.eval(c1)
		} else {
			nextFit[c] = fit[p1]
		}
		if c2 != nil {
			if ga.mutate(c2) || crossed {
				nextFit[c+1] = ga.eval(c2)
			} else {
				nextFit[c+1] = fit[p2]
			}
		}
	}
	ga.pop, ga.next = ga.next, ga.pop
	ga.fit, ga.nextFit = ga.nextFit, ga.fit
	ga.best = argmin(ga.fit)
	copy(x, ga.pop[ga.best*d:(ga.best+1)*d])
	return ga.fit[ga.best], nil
}

// Best returns the loss of the best individual of the current population.
func (ga *GAOf[T]) Best() T { return ga.fit[ga.best] }
