package report

import (
	"bytes"
	"encoding/base64"
	"html"
	"image/png"
	"math"
	"path/filepath"
	"regexp"
	"testing"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot/vg/draw"

	"github.com/thaw-dev/thaw/report/internal/fixture"
)

// fixtureFigures are the figures of a fixture run with cold and warm classes, cost,
// keep-alive and thresholds: every kind of figure Figures makes.
func fixtureFigures(t testing.TB) []*Figure {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	s, err := fixture.Write(dir, fixture.Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	figs, err := Figures(dir, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(figs) < 5 {
		t.Fatalf("%d figures, want every kind", len(figs))
	}
	return figs
}

// TestPNGSkipsBackgroundSamePixels: the PNG drawn without the plots' white background
// fill is pixel for pixel the image drawn with it, for every figure (the throughput
// figure has two plots), and the plots keep their background for the SVG.
func TestPNGSkipsBackgroundSamePixels(t *testing.T) {
	for _, f := range fixtureFigures(t) {
		t.Run(f.Name, func(t *testing.T) {
			got, err := f.PNG()
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(got))
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range f.plots {
				if p.BackgroundColor == nil {
					t.Fatal("PNG left a plot without its background")
				}
			}
			c, want := pngCanvas(f.W, f.H) // backgrounds drawn, as before
			f.draw(draw.New(c))
			if !img.Bounds().Eq(want.Bounds()) {
				t.Fatalf("size %v, want %v", img.Bounds(), want.Bounds())
			}
			diff := 0
			for y := range want.Bounds().Dy() {
				for x := range want.Bounds().Dx() {
					r, g, b, _ := img.At(x, y).RGBA()
					w := want.RGBAAt(x, y)
					if uint8(r>>8) != w.R || uint8(g>>8) != w.G || uint8(b>>8) != w.B {
						diff++
					}
				}
			}
			if diff > 0 {
				t.Errorf("%d pixels differ from the drawing with backgrounds", diff)
			}
			if len(f.plots) == 0 {
				t.Error("figure lists no plots: its PNG fills backgrounds for nothing")
			}
		})
	}
}

var (
	textRE = regexp.MustCompile(`<text [^>]*font-family:([^;]+);[^>]*font-weight:([a-z0-9]+);[^>]*>([^<]*)</text>`)
	fontRE = regexp.MustCompile(`font-family:"([^"]+)";\s*font-variant:[a-z-]+;font-weight:([a-z0-9]+);font-style:[a-z]+;\s*src: url\(data:font/ttf;charset=utf-8;base64,([A-Za-z0-9+/=]+)\)`)
)

// TestSVGEmbedsFontsCutToItsText: each SVG embeds one font per face its text uses;
// every character of every text element has its outline in that font, and the font is
// small; characters the figure never draws are not in it.
func TestSVGEmbedsFontsCutToItsText(t *testing.T) {
	for _, f := range fixtureFigures(t) {
		t.Run(f.Name, func(t *testing.T) {
			svg, err := f.SVG()
			if err != nil {
				t.Fatal(err)
			}
			fonts := map[string]*sfnt.Font{}
			for _, m := range fontRE.FindAllSubmatch(svg, -1) {
				ttf, err := base64.StdEncoding.DecodeString(string(m[3]))
				if err != nil {
					t.Fatal(err)
				}
				if len(ttf) > 20_000 {
					t.Errorf("font %s %s is %d bytes: not cut?", m[1], m[2], len(ttf))
				}
				if fonts[string(m[1])+"/"+string(m[2])], err = sfnt.Parse(ttf); err != nil {
					t.Fatalf("embedded font %s: %v", m[1], err)
				}
			}
			texts := textRE.FindAllSubmatch(svg, -1)
			if len(fonts) == 0 || len(texts) == 0 {
				t.Fatalf("%d fonts, %d texts", len(fonts), len(texts))
			}
			drawn := map[string]bool{}
			for _, m := range texts {
				key := string(m[1]) + "/" + string(m[2])
				font := fonts[key]
				if font == nil {
					t.Fatalf("text %q uses %s, not embedded", m[3], key)
				}
				for _, r := range html.UnescapeString(string(m[3])) {
					drawn[key+string(r)] = true
					if r != ' ' && emptyGlyph(t, font, r) {
						t.Errorf("%q of %q has no outline in the embedded %s", r, m[3], key)
					}
				}
			}
			for key, font := range fonts {
				for _, r := range "QZjq@#&" {
					var b sfnt.Buffer
					if g, err := font.GlyphIndex(&b, r); !drawn[key+string(r)] && (err != nil || g != 0) {
						t.Errorf("%q is never drawn but maps to glyph %d in %s (%v)", r, g, key, err)
					}
				}
			}
		})
	}
}

func emptyGlyph(t *testing.T, f *sfnt.Font, r rune) bool {
	t.Helper()
	var b sfnt.Buffer
	g, err := f.GlyphIndex(&b, r)
	if err != nil || g == 0 {
		t.Fatalf("%q: glyph %d, %v", r, g, err)
	}
	segs, err := f.LoadGlyph(&b, g, fixed.I(100), nil)
	if err != nil {
		t.Fatal(err)
	}
	return len(segs) == 0
}

// TestStampedCirclesMatchRasterised: the timeline with stamped circles is the timeline
// with each circle rasterised as a path, up to the stamp's placement (within 1/8
// pixel): no pixel off by more than a sliver of colour, and the points cover the same
// area.
func TestStampedCirclesMatchRasterised(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	s, err := fixture.Write(dir, fixture.Options{Seed: 11, Scale: 3})
	if err != nil {
		t.Fatal(err)
	}
	figs, err := Figures(dir, s)
	if err != nil {
		t.Fatal(err)
	}
	var tl *Figure
	for _, f := range figs {
		if f.Name == "timeline" {
			tl = f
		}
	}
	if tl == nil {
		t.Fatal("no timeline")
	}
	c, stamped := pngCanvas(tl.W, tl.H)
	tl.draw(draw.New(c))
	rc, path := pngCanvas(tl.W, tl.H)
	tl.draw(draw.New(rc.Canvas)) // vgimg's own canvas: every circle rasterised
	if !stamped.Rect.Eq(path.Rect) {
		t.Fatalf("sizes %v, %v", stamped.Rect, path.Rect)
	}
	var differ, worst, inkS, inkP int
	for i := 0; i < len(path.Pix); i += 4 {
		d := 0
		for ch := range 3 {
			d = max(d, absDiff(stamped.Pix[i+ch], path.Pix[i+ch]))
		}
		if d > 0 {
			differ++
		}
		worst = max(worst, d)
		if path.Pix[i] < 0xF0 || path.Pix[i+2] < 0xF0 {
			inkP++
		}
		if stamped.Pix[i] < 0xF0 || stamped.Pix[i+2] < 0xF0 {
			inkS++
		}
	}
	t.Logf("%d of %d pixels differ, at most by %d; ink %d stamped, %d rasterised", differ, len(path.Pix)/4, worst, inkS, inkP)
	if differ == 0 {
		t.Error("no pixel differs: were the circles stamped at all?")
	}
	if worst > 48 {
		t.Errorf("a pixel differs by %d of 255", worst)
	}
	if math.Abs(float64(inkS-inkP)) > 0.01*float64(inkP) {
		t.Errorf("ink %d stamped vs %d rasterised: more than 1%% apart", inkS, inkP)
	}
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}
