package dataset

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tol is the tolerance of the scaled-value checks. The values are O(1), and
// each is computed with a few roundings (relative error a few times
// 2⁻⁵³ ≈ 1.1e-16 in the mean and the standard deviation, then one
// subtraction and one division), so 1e-12 leaves a margin of more than
// 1000 over the expected error.
const tol = 1e-12

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		opt     Options
		want    Table // compared field by field except Name, Path, SHA256
		wantX   []float64
		classes bool
	}{
		{
			name: "regression, no scaling",
			data: "a,b,y\n1,2,3\n4,5,6\n",
			opt:  Options{Scale: NoScaling},
			want: Table{Inputs: []string{"a", "b"}, Outputs: []string{"y"}, N: 2, In: 2, Out: 1,
				X: []float64{1, 2, 4, 5}, Y: []float64{3, 6}, Shift: []float64{0, 0}, Scale: []float64{1, 1}},
		},
		{
			name: "regression, two targets in the given order",
			data: "y1,a,y2,b\n1,2,3,4\n5,6,7,8\n",
			opt:  Options{Targets: []int{2, 0}, Scale: NoScaling},
			want: Table{Inputs: []string{"a", "b"}, Outputs: []string{"y2", "y1"}, N: 2, In: 2, Out: 2,
				X: []float64{2, 4, 6, 8}, Y: []float64{3, 1, 7, 5}, Shift: []float64{0, 0}, Scale: []float64{1, 1}},
		},
		{
			name: "targets are not scaled",
			data: "x,y\n0,100\n2,-100\n",
			want: Table{Inputs: []string{"x"}, Outputs: []string{"y"}, N: 2, In: 1, Out: 1,
				X: []float64{-1, 1}, Y: []float64{100, -100}, Shift: []float64{1}, Scale: []float64{1}},
		},
		{
			name: "z-score, constant column only centred",
			data: "x,c,y\n1,7,0\n2,7,0\n3,7,0\n",
			// x: mean 2, population std √(2/3).
			want: Table{Inputs: []string{"x", "c"}, Outputs: []string{"y"}, N: 3, In: 2, Out: 1,
				X: []float64{-math.Sqrt(1.5), 0, 0, 0, math.Sqrt(1.5), 0}, Y: []float64{0, 0, 0},
				Shift: []float64{2, 7}, Scale: []float64{math.Sqrt(2.0 / 3), 1}},
		},
		{
			name: "min-max, constant column",
			data: "x,c,y\n-1,0.1,0\n3,0.1,0\n0,0.1,0\n",
			opt:  Options{Scale: MinMax},
			want: Table{Inputs: []string{"x", "c"}, Outputs: []string{"y"}, N: 3, In: 2, Out: 1,
				X: []float64{0, 0, 1, 0, 0.25, 0}, Y: []float64{0, 0, 0},
				Shift: []float64{-1, 0.1}, Scale: []float64{4, 1}},
		},
		{
			name: "classes one-hot in sorted order",
			data: "x,label\n1,b\n2,a\n3,c\n4,a\n",
			opt:  Options{Scale: NoScaling},
			want: Table{Inputs: []string{"x"}, Outputs: []string{"a", "b", "c"}, Classes: []string{"a", "b", "c"},
				N: 4, In: 1, Out: 3, X: []float64{1, 2, 3, 4},
				Y:     []float64{0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0},
				Shift: []float64{0}, Scale: []float64{1}},
		},
		{
			name: "sort.Strings order for text labels",
			data: "x,label\n1,b\n2,B\n3,10\n4,9\n",
			opt:  Options{Scale: NoScaling},
			want: Table{Inputs: []string{"x"}, Outputs: []string{"10", "9", "B", "b"}, Classes: []string{"10", "9", "B", "b"},
				N: 4, In: 1, Out: 4, X: []float64{1, 2, 3, 4},
				Y:     []float64{0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0},
				Shift: []float64{0}, Scale: []float64{1}},
		},
		{
			name: "Classes sorts numeric labels by value",
			data: "x,digit\n1,10\n2,2\n3,-1\n4,2\n",
			opt:  Options{Classes: true, Scale: NoScaling},
			want: Table{Inputs: []string{"x"}, Outputs: []string{"-1", "2", "10"}, Classes: []string{"-1", "2", "10"},
				N: 4, In: 1, Out: 3, X: []float64{1, 2, 3, 4},
				Y:     []float64{0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 1, 0},
				Shift: []float64{0}, Scale: []float64{1}},
		},
		{
			name: "Classes with a target in the middle",
			data: "a,k,b\n1,0,2\n3,1,4\n",
			opt:  Options{Targets: []int{1}, Classes: true, Scale: NoScaling},
			want: Table{Inputs: []string{"a", "b"}, Outputs: []string{"0", "1"}, Classes: []string{"0", "1"},
				N: 2, In: 2, Out: 2, X: []float64{1, 2, 3, 4}, Y: []float64{1, 0, 0, 1},
				Shift: []float64{0, 0}, Scale: []float64{1, 1}},
		},
		{
			name: "BOM, CRLF, spaces, quotes, blank lines",
			data: "\xef\xbb\xbf a , \"b\",y\r\n 1 , \" 2\",3\r\n\r\n   \r\n4,5,6\r\n\r\n\r\n",
			opt:  Options{Scale: NoScaling},
			want: Table{Inputs: []string{"a", "b"}, Outputs: []string{"y"}, N: 2, In: 2, Out: 1,
				X: []float64{1, 2, 4, 5}, Y: []float64{3, 6}, Shift: []float64{0, 0}, Scale: []float64{1, 1}},
		},
		{
			name: "number syntax of strconv.ParseFloat",
			data: "x,y\n1e3,.5\n-0x1p-2,+5.\n",
			opt:  Options{Scale: NoScaling},
			want: Table{Inputs: []string{"x"}, Outputs: []string{"y"}, N: 2, In: 1, Out: 1,
				X: []float64{1000, -0.25}, Y: []float64{0.5, 5}, Shift: []float64{0}, Scale: []float64{1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.data), "dir/some.data.csv", tt.opt)
			require.NoError(t, err)
			sum := sha256.Sum256([]byte(tt.data))
			assert.Equal(t, "some.data", got.Name)
			assert.Equal(t, "dir/some.data.csv", got.Path)
			assert.Equal(t, hex.EncodeToString(sum[:]), got.SHA256)
			assert.Equal(t, tt.want.Inputs, got.Inputs)
			assert.Equal(t, tt.want.Outputs, got.Outputs)
			assert.Equal(t, tt.want.Classes, got.Classes)
			assert.Equal(t, tt.want.Classes != nil, got.Classification())
			assert.Equal(t, []int{tt.want.N, tt.want.In, tt.want.Out}, []int{got.N, got.In, got.Out})
			assert.InDeltaSlice(t, tt.want.X, got.X, tol)
			assert.Len(t, got.X, len(tt.want.X))
			assert.Equal(t, tt.want.Y, got.Y)
			assert.InDeltaSlice(t, tt.want.Shift, got.Shift, tol)
			assert.InDeltaSlice(t, tt.want.Scale, got.Scale, tol)
			assert.Len(t, got.Shift, got.In)
			assert.Len(t, got.Scale, got.In)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		opt  Options
		line int    // want this Error.Line (0: none)
		want string // substring of Error.Msg
	}{
		{"zero bytes", "", Options{}, 0, "empty file"},
		{"only white space", " \n\t\r\n  \n", Options{}, 0, "empty file"},
		{"only a BOM", "\xef\xbb\xbf\n", Options{}, 0, "empty file"},
		{"no header", "1,2,3\n4,5,6\n7,8,9\n", Options{}, 1, "no header row (the first line has only numbers"},
		{"no header after blank lines", "\n\n1.5,-2,NaN\n4,5,6\n7,8,9\n", Options{}, 3, "no header row"},
		{"empty column name", "a,,y\n1,2,3\n4,5,6\n", Options{}, 1, "column 2 has an empty name"},
		{"duplicate column name", "a,b,a\n1,2,3\n4,5,6\n", Options{}, 1, `duplicate column name "a" (columns 1 and 3`},
		{"bare quote", "a,y\n1,2\n3,x\"y\n", Options{}, 3, `bare " in non-quoted-field`},
		{"unterminated quote", "a,y\n1,2\n3,\"4\n", Options{}, 3, `extraneous or missing " in quoted-field`},
		{"too few fields", "a,b,y\n1,2,3\n4,5\n", Options{}, 3, "2 fields, the header has 3"},
		{"too many fields", "a,b,y\n1,2,3\n4,5,6,7\n7,8,9\n", Options{}, 3, "4 fields, the header has 3"},
		{"no data rows", "a,y\n", Options{}, 0, "no data rows after the header (want at least 2)"},
		{"one data row", "a,y\n\n1,2\n\n", Options{}, 3, "only one data row (want at least 2)"},
		{"target out of range", "a,y\n1,2\n3,4\n", Options{Targets: []int{2}}, 0,
			"target column index 2 out of range (the file has 2 columns, indices 0 to 1)"},
		{"negative target", "a,y\n1,2\n3,4\n", Options{Targets: []int{-1}}, 0, "target column index -1 out of range"},
		{"duplicate target", "a,b,y\n1,2,3\n3,4,5\n", Options{Targets: []int{2, 0, 2}}, 0, `target column index 2 ("y") given twice`},
		{"all targets", "a,y\n1,2\n3,4\n", Options{Targets: []int{1, 0}}, 0, "no input columns left: all 2 columns are targets"},
		{"single column", "y\n1\n2\n", Options{}, 0, "no input columns left: all 1 columns are targets"},
		{"non-numeric input", "a,b,y\n1,2,3\n4,five,6\n", Options{}, 3, `column 2 "b": "five" is not a number (inputs must be finite numbers)`},
		{"empty input", "a,b,y\n1,2,3\n4,,6\n", Options{}, 3, `column 2 "b": empty cell`},
		{"NaN input", "a,b,y\n1,2,3\nNaN,5,6\n", Options{}, 3, `column 1 "a": "NaN" is not finite`},
		{"Inf input", "a,b,y\n1,-Inf,3\n4,5,6\n", Options{}, 2, `column 2 "b": "-Inf" is not finite`},
		{"overflowing input", "a,b,y\n1,1e999,3\n4,5,6\n", Options{}, 2, `column 2 "b": "1e999" is not finite`},
		{"NaN target", "a,y\n1,2\n4,nan\n", Options{}, 3, `column 2 "y": target "nan" is not finite (regression targets must be finite`},
		{"empty target", "a,y\n1,2\n4,\n", Options{}, 3, `column 2 "y": empty target cell`},
		{"label in two target columns", "a,y1,y2\n1,2,3\n4,5,six\n", Options{Targets: []int{1, 2}}, 3,
			`column 3 "y2": target "six" is not a number (with 2 target columns every target must be a number; class labels need exactly one`},
		{"Classes with two targets", "a,y1,y2\n1,2,3\n4,5,6\n", Options{Targets: []int{1, 2}, Classes: true}, 0,
			"2 target columns, but class labels need exactly one target column"},
		{"one class", "a,y\n1,cat\n2,cat\n", Options{}, 0, `target column 2 "y" has only one class, "cat" (classification needs at least 2)`},
		{"one numeric class", "a,y\n1,3\n2,3\n", Options{Classes: true}, 0, `has only one class, "3"`},
		{"equal numeric labels", "a,y\n1,1\n2,1.0\n3,2\n", Options{Classes: true}, 0, `class labels "1" and "1.0" are the same number`},
		{"unknown scaling", "a,y\n1,2\n3,4\n", Options{Scale: 3}, 0, "unknown scaling 3 (want zscore, minmax, none)"},
		{"min-max range overflows", "a,y\n-1e308,1\n1e308,2\n", Options{Scale: MinMax}, 0,
			`column 1 "a": values from -1e+308 to 1e+308 cannot be scaled by minmax in float64`},
		{"z-score of tiny values", "a,y\n0,1\n5e-324,2\n", Options{}, 0,
			`column 1 "a": values from 0 to 5e-324 cannot be scaled by zscore`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.data), "testdata/bad.csv", tt.opt)
			require.Error(t, err)
			assert.Nil(t, got)
			var e *Error
			require.True(t, errors.As(err, &e), "want an *Error, got %T %v", err, err)
			assert.Equal(t, "testdata/bad.csv", e.Path)
			assert.Equal(t, tt.line, e.Line, err.Error())
			assert.Contains(t, e.Msg, tt.want)
			prefix := "testdata/bad.csv: "
			if tt.line > 0 {
				prefix = "testdata/bad.csv:" + strconv.Itoa(tt.line) + ": "
			}
			assert.Equal(t, prefix+e.Msg, err.Error())
			assert.Nil(t, errors.Unwrap(err))
		})
	}
}

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		err  Error
		want string
	}{
		{Error{Path: "a/b.csv", Line: 7, Msg: "bad"}, "a/b.csv:7: bad"},
		{Error{Path: "a/b.csv", Msg: "bad"}, "a/b.csv: bad"},
		{Error{Line: 7, Msg: "bad"}, "line 7: bad"},
		{Error{Msg: "bad"}, "bad"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.err.Error())
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tiny.csv")
	data := []byte("x,y\n1,a\n2,b\n")
	require.NoError(t, os.WriteFile(path, data, 0o644))
	got, err := Load(path, Options{})
	require.NoError(t, err)
	want, err := Parse(data, path, Options{})
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Equal(t, "tiny", got.Name)

	missing := filepath.Join(dir, "missing.csv")
	_, err = Load(missing, Options{})
	require.Error(t, err)
	var e *Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, missing, e.Path)
	assert.Equal(t, 0, e.Line)
	assert.True(t, errors.Is(err, fs.ErrNotExist), err.Error())
	assert.Equal(t, missing+": open: no such file or directory", err.Error())
	assert.Equal(t, 1, strings.Count(err.Error(), missing), "the path appears once")

	_, err = Load(dir, Options{})
	require.Error(t, err)
	require.True(t, errors.As(err, &e))
	assert.Equal(t, dir, e.Path)
}

// TestZScore checks that z-scored columns have population standard
// deviation 1 and mean 0 within tol (see tol for why 1e-12), including a
// column with a large offset, where a one-pass Σx²/N − (Σx/N)² would lose
// about 11 of its 16 digits, and columns near the ends of the float64
// range. The mean is allowed half an ulp of Shift divided by Scale more:
// Shift is at best the float64 nearest the mean, so with x − Shift exact
// the scaled mean is off by up to ulp(Shift)/2/Scale, 1.2e-11 for the offset
// column (ulp(1e6) ≈ 1.2e-10, Scale ≈ 5).
func TestZScore(t *testing.T) {
	var b strings.Builder
	b.WriteString("small,offset,huge,tiny,y\n")
	const n = 101
	sum := 0.0 // of v, exact: small integers
	for i := range n {
		v := float64(i*i%17) - 8 // -8..8, uneven
		sum += v
		b.WriteString(strings.Join([]string{ftoa(v), ftoa(1e6 + v), ftoa(v * 1e300), ftoa(v * 1e-300), "0"}, ","))
		b.WriteByte('\n')
	}
	tab, err := Parse([]byte(b.String()), "z.csv", Options{})
	require.NoError(t, err)
	require.Equal(t, n, tab.N)
	require.Equal(t, 4, tab.In)
	for j := range tab.In {
		var mean, ss float64
		for i := range n {
			mean += tab.X[i*tab.In+j]
		}
		mean /= n
		for i := range n {
			d := tab.X[i*tab.In+j] - mean
			ss += d * d
		}
		shift := tab.Shift[j]
		ulp := math.Nextafter(math.Abs(shift), math.Inf(1)) - math.Abs(shift)
		assert.InDelta(t, 0, mean, tol+ulp/2/tab.Scale[j], tab.Inputs[j])
		assert.InDelta(t, 1, math.Sqrt(ss/n), tol, tab.Inputs[j])
	}
	// The offset column's Shift is within one ulp of its exact mean 1e6 + Σv/n.
	assert.InDelta(t, 1e6+sum/n, tab.Shift[1], 1.2e-10)
	assert.InDelta(t, 1e300*sum/n, tab.Shift[2], 1e-15*tab.Scale[2])
	assert.InEpsilon(t, tab.Scale[0], tab.Scale[1], 1e-9, "an offset does not change the std")
	assert.InEpsilon(t, tab.Scale[0]*1e300, tab.Scale[2], 1e-15)
	assert.InEpsilon(t, tab.Scale[0]*1e-300, tab.Scale[3], 1e-15)
}

func TestMinMax(t *testing.T) {
	tab, err := Parse([]byte("a,b,y\n3,-1e300,0\n-2,1e300,0\n0.5,0,0\n"), "m.csv", Options{Scale: MinMax})
	require.NoError(t, err)
	assert.Equal(t, []float64{1, 0, 0, 1, 0.5, 0.5}, tab.X)
	assert.Equal(t, []float64{-2, -1e300}, tab.Shift)
	assert.Equal(t, []float64{5, 2e300}, tab.Scale)
}

// ftoa formats v so that strconv.ParseFloat returns v.
func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func TestScaling(t *testing.T) {
	assert.Equal(t, []string{"zscore", "minmax", "none"}, ScalingNames())
	for i, name := range ScalingNames() {
		s, err := ParseScaling(name)
		require.NoError(t, err)
		assert.Equal(t, Scaling(i), s)
		assert.Equal(t, name, s.String())
	}
	assert.Equal(t, ZScore, Scaling(0), "the zero value is ZScore")
	assert.Equal(t, "Scaling(7)", Scaling(7).String())
	assert.Equal(t, "Scaling(-1)", Scaling(-1).String())
	for _, bad := range []string{"", "ZScore", "z-score", "min-max", "nonee"} {
		_, err := ParseScaling(bad)
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), "want zscore, minmax, none")
		assert.Contains(t, err.Error(), `"`+bad+`"`)
	}
	names := ScalingNames()
	names[0] = "changed"
	assert.Equal(t, "zscore", ZScore.String(), "ScalingNames returns a copy")
}

func FuzzParse(f *testing.F) {
	seeds := []string{
		"x,y\n1,a\n2,b\n",
		"a,b,y\n1,2,3\n4,5,6\n",
		"a,b,c\n1,2,x\n3,4,y\n5,6,x\n",
		"\xef\xbb\xbfa,y\r\n1,2\r\n3,4\r\n",
		"a,\"b,c\",y\n1,2,3\n4,5,6\n",
		"a,y\n1,2\n",
		"1,2\n3,4\n",
		"a,a\n1,2\n3,4\n",
		"a,y\n1,NaN\n2,3\n",
		"a,y\n1e308,1\n-1e308,2\n",
		"a,y\n5e-324,1\n0,2\n",
		"a,y\n1,\"x\n3,4\n",
		"",
	}
	for i, s := range seeds {
		f.Add([]byte(s), i%2 == 0, uint8(i%4), int8(i%3)-1)
	}
	f.Fuzz(func(t *testing.T, data []byte, classes bool, scale uint8, target int8) {
		opt := Options{Classes: classes, Scale: Scaling(scale % 4)}
		if target != -1 {
			opt.Targets = []int{int(target)}
		}
		tab, err := Parse(data, "fuzz.csv", opt)
		if err != nil {
			var e *Error
			require.True(t, errors.As(err, &e), "%T %v", err, err)
			require.Nil(t, tab)
			return
		}
		require.GreaterOrEqual(t, tab.N, 2)
		require.GreaterOrEqual(t, tab.In, 1)
		require.GreaterOrEqual(t, tab.Out, 1)
		require.Len(t, tab.X, tab.N*tab.In)
		require.Len(t, tab.Y, tab.N*tab.Out)
		require.Len(t, tab.Inputs, tab.In)
		require.Len(t, tab.Outputs, tab.Out)
		require.Len(t, tab.Shift, tab.In)
		require.Len(t, tab.Scale, tab.In)
		for _, v := range tab.X {
			require.True(t, finite(v), "X has %v", v)
		}
		for _, v := range tab.Y {
			require.True(t, finite(v), "Y has %v", v)
		}
		for j := range tab.In {
			require.True(t, finite(tab.Shift[j]), "Shift %v", tab.Shift[j])
			require.True(t, tab.Scale[j] > 0 && finite(tab.Scale[j]), "Scale %v", tab.Scale[j])
		}
		if tab.Classification() {
			require.Equal(t, tab.Classes, tab.Outputs)
			require.GreaterOrEqual(t, len(tab.Classes), 2)
			for i := range tab.N {
				var s float64
				for _, v := range tab.Y[i*tab.Out : (i+1)*tab.Out] {
					require.True(t, v == 0 || v == 1)
					s += v
				}
				require.Equal(t, 1.0, s, "one-hot row %d", i)
			}
		}
	})
}
