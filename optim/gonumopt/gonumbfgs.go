// Adapted from gonum.org/v1/gonum/optimize v0.17.0 (bfgs.go, local.go),
// Copyright ©2014 The Gonum Authors, BSD-3-Clause; see optim/LICENSE-gonum.

package gonumopt

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// bfgsMethod is a port of gonum's optimize.BFGS with GradStopThreshold NaN
// (the gradient-norm test disabled) and the default Bisection line search.
// It exists because gonum's BFGS allocates at every major iteration
// (mat.NewVecDense around loc.X, loc.Gradient and the direction in
// NextDirection), and optbench's optimizers must not allocate in Step.
//
// The port performs the same mat operations on the same data in the same
// order: where gonum wraps a slice in a new VecDense, bfgsMethod points one
// of its own VecDense fields at the slice with SetRawVector, and the
// inverse Hessian and the difference vectors live in storage reserved by
// Init. So every Task it sends (operation, location, hence every evaluation
// and major iteration) is bitwise that of gonum's BFGS; TestBFGSPortMatches
// checks this against optimize.BFGS on several problems and seeds, up to
// the line search failures at the precision limit.
//
// Like gonum's BFGS it is a NextDirectioner driven by gonum's
// LinesearchMethod; Run is a port of gonum's driver of local methods
// (local.go's localOptimizer.run, unexported). LinesearchMethod sizes its
// two work slices in the first Step of a run, so a fresh bfgsMethod
// allocates there; Gonum reuses its method across Inits, after which only
// a larger dimension allocates again.
type bfgsMethod struct {
	ls  optimize.LinesearchMethod
	bis optimize.Bisection

	status optimize.Status
	err    error

	dim  int
	x    mat.VecDense // location of the last major iteration
	grad mat.VecDense // gradient at the last major iteration
	s    mat.VecDense // difference between locations in this and the previous iteration
	y    mat.VecDense // difference between gradients in this and the previous iteration
	tmp  mat.VecDense

	invHess mat.SymDense
	hess    []float64 // storage of invHess

	// Views of loc.X, loc.Gradient and the search direction, in place of
	// gonum's mat.NewVecDense(dim, …).
	xv, gv, dv mat.VecDense

	first bool // first iteration
}

var (
	_ optimize.Method          = (*bfgsMethod)(nil)
	_ optimize.Statuser        = (*bfgsMethod)(nil)
	_ optimize.NextDirectioner = (*bfgsMethod)(nil)
)

// Status implements optimize.Statuser: it returns the status and error with
// which Run ended (optimize.NotTerminated and nil while it runs).
func (b *bfgsMethod) Status() (optimize.Status, error) {
	return b.status, b.err
}

// Uses implements optimize.Method: BFGS needs the gradient.
func (*bfgsMethod) Uses(has optimize.Available) (optimize.Available, error) {
	if !has.Grad {
		return optimize.Available{}, optimize.ErrMissingGrad
	}
	return optimize.Available{Grad: true}, nil
}

// Init implements optimize.Method. It reserves the storage of a run in
// dimension dim and asks for one concurrent task.
func (b *bfgsMethod) Init(dim, tasks int) int {
	b.status = optimize.NotTerminated
	b.err = nil
	b.reserve(dim)
	return 1
}

// reserve gives x, grad, s, y, tmp and the inverse Hessian the capacity
// for dimension dim, which gonum's BFGS allocates during the run.
func (b *bfgsMethod) reserve(dim int) {
	for _, v := range []*mat.VecDense{&b.x, &b.grad, &b.s, &b.y, &b.tmp} {
		if cap(v.RawVector().Data) < dim {
			v.SetRawVector(blas64.Vector{N: dim, Inc: 1, Data: make([]float64, dim)})
		}
	}
	if cap(b.hess) < dim*dim {
		b.hess = make([]float64, dim*dim)
	}
}

// Run implements optimize.Method: it runs the optimization and closes
// operation when it ends.
func (b *bfgsMethod) Run(operation chan<- optimize.Task, result <-chan optimize.Task, tasks []optimize.Task) {
	b.status, b.err = b.run(operation, result, tasks)
	close(operation)
}

// run is gonum's localOptimizer.run for BFGS with gradThresh NaN, under
// which its gradient-norm tests never stop the run. The caller must close
// operation afterwards.
func (b *bfgsMethod) run(operation chan<- optimize.Task, result <-chan optimize.Task, tasks []optimize.Task) (optimize.Status, error) {
	// Local methods start with a fully-specified initial location.
	task := tasks[0]
	task = bfgsInitialLocation(operation, result, task)
	if task.Op == optimize.PostIteration {
		bfgsFinish(result)
		return optimize.NotTerminated, nil
	}
	status, err := bfgsCheckStartingLocation(task)
	if err != nil {
		bfgsFinishMethodDone(operation, result, task)
		return status, err
	}

	// Send a major iteration with the starting location.
	task.Op = optimize.MajorIteration
	operation <- task
	task = <-result
	if task.Op == optimize.PostIteration {
		bfgsFinish(result)
		return optimize.NotTerminated, nil
	}
	op, err := b.initLocal(task.Location)
	if err != nil {
		bfgsFinishMethodDone(operation, result, task)
		return optimize.Failure, err
	}
	task.Op = op
	operation <- task
Loop:
	for {
		r := <-result
		switch r.Op {
		case optimize.PostIteration:
			break Loop
		case optimize.MajorIteration:
			// Here local.go checks the gradient norm against gradThresh;
			// with gradThresh NaN the check never stops the run.
			fallthrough
		default:
			op, err := b.iterateLocal(r.Location)
			if err != nil {
				bfgsFinishMethodDone(operation, result, r)
				return optimize.Failure, err
			}
			r.Op = op
			operation <- r
		}
	}
	bfgsFinish(result)
	return optimize.NotTerminated, nil
}

// bfgsInitialLocation is local.go's initialLocation for a method that needs
// the gradient but not the Hessian: it asks for F and ∇F at the start,
// unless task.Op says they are given, and returns the answer.
func bfgsInitialLocation(operation chan<- optimize.Task, result <-chan optimize.Task, task optimize.Task) optimize.Task {
	var newOp optimize.Operation
	op := task.Op
	if op&optimize.FuncEvaluation == 0 {
		newOp |= optimize.FuncEvaluation
	}
	if op&optimize.GradEvaluation == 0 {
		newOp |= optimize.GradEvaluation
	}
	task.Op = newOp
	operation <- task
	return <-result
}

// bfgsCheckStartingLocation is local.go's checkStartingLocation with
// gradThresh NaN: it fails on a non-finite F (except −∞) or gradient.
func bfgsCheckStartingLocation(task optimize.Task) (optimize.Status, error) {
	if math.IsInf(task.F, 1) || math.IsNaN(task.F) {
		return optimize.Failure, optimize.ErrFunc(task.F)
	}
	for i, v := range task.Gradient {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return optimize.Failure, optimize.ErrGrad{Grad: v, Index: i}
		}
	}
	return optimize.NotTerminated, nil
}

// bfgsFinish is local.go's finish: it reads result until it is closed, so
// that result is closed before the caller closes operation.
func bfgsFinish(result <-chan optimize.Task) {
	for range result {
	}
}

// bfgsFinishMethodDone is local.go's finishMethodDone: it sends MethodDone,
// expects PostIteration in answer and finishes.
func bfgsFinishMethodDone(operation chan<- optimize.Task, result <-chan optimize.Task, task optimize.Task) {
	task.Op = optimize.MethodDone
	operation <- task
	task = <-result
	if task.Op != optimize.PostIteration {
		panic("optimize: task should have returned post iteration")
	}
	bfgsFinish(result)
}

// initLocal is BFGS.initLocal: it starts gonum's LinesearchMethod with b
// as the NextDirectioner and a Bisection line search at loc.
func (b *bfgsMethod) initLocal(loc *optimize.Location) (optimize.Operation, error) {
	b.ls.Linesearcher = &b.bis
	b.ls.NextDirectioner = b
	return b.ls.Init(loc)
}

// iterateLocal is BFGS.iterateLocal.
func (b *bfgsMethod) iterateLocal(loc *optimize.Location) (optimize.Operation, error) {
	return b.ls.Iterate(loc)
}

// InitDirection implements optimize.NextDirectioner as BFGS.InitDirection:
// the first direction is −∇F, with step 1/‖∇F‖.
func (b *bfgsMethod) InitDirection(loc *optimize.Location, dir []float64) (stepSize float64) {
	dim := len(loc.X)
	b.dim = dim
	b.first = true
	b.reserve(dim)

	b.xv.SetRawVector(blas64.Vector{N: dim, Inc: 1, Data: loc.X})
	b.gv.SetRawVector(blas64.Vector{N: dim, Inc: 1, Data: loc.Gradient})
	b.x.CloneFromVec(&b.xv)
	b.grad.CloneFromVec(&b.gv)

	b.y.Reset()
	b.s.Reset()
	b.tmp.Reset()

	// gonum reuses the storage of the inverse Hessian, or allocates it.
	b.invHess.SetRawSymmetric(blas64.Symmetric{N: dim, Stride: dim, Uplo: blas.Upper, Data: b.hess[:dim*dim]})
	// The values of the inverse Hessian are initialized in the first call to
	// NextDirection.

	// Initial direction is just negative of the gradient because the Hessian
	// is an identity matrix.
	b.dv.SetRawVector(blas64.Vector{N: dim, Inc: 1, Data: dir})
	b.dv.ScaleVec(-1, &b.gv)
	return 1 / mat.Norm(&b.dv, 2)
}

// NextDirection implements optimize.NextDirectioner as
// BFGS.NextDirection: it updates the inverse Hessian with the last step and
// sets dir to the quasi-Newton direction, with step 1.
func (b *bfgsMethod) NextDirection(loc *optimize.Location, dir []float64) (stepSize float64) {
	dim := b.dim
	if len(loc.X) != dim {
		panic("bfgs: unexpected size mismatch")
	}
	if len(loc.Gradient) != dim {
		panic("bfgs: unexpected size mismatch")
	}
	if len(dir) != dim {
		panic("bfgs: unexpected size mismatch")
	}

	x, grad := &b.xv, &b.gv
	x.SetRawVector(blas64.Vector{N: dim, Inc: 1, Data: loc.X})
	grad.SetRawVector(blas64.Vector{N: dim, Inc: 1, Data: loc.Gradient})

	// s = x_{k+1} - x_{k}
	b.s.SubVec(x, &b.x)
	// y = g_{k+1} - g_{k}
	b.y.SubVec(grad, &b.grad)

	sDotY := mat.Dot(&b.s, &b.y)

	if b.first {
		// Rescale the initial Hessian.
		// From: Nocedal, J., Wright, S.: Numerical Optimization (2nd ed).
		//       Springer (2006), page 143, eq. 6.20.
		yDotY := mat.Dot(&b.y, &b.y)
		scale := sDotY / yDotY
		for i := 0; i < dim; i++ {
			for j := i; j < dim; j++ {
				if i == j {
					b.invHess.SetSym(i, i, scale)
				} else {
					b.invHess.SetSym(i, j, 0)
				}
			}
		}
		b.first = false
	}

	if math.Abs(sDotY) != 0 {
		// Update the inverse Hessian according to the formula
		//
		//  B_{k+1}^-1 = B_k^-1
		//             + (s_kᵀ y_k + y_kᵀ B_k^-1 y_k) / (s_kᵀ y_k)^2 * (s_k s_kᵀ)
		//             - (B_k^-1 y_k s_kᵀ + s_k y_kᵀ B_k^-1) / (s_kᵀ y_k).
		//
		// Note that y_kᵀ B_k^-1 y_k is a scalar, and that the third term is a
		// rank-two update where B_k^-1 y_k is one vector and s_k is the other.
		yBy := mat.Inner(&b.y, &b.invHess, &b.y)
		b.tmp.MulVec(&b.invHess, &b.y)
		scale := (1 + yBy/sDotY) / sDotY
		b.invHess.SymRankOne(&b.invHess, scale, &b.s)
		b.invHess.RankTwo(&b.invHess, -1/sDotY, &b.tmp, &b.s)
	}

	// Update the stored BFGS data.
	b.x.CopyVec(x)
	b.grad.CopyVec(grad)

	// New direction is stored in dir.
	d := &b.dv
	d.SetRawVector(blas64.Vector{N: dim, Inc: 1, Data: dir})
	d.MulVec(&b.invHess, grad)
	d.ScaleVec(-1, d)

	return 1
}
