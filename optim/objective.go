package optim

// Float is the arithmetic an objective and its optimizers compute in:
// float32 or float64. Every type and function generic in Float has one code
// path for both; the float64 instantiations are the package's classic API
// (Objective, MSE, Optimizer, Backprop, …, which are aliases).
//
// In float32 every operation is float32 arithmetic (each product, sum and
// quotient is rounded to float32), except that exp and tanh are computed in
// float64 and rounded once to float32: C's expf is close to correctly
// rounded too, so this stands for a careful float32 library, not for
// float64 accuracy.
type Float interface{ ~float32 | ~float64 }

// ObjectiveOf is a scalar function of a flat parameter vector in the
// arithmetic T.
type ObjectiveOf[T Float] interface {
	// Dim returns the length of parameter vectors accepted by Loss and Grad.
	Dim() int
	// Loss returns the objective value at x. Loss must not modify x.
	Loss(x []T) T
	// Grad stores the gradient at x in grad, which must have length Dim,
	// and returns Loss(x). Grad must not modify x or retain grad.
	Grad(grad, x []T) T
}

// Objective is a scalar function of a flat float64 parameter vector.
type Objective = ObjectiveOf[float64]

// CounterOf wraps an ObjectiveOf[T] and counts its evaluations. Loss counts
// one loss evaluation; Grad counts one loss and one gradient evaluation,
// since it returns both.
type CounterOf[T Float] struct {
	Objective ObjectiveOf[T]
	LossEvals int // calls of Loss or Grad
	GradEvals int // calls of Grad
}

// Counter is the float64 CounterOf.
type Counter = CounterOf[float64]

// Dim returns the wrapped objective's dimension.
func (c *CounterOf[T]) Dim() int { return c.Objective.Dim() }

// Loss evaluates the wrapped objective and counts the call.
func (c *CounterOf[T]) Loss(x []T) T {
	c.LossEvals++
	return c.Objective.Loss(x)
}

// Grad evaluates the wrapped objective's gradient and counts the call.
func (c *CounterOf[T]) Grad(grad, x []T) T {
	c.LossEvals++
	c.GradEvals++
	return c.Objective.Grad(grad, x)
}
