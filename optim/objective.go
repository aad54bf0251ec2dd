package optim

// Objective is a scalar function of a flat parameter vector.
type Objective interface {
	// Dim returns the length of parameter vectors accepted by Loss and Grad.
	Dim() int
	// Loss returns the objective value at x. Loss must not modify x.
	Loss(x []float64) float64
	// Grad stores the gradient at x in grad, which must have length Dim,
	// and returns Loss(x). Grad must not modify x or retain grad.
	Grad(grad, x []float64) float64
}

// Counter wraps an Objective and counts its evaluations. Loss counts one
// loss evaluation; Grad counts one loss and one gradient evaluation, since it
// returns both.
type Counter struct {
	Objective
	LossEvals int // calls of Loss or Grad
	GradEvals int // calls of Grad
}

// Loss evaluates the wrapped objective and counts the call.
func (c *Counter) Loss(x []float64) float64 {
	c.LossEvals++
	return c.Objective.Loss(x)
}

// Grad evaluates the wrapped objective's gradient and counts the call.
func (c *Counter) Grad(grad, x []float64) float64 {
	c.LossEvals++
	c.GradEvals++
	return c.Objective.Grad(grad, x)
}
