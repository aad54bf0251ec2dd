package optim

import (
	"fmt"
	"math"
	"strings"
)

// maxSpecUnits is the largest number of neurons ParseNetwork accepts in one
// layer.
const maxSpecUnits = 1_000_000

// MaxParams is the largest number of parameters ParseNetwork accepts:
// 2^26 float64s are 512 MiB per parameter vector, and an optimizer holds
// several.
const MaxParams = 1 << 26

// nobiasSuffix marks a layer without bias parameters in a network spec.
const nobiasSuffix = ":nobias"

// specExample is the example of a layer quoted in spec errors.
const specExample = "e.g. 8tanh"

// SpecError reports a network spec that ParseNetwork cannot read.
type SpecError struct {
	Spec  string // the spec as given
	Layer int    // 1-based number of the offending layer; 0 when the error is about the whole spec
	Text  string // the offending layer's text (when Layer > 0)
	Msg   string // what is wrong and what is allowed
}

// Error implements the error interface.
func (e *SpecError) Error() string {
	if e.Layer > 0 {
		return fmt.Sprintf("optim: network spec %q: layer %d %q: %s", e.Spec, e.Layer, e.Text, e.Msg)
	}
	return fmt.Sprintf("optim: network spec %q: %s", e.Spec, e.Msg)
}

// activationNames returns the activations' names as String prints them,
// joined by sep: "sigmoid, tanh, linear" for sep ", ".
func activationNames(sep string) string {
	var names []string
	for a := Sigmoid; a <= Linear; a++ {
		names = append(names, a.String())
	}
	return strings.Join(names, sep)
}

// ParseNetwork returns the network with in inputs and the layers of spec.
//
// The spec lists the hidden layers and then the output layer, joined by
// "-". Each layer is its number of neurons (UNITS) followed by the name of
// its activation, as Activation.String prints it, and optionally the suffix
// ":nobias":
//
//	SPEC  = LAYER { "-" LAYER }
//	LAYER = UNITS ACT [ ":nobias" ]
//	UNITS = a decimal integer from 1 to 1000000, without sign or leading zeros
//	ACT   = "sigmoid" | "tanh" | "linear"
//
// Every layer has a bias per neuron unless it is marked ":nobias". Names
// are case-sensitive and no spaces are allowed anywhere. For example,
// "8tanh-3sigmoid" is a hidden layer of 8 tanh neurons and 3 sigmoid
// outputs, "1linear" a linear perceptron with bias, and
// "20tanh-20tanh-1sigmoid:nobias" two hidden layers and one sigmoid output
// without bias. The number of inputs is not part of the spec.
//
// Every accepted spec is canonical: Network.Spec of the result returns it
// unchanged. Errors are *SpecError values naming the layer and what is
// allowed, or plain errors for in < 1 and for networks of more than
// MaxParams parameters; ParseNetwork never panics.
func ParseNetwork(spec string, in int) (Network, error) {
	if in < 1 {
		return Network{}, fmt.Errorf("optim: network spec %q: %d inputs, want ≥ 1", spec, in)
	}
	if spec == "" {
		return Network{}, &SpecError{Spec: spec, Msg: fmt.Sprintf(
			"empty: want layers of UNITS then an activation (%s) joined by \"-\", e.g. 8tanh-1sigmoid",
			activationNames(", "))}
	}
	parts := strings.Split(spec, "-")
	net := Network{In: in, Layers: make([]Layer, 0, len(parts))}
	for i, text := range parts {
		l, msg := parseLayer(text)
		if msg != "" {
			return Network{}, &SpecError{Spec: spec, Layer: i + 1, Text: text, Msg: msg}
		}
		net.Layers = append(net.Layers, l)
	}
	if !dimFits(net) || net.Dim() > MaxParams {
		return Network{}, fmt.Errorf("optim: network spec %q with %d inputs: more than %d parameters (MaxParams)", spec, in, MaxParams)
	}
	if err := net.Validate(); err != nil {
		// Unreachable: parseLayer returns only valid layers.
		return Network{}, fmt.Errorf("optim: network spec %q: %w", spec, err)
	}
	return net, nil
}

// parseLayer parses one LAYER of a network spec. On failure it returns a
// message saying what is wrong and what is allowed.
func parseLayer(text string) (Layer, string) {
	want := fmt.Sprintf("want UNITS then an activation (%s), %s", activationNames(", "), specExample)
	if text == "" {
		return Layer{}, "empty layer: " + want + `, with single "-" between layers and none at the ends`
	}
	bias := true
	body := text
	if i := strings.IndexByte(text, ':'); i >= 0 {
		if text[i:] != nobiasSuffix {
			return Layer{}, fmt.Sprintf("unknown suffix %q: the only suffix is %s", text[i:], nobiasSuffix)
		}
		bias, body = false, text[:i]
	}
	n := 0
	for n < len(body) && body[n] >= '0' && body[n] <= '9' {
		n++
	}
	if n == 0 {
		if body != "" && body[0] == '+' {
			return Layer{}, "UNITS takes no sign: " + want
		}
		return Layer{}, want
	}
	digits := body[:n]
	bad := fmt.Sprintf("units %q: want an integer from 1 to %d without leading zeros", digits, maxSpecUnits)
	if digits[0] == '0' || n > len("1000000") {
		return Layer{}, bad
	}
	units := 0
	for _, c := range digits {
		units = units*10 + int(c-'0')
	}
	if units > maxSpecUnits {
		return Layer{}, bad
	}
	name := body[n:]
	if name == "" {
		return Layer{}, fmt.Sprintf("no activation after %s: want one of %s, %s", digits, activationNames(", "), specExample)
	}
	for a := Sigmoid; a <= Linear; a++ {
		if name == a.String() {
			return Layer{Out: units, Act: a, Bias: bias}, ""
		}
	}
	for a := Sigmoid; a <= Linear; a++ {
		if strings.EqualFold(name, a.String()) {
			return Layer{}, fmt.Sprintf("unknown activation %q: names are lower-case, want %s", name, a.String())
		}
	}
	return Layer{}, fmt.Sprintf("unknown activation %q: want one of %s", name, activationNames(", "))
}

// dimFits reports whether the number of parameters of net fits in an int.
func dimFits(net Network) bool {
	d, in := 0, net.In
	for _, l := range net.Layers {
		if in > math.MaxInt/l.Out {
			return false
		}
		p := l.Out * in
		if l.Bias {
			if p > math.MaxInt-l.Out {
				return false
			}
			p += l.Out
		}
		if d > math.MaxInt-p {
			return false
		}
		d += p
		in = l.Out
	}
	return true
}

// Spec returns the network's layers in the syntax of ParseNetwork, e.g.
// "8tanh-3sigmoid" or "1sigmoid:nobias". The number of inputs is not part
// of the spec. For every network that passes Validate and has at most
// 1000000 neurons per layer, ParseNetwork(n.Spec(), n.In) returns n.
// A network without layers gives "".
func (n Network) Spec() string {
	var b strings.Builder
	for i, l := range n.Layers {
		if i > 0 {
			b.WriteByte('-')
		}
		fmt.Fprintf(&b, "%d%s", l.Out, l.Act)
		if !l.Bias {
			b.WriteString(nobiasSuffix)
		}
	}
	return b.String()
}
