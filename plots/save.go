package plots

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// PNGDPI is the resolution of saved PNGs: twice gonum's 96 dpi default, so
// figures stay sharp on high-density screens and when zoomed in notes.
const PNGDPI = 192

// Save draws p at w × h (e.g. 16*vg.Centimeter, 10*vg.Centimeter) and writes
// it to path atomically: to a temporary file in the same directory that is
// renamed over path only once complete. The format follows the extension:
// .png or .svg (case-insensitive; gonum's PDF backend cannot render the bold
// title font, so PDF is not offered). Errors, including a panic inside
// gonum/plot while drawing, are returned wrapped with the path.
func Save(p *plot.Plot, w, h vg.Length, path string) (err error) {
	wrap := func(err error) error { return fmt.Errorf("plots: save %s: %w", path, err) }
	if p == nil {
		return wrap(errors.New("nil plot"))
	}
	if !(w > 0) || !(h > 0) {
		return wrap(fmt.Errorf("invalid size %v × %v", w, h))
	}
	var cw interface {
		vg.CanvasSizer
		io.WriterTo
	}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".png":
		cw = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(PNGDPI))}
	case ".svg":
		cw = vgsvg.New(w, h)
	default:
		return wrap(fmt.Errorf("unsupported extension %q (want .png or .svg)", ext))
	}
	if err := drawSafely(p, cw); err != nil {
		return wrap(err)
	}

	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return wrap(err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = cw.WriteTo(tmp); err != nil {
		return wrap(err)
	}
	if err = tmp.Sync(); err != nil {
		return wrap(err)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return wrap(err)
	}
	if err = tmp.Close(); err != nil {
		return wrap(err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return wrap(err)
	}
	return nil
}

func drawSafely(p *plot.Plot, c vg.CanvasSizer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("drawing plot: %v", r)
		}
	}()
	p.Draw(draw.New(c))
	return nil
}
