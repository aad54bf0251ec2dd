package optim

// Dataset holds a problem's samples: N rows of inputs X (row-major, N×In)
// and targets Y (row-major, N×Out).
type Dataset struct {
	N int
	X []float64
	Y []float64
}
