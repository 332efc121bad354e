package report

import (
	"image"
	"image/color"
	"math"
	"sync"

	"git.sr.ht/~sbinet/gg"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// imgCanvas is the PNG canvas: vgimg's, plus its image and context, so that glyphs
// drawn by the thousand (timeline points) can be stamped instead of rasterised.
type imgCanvas struct {
	*vgimg.Canvas
	ctx *gg.Context
	img *image.RGBA
}

// stamper is a canvas that can stamp a filled circle; circleGlyph uses it when the
// canvas has it.
type stamper interface {
	stampCircle(c color.Color, center vg.Point, r vg.Length) bool
}

// circleGlyph draws like draw.CircleGlyph. On a PNG canvas it stamps a circle
// rasterised once per radius and quarter-pixel position (the rasteriser's own
// coverage, from a cache) instead of building and rasterising an arc path for each
// point, which made the timeline the costliest figure of a run. The stamp is placed
// within 1/8 pixel of the exact position; SVG output is unchanged.
type circleGlyph struct{}

// DrawGlyph implements draw.GlyphDrawer.
func (circleGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	if s, ok := underlying(c.Canvas).(stamper); ok && s.stampCircle(sty.Color, pt, sty.Radius) {
		return
	}
	draw.CircleGlyph{}.DrawGlyph(c, sty, pt)
}

// underlying is the canvas under any draw.Canvas layers (draw.Crop nests them).
func underlying(c vg.Canvas) vg.Canvas {
	for {
		switch d := c.(type) {
		case draw.Canvas:
			c = d.Canvas
		case *draw.Canvas:
			c = d.Canvas
		default:
			return c
		}
	}
}

// stampPhases is how many positions per pixel, in x and in y, a stamp is made for.
const stampPhases = 4

// stampCircle composites a cached circle mask in colour c over the image at center;
// false when the canvas is rotated or scaled (then the caller draws the path).
func (c *imgCanvas) stampCircle(col color.Color, center vg.Point, r vg.Length) bool {
	if col == nil {
		return false
	}
	x0, y0 := c.ctx.TransformPoint(0, 0)
	x1, y1 := c.ctx.TransformPoint(1, 1)
	if x1-x0 != 1 || y1-y0 != -1 {
		return false
	}
	dpi := c.DPI()
	px, py := c.ctx.TransformPoint(center.X.Dots(dpi), center.Y.Dots(dpi))
	ix, fx := phase(px)
	iy, fy := phase(py)
	m := circleMask(r.Dots(dpi), fx, fy)
	at := image.Pt(ix-m.pad, iy-m.pad)
	dst := m.alpha.Rect.Add(at).Intersect(c.img.Rect)
	if dst.Empty() {
		return true
	}
	drawMaskOver(c.img, dst, col, m.alpha, dst.Min.Sub(at))
	return true
}

// phase splits a pixel coordinate into its whole pixel and the nearest quarter.
func phase(v float64) (int, int) {
	q := int(math.Round(v * stampPhases))
	i := q / stampPhases
	f := q - i*stampPhases
	if f < 0 {
		i, f = i-1, f+stampPhases
	}
	return i, f
}

type maskKey struct {
	r      float64
	fx, fy int
}

type mask struct {
	alpha *image.Alpha
	pad   int // the circle's centre is at (pad, pad) plus the phase
}

// masks caches circle masks (maskKey → *mask); a report needs a handful.
var masks sync.Map

// circleMask is the coverage of a circle of radius r pixels centred at (pad + fx/4,
// pad + fy/4), drawn the way vgimg fills a circle glyph (move, arc, close, fill).
func circleMask(r float64, fx, fy int) *mask {
	k := maskKey{r, fx, fy}
	if m, ok := masks.Load(k); ok {
		return m.(*mask)
	}
	pad := int(math.Ceil(r)) + 1
	size := 2*pad + 2
	rgba := image.NewRGBA(image.Rect(0, 0, size, size))
	ctx := gg.NewContextForRGBA(rgba)
	ctx.SetColor(color.White)
	cx := float64(pad) + float64(fx)/stampPhases
	cy := float64(pad) + float64(fy)/stampPhases
	ctx.MoveTo(cx+r, cy)
	ctx.DrawArc(cx, cy, r, 0, 2*math.Pi)
	ctx.ClosePath()
	ctx.Fill()
	alpha := image.NewAlpha(rgba.Rect)
	for i := range alpha.Pix {
		alpha.Pix[i] = rgba.Pix[4*i+3]
	}
	m, _ := masks.LoadOrStore(k, &mask{alpha: alpha, pad: pad})
	return m.(*mask)
}

// drawMaskOver composites colour col through mask m (from mp) over dst in r: for each
// pixel, out = src·m + dst·(1 − srcA·m), as the rasteriser's painter does.
func drawMaskOver(dst *image.RGBA, r image.Rectangle, col color.Color, m *image.Alpha, mp image.Point) {
	sr, sg, sb, sa := col.RGBA()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		mi := m.PixOffset(mp.X, mp.Y+y-r.Min.Y)
		di := dst.PixOffset(r.Min.X, y)
		for x := r.Min.X; x < r.Max.X; x, mi, di = x+1, mi+1, di+4 {
			ma := uint32(m.Pix[mi]) * 0x101
			if ma == 0 {
				continue
			}
			a := (0xFFFF - sa*ma/0xFFFF) * 0x101
			p := dst.Pix[di : di+4 : di+4]
			p[0] = uint8((uint32(p[0])*a + sr*ma) / 0xFFFF >> 8)
			p[1] = uint8((uint32(p[1])*a + sg*ma) / 0xFFFF >> 8)
			p[2] = uint8((uint32(p[2])*a + sb*ma) / 0xFFFF >> 8)
			p[3] = uint8((uint32(p[3])*a + sa*ma) / 0xFFFF >> 8)
		}
	}
}
