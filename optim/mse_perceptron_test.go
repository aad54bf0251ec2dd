package optim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestGradLinearOneBits requires Grad of a linear neuron with one input
// (linearOne's path: celsius) to give the bits of a sample-by-sample
// computation written out here from the definition: z = 0 + w·x (+ b),
// r = z − y, E = (Σ r²)/N, ∂E/∂w = 0 + Σ (2/N)·r·x and ∂E/∂b = 0 + Σ
// (2/N)·r, each sum in sample order and each operation rounded in T, on
// celsius and on random data, with and without a bias, in float64 and
// float32. Bitwise, because the path only moves the sums into registers:
// any other order or fusing would change the last bits of some of the 200
// cases.
func TestGradLinearOneBits(t *testing.T) {
	if fusesMultiplyAdd {
		t.Skip("bitwise identity is promised where Go does not fuse multiply-adds (amd64 below GOAMD64=v3)")
	}
	t.Run("float64", func(t *testing.T) { checkLinearOne[float64](t) })
	t.Run("float32", func(t *testing.T) { checkLinearOne[float32](t) })
}

func checkLinearOne[T Float](t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 1))
	cel := Celsius().Data
	for c := range 200 {
		data := cel
		if c > 0 {
			n := 1 + rnd.IntN(40)
			data = Dataset{N: n, X: make([]float64, n), Y: make([]float64, n)}
			for i := range n {
				data.X[i] = 100 * (2*rnd.Float64() - 1)
				data.Y[i] = 1.8*data.X[i] + 32 + rnd.NormFloat64()
			}
		}
		bias := c%2 == 0
		net := Network{In: 1, Layers: []Layer{{Out: 1, Act: Linear, Bias: bias}}}
		m, err := NewMSEOf[T](net, data)
		require.NoError(t, err)
		x := make([]T, m.Dim())
		for i := range x {
			x[i] = T(4 * (2*rnd.Float64() - 1))
		}
		got := make([]T, len(x))
		loss := m.Grad(got, x)

		X, Y := make([]T, data.N), make([]T, data.N)
		for i := range X {
			X[i], Y[i] = T(data.X[i]), T(data.Y[i])
		}
		nk := T(data.N)
		scale := 2 / nk
		var sum, gw, gb T
		for s := range X {
			z := T(0) + x[0]*X[s]
			if bias {
				z += x[1]
			}
			r := z - Y[s]
			sum += r * r
			d := scale * r
			gw += d * X[s]
			gb += d
		}
		want := []T{gw}
		if bias {
			want = append(want, gb)
		}
		bits := func(v []T) []uint64 {
			b := make([]uint64, len(v))
			for i, f := range v {
				b[i] = math.Float64bits(float64(f)) // exact for float32 too
			}
			return b
		}
		require.Equal(t, bits([]T{sum / nk}), bits([]T{loss}), "case %d: loss", c)
		require.Equal(t, bits(want), bits(got), "case %d: gradient", c)
	}
}
