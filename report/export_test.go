package report

import (
	"bytes"

	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// FullFontSVG draws f as SVG the way vgsvg embeds fonts itself (each whole font), to
// compare with the SVG whose fonts are cut to the text.
func FullFontSVG(f *Figure) ([]byte, error) {
	c := vgsvg.NewWith(vgsvg.UseWH(f.W, f.H), vgsvg.EmbedFonts(true))
	f.draw(draw.New(c))
	var b bytes.Buffer
	_, err := c.WriteTo(&b)
	return b.Bytes(), err
}
