package svgfont_test

import (
	"bytes"
	"encoding/base64"
	"image/color"
	"regexp"
	"strings"
	"testing"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/font/liberation"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/thaw-dev/thaw/report/internal/svgfont"
)

var fontRE = regexp.MustCompile(`font-weight:([a-z0-9]+);font-style:[a-z]+;\s*src: url\(data:font/ttf;charset=utf-8;base64,([A-Za-z0-9+/=]+)\)`)

// texts draws each string in its own face.
func texts(faces map[string]font.Font) func(draw.Canvas) {
	return func(c draw.Canvas) {
		y := vg.Points(20)
		for s, f := range faces {
			sty := text.Style{Color: color.Black, Font: f, Handler: text.Plain{Fonts: font.NewCache(liberation.Collection())}}
			sty.Font.Size = vg.Points(12)
			c.FillText(sty, vg.Point{X: 10, Y: y}, s)
			y += 20
		}
	}
}

// TestRender: one @font-face per face drawn, placed in vgsvg's <defs><style> block,
// each font holding exactly the characters drawn in it; Merge joins two figures'
// characters per face.
func TestRender(t *testing.T) {
	regular := font.Font{Typeface: "Liberation", Variant: "Sans"}
	bold := regular
	bold.Weight = xfont.WeightBold
	tests := []struct {
		name  string
		faces map[string]font.Font
		want  map[string]string // weight → characters in its font
	}{
		{"no text", nil, map[string]string{}},
		{"one face", map[string]font.Font{"p99 ms": regular}, map[string]string{"normal": "p99 ms"}},
		{"two faces", map[string]font.Font{"cold": regular, "Warm": bold}, map[string]string{"normal": "cold", "bold": "Warm"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg, uses, err := svgfont.Render(200, 100, texts(tt.faces))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(svg, []byte("xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n<defs>\n\t<style>\n")) {
				t.Errorf("no <defs><style> right after the <svg> tag:\n%.400s", svg)
			}
			got := fonts(t, svg)
			if len(got) != len(tt.want) {
				t.Fatalf("%d fonts, want %d", len(got), len(tt.want))
			}
			for weight, chars := range tt.want {
				checkChars(t, got[weight], chars, "QZ")
			}
			css, err := uses.CSS()
			if err != nil || strings.Count(css, "@font-face") != len(tt.want) {
				t.Errorf("CSS: %d rules (%v), want %d", strings.Count(css, "@font-face"), err, len(tt.want))
			}
		})
	}
	_, a, err := svgfont.Render(100, 100, texts(map[string]font.Font{"ab": regular}))
	if err != nil {
		t.Fatal(err)
	}
	_, b, err := svgfont.Render(100, 100, texts(map[string]font.Font{"xy": regular}))
	if err != nil {
		t.Fatal(err)
	}
	a.Merge(b)
	css, err := a.CSS()
	if err != nil {
		t.Fatal(err)
	}
	merged := fonts(t, []byte(css))
	if len(merged) != 1 {
		t.Fatalf("merged: %d fonts, want 1", len(merged))
	}
	checkChars(t, merged["normal"], "abxy", "QZ")
}

func fonts(t *testing.T, svg []byte) map[string]*sfnt.Font {
	t.Helper()
	out := map[string]*sfnt.Font{}
	for _, m := range fontRE.FindAllSubmatch(svg, -1) {
		ttf, err := base64.StdEncoding.DecodeString(string(m[2]))
		if err != nil {
			t.Fatal(err)
		}
		if out[string(m[1])], err = sfnt.Parse(ttf); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// checkChars: every character of in maps to a glyph of f, none of out does.
func checkChars(t *testing.T, f *sfnt.Font, in, out string) {
	t.Helper()
	if f == nil {
		t.Fatalf("no font for %q", in)
	}
	var b sfnt.Buffer
	for _, r := range in {
		if g, err := f.GlyphIndex(&b, r); err != nil || g == 0 {
			t.Errorf("%q missing from the font", r)
		}
	}
	for _, r := range out {
		if g, err := f.GlyphIndex(&b, r); err != nil || g != 0 {
			t.Errorf("%q in the font, never drawn", r)
		}
	}
}
