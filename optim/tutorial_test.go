package optim

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTutorialReproduction checks that Backprop with learning rate 2 on the
// MSE of seed3 is the tutorial's update w += Xᵀ((y − ŷ)·ŷ(1 − ŷ)). From the
// tutorial's initial weights (numpy.random.seed(1)), 10000 iterations give
// ŷ([1,0,0]) = 0.99993704 (the published printout, 8 digits) and weights
// [9.672993027736892, -0.20784349926631962, -4.62963668773159] (numpy, see
// shared REFERENCES.md). The update is exact up to power-of-two scalings,
// which are exact in binary floating point, so the weights agree to 1e-12
// relative: the only difference is numpy's summation order in Xᵀ·δ.
func TestTutorialReproduction(t *testing.T) {
	p := Seed3()
	obj := p.Objective()
	x := []float64{-0.165955990594852, 0.4406489868843162, -0.9997712503653102}
	b := &Backprop{LearningRate: 2}
	_, err := b.Init(obj, x, nil)
	require.NoError(t, err)
	for range 10000 {
		_, err := b.Step(x)
		require.NoError(t, err)
	}
	want := []float64{9.672993027736892, -0.20784349926631962, -4.62963668773159}
	for i := range want {
		require.InEpsilon(t, want[i], x[i], 1e-12, "weight %d", i)
	}
	out := obj.Predict(nil, x, p.Query)
	require.InDelta(t, 0.99993704, out[0], 0.5e-8)
	require.InDelta(t, 0.9999370428352157, out[0], 1e-14)
	require.False(t, math.IsNaN(out[0]))
}
