package optim

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseNetwork(t *testing.T) {
	tests := []struct {
		spec string
		in   int
		want Network
	}{
		{"1linear", 1, Network{In: 1, Layers: []Layer{{Out: 1, Act: Linear, Bias: true}}}},
		{"8tanh-3sigmoid", 4, Network{In: 4, Layers: []Layer{
			{Out: 8, Act: Tanh, Bias: true}, {Out: 3, Act: Sigmoid, Bias: true}}}},
		{"20tanh-20tanh-1sigmoid", 2, Network{In: 2, Layers: []Layer{
			{Out: 20, Act: Tanh, Bias: true}, {Out: 20, Act: Tanh, Bias: true}, {Out: 1, Act: Sigmoid, Bias: true}}}},
		{"1sigmoid:nobias", 3, Network{In: 3, Layers: []Layer{{Out: 1, Act: Sigmoid}}}},
		{"2sigmoid:nobias-1linear", 2, Network{In: 2, Layers: []Layer{
			{Out: 2, Act: Sigmoid}, {Out: 1, Act: Linear, Bias: true}}}},
		{"1000000linear", 1, Network{In: 1, Layers: []Layer{{Out: 1_000_000, Act: Linear, Bias: true}}}},
		{"10tanh", 1_000_000, Network{In: 1_000_000, Layers: []Layer{{Out: 10, Act: Tanh, Bias: true}}}},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			got, err := ParseNetwork(tt.spec, tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			require.NoError(t, got.Validate())
			assert.Equal(t, tt.spec, got.Spec(), "accepted specs are canonical")
		})
	}
}

func TestParseNetworkErrors(t *testing.T) {
	tests := []struct {
		name  string
		spec  string
		in    int
		layer int      // want a *SpecError for this layer; -1: not a *SpecError
		want  []string // substrings of the message
	}{
		{"no inputs", "1linear", 0, -1, []string{`"1linear"`, "0 inputs", "≥ 1"}},
		{"negative inputs", "1linear", -3, -1, []string{"-3 inputs"}},
		{"empty", "", 1, 0, []string{`network spec ""`, "empty", "sigmoid, tanh, linear", "e.g. 8tanh-1sigmoid"}},
		{"no units", "tanh", 1, 1, []string{`layer 1 "tanh"`, "want UNITS then an activation (sigmoid, tanh, linear), e.g. 8tanh"}},
		{"not a layer", "8tanh-x", 1, 2, []string{
			`optim: network spec "8tanh-x": layer 2 "x": want UNITS then an activation (sigmoid, tanh, linear), e.g. 8tanh`}},
		{"plus sign", "+8tanh", 1, 1, []string{`layer 1 "+8tanh"`, "no sign"}},
		{"minus sign", "-8tanh", 1, 1, []string{`layer 1 ""`, "empty layer"}},
		{"trailing dash", "8tanh-", 1, 2, []string{`layer 2 ""`, "empty layer", `single "-"`}},
		{"double dash", "8tanh--1linear", 1, 2, []string{`layer 2 ""`, "empty layer"}},
		{"zero units", "0tanh", 1, 1, []string{`units "0"`, "from 1 to 1000000"}},
		{"leading zero", "08tanh", 1, 1, []string{`units "08"`, "without leading zeros"}},
		{"too many units", "1000001tanh", 1, 1, []string{`units "1000001"`, "from 1 to 1000000"}},
		{"overflowing units", "99999999999999999999999tanh", 1, 1, []string{"from 1 to 1000000"}},
		{"no activation", "8", 1, 1, []string{`layer 1 "8"`, "no activation after 8", "sigmoid, tanh, linear"}},
		{"unknown activation", "8relu", 1, 1, []string{`unknown activation "relu"`, "sigmoid, tanh, linear"}},
		{"upper case", "8Tanh", 1, 1, []string{`unknown activation "Tanh"`, "lower-case", "want tanh"}},
		{"space", "8tanh -1linear", 1, 1, []string{`unknown activation "tanh "`}},
		{"decimal units", "8.5tanh", 1, 1, []string{`unknown activation ".5tanh"`}},
		{"bad suffix", "8tanh:bias", 1, 1, []string{`unknown suffix ":bias"`, "only suffix is :nobias"}},
		{"double suffix", "8tanh:nobias:nobias", 1, 1, []string{`unknown suffix ":nobias:nobias"`}},
		{"suffix only", ":nobias", 1, 1, []string{"want UNITS then an activation"}},
		{"dim overflow", "1000000linear-1000000linear", math.MaxInt / 2, -1, []string{"more than 67108864 parameters"}},
		{"too many parameters", "1000000tanh-1000000tanh-1linear", 2, -1, []string{"more than 67108864 parameters"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseNetwork(tt.spec, tt.in)
			require.Error(t, err)
			assert.Equal(t, Network{}, got)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.True(t, strings.HasPrefix(err.Error(), "optim: network spec "), err.Error())
			var se *SpecError
			if tt.layer < 0 {
				assert.False(t, errors.As(err, &se), "want a plain error, got %#v", err)
				return
			}
			require.True(t, errors.As(err, &se), "want a *SpecError, got %T", err)
			assert.Equal(t, tt.spec, se.Spec)
			assert.Equal(t, tt.layer, se.Layer)
		})
	}
}

func TestNetworkSpecRoundTrip(t *testing.T) {
	acts := []Activation{Sigmoid, Tanh, Linear}
	var nets []Network
	for in := 1; in <= 3; in++ {
		for _, a := range acts {
			for _, b := range acts {
				for _, bias := range []bool{false, true} {
					nets = append(nets,
						Network{In: in, Layers: []Layer{{Out: in + 1, Act: a, Bias: bias}}},
						Network{In: in, Layers: []Layer{{Out: 7, Act: a, Bias: bias}, {Out: in, Act: b, Bias: !bias}}},
						Network{In: in, Layers: []Layer{{Out: 12, Act: b, Bias: true}, {Out: 1, Act: a, Bias: bias}, {Out: 1_000_000, Act: b}}},
					)
				}
			}
		}
	}
	for _, n := range nets {
		require.NoError(t, n.Validate())
		spec := n.Spec()
		got, err := ParseNetwork(spec, n.In)
		require.NoError(t, err, spec)
		require.Equal(t, n, got, spec)
	}
}

func TestNetworkSpec(t *testing.T) {
	tests := []struct {
		net  Network
		want string
	}{
		{Network{In: 2, Layers: []Layer{{Out: 2, Act: Sigmoid, Bias: true}, {Out: 1, Act: Sigmoid, Bias: true}}}, "2sigmoid-1sigmoid"},
		{Network{In: 1, Layers: []Layer{{Out: 1, Act: Linear}}}, "1linear:nobias"},
		{Network{In: 1}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.net.Spec())
		})
	}
}

func FuzzParseNetwork(f *testing.F) {
	for _, s := range []string{
		"1linear", "8tanh-3sigmoid", "20tanh-20tanh-1sigmoid", "1sigmoid:nobias",
		"2tanh:nobias-1linear", "1000000linear", "", "-", "8tanh-", "0tanh", "08tanh",
		"+1linear", "8Tanh", "8relu", "8tanh:bias", "1000001tanh", "8tanh-x", "8",
	} {
		f.Add(s, 2)
	}
	f.Add("3tanh-1linear", 0)
	f.Add("3tanh-1linear", -1)
	f.Add("1000000linear-1000000linear", math.MaxInt)
	f.Fuzz(func(t *testing.T, spec string, in int) {
		n, err := ParseNetwork(spec, in)
		if err != nil {
			require.Equal(t, Network{}, n)
			require.NotEmpty(t, err.Error())
			return
		}
		require.NoError(t, n.Validate())
		require.Equal(t, in, n.In)
		require.Equal(t, spec, n.Spec(), "accepted specs are canonical")
		got, err := ParseNetwork(n.Spec(), n.In)
		require.NoError(t, err)
		require.Equal(t, n, got)
	})
}
