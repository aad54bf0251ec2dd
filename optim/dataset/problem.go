package dataset

import (
	"fmt"
	"strings"

	"github.com/optbench/optbench/optim"
)

// Problem returns the table as a problem named after it, trained by the
// network spec (see optim.ParseNetwork) on its inputs and targets. A
// classification table gives a classification problem (its "classified"
// target: every output on the right side of 0.5); a regression table gives
// loss targets only. The problem records the file as its Source. A spec
// whose output width does not match the table's targets is an error that
// gives both numbers.
func (t *Table) Problem(spec string) (*optim.Problem, error) {
	net, err := optim.ParseNetwork(spec, t.In)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t.Path, err)
	}
	if net.Out() != t.Out {
		what := "target columns (" + strings.Join(t.Outputs, ", ") + ")"
		if t.Classification() {
			what = "classes (" + strings.Join(t.Classes, ", ") + ")"
		}
		return nil, fmt.Errorf("%s: network %q has %d outputs, but the data have %d %s: want an output layer of %d units",
			t.Path, spec, net.Out(), t.Out, what, t.Out)
	}
	kind := "regression"
	if t.Classification() {
		kind = fmt.Sprintf("%d classes", len(t.Classes))
	}
	p := &optim.Problem{
		Name:           t.Name,
		Description:    fmt.Sprintf("%s: %d samples × %d inputs, %s; %d → %s", t.Path, t.N, t.In, kind, t.In, net.Spec()),
		Net:            net,
		Data:           optim.Dataset{N: t.N, X: t.X, Y: t.Y},
		Classification: t.Classification(),
		Source:         &optim.Source{Path: t.Path, SHA256: t.SHA256},
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", t.Path, err)
	}
	return p, nil
}
