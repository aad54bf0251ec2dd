// Adapted from gonum.org/v1/gonum/optimize v0.17.0 (cmaes.go), mat v0.17.0
// (cholesky.go: Cholesky.SymRankOne; triangular.go: TriDense.SolveTo) and
// stat/distmv v0.17.0 (normal.go: NormalRand, transformNormal), Copyright
// ©2013, ©2015, ©2017 The Gonum Authors, BSD-3-Clause; see
// optim/LICENSE-gonum.

package gonumopt

import (
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// cmaesChol is a port of gonum's optimize.CmaEsChol (CMA-ES with a Cholesky
// factor of the covariance) restricted to the settings optbench uses:
// Population, InitStepSize and Src, with InitCholesky nil (the identity),
// ForgetBest false and StopLogDet 0 (the default dim·ln(1e-16)). It exists
// because gonum's CmaEsChol allocates 37–160 times per generation
// (seed3 37, xor 82, parity4 100, spirals 160): its update makes five slices and
// three VecDenses and sorts through a new interface value,
// distmv.NormalRand builds a rand.Rand and a VecDense workspace per sample,
// and Cholesky.SymRankOne and the triangular solve take work slices from
// sync.Pools whose Put allocates; optbench's optimizers must not allocate
// in Step. A Step of Gonum's "cmaes" also takes about a third of the time
// it took with CmaEsChol (BenchmarkStep on xor, parity4 and spirals).
//
// The port performs the same arithmetic in the same order, through the same
// gonum routines, on storage reserved by Init, so every Task it sends (each
// sample, each evaluation, each major iteration) and its Status are bitwise
// those of gonum's CmaEsChol given the same Src; TestCMAESPortMatches checks
// this against optimize.CmaEsChol. Where gonum differs only in where it
// keeps intermediate values, the port:
//   - samples with one *rand.Rand built from Src by Init (a rand.Rand holds
//     no state besides its Source, so its draws are those of NormalRand's
//     rand.New(src) per sample) and transforms x = mean + Uᵀz in place with
//     blas64.Trmv and floats.Add, which is what transformNormal's
//     VecDense.MulVec(U.T(), ·) does through a workspace;
//   - sorts a preallocated index slice with sort.Sort and the same Less and
//     Swap as gonum's bestSorter, hence the same permutation, ties included;
//   - solves Uᵀt = m' − m with lapack64.Trtrs and estimates U's condition
//     with lapack64.Trcon, the calls of TriDense.SolveTo behind
//     VecDense.SolveVec, returning the same errors;
//   - updates the Cholesky factor with cholRankOne, a port of the rank-one
//     update of mat.Cholesky.SymRankOne (same Givens rotations) that skips
//     its condition-number estimate, which CMA-ES never reads.
type cmaesChol struct {
	// InitStepSize is the initial step size σ0; 0 means 0.5.
	InitStepSize float64
	// Population is the population size; 0 means 4 + ⌊3·ln(dim)⌋.
	Population int
	// Src is the source of the samples' normal draws; nil means the global
	// generator of math/rand/v2.
	Src rand.Source

	// Fixed algorithm parameters.
	dim                 int
	pop                 int
	weights             []float64
	muEff               float64
	cc, cs, c1, cmu, ds float64
	eChi                float64

	// Function data: xs holds the samples, row i at xs[i*dim:(i+1)*dim].
	xs []float64
	fs []float64

	// Adaptive algorithm parameters.
	invSigma float64 // inverse of the sigma parameter
	pc, ps   []float64
	mean     []float64
	chol     mat.Cholesky
	u        blas64.Triangular // chol's upper triangle, sharing its storage

	// Overall best.
	bestX []float64
	bestF float64

	// Synchronization.
	sentIdx     int
	receivedIdx int
	operation   chan<- optimize.Task
	updateErr   error

	// Storage reserved by Init for sampling and update.
	rnd      *rand.Rand
	sorter   cmaesSorter
	meanOld  []float64
	meanDiff []float64
	tmp      []float64
	work     []float64    // cholRankOne's scaled copy of x
	conWork  []float64    // Trcon's work, 3·dim
	conIWork []int        // Trcon's integer work, dim
	xVec     mat.VecDense // view for the (unreachable) downdate fallback
}

var (
	_ optimize.Method   = (*cmaesChol)(nil)
	_ optimize.Statuser = (*cmaesChol)(nil)
)

// cmaesStopLogDetPerDim is gonum's default StopLogDet per dimension,
// ln(1e-16) as gonum writes it.
const cmaesStopLogDetPerDim = -36.8413614879

// methodConverged reports MethodConverge once the log-determinant of the
// covariance falls below dim·ln(1e-16), as gonum's does with StopLogDet 0.
func (cma *cmaesChol) methodConverged() optimize.Status {
	sd := float64(cma.dim) * cmaesStopLogDetPerDim
	if cma.chol.LogDet() < sd {
		return optimize.MethodConverge
	}
	return optimize.NotTerminated
}

// Status returns the status of the method: Failure with the error of the
// triangular solve if an update failed, MethodConverge once the
// distribution has collapsed, NotTerminated otherwise.
func (cma *cmaesChol) Status() (optimize.Status, error) {
	if cma.updateErr != nil {
		return optimize.Failure, cma.updateErr
	}
	return cma.methodConverged(), nil
}

// Uses reports that the method needs only function values.
func (*cmaesChol) Uses(optimize.Available) (optimize.Available, error) {
	return optimize.Available{}, nil
}

// Init sets the fixed parameters for a problem of dimension dim, resets the
// adaptive ones and reserves all the storage that Run needs. It returns the
// number of concurrent tasks, min(tasks, population).
func (cma *cmaesChol) Init(dim, tasks int) int {
	if dim <= 0 {
		panic("optim: cmaes: dimension must be positive")
	}
	if tasks < 0 {
		panic("optim: cmaes: negative number of tasks")
	}

	// Set fixed algorithm parameters.
	// Parameter values are from https://arxiv.org/pdf/1604.00772.pdf .
	cma.dim = dim
	cma.pop = cma.Population
	n := float64(dim)
	if cma.pop == 0 {
		cma.pop = 4 + int(3*math.Log(n)) // Note the implicit floor.
	} else if cma.pop < 0 {
		panic("cma-es-chol: negative population size")
	}
	mu := cma.pop / 2
	cma.weights = resize(cma.weights, mu)
	for i := range cma.weights {
		v := math.Log(float64(mu)+0.5) - math.Log(float64(i)+1)
		cma.weights[i] = v
	}
	floats.Scale(1/floats.Sum(cma.weights), cma.weights)
	cma.muEff = 0
	for _, v := range cma.weights {
		cma.muEff += v * v
	}
	cma.muEff = 1 / cma.muEff

	cma.cc = (4 + cma.muEff/n) / (n + 4 + 2*cma.muEff/n)
	cma.cs = (cma.muEff + 2) / (n + cma.muEff + 5)
	cma.c1 = 2 / ((n+1.3)*(n+1.3) + cma.muEff)
	cma.cmu = math.Min(1-cma.c1, 2*(cma.muEff-2+1/cma.muEff)/((n+2)*(n+2)+cma.muEff))
	cma.ds = 1 + 2*math.Max(0, math.Sqrt((cma.muEff-1)/(n+1))-1) + cma.cs
	// E[chi] is taken from https://en.wikipedia.org/wiki/CMA-ES (there
	// listed as E[||N(0,1)||]).
	cma.eChi = math.Sqrt(n) * (1 - 1.0/(4*n) + 1/(21*n*n))

	// Allocate memory for function data.
	cma.xs = resize(cma.xs, cma.pop*dim)
	clear(cma.xs)
	cma.fs = resize(cma.fs, cma.pop)

	// Allocate and initialize adaptive parameters.
	cma.invSigma = 1 / cma.InitStepSize
	if cma.InitStepSize == 0 {
		cma.invSigma = 10.0 / 3
	} else if cma.InitStepSize < 0 {
		panic("cma-es-chol: negative initial step size")
	}
	cma.pc = resize(cma.pc, dim)
	clear(cma.pc)
	cma.ps = resize(cma.ps, dim)
	clear(cma.ps)
	cma.mean = resize(cma.mean, dim) // mean location initialized at the start of Run

	// Set the initial Cholesky to I.
	b := mat.NewDiagDense(dim, nil)
	for i := 0; i < dim; i++ {
		b.SetDiag(i, 1)
	}
	var chol mat.Cholesky
	ok := chol.Factorize(b)
	if !ok {
		panic("cma-es-chol: bad cholesky. shouldn't happen")
	}
	cma.chol = chol
	cma.u = cma.chol.RawU().(*mat.TriDense).RawTriangular()

	cma.bestX = resize(cma.bestX, dim)
	cma.bestF = math.Inf(1)

	cma.sentIdx = 0
	cma.receivedIdx = 0
	cma.operation = nil
	cma.updateErr = nil

	cma.rnd = nil
	if cma.Src != nil {
		cma.rnd = rand.New(cma.Src)
	}
	cma.sorter.f = resize(cma.sorter.f, cma.pop)
	if cap(cma.sorter.idx) < cma.pop {
		cma.sorter.idx = make([]int, cma.pop)
	}
	cma.sorter.idx = cma.sorter.idx[:cma.pop]
	cma.meanOld = resize(cma.meanOld, dim)
	cma.meanDiff = resize(cma.meanDiff, dim)
	cma.tmp = resize(cma.tmp, dim)
	cma.work = resize(cma.work, dim)
	cma.conWork = resize(cma.conWork, 3*dim)
	if cap(cma.conIWork) < dim {
		cma.conIWork = make([]int, dim)
	}
	cma.conIWork = cma.conIWork[:dim]
	return min(tasks, cma.pop)
}

// row returns sample i.
func (cma *cmaesChol) row(i int) []float64 {
	return cma.xs[i*cma.dim : (i+1)*cma.dim : (i+1)*cma.dim]
}

// sendInitTasks samples and sends one task per element of tasks.
func (cma *cmaesChol) sendInitTasks(tasks []optimize.Task) {
	for i, task := range tasks {
		cma.sendTask(i, task)
	}
	cma.sentIdx = len(tasks)
}

// sendTask generates sample idx and sends the task to evaluate it. It does
// not update the index of sent tasks.
func (cma *cmaesChol) sendTask(idx int, task optimize.Task) {
	task.ID = idx
	task.Op = optimize.FuncEvaluation
	cma.sample(cma.row(idx))
	copy(task.X, cma.row(idx))
	cma.operation <- task
}

// sample sets dst to a draw from N(mean, UᵀU), as distmv.NormalRand(dst,
// mean, &chol, Src) does: dim standard normal draws z, then dst = Uᵀz + mean.
func (cma *cmaesChol) sample(dst []float64) {
	if cma.rnd == nil {
		for i := range dst {
			dst[i] = rand.NormFloat64()
		}
	} else {
		for i := range dst {
			dst[i] = cma.rnd.NormFloat64()
		}
	}
	blas64.Trmv(blas.Trans, cma.u, blas64.Vector{N: len(dst), Data: dst, Inc: 1})
	floats.Add(dst, cma.mean)
}

// bestIdx returns the index of the best function value of the generation,
// or -1 if all values are NaN.
func (cma *cmaesChol) bestIdx() int {
	best := -1
	bestVal := math.Inf(1)
	for i, v := range cma.fs {
		if math.IsNaN(v) {
			continue
		}
		// Use equality in case somewhere evaluates to +inf.
		if v <= bestVal {
			best = i
			bestVal = v
		}
	}
	return best
}

// findBestAndUpdateTask updates the best location overall with the best of
// the generation and stores it into task.
func (cma *cmaesChol) findBestAndUpdateTask(task optimize.Task) optimize.Task {
	// Don't use floats because there may be NaN values.
	best := cma.bestIdx()
	bestF := math.NaN()
	bestX := cma.row(0)
	if best != -1 {
		bestF = cma.fs[best]
		bestX = cma.row(best)
	}
	if bestF < cma.bestF {
		cma.bestF = bestF
		copy(cma.bestX, bestX)
	}
	task.F = cma.bestF
	copy(task.X, cma.bestX)
	return task
}

// Run implements optimize.Method: it sends the population's evaluations,
// updates the distribution when all have come back, and sends a
// MajorIteration with the best location so far, or MethodDone when the
// update failed or the distribution has collapsed.
func (cma *cmaesChol) Run(operations chan<- optimize.Task, results <-chan optimize.Task, tasks []optimize.Task) {
	copy(cma.mean, tasks[0].X)
	cma.operation = operations
	// Send the initial tasks. We know there are at most as many tasks as elements
	// of the population.
	cma.sendInitTasks(tasks)

Loop:
	for {
		result := <-results
		switch result.Op {
		default:
			panic("unknown operation")
		case optimize.PostIteration:
			break Loop
		case optimize.MajorIteration:
			// The last thing we did was update all of the tasks and send the
			// major iteration. Now we can send a group of tasks again.
			cma.sendInitTasks(tasks)
		case optimize.FuncEvaluation:
			cma.receivedIdx++
			cma.fs[result.ID] = result.F
			switch {
			case cma.sentIdx < cma.pop:
				// There are still tasks to evaluate. Send the next.
				cma.sendTask(cma.sentIdx, result)
				cma.sentIdx++
			case cma.receivedIdx < cma.pop:
				// All the tasks have been sent, but not all of them have been received.
				// Need to wait until all are back.
				continue Loop
			default:
				// All of the evaluations have been received.
				if cma.receivedIdx != cma.pop {
					panic("bad logic")
				}
				cma.receivedIdx = 0
				cma.sentIdx = 0

				task := cma.findBestAndUpdateTask(result)
				// Update the parameters and send a MajorIteration or a convergence.
				err := cma.update()
				// Kill the existing data.
				for i := range cma.fs {
					cma.fs[i] = math.NaN()
					cma.xs[i*cma.dim] = math.NaN()
				}
				switch {
				case err != nil:
					cma.updateErr = err
					task.Op = optimize.MethodDone
				case cma.methodConverged() != optimize.NotTerminated:
					task.Op = optimize.MethodDone
				default:
					task.Op = optimize.MajorIteration
					task.ID = -1
				}
				operations <- task
			}
		}
	}

	// Been told to stop. Collect the outstanding results.
	for task := range results {
		switch task.Op {
		case optimize.MajorIteration:
		case optimize.FuncEvaluation:
			cma.fs[task.ID] = task.F
		default:
			panic("unknown operation")
		}
	}
	// Send the new best value if the evaluation is better than any we've
	// found so far.
	best := cma.bestIdx()
	if best != -1 && cma.fs[best] < cma.bestF {
		task := tasks[0]
		task.F = cma.fs[best]
		copy(task.X, cma.row(best))
		task.Op = optimize.MajorIteration
		task.ID = -1
		operations <- task
	}
	close(operations)
}

// update computes the new mean, evolution paths, Cholesky factor and step
// size from the generation's samples, as gonum's update does.
func (cma *cmaesChol) update() error {
	// Sort the function values to find the elite samples.
	copy(cma.sorter.f, cma.fs)
	indexes := cma.sorter.idx
	for i := range indexes {
		indexes[i] = i
	}
	sort.Sort(&cma.sorter)

	meanOld := cma.meanOld
	copy(meanOld, cma.mean)

	// m_{t+1} = \sum_{i=1}^mu w_i x_i
	for i := range cma.mean {
		cma.mean[i] = 0
	}
	for i, w := range cma.weights {
		idx := indexes[i]
		floats.AddScaled(cma.mean, w, cma.row(idx))
	}
	meanDiff := cma.meanDiff
	floats.SubTo(meanDiff, cma.mean, meanOld)

	// p_{c,t+1} = (1-c_c) p_{c,t} + \sqrt(c_c*(2-c_c)*mueff) (m_{t+1}-m_t)/sigma_t
	floats.Scale(1-cma.cc, cma.pc)
	scaleC := math.Sqrt(cma.cc*(2-cma.cc)*cma.muEff) * cma.invSigma
	floats.AddScaled(cma.pc, scaleC, meanDiff)

	// p_{sigma, t+1} = (1-c_sigma) p_{sigma,t} + \sqrt(c_s*(2-c_s)*mueff) A_t^-1 (m_{t+1}-m_t)/sigma_t
	floats.Scale(1-cma.cs, cma.ps)
	// First compute A_t^-1 (m_{t+1}-m_t), then add the scaled vector.
	tmp := cma.tmp
	if err := cma.solveUT(tmp, meanDiff); err != nil {
		return err
	}
	scaleS := math.Sqrt(cma.cs*(2-cma.cs)*cma.muEff) * cma.invSigma
	floats.AddScaled(cma.ps, scaleS, tmp)

	// Compute the update to A.
	scaleChol := 1 - cma.c1 - cma.cmu
	if scaleChol == 0 {
		scaleChol = math.SmallestNonzeroFloat64 // enough to kill the old data, but still non-zero.
	}
	cma.chol.Scale(scaleChol, &cma.chol)
	cma.cholRankOne(cma.c1, cma.pc)
	for i, w := range cma.weights {
		idx := indexes[i]
		floats.SubTo(tmp, cma.row(idx), meanOld)
		cma.cholRankOne(cma.cmu*w*cma.invSigma, tmp)
	}

	// sigma_{t+1} = sigma_t exp(c_sigma/d_sigma * norm(p_{sigma,t+1}/ E[chi] -1)
	normPs := floats.Norm(cma.ps, 2)
	cma.invSigma /= math.Exp(cma.cs / cma.ds * (normPs/cma.eChi - 1))
	return nil
}

// solveUT sets dst to the solution t of Uᵀt = b, as
// VecDense.SolveVec(chol.RawU().T(), b) does (TriDense.SolveTo): a
// triangular solve, mat.Condition(+Inf) if U is singular, then
// mat.Condition(c) if the estimate c of U's condition exceeds
// mat.ConditionTolerance (gonum compares Trcon's estimate of the reciprocal
// condition number, which is at most about 1, so this does not fire in
// practice; the port keeps the test).
func (cma *cmaesChol) solveUT(dst, b []float64) error {
	n := cma.dim
	copy(dst, b)
	if !lapack64.Trtrs(blas.Trans, cma.u, blas64.General{Rows: n, Cols: 1, Stride: 1, Data: dst}) {
		return mat.Condition(math.Inf(1))
	}
	// mat.CondNorm is lapack.MaxRowSum.
	cond := lapack64.Trcon(lapack.MaxRowSum, cma.u, cma.conWork, cma.conIWork)
	if cond > mat.ConditionTolerance {
		return mat.Condition(cond)
	}
	return nil
}

// cholRankOne updates the Cholesky factor U in place to that of
// UᵀU + alpha·x·xᵀ, as chol.SymRankOne(&chol, alpha, x) does, without the
// condition-number estimate that SymRankOne then computes (CMA-ES never
// reads it) and without allocating. alpha ≥ 0 in CMA-ES; a negative or NaN
// alpha (a downdate) is handed to SymRankOne itself.
//
// As gonum's, the update follows LINPACK's dchud (BSD license; Dongarra,
// Bunch, Moler, Stewart: LINPACK Users' Guide, SIAM 1979, pp. 10.10–10.14;
// Gill, Golub, Murray, Saunders: Methods for modifying matrix
// factorizations, Math. Comp. 28(126), 1974, method C3).
func (cma *cmaesChol) cholRankOne(alpha float64, x []float64) {
	if alpha == 0 {
		return
	}
	n := cma.dim
	if !(alpha > 0) {
		cma.xVec.SetRawVector(blas64.Vector{N: n, Data: x, Inc: 1})
		cma.chol.SymRankOne(&cma.chol, alpha, &cma.xVec)
		return
	}
	work := cma.work
	blas64.Copy(blas64.Vector{N: n, Data: x, Inc: 1}, blas64.Vector{N: n, Data: work, Inc: 1})
	// Compute rank-1 update.
	if alpha != 1 {
		blas64.Scal(math.Sqrt(alpha), blas64.Vector{N: n, Data: work, Inc: 1})
	}
	umat := cma.u
	stride := umat.Stride
	for i := 0; i < n; i++ {
		// Compute parameters of the Givens matrix that zeroes
		// the i-th element of x.
		c, s, r, _ := blas64.Rotg(umat.Data[i*stride+i], work[i])
		if r < 0 {
			// Multiply by -1 to have positive diagonal
			// elements.
			r *= -1
			c *= -1
			s *= -1
		}
		umat.Data[i*stride+i] = r
		if i < n-1 {
			// Multiply the extended factorization matrix by
			// the Givens matrix from the left. Only
			// the i-th row and x are modified.
			blas64.Rot(
				blas64.Vector{N: n - i - 1, Data: umat.Data[i*stride+i+1 : i*stride+n], Inc: 1},
				blas64.Vector{N: n - i - 1, Data: work[i+1 : n], Inc: 1},
				c, s)
		}
	}
}

// cmaesSorter sorts the generation's function values f and permutes the
// sample indices idx alike; sort.Sort with its Less and Swap makes the same
// permutation as with gonum's bestSorter. It is kept in cmaesChol so that
// sort.Sort(&cma.sorter) does not allocate.
type cmaesSorter struct {
	f   []float64
	idx []int
}

// Len returns the number of function values.
func (b *cmaesSorter) Len() int { return len(b.f) }

// Less reports whether f[i] < f[j].
func (b *cmaesSorter) Less(i, j int) bool { return b.f[i] < b.f[j] }

// Swap swaps the function values and indices i and j.
func (b *cmaesSorter) Swap(i, j int) {
	b.f[i], b.f[j] = b.f[j], b.f[i]
	b.idx[i], b.idx[j] = b.idx[j], b.idx[i]
}
