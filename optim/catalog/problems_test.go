package catalog_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/optim/catalog"
	"github.com/optbench/optbench/optim/optimtest"
)

// TestProblemOrder: the built-in problems are registered in the catalogue's
// order, celsius-tf after the older problems and the shipped data sets and
// the family linsep-NxF last; the default experiment's problems exist.
func TestProblemOrder(t *testing.T) {
	want := []string{"seed3", "celsius", "xor", "parity4", "spirals", "linsep-128x8", "celsius-tf", "teacher",
		"iris", "wine", "breast_cancer", "linsep-NxF"}
	var names []string
	for _, d := range catalog.Problems() {
		names = append(names, d.Name)
		assert.NotEmpty(t, d.Doc, d.Name)
		assert.NotNil(t, d.New, d.Name)
		assert.Equal(t, d.Name == "linsep-NxF", d.Prefix != "", "%s: only linsep-NxF is a family", d.Name)
	}
	assert.Equal(t, want, names, "catalog.Problems")
	assert.Equal(t, want, builtinNames(optim.ProblemNames()), "the registered problems")
	for _, d := range optim.ProblemDefs() {
		if d.Name == "linsep-NxF" {
			assert.Equal(t, "linsep-", d.Prefix)
		}
	}
	for _, name := range catalog.DefaultProblems {
		lookupProblem(t, name)
	}
	var files []string
	for _, d := range catalog.DataSets {
		files = append(files, strings.TrimSuffix(d.File, ".csv"))
	}
	assert.Equal(t, []string{"iris", "wine", "breast_cancer"}, files)
}

func TestProblemShapes(t *testing.T) {
	tests := []struct {
		name   string
		dim, n int
		net    string
	}{
		{"seed3", 3, 4, "3→1 sigmoid"},
		{"celsius", 2, 7, "1→1 linear+b"},
		{"xor", 9, 4, "2→2 sigmoid+b→1 sigmoid+b"},
		{"parity4", 25, 16, "4→4 sigmoid+b→1 sigmoid+b"},
		{"spirals", 501, 194, "2→20 tanh+b→20 tanh+b→1 sigmoid+b"},
		{"linsep-128x8", 9, 128, "8→1 sigmoid+b"},
		{"linsep-1000x20", 21, 1000, "20→1 sigmoid+b"},
		{"linsep-2x1", 2, 2, "1→1 sigmoid+b"},
		{"linsep-10x3", 4, 10, "3→1 sigmoid+b"},
		// The shipped data sets: 4·8+8 + 8·3+3, 13·8+8 + 8·3+3 and
		// 30·8+8 + 8·2+2 parameters.
		{"iris", 67, 150, "4→8 tanh+b→3 sigmoid+b"},
		{"wine", 139, 178, "13→8 tanh+b→3 sigmoid+b"},
		{"breast_cancer", 266, 569, "30→8 tanh+b→2 sigmoid+b"},
	}
	for _, test := range tests {
		p := lookupProblem(t, test.name)
		assert.Equal(t, test.name, p.Name)
		assert.Equal(t, test.dim, p.Dim(), test.name)
		assert.Equal(t, test.n, p.Data.N, test.name)
		assert.Equal(t, test.net, p.Net.String(), test.name)
	}
}

func TestLookupProblemErrors(t *testing.T) {
	tests := []struct{ name, msg string }{
		{"foo", "known:"},
		{"XOR", "known:"},
		{"", "known:"},
		{"linsep-1x3", "linsep-NxF"},
		{"linsep-10x0", "linsep-NxF"},
		{"linsep-10", "linsep-NxF"},
		{"linsep-ax3", "linsep-NxF"},
		{"linsep--5x3", "linsep-NxF"},
		{"linsep-5000x5000", "2^24"},
		{"linsep-", "linsep-NxF"},
		{"linsep-x3", "linsep-NxF"},
		{"linsep-10x", "linsep-NxF"},
		{"linsep-10x3x2", "linsep-NxF"},
		{"linsep-010x3", "linsep-NxF"},
		{"linsep-+10x3", "linsep-NxF"},
		{"linsep-10x3 ", "linsep-NxF"},
		{"linsep-99999999999999999999x1", "linsep-NxF"},
		{"linsep-16777216x2", "2^24"},
	}
	for _, test := range tests {
		t.Run(fmt.Sprintf("%q", test.name), func(t *testing.T) {
			var p *optim.Problem
			var err error
			require.NotPanics(t, func() { p, err = optim.LookupProblem(test.name) }, test.name)
			require.Error(t, err, "%q", test.name)
			assert.Nil(t, p)
			assert.Contains(t, err.Error(), fmt.Sprintf("%q", test.name))
			assert.Contains(t, err.Error(), test.msg)
			if test.msg == "known:" {
				var ue *optim.UnknownError
				require.ErrorAs(t, err, &ue)
				assert.Equal(t, "problem", ue.Kind)
				assert.Contains(t, ue.Known, "linsep-NxF")
			}
		})
	}
}

// TestLookupLinsepFamily: a member of the family linsep-NxF is LinSep(N, F,
// 1), freshly built, under the name asked for.
func TestLookupLinsepFamily(t *testing.T) {
	for _, test := range []struct {
		name string
		n, f int
	}{{"linsep-10x3", 10, 3}, {"linsep-2x1", 2, 1}, {"linsep-128x8", 128, 8}, {"linsep-1000x20", 1000, 20}, {"linsep-3x5", 3, 5}} {
		t.Run(test.name, func(t *testing.T) {
			p := lookupProblem(t, test.name)
			require.NoError(t, p.Validate())
			assert.Equal(t, test.name, p.Name)
			assert.Equal(t, optim.LinSep(test.n, test.f, 1), p)
			q := lookupProblem(t, test.name)
			assert.NotSame(t, &p.Data.X[0], &q.Data.X[0], "two lookups share their data")
			assert.Equal(t, p.Fingerprint(), q.Fingerprint())
		})
	}
}

func TestProblemsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range builtinProblems(t) {
		t.Run(p.Name, func(t *testing.T) {
			require.False(t, seen[p.Name], "duplicate name")
			seen[p.Name] = true
			optimtest.CheckProblem(t, p) // what a user's problem is checked for too
			// Every per-problem default names a registered optimizer and
			// settings of it with allowed values.
			for method, s := range p.Defaults {
				m := lookupMethod(t, method)
				for k := range s {
					_, ok := m.Param(k)
					assert.True(t, ok, "default %s.%s: %s has no such setting", method, k, method)
				}
				o, err := m.New(testSettings(t, p, m))
				require.NoError(t, err, "defaults %s %v", method, s)
				closeOptimizer(o)
			}
			// LookupProblem returns an equal, fresh problem.
			q, err := optim.LookupProblem(p.Name)
			require.NoError(t, err)
			assert.Equal(t, p.Fingerprint(), q.Fingerprint())
			pc, qc := *p, *q
			pc.ParamDistance, qc.ParamDistance = nil, nil // funcs never compare equal
			assert.True(t, reflect.DeepEqual(pc, qc))
			assert.NotSame(t, p, q)
			assert.NotSame(t, &p.Data.X[0], &q.Data.X[0], "two lookups share their data")
			assert.NotSame(t, &p.Data.Y[0], &q.Data.Y[0], "two lookups share their targets")
		})
	}
	// The optimizers' own per-problem defaults name registered problems.
	for _, m := range catalog.Methods() {
		for pname, s := range m.ProblemDefaults {
			p := lookupProblem(t, pname)
			o, err := m.New(testSettings(t, p, m))
			require.NoError(t, err, "%s's defaults for %s: %v", m.Name, pname, s)
			closeOptimizer(o)
		}
	}
	assert.Contains(t, optim.ProblemNames(), "linsep-NxF")
}

// TestProblemFingerprint: every registered problem (and a member of the
// family) has a Fingerprint that is stable across builds, differs between
// problems and changes with any data value, the network, the optimum and a
// custom Init, but not with the description.
func TestProblemFingerprint(t *testing.T) {
	hex := regexp.MustCompile(`^[0-9a-f]{64}$`)
	problems := append(builtinProblems(t), lookupProblem(t, "linsep-10x3"))
	seen := map[string]string{}
	for _, p := range problems {
		t.Run(p.Name, func(t *testing.T) {
			require.NoError(t, p.Validate())
			fp := p.Fingerprint()
			require.Regexp(t, hex, fp)
			assert.Equal(t, fp, p.Fingerprint(), "twice on one build")
			assert.Equal(t, fp, lookupProblem(t, p.Name).Fingerprint(), "two builds")
			if other, ok := seen[fp]; ok {
				t.Errorf("same fingerprint as %s", other)
			}
			seen[fp] = p.Name

			changed := func(what string, change func(q *optim.Problem)) {
				t.Helper()
				q := lookupProblem(t, p.Name)
				change(q)
				assert.NotEqual(t, fp, q.Fingerprint(), "%s changed, the fingerprint did not", what)
			}
			changed("the first input", func(q *optim.Problem) { q.Data.X[0] = math.Nextafter(q.Data.X[0], math.Inf(1)) })
			changed("the last input", func(q *optim.Problem) { q.Data.X[len(q.Data.X)-1] += 0.5 })
			changed("the first target", func(q *optim.Problem) { q.Data.Y[0] = 1 - q.Data.Y[0] + 0.25 })
			changed("the last target", func(q *optim.Problem) { q.Data.Y[len(q.Data.Y)-1] = -q.Data.Y[len(q.Data.Y)-1] - 1 })
			changed("a bias", func(q *optim.Problem) {
				q.Net.Layers = append([]optim.Layer(nil), q.Net.Layers...)
				q.Net.Layers[0].Bias = !q.Net.Layers[0].Bias
			})
			changed("an activation", func(q *optim.Problem) {
				q.Net.Layers = append([]optim.Layer(nil), q.Net.Layers...)
				act := &q.Net.Layers[len(q.Net.Layers)-1].Act
				if *act == optim.Linear {
					*act = optim.Sigmoid
				} else {
					*act = optim.Linear
				}
			})
			changed("the classification flag", func(q *optim.Problem) { q.Classification = !q.Classification })
			changed("the starting-point rule", func(q *optim.Problem) {
				q.Init = func(x []float64, _ *rand.Rand) { clear(x) }
			})
			if p.Optimum != nil {
				changed("the optimum", func(q *optim.Problem) { q.Optimum[1] = math.Nextafter(q.Optimum[1], 0) })
			} else {
				changed("an optimum", func(q *optim.Problem) { q.Optimum = make([]float64, q.Dim()) })
			}
			q := lookupProblem(t, p.Name)
			q.Description += " (edited)"
			assert.Equal(t, fp, q.Fingerprint(), "the description does not decide the numbers")
		})
	}
}

// tinyProblem is a user's problem: y = x from two samples, one linear
// neuron without bias.
func tinyProblem(name string) *optim.Problem {
	return &optim.Problem{
		Name:        name,
		Description: "y = x from two samples (a test's own problem)",
		Net:         optim.Network{In: 1, Layers: []optim.Layer{{Out: 1, Act: optim.Linear}}},
		Data:        optim.Dataset{N: 2, X: []float64{-1, 2}, Y: []float64{-1, 2}},
		Optimum:     []float64{1},
	}
}

var errNotBuilt = errors.New("this problem cannot be built")

// testProblemDefs are problems a test registers: one that works, and ones
// whose New returns an error, a problem of another name and a malformed
// problem.
var testProblemDefs = []optim.ProblemDef{
	{Name: testPrefix + "tiny", Doc: "y = x", New: func(name string) (*optim.Problem, error) { return tinyProblem(name), nil }},
	{Name: testPrefix + "failing", Doc: "New fails", New: func(string) (*optim.Problem, error) { return nil, errNotBuilt }},
	{Name: testPrefix + "misnamed", Doc: "New names it otherwise", New: func(string) (*optim.Problem, error) {
		return tinyProblem(testPrefix + "other"), nil
	}},
	{Name: testPrefix + "malformed", Doc: "New returns a target short", New: func(name string) (*optim.Problem, error) {
		p := tinyProblem(name)
		p.Data.Y = p.Data.Y[:1]
		return p, nil
	}},
	{Name: testPrefix + "nil", Doc: "New returns nil", New: func(string) (*optim.Problem, error) { return nil, nil }},
}

// registerTestProblems registers testProblemDefs once per test binary (a
// -count above 1 runs the tests again, and a name cannot be registered
// twice).
var registerTestProblems = sync.OnceValue(func() error {
	var errs []error
	for _, d := range testProblemDefs {
		errs = append(errs, optim.RegisterProblem(d))
	}
	return errors.Join(errs...)
})

// TestRegisterProblem: a user's problem registers beside the built-ins and
// is built afresh by LookupProblem; a second registration of a name or of
// the family's prefix fails, invalid definitions are refused, and a
// definition whose New fails or builds something else is an error at
// lookup, not a panic.
func TestRegisterProblem(t *testing.T) {
	require.NoError(t, registerTestProblems())
	name := testPrefix + "tiny"
	p := lookupProblem(t, name)
	assert.Equal(t, tinyProblem(name), p)
	assert.NotSame(t, p, lookupProblem(t, name))
	assert.Contains(t, optim.ProblemNames(), name)
	assert.NotContains(t, builtinNames(optim.ProblemNames()), name, "builtinNames leaves out what tests register")
	tr := runMethod(lookupMethod(t, "irprop-"), nil, p, 1, 100)
	require.NoError(t, tr.err)
	assert.Less(t, p.ParamError(tr.x), 1e-5, "irprop- solves y = x")

	for _, test := range []struct {
		what string
		def  optim.ProblemDef
		msg  string
	}{
		{"the same name", testProblemDefs[0], strconv.Quote(name)},
		{"a built-in's name", optim.ProblemDef{Name: "xor", New: testProblemDefs[0].New}, `"xor"`},
		{"the family's name", optim.ProblemDef{Name: "linsep-NxF", New: testProblemDefs[0].New}, `"linsep-NxF"`},
		{"the family's prefix", optim.ProblemDef{Name: testPrefix + "linsep-again", Prefix: "linsep-", New: testProblemDefs[0].New}, "twice"},
		{"no New", optim.ProblemDef{Name: testPrefix + "no-new"}, "New"},
		{"an empty name", optim.ProblemDef{New: testProblemDefs[0].New}, "empty name"},
		{"a space in the name", optim.ProblemDef{Name: testPrefix + "two words", New: testProblemDefs[0].New}, "letters, digits"},
		{"an equals sign in the name", optim.ProblemDef{Name: testPrefix + "a=b", New: testProblemDefs[0].New}, "letters, digits"},
	} {
		t.Run("refused/"+test.what, func(t *testing.T) {
			err := optim.RegisterProblem(test.def)
			require.Error(t, err)
			assert.Contains(t, err.Error(), test.msg)
		})
	}
	_, err := optim.LookupProblem(testPrefix + "no-new")
	assert.Error(t, err, "a refused definition must not be registered")
	assert.Equal(t, optim.LinSep(10, 3, 1), lookupProblem(t, "linsep-10x3"), "the refused prefix did not replace the family")

	for _, test := range []struct{ name, msg string }{
		{testPrefix + "failing", errNotBuilt.Error()},
		{testPrefix + "misnamed", strconv.Quote(testPrefix + "other")},
		{testPrefix + "malformed", "targets"},
		{testPrefix + "nil", "nil"},
	} {
		t.Run("lookup/"+test.name, func(t *testing.T) {
			var p *optim.Problem
			var err error
			require.NotPanics(t, func() { p, err = optim.LookupProblem(test.name) })
			require.Error(t, err)
			assert.Nil(t, p)
			assert.Contains(t, err.Error(), test.msg)
		})
	}
	_, err = optim.LookupProblem(testPrefix + "failing")
	assert.ErrorIs(t, err, errNotBuilt, "New's error is wrapped or returned")
}
