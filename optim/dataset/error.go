package dataset

import (
	"errors"
	"fmt"
	"io/fs"
)

// Error is the error type of Load and Parse: a data file that cannot be
// read, or whose contents break one of the rules of Parse. Get it with
// errors.As.
//
// Line numbers count from 1, as do the column numbers that messages quote
// next to the column names (Options.Targets counts from 0).
type Error struct {
	Path string // the file as given to Load or Parse
	Line int    // 1-based line of the file, or 0 when the error is not about one line
	Msg  string // what is wrong and what is allowed

	err error // the underlying error (from the operating system), if any
}

// Error returns "PATH:LINE: MSG", or "PATH: MSG" when Line is 0. Without a
// Path it returns "line LINE: MSG" or just MSG.
func (e *Error) Error() string {
	switch {
	case e.Path != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	case e.Path != "":
		return e.Path + ": " + e.Msg
	case e.Line > 0:
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// Unwrap returns the underlying operating-system error, so that, for
// example, errors.Is(err, fs.ErrNotExist) reports a missing file; it
// returns nil for errors about the file's contents.
func (e *Error) Unwrap() error { return e.err }

// osError wraps an error of reading path as an *Error naming the path once.
func osError(path string, err error) *Error {
	msg := err.Error()
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		msg = pe.Op + ": " + pe.Err.Error()
	}
	return &Error{Path: path, Msg: msg, err: err}
}
