package report

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"sync"

	"git.sr.ht/~sbinet/gg"
	xdraw "golang.org/x/image/draw"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/thaw-dev/thaw/report/internal/svgfont"
)

// Figure is one plot of a run, ready to render as SVG or PNG. Each format is drawn
// once: SVG and PNG keep their bytes, so plots/ and report.html share one rendering.
// A Figure is not safe for concurrent rendering.
type Figure struct {
	Name    string // file stem under plots/, e.g. "latency-histogram"
	Title   string
	Caption string // one sentence on how to read it
	W, H    vg.Length
	draw    func(draw.Canvas)
	svg     []byte       // rendered SVG, once drawn
	png     []byte       // rendered PNG, once drawn
	fonts   svgfont.Uses // faces and characters the SVG draws, once drawn
	plots   []*plot.Plot // the plots draw draws, if any: PNG skips their white backgrounds
}

// Colours shared by every plot and the HTML.
var (
	colorCold    = color.NRGBA{R: 0xE4, G: 0x57, B: 0x2E, A: 0xFF}
	colorWarm    = color.NRGBA{R: 0x2E, G: 0x86, B: 0xAB, A: 0xFF}
	colorAll     = color.NRGBA{R: 0x44, G: 0x44, B: 0x44, A: 0xFF}
	colorUnknown = color.NRGBA{R: 0x99, G: 0x99, B: 0x99, A: 0xFF}
	colorError   = color.NRGBA{R: 0xB0, G: 0x1C, B: 0x8F, A: 0xFF}
	colorBand    = color.NRGBA{R: 0xE4, G: 0x57, B: 0x2E, A: 0x40}
)

func withAlpha(c color.NRGBA, a uint8) color.NRGBA { c.A = a; return c }

// SVG renders the figure as SVG with its fonts embedded, cut to the characters the
// figure draws, so it displays the same everywhere, needs no network and stays small.
// It draws once; later calls return the same bytes (callers must not modify them).
func (f *Figure) SVG() ([]byte, error) {
	if f.svg != nil {
		return f.svg, nil
	}
	svg, fonts, err := svgfont.Render(f.W, f.H, f.draw)
	if err != nil {
		return nil, fmt.Errorf("plot %s: svg: %w", f.Name, err)
	}
	f.svg, f.fonts = svg, fonts
	return f.svg, nil
}

// PNG renders the figure as a PNG at 144 dpi. It draws once; later calls return the
// same bytes (callers must not modify them).
func (f *Figure) PNG() ([]byte, error) {
	if f.png != nil {
		return f.png, nil
	}
	c, img := pngCanvas(f.W, f.H)
	defer recycleRGBA(img)
	defer skipWhiteBackgrounds(f.plots)()
	f.draw(draw.New(c))
	var b bytes.Buffer
	if err := encodeOpaque(&b, img); err != nil { // drawn on white: opaque
		return nil, fmt.Errorf("plot %s: png: %w", f.Name, err)
	}
	f.png = b.Bytes()
	return f.png, nil
}

// skipWhiteBackgrounds turns off the opaque white background of each plot until the
// returned function restores it. On a PNG canvas, which starts white, filling it again
// changes no pixel but costs a third of the drawing: the rasteriser paints the
// rectangle span by span with alpha blending.
func skipWhiteBackgrounds(plots []*plot.Plot) (restore func()) {
	saved := make([]color.Color, len(plots))
	for i, p := range plots {
		saved[i] = p.BackgroundColor
		if p.BackgroundColor == nil {
			continue
		}
		if r, g, b, a := p.BackgroundColor.RGBA(); r&g&b&a == 0xFFFF {
			p.BackgroundColor = nil
		}
	}
	return func() {
		for i, p := range plots {
			p.BackgroundColor = saved[i]
		}
	}
}

// pngDPI is the PNG resolution: sharp on high-density screens.
const pngDPI = 144

// spare holds the pixels of the last PNG canvas (2 to 4 MB) for the next figure, of
// whatever size: figures are drawn one after another, and a sync.Pool loses its items
// at each of the garbage collections that drawing a figure triggers.
var spare struct {
	sync.Mutex
	pix []byte
}

// newRGBA is a w × h image on the spare pixels when they are large enough; its pixels
// are not cleared (the canvas paints its background over all of them).
func newRGBA(w, h int) *image.RGBA {
	spare.Lock()
	pix := spare.pix
	spare.pix = nil
	spare.Unlock()
	if cap(pix) < 4*w*h {
		return image.NewRGBA(image.Rect(0, 0, w, h))
	}
	return &image.RGBA{Pix: pix[:4*w*h], Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}
}

// reservePixels makes the spare pixels large enough for the largest of figs, so that
// drawing them allocates pixels once, not again for each larger figure.
func reservePixels(figs []*Figure) {
	need := 0
	for _, f := range figs {
		wpx, hpx := pngPixels(f.W, f.H)
		need = max(need, 4*wpx*hpx)
	}
	spare.Lock()
	if cap(spare.pix) < need {
		spare.pix = make([]byte, need)
	}
	spare.Unlock()
}

// recycleRGBA keeps img's pixels for the next figure, if larger than those kept.
func recycleRGBA(img *image.RGBA) {
	spare.Lock()
	if cap(img.Pix) > cap(spare.pix) {
		spare.pix = img.Pix
	}
	spare.Unlock()
}

// pngPixels is the size in pixels of a w × h figure at pngDPI.
func pngPixels(w, h vg.Length) (wpx, hpx int) {
	return int(w/vg.Inch*pngDPI + 0.5), int(h/vg.Inch*pngDPI + 0.5)
}

// pngCanvas is a white canvas of w × h at pngDPI, drawn straight into the returned
// image (vgimg's own constructor draws into a copy of a fresh image).
func pngCanvas(w, h vg.Length) (*imgCanvas, *image.RGBA) {
	img := newRGBA(pngPixels(w, h))
	ctx := gg.NewContextForRGBA(img)
	ctx.SetLineCapButt() // as vgimg.NewWith sets up its own context
	ctx.InvertY()
	// Text only: glyph masks are already anti-aliased, so placing them on whole
	// pixels keeps them crisp and costs a fraction of bilinear resampling.
	ctx.SetInterpolator(xdraw.NearestNeighbor)
	// The canvas fills img with its background colour, white by default.
	c := vgimg.NewWith(vgimg.UseImageWithContext(img, ctx), vgimg.UseDPI(pngDPI))
	return &imgCanvas{Canvas: c, ctx: ctx, img: img}, img
}

// newPlot is a plot with thaw's look: title, axis labels, light grid, legend top left.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	sans := font.Font{Typeface: "Liberation", Variant: "Sans"}
	for _, st := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle,
		&p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
		st.Font.Typeface, st.Font.Variant = sans.Typeface, sans.Variant
	}
	useTextHandler(p)
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.Title.Padding = vg.Points(6)
	p.Legend.Top = true
	p.Legend.Left = false
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(12), -vg.Points(4)
	p.Legend.TextStyle.Font.Size = vg.Points(10)
	grid := plotter.NewGrid()
	grid.Vertical.Color = color.NRGBA{R: 0xD5, G: 0xDA, B: 0xE2, A: 0xFF}
	grid.Horizontal.Color = grid.Vertical.Color
	p.Add(grid)
	return p
}

// plotFigure wraps one plot as a Figure.
func plotFigure(name, title, caption string, p *plot.Plot) *Figure {
	return &Figure{Name: name, Title: title, Caption: caption, W: 6 * vg.Inch, H: 3.9 * vg.Inch,
		plots: []*plot.Plot{p}, draw: func(c draw.Canvas) { p.Draw(inset(c)) }}
}

// inset leaves a margin around a plot so titles and legends are not cut at the edge.
func inset(c draw.Canvas) draw.Canvas {
	return draw.Crop(c, vg.Points(6), -vg.Points(10), vg.Points(4), -vg.Points(6))
}
