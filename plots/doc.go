// Package plots draws optbench's charts with gonum/plot (gonum.org/v1/plot).
//
// Every builder takes plain input structs defined here (no dependency on
// other optbench packages) and returns a *plot.Plot that the caller saves
// with [Save] (PNG or SVG, chosen by the file extension), plus a [Note]
// that says what could not be drawn.
//
// Design rules shared by all builders:
//
//   - One look per optimizer: [Style] maps a name to a colour from the
//     Okabe–Ito colour-blind-safe palette, a marker shape and a dash pattern,
//     identical in every chart.
//   - Bad data never panics and is never an error: gonum/plot rejects NaN and
//     ±Inf and log axes reject values ≤ 0, so builders filter such values
//     themselves, count them and describe them in the returned Note. When
//     nothing at all is drawable the plot is still returned, its title gets a
//     " (no data)" suffix and Note.Empty is set. Errors are reserved for
//     unusable arguments (e.g. a nil function or an empty range in [Contour]).
//   - Log axes are snapped to whole decades and labelled "1e-16" style with at
//     most about seven labels, so spans such as 1e-30..1 stay legible.
//   - Legends sit outside the data area, to the right of it, so they never
//     cover data. Charts whose x axis already names the optimizers ([Boxes],
//     [Bars]) have no legend.
//
// The charts are tuned for report figures of about 16cm × 10cm.
package plots
