// Package dataset reads tabular data sets (CSV with a header row) into the
// inputs and targets of an optim.Dataset.
//
// A Table's X and Y are row-major like optim.Dataset's, so
// optim.Dataset{N: t.N, X: t.X, Y: t.Y} trains a network with t.In inputs
// and t.Out outputs. The rules of the file format are those of Parse.
package dataset

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Options are the settings of Load and Parse. The zero value reads the last
// column as the target and z-scores the inputs.
type Options struct {
	// Targets are the 0-based indices of the target columns; empty means the last column.
	Targets []int
	// Classes forces the target to be read as class labels even when numeric.
	Classes bool
	// Scale is how the inputs are scaled: ZScore (the zero value), MinMax to [0, 1] or NoScaling.
	Scale Scaling
}

// Table is a data set read by Load or Parse.
type Table struct {
	Name    string   // the file's base name without extension: "iris.csv" -> "iris"
	Path    string   // as given
	SHA256  string   // hex SHA-256 of the file's bytes exactly as read
	Inputs  []string // header names of the input columns, in file order
	Outputs []string // names of the outputs: the target column names (regression) or the class labels (classification)
	Classes []string // sorted distinct class labels for classification; nil for regression

	N, In, Out int // samples, inputs, outputs

	X, Y []float64 // row-major N×In scaled inputs and N×Out targets (one-hot 0/1 for classes)

	Shift, Scale []float64 // per input column: x_scaled = (x - Shift[j]) / Scale[j] (Shift 0, Scale 1 for NoScaling)
}

// Classification reports whether the table's target is a class label
// (one-hot encoded in Y) rather than numbers to regress.
func (t *Table) Classification() bool { return t.Classes != nil }

// Load reads the file at path and returns Parse of its contents. Errors
// reading the file are *Error values that unwrap to the operating system's
// error.
func Load(path string, opt Options) (*Table, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, osError(path, err)
	}
	return Parse(data, path, opt)
}

// utf8BOM is the byte order mark some programs write at the start of UTF-8 files.
var utf8BOM = []byte("\xef\xbb\xbf")

// Parse reads a data set from the CSV text data; path names it in Table.Path,
// Table.Name and the errors. All errors are *Error values; Parse never
// panics.
//
// The format is CSV as encoding/csv reads it (RFC 4180: fields separated by
// commas, optionally quoted with "…" and inner quotes doubled; LF or CRLF
// line ends), with these rules:
//
//   - A UTF-8 byte order mark at the start is ignored. Blank lines (empty
//     or only spaces) are skipped. Every field is trimmed of surrounding
//     white space; a quoted field may have spaces before its opening
//     quote but none between its closing quote and the next comma.
//   - The first line is the header: one non-empty, distinct name per
//     column. A first line of only numbers is an error, not a header.
//   - Every other line is a data row with one field per header column, and
//     there are at least two data rows.
//   - The target columns are Options.Targets (0-based, each at most once),
//     by default the last column; all other columns are the inputs, of
//     which there must be at least one. Every input cell is a finite
//     number as strconv.ParseFloat reads it ("NaN", "Inf" and empty cells
//     are errors).
//   - If every target cell is a number and Options.Classes is false, the
//     table is a regression: one output per target column, in the order of
//     Options.Targets, holding the targets unscaled (they must be finite).
//     Beware that a single non-numeric cell (a typo) makes a single target
//     column a class label instead.
//   - Otherwise the single target column (more are an error) holds class
//     labels: Classes lists the distinct labels sorted with sort.Strings,
//     except that with Options.Classes and labels that all are numbers
//     they are sorted by value ("2" before "10"; two labels of equal value,
//     such as "1" and "1.0", are an error). There must be at least two
//     classes. Y has one output per class, 1 for the row's class and 0
//     for the others.
//   - The inputs are scaled per column as Options.Scale says (see Scaling);
//     Shift and Scale record how. A column that cannot be scaled in
//     float64 is an error: one whose range or scaled values overflow
//     (values of magnitude near 1e308) or whose spread underflows to 0
//     (subnormal values, below about 1e-308).
func Parse(data []byte, path string, opt Options) (*Table, error) {
	fail := func(line int, format string, args ...any) error {
		return &Error{Path: path, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	if !opt.Scale.valid() {
		return nil, fail(0, "unknown scaling %d (want %s)", int(opt.Scale), strings.Join(scalingNames[:], ", "))
	}
	sum := sha256.Sum256(data)
	text := bytes.TrimPrefix(data, utf8BOM)
	if len(bytes.TrimSpace(text)) == 0 {
		return nil, fail(0, "empty file (want a header row of column names and at least two data rows)")
	}
	rows, lines, err := readRows(text, path)
	if err != nil {
		return nil, err
	}
	header, rows, headerLine, lines := rows[0], rows[1:], lines[0], lines[1:]
	if err := checkHeader(header, headerLine, fail); err != nil {
		return nil, err
	}
	ncol := len(header)
	isTarget, targets, err := targetColumns(opt.Targets, header, fail)
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		if len(r) != ncol {
			return nil, fail(lines[i], "%d fields, the header has %d (want one field per column)", len(r), ncol)
		}
	}
	switch len(rows) {
	case 0:
		return nil, fail(0, "no data rows after the header (want at least 2)")
	case 1:
		return nil, fail(lines[0], "only one data row (want at least 2)")
	}

	t := &Table{
		Name:   name(path),
		Path:   path,
		SHA256: hex.EncodeToString(sum[:]),
		N:      len(rows),
	}
	for j, h := range header {
		if !isTarget[j] {
			t.Inputs = append(t.Inputs, h)
		}
	}
	t.In = len(t.Inputs)
	if err := t.readTargets(rows, lines, header, targets, opt.Classes, fail); err != nil {
		return nil, err
	}
	if err := t.readInputs(rows, lines, header, isTarget, opt.Scale, fail); err != nil {
		return nil, err
	}
	return t, nil
}

// name returns the base name of path without its extension.
func name(path string) string {
	if path == "" {
		return ""
	}
	base := filepath.Base(path)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// readRows returns the trimmed records of text, without blank lines, and the
// line on which each starts. There is at least one record.
func readRows(text []byte, path string) (rows [][]string, lines []int, err error) {
	r := csv.NewReader(bytes.NewReader(text))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			if pe, ok := errors.AsType[*csv.ParseError](err); ok {
				return nil, nil, &Error{Path: path, Line: pe.Line, Msg: fmt.Sprintf(
					"byte %d: %v (quote a field that holds commas, quotes or line breaks as \"…\", with inner quotes doubled)",
					pe.Column, pe.Err)}
			}
			return nil, nil, &Error{Path: path, Msg: err.Error(), err: err}
		}
		line, _ := r.FieldPos(0)
		for i, f := range rec {
			rec[i] = strings.TrimSpace(f)
		}
		if len(rec) == 1 && rec[0] == "" {
			continue // a line of only white space
		}
		rows = append(rows, rec)
		lines = append(lines, line)
	}
	if len(rows) == 0 {
		// Unreachable: the caller rejects text that is only white space.
		return nil, nil, &Error{Path: path, Msg: "empty file (want a header row of column names and at least two data rows)"}
	}
	return rows, lines, nil
}

// checkHeader checks that the header row on line has non-empty, distinct
// names that are not all numbers.
func checkHeader(header []string, line int, fail func(int, string, ...any) error) error {
	numbers := true
	for _, h := range header {
		if _, ok := parseNumber(h); !ok {
			numbers = false
			break
		}
	}
	if numbers {
		return fail(line, "no header row (the first line has only numbers; want column names first, e.g. x1,x2,y)")
	}
	seen := make(map[string]int, len(header))
	for j, h := range header {
		if h == "" {
			return fail(line, "column %d has an empty name (want a name for every column)", j+1)
		}
		if k, dup := seen[h]; dup {
			return fail(line, "duplicate column name %q (columns %d and %d; want distinct names)", h, k+1, j+1)
		}
		seen[h] = j
	}
	return nil
}

// targetColumns checks the target indices against the header and returns
// which columns are targets and the targets in order (by default the last
// column).
func targetColumns(idx []int, header []string, fail func(int, string, ...any) error) (isTarget []bool, targets []int, err error) {
	ncol := len(header)
	if len(idx) == 0 {
		idx = []int{ncol - 1}
	}
	isTarget = make([]bool, ncol)
	for _, j := range idx {
		if j < 0 || j >= ncol {
			return nil, nil, fail(0, "target column index %d out of range (the file has %d columns, indices 0 to %d)", j, ncol, ncol-1)
		}
		if isTarget[j] {
			return nil, nil, fail(0, "target column index %d (%q) given twice (want each target column once)", j, header[j])
		}
		isTarget[j] = true
	}
	if len(idx) == ncol {
		return nil, nil, fail(0, "no input columns left: all %d columns are targets (want at least one input column)", ncol)
	}
	return isTarget, idx, nil
}

// parseNumber returns the number s as strconv.ParseFloat reads it, and
// whether s is a number at all (±Inf for one out of range).
func parseNumber(s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil || errors.Is(err, strconv.ErrRange)
}

// finite reports whether v is neither NaN nor ±Inf.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// readTargets sets t.Outputs, t.Classes, t.Out and t.Y from the target
// columns of rows.
func (t *Table) readTargets(rows [][]string, lines []int, header []string, targets []int, classes bool, fail func(int, string, ...any) error) error {
	// Find the first non-numeric target cell, if any.
	bad, badLine, badCol := "", 0, 0
	for i, r := range rows {
		for _, j := range targets {
			if r[j] == "" {
				return fail(lines[i], "column %d %q: empty target cell (want a number or a class label)", j+1, header[j])
			}
			if _, ok := parseNumber(r[j]); !ok && badLine == 0 {
				bad, badLine, badCol = r[j], lines[i], j
			}
		}
	}
	if !classes && badLine == 0 {
		return t.readRegression(rows, lines, header, targets, fail)
	}
	if len(targets) > 1 {
		if classes {
			return fail(0, "%d target columns, but class labels need exactly one target column", len(targets))
		}
		return fail(badLine, "column %d %q: target %q is not a number (with %d target columns every target must be a number; class labels need exactly one target column)",
			badCol+1, header[badCol], bad, len(targets))
	}
	j := targets[0]
	labels := make([]string, len(rows))
	for i, r := range rows {
		labels[i] = r[j]
	}
	t.Classes = slices.Compact(slices.Sorted(slices.Values(labels)))
	if classes {
		if err := sortNumeric(t.Classes, fail); err != nil {
			return err
		}
	}
	if len(t.Classes) < 2 {
		return fail(0, "target column %d %q has only one class, %q (classification needs at least 2)", j+1, header[j], t.Classes[0])
	}
	index := make(map[string]int, len(t.Classes))
	for k, c := range t.Classes {
		index[c] = k
	}
	t.Outputs = slices.Clone(t.Classes)
	t.Out = len(t.Classes)
	t.Y = make([]float64, t.N*t.Out)
	for i, l := range labels {
		t.Y[i*t.Out+index[l]] = 1
	}
	return nil
}

// sortNumeric sorts the distinct labels by value if they all are numbers
// (NaN excluded), and rejects two labels of the same value.
func sortNumeric(labels []string, fail func(int, string, ...any) error) error {
	vals := make(map[string]float64, len(labels))
	for _, l := range labels {
		v, ok := parseNumber(l)
		if !ok || math.IsNaN(v) {
			return nil
		}
		vals[l] = v
	}
	slices.SortFunc(labels, func(a, b string) int {
		return cmp.Or(cmp.Compare(vals[a], vals[b]), strings.Compare(a, b))
	})
	for k := 1; k < len(labels); k++ {
		if vals[labels[k-1]] == vals[labels[k]] {
			return fail(0, "class labels %q and %q are the same number (write each class one way)", labels[k-1], labels[k])
		}
	}
	return nil
}

// readRegression sets t.Outputs, t.Out and t.Y from the numeric target
// columns of rows.
func (t *Table) readRegression(rows [][]string, lines []int, header []string, targets []int, fail func(int, string, ...any) error) error {
	t.Out = len(targets)
	for _, j := range targets {
		t.Outputs = append(t.Outputs, header[j])
	}
	t.Y = make([]float64, t.N*t.Out)
	for i, r := range rows {
		for k, j := range targets {
			v, _ := parseNumber(r[j])
			if !finite(v) {
				return fail(lines[i], "column %d %q: target %q is not finite (regression targets must be finite numbers)", j+1, header[j], r[j])
			}
			t.Y[i*t.Out+k] = v
		}
	}
	return nil
}

// readInputs sets t.X, t.Shift and t.Scale from the input columns of rows.
func (t *Table) readInputs(rows [][]string, lines []int, header []string, isTarget []bool, s Scaling, fail func(int, string, ...any) error) error {
	t.X = make([]float64, t.N*t.In)
	t.Shift = make([]float64, t.In)
	t.Scale = make([]float64, t.In)
	col := make([]float64, t.N)
	k := 0 // input index
	for j, h := range header {
		if isTarget[j] {
			continue
		}
		for i, r := range rows {
			c := r[j]
			v, ok := parseNumber(c)
			switch {
			case c == "":
				return fail(lines[i], "column %d %q: empty cell (inputs must be finite numbers)", j+1, h)
			case !ok:
				return fail(lines[i], "column %d %q: %q is not a number (inputs must be finite numbers)", j+1, h, c)
			case !finite(v):
				return fail(lines[i], "column %d %q: %q is not finite (inputs must be finite numbers)", j+1, h, c)
			}
			col[i] = v
		}
		shift, scale := s.fit(col)
		ok := scale > 0 && finite(scale)
		for i, v := range col {
			x := (v - shift) / scale
			ok = ok && finite(x)
			t.X[i*t.In+k] = x
		}
		if !ok {
			lo, hi := slices.Min(col), slices.Max(col)
			return fail(0, "column %d %q: values from %g to %g cannot be scaled by %s in float64 (rescale the column, or use scaling none)", j+1, h, lo, hi, s)
		}
		t.Shift[k], t.Scale[k] = shift, scale
		k++
	}
	return nil
}
