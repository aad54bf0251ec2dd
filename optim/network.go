package optim

import (
	"errors"
	"fmt"
)

// Layer is one fully connected layer of a Network.
type Layer struct {
	Out  int        // number of neurons
	Act  Activation // transfer function of every neuron in the layer
	Bias bool       // whether each neuron has a bias parameter
}

// Network is a feed-forward network over a flat parameter vector.
//
// The parameters of layer l (with n_in inputs and n_out neurons) are stored
// consecutively, layer after layer: first the n_out×n_in weights row by row
// (the weights into neuron 0, then into neuron 1, …), then the n_out biases
// if the layer has them.
type Network struct {
	In     int     // number of inputs
	Layers []Layer // layers from the first hidden one to the output layer
}

// Validate reports whether the network has a usable shape.
func (n Network) Validate() error {
	if n.In < 1 {
		return fmt.Errorf("optim: network has %d inputs, want ≥ 1", n.In)
	}
	if len(n.Layers) == 0 {
		return errors.New("optim: network has no layers")
	}
	for i, l := range n.Layers {
		if l.Out < 1 {
			return fmt.Errorf("optim: layer %d has %d neurons, want ≥ 1", i, l.Out)
		}
		if l.Act < Sigmoid || l.Act > Linear {
			return fmt.Errorf("optim: layer %d has unknown activation %d", i, int(l.Act))
		}
	}
	return nil
}

// Dim returns the number of parameters of the network.
func (n Network) Dim() int {
	d, in := 0, n.In
	for _, l := range n.Layers {
		d += l.Out * in
		if l.Bias {
			d += l.Out
		}
		in = l.Out
	}
	return d
}

// Out returns the number of outputs of the network.
func (n Network) Out() int { return n.Layers[len(n.Layers)-1].Out }

// String describes the network shape, e.g. "2→2 sigmoid+b→1 sigmoid+b".
func (n Network) String() string {
	s := fmt.Sprint(n.In)
	for _, l := range n.Layers {
		s += fmt.Sprintf("→%d %s", l.Out, l.Act)
		if l.Bias {
			s += "+b"
		}
	}
	return s
}
