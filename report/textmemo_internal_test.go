package report

import (
	"testing"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// TestMemoTextSameSizes: the remembering handler gives gonum's plain handler's sizes,
// the first time and from memory, for every face and size the figures use; newPlot's
// text styles all measure through it.
func TestMemoTextSameSizes(t *testing.T) {
	plain := text.Plain{Fonts: font.DefaultCache}
	fonts := []font.Font{
		{Typeface: "Liberation", Variant: "Sans", Size: vg.Points(10)},
		{Typeface: "Liberation", Variant: "Sans", Size: vg.Points(13)},
		{Typeface: "Liberation", Variant: "Sans", Weight: 700, Size: vg.Points(8)},
		{Typeface: "Liberation", Variant: "Serif", Size: vg.Points(10)},
	}
	for _, fnt := range fonts {
		for _, txt := range []string{"", "0.2", "latency (ms)", "AVAVA Wo", "cold starts ≥ 1 s", "1e+06"} {
			w0, h0, d0 := plain.Box(txt, fnt)
			for i := 0; i < 2; i++ {
				w, h, d := textHandler.Box(txt, fnt)
				if w != w0 || h != h0 || d != d0 {
					t.Fatalf("Box(%q, %v) = %v %v %v, plain handler %v %v %v", txt, fnt, w, h, d, w0, h0, d0)
				}
			}
		}
		for i := 0; i < 2; i++ {
			if got, want := textHandler.Extents(fnt), plain.Extents(fnt); got != want {
				t.Fatalf("Extents(%v) = %+v, plain handler %+v", fnt, got, want)
			}
		}
	}
	p := newPlot("t", "x", "y")
	for name, st := range map[string]text.Style{"title": p.Title.TextStyle, "x label": p.X.Label.TextStyle,
		"y label": p.Y.Label.TextStyle, "x ticks": p.X.Tick.Label, "y ticks": p.Y.Tick.Label, "legend": p.Legend.TextStyle} {
		if _, ok := st.Handler.(memoText); !ok {
			t.Errorf("%s: handler %T, want memoText", name, st.Handler)
		}
	}
}
