package report

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"

	"gonum.org/v1/plot/vg/draw"
)

// TestEncodePNGExact: the lean encoder's PNG decodes to the very pixels drawn, for
// opaque RGBA images (its own path, odd sizes and a sub-image included) and others
// (the standard encoder's path, alpha kept).
func TestEncodePNGExact(t *testing.T) {
	opaque := func(w, h int) *image.RGBA {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				img.SetRGBA(x, y, color.RGBA{R: uint8(x * 7), G: uint8(y * 13), B: uint8(x ^ y), A: 0xFF})
			}
		}
		return img
	}
	translucent := opaque(9, 4)
	translucent.SetRGBA(3, 2, color.RGBA{R: 10, G: 20, B: 30, A: 0x80})
	tests := []struct {
		name string
		img  image.Image
	}{
		{"opaque", opaque(301, 17)},
		{"one pixel", opaque(1, 1)},
		{"sub-image", opaque(40, 30).SubImage(image.Rect(5, 7, 33, 29))},
		{"translucent", translucent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := encodePNG(&b, tt.img); err != nil {
				t.Fatal(err)
			}
			got, err := png.Decode(&b)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.img.Bounds()
			if got.Bounds().Dx() != want.Dx() || got.Bounds().Dy() != want.Dy() {
				t.Fatalf("size %v, want %v", got.Bounds(), want)
			}
			for y := range want.Dy() {
				for x := range want.Dx() {
					g := color.NRGBAModel.Convert(got.At(got.Bounds().Min.X+x, got.Bounds().Min.Y+y))
					w := color.NRGBAModel.Convert(tt.img.At(want.Min.X+x, want.Min.Y+y))
					if g != w {
						t.Fatalf("pixel (%d,%d) = %v, want %v", x, y, g, w)
					}
				}
			}
		})
	}
}

// BenchmarkEncodePNG encodes a drawn figure (the fixture run's throughput plot).
//
//	go test ./report -run '^$' -bench EncodePNG
func BenchmarkEncodePNG(b *testing.B) {
	figs := benchFigures(b)
	c, img := pngCanvas(figs[0].W, figs[0].H)
	figs[0].draw(draw.New(c))
	var out bytes.Buffer
	for b.Loop() {
		out.Reset()
		if err := encodePNG(&out, img); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(out.Len()), "png-bytes")
}

func benchFigures(b *testing.B) []*Figure {
	figs := fixtureFigures(b)
	for i, f := range figs {
		if f.Name == "throughput" {
			figs[0], figs[i] = figs[i], figs[0]
		}
	}
	return figs
}
