package optim

import (
	"errors"
	"fmt"
)

// ErrDiverged is returned by Step when the loss or the parameters stop being
// finite (NaN, ±Inf or overflow). The optimizer leaves x at the last finite
// parameters it had.
var ErrDiverged = errors.New("optim: diverged (loss or parameters not finite)")

// ErrNotInitialized is returned by Step when Init has not succeeded.
var ErrNotInitialized = errors.New("optim: Step called before a successful Init")

// SettingError reports an optimizer or problem setting outside its allowed
// range. Field names the setting as the command line spells it.
type SettingError struct {
	Field   string  // the setting, e.g. "ga.population"
	Value   float64 // the rejected value
	Allowed string  // what is allowed, e.g. "an integer ≥ 2"
}

// Error implements the error interface.
func (e *SettingError) Error() string {
	return fmt.Sprintf("optim: bad setting %s=%v: want %s", e.Field, e.Value, e.Allowed)
}

// DimError reports a parameter vector of the wrong length.
type DimError struct {
	Got, Want int
}

// Error implements the error interface.
func (e *DimError) Error() string {
	return fmt.Sprintf("optim: parameter vector has length %d, want %d", e.Got, e.Want)
}
