// Package svgfont draws gonum/plot figures as SVG whose embedded fonts are cut to the
// characters drawn (vgsvg's own embedding writes each whole font, about 550 KB of
// base64 per face), and declares fonts for a page that inlines several such SVGs.
package svgfont

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
	"sync"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/thaw-dev/thaw/report/internal/ttfsubset"
)

// Uses records, per font face (keyed by its CSS description), the characters a figure
// draws with it, so the SVG embeds only those glyphs. It is not safe for concurrent use.
type Uses map[string]*fontUse

type fontUse struct {
	face  font.Face
	runes map[rune]bool
}

func (u Uses) add(f font.Face, s string) {
	key := cssFontKey(f)
	fu := u[key]
	if fu == nil {
		fu = &fontUse{face: f, runes: map[rune]bool{}}
		u[key] = fu
	}
	for _, r := range s {
		fu.runes[r] = true
	}
}

// Merge adds every use of o to u.
func (u Uses) Merge(o Uses) {
	for _, fu := range o {
		for r := range fu.runes {
			u.add(fu.face, string(r))
		}
	}
}

// svgCanvas is vgsvg's canvas without its own font embedding (which writes each whole
// font, about 550 KB of base64 per face), recording the text drawn instead.
type svgCanvas struct {
	*vgsvg.Canvas
	fonts Uses
}

// FillString draws str and records its characters.
func (c *svgCanvas) FillString(f font.Face, pt vg.Point, str string) {
	c.fonts.add(f, str)
	c.Canvas.FillString(f, pt, str)
}

// Render draws a w × h figure with fn and returns the SVG with a <defs><style> block
// holding an @font-face rule per face used, each font cut to the characters drawn (in
// the place and form vgsvg writes its own embedded fonts), and the fonts used.
func Render(w, h vg.Length, fn func(draw.Canvas)) ([]byte, Uses, error) {
	c := &svgCanvas{Canvas: vgsvg.NewWith(vgsvg.UseWH(w, h)), fonts: Uses{}}
	fn(draw.New(c))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, nil, err
	}
	css, err := c.fonts.CSS()
	if err != nil {
		return nil, nil, err
	}
	svg := b.Bytes()
	at := bytes.Index(svg, []byte("<svg"))
	end := bytes.IndexByte(svg[max(at, 0):], '>')
	if at < 0 || end < 0 {
		return nil, nil, fmt.Errorf("svg: no <svg> tag in vgsvg output")
	}
	at += end + 1
	if at < len(svg) && svg[at] == '\n' {
		at++
	}
	out := make([]byte, 0, len(svg)+len(css)+40)
	out = append(out, svg[:at]...)
	out = append(out, "<defs>\n\t<style>\n"...)
	out = append(out, css...)
	out = append(out, "\t</style>\n</defs>\n"...)
	out = append(out, svg[at:]...)
	return out, c.fonts, nil
}

// CSS is one @font-face rule per face, sorted, each with the face cut to the
// characters used, as base64 TrueType.
func (u Uses) CSS() (string, error) {
	keys := make([]string, 0, len(u))
	for k := range u {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fu := u[k]
		ttf, err := subsetFace(k, fu)
		if err != nil {
			return "", fmt.Errorf("svg: font %s: %w", fu.face.Name(), err)
		}
		family, variant, weight, style := cssFont(fu.face)
		fmt.Fprintf(&b, "\t\t@font-face{\n\t\t\tfont-family:%q;\n", family)
		fmt.Fprintf(&b, "\t\t\tfont-variant:%s;font-weight:%s;font-style:%s;\n", variant, weight, style)
		fmt.Fprintf(&b, "\t\t\tsrc: url(data:font/ttf;charset=utf-8;base64,%s) format(\"truetype\");\n\t\t}\n",
			base64.StdEncoding.EncodeToString(ttf))
	}
	return b.String(), nil
}

// parsedFonts caches each face's parsed font (key: cssFontKey → *ttfsubset.Font):
// the fonts are parsed once per process, on first use.
var parsedFonts sync.Map

// subsetFace is the face of fu cut to the glyphs of its characters.
func subsetFace(key string, fu *fontUse) ([]byte, error) {
	v, ok := parsedFonts.Load(key)
	if !ok {
		var raw bytes.Buffer
		if _, err := fu.face.Face.WriteSourceTo(nil, &raw); err != nil {
			return nil, err
		}
		f, err := ttfsubset.Parse(raw.Bytes())
		if err != nil {
			return nil, err
		}
		v, _ = parsedFonts.LoadOrStore(key, f)
	}
	var buf sfnt.Buffer
	chars := make(map[rune]uint16, len(fu.runes))
	for r := range fu.runes {
		g, err := fu.face.Face.GlyphIndex(&buf, r)
		if err != nil {
			return nil, err
		}
		chars[r] = uint16(g)
	}
	return v.(*ttfsubset.Font).Subset(chars)
}

// cssFontKey names a face as vgsvg's text elements do: family, variant, weight, style.
func cssFontKey(f font.Face) string {
	family, variant, weight, style := cssFont(f)
	return "font-family:" + family + ";font-variant:" + variant + ";font-weight:" + weight + ";font-style:" + style
}

// cssFont is the CSS description of a face, with the same values vgsvg writes on its
// text elements, so the @font-face rules match them.
func cssFont(f font.Face) (family, variant, weight, style string) {
	var buf sfnt.Buffer
	family, err := f.Face.Name(&buf, sfnt.NameIDFamily)
	if err != nil {
		family = string(f.Font.Typeface)
	}
	switch v := strings.ToLower(string(f.Font.Variant)); v {
	case "smallcaps":
		variant = "small-caps"
	case "mono", "monospace", "sans", "sansserif", "sans-serif", "serif":
		variant = "normal"
	case "":
		variant = "none"
	default:
		variant = v
	}
	switch w := 400 + 100*int(f.Font.Weight); w {
	case 400:
		weight = "normal"
	case 700:
		weight = "bold"
	default:
		weight = fmt.Sprint(w)
	}
	switch f.Font.Style {
	case xfont.StyleItalic:
		style = "italic"
	case xfont.StyleOblique:
		style = "oblique"
	default:
		style = "normal"
	}
	return family, variant, weight, style
}
