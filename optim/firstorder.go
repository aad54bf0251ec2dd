package optim

// firstOrder is the state every gradient optimizer here shares: the
// objective, the gradient at the current parameters (evaluated at the end of
// each Step and kept for the next one, so that the loss a Step returns is
// the loss at the parameters it leaves in x), a copy of the last finite
// parameters for divergence, and the life-cycle flags. Optimizers embed it
// and write only their update rule.
type firstOrder[T Float] struct {
	obj        ObjectiveOf[T]
	grad, last []T
	loss       T
	inited     bool
	diverged   bool
}

// start evaluates obj at x, after checking the length of x, and makes the
// optimizer ready to Step. The caller resets inited and checks its settings
// first, so that a failed Init never leaves a usable stale state.
func (f *firstOrder[T]) start(obj ObjectiveOf[T], x []T) (T, error) {
	n := obj.Dim()
	if len(x) != n {
		return 0, &DimError{len(x), n}
	}
	f.obj = obj
	f.grad, f.last = resize(f.grad, n), resize(f.last, n)
	f.loss = obj.Grad(f.grad, x)
	f.diverged = !finite(f.loss)
	f.inited = true
	if f.diverged {
		return f.loss, ErrDiverged
	}
	return f.loss, nil
}

// ready reports whether a Step may update x; when it may not, it returns
// the error (and loss) Step must return.
func (f *firstOrder[T]) ready(x []T) (T, error) {
	switch {
	case !f.inited:
		return 0, ErrNotInitialized
	case f.diverged:
		return f.loss, ErrDiverged
	case len(x) != len(f.grad):
		return 0, &DimError{len(x), len(f.grad)}
	}
	return 0, nil
}

// finish ends a Step whose update saved the old parameters in last: unless
// the update made a parameter non-finite (bad), it evaluates the loss and
// gradient at the new x. On a non-finite parameter or loss it restores x
// from last and reports divergence, now and at every later Step.
func (f *firstOrder[T]) finish(x []T, bad bool) (T, error) {
	if !bad {
		if loss := f.obj.Grad(f.grad, x); finite(loss) {
			f.loss = loss
			return loss, nil
		}
	}
	copy(x, f.last)
	f.diverged = true
	return f.loss, ErrDiverged
}
