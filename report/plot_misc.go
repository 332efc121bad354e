package report

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/thaw-dev/thaw/results"
)

// keepAliveFigure plots P(cold | idle interval) with its Wilson band, the keep-alive
// estimate as a vertical line and its interval shaded.
func keepAliveFigure(s *results.Summary) (*Figure, error) {
	k := s.KeepAlive
	if k == nil || len(k.Points) == 0 {
		return nil, nil
	}
	pts := append([]results.KeepAlivePoint(nil), k.Points...)
	sortPoints(pts)
	// Minutes for real keep-alive sweeps; seconds for short (or time-scaled) ones.
	div, unit := 60000.0, "min"
	if pts[len(pts)-1].IdleMS < 120_000 && k.HighMS < 120_000 {
		div, unit = 1000, "s"
	}
	p := newPlot("Cold-start probability vs idle time", fmt.Sprintf("idle time before the request (%s)", unit), "P(cold) (%)")
	// P(cold) rises with idle time, so the top left is the emptiest corner.
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs = vg.Points(16)
	line, band := make(plotter.XYs, len(pts)), make(plotter.XYs, 0, 2*len(pts))
	for i, pt := range pts {
		line[i] = plotter.XY{X: pt.IdleMS / div, Y: pt.P * 100}
		band = append(band, plotter.XY{X: pt.IdleMS / div, Y: pt.Low * 100})
	}
	for i := len(pts) - 1; i >= 0; i-- {
		band = append(band, plotter.XY{X: pts[i].IdleMS / div, Y: pts[i].High * 100})
	}
	if k.HighMS > k.LowMS {
		shade, err := plotter.NewPolygon(plotter.XYs{{X: k.LowMS / div, Y: 0}, {X: k.HighMS / div, Y: 0},
			{X: k.HighMS / div, Y: 100}, {X: k.LowMS / div, Y: 100}})
		if err != nil {
			return nil, fmt.Errorf("keep-alive: %w", err)
		}
		shade.Color = withAlpha(colorWarm, 0x22)
		shade.LineStyle.Width = 0
		p.Add(shade)
		p.Legend.Add(fmt.Sprintf("keep-alive interval %s – %s", fmtDurMS(k.LowMS), fmtDurMS(k.HighMS)), shade)
	}
	poly, err := plotter.NewPolygon(band)
	if err != nil {
		return nil, fmt.Errorf("keep-alive band: %w", err)
	}
	poly.Color, poly.LineStyle.Width = colorBand, 0
	p.Add(poly)
	p.Legend.Add("95% Wilson interval", poly)
	l, sc, err := plotter.NewLinePoints(line)
	if err != nil {
		return nil, fmt.Errorf("keep-alive: %w", err)
	}
	l.Color, l.Width = colorCold, vg.Points(2)
	sc.GlyphStyle = draw.GlyphStyle{Color: colorCold, Shape: draw.CircleGlyph{}, Radius: vg.Points(3)}
	p.Add(l, sc)
	p.Legend.Add("P(cold) measured", l, sc)
	if k.EstimateMS > 0 {
		est, err := plotter.NewLine(plotter.XYs{{X: k.EstimateMS / div, Y: 0}, {X: k.EstimateMS / div, Y: 100}})
		if err != nil {
			return nil, fmt.Errorf("keep-alive: %w", err)
		}
		est.Color, est.Width = colorWarm, vg.Points(2)
		est.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(est)
		p.Legend.Add("keep-alive estimate "+fmtDurMS(k.EstimateMS), est)
	}
	// Headroom above 100% keeps the legend clear of the data.
	p.Y.Min, p.Y.Max = 0, 140
	p.Y.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: "0"}, {Value: 25, Label: "25"},
		{Value: 50, Label: "50"}, {Value: 75, Label: "75"}, {Value: 100, Label: "100"}})
	p.X.Min = 0
	return plotFigure("keep-alive", "Cold-start probability vs idle interval",
		"Share of requests that hit a cold instance after each idle interval, with a 95% Wilson band; the dashed line is the keep-alive estimate.", p), nil
}

func sortPoints(pts []results.KeepAlivePoint) {
	for i := 1; i < len(pts); i++ {
		for j := i; j > 0 && pts[j].IdleMS < pts[j-1].IdleMS; j-- {
			pts[j], pts[j-1] = pts[j-1], pts[j]
		}
	}
}

// breakdownFigure draws mean DNS, connect, TLS, server and transfer time for cold and
// warm invocations as stacked bars.
func breakdownFigure(c *collected) (*Figure, error) {
	cold, warm := c.breakdown[results.Cold], c.breakdown[results.Warm]
	if cold.n == 0 && warm.n == 0 {
		return nil, nil
	}
	mean := func(b *breakdown, v float64) float64 {
		if b.n == 0 {
			return 0
		}
		return v / float64(b.n)
	}
	parts := []struct {
		label string
		get   func(*breakdown) float64
		color uint32
	}{
		{"DNS", func(b *breakdown) float64 { return b.dns }, 0x9E9AC8},
		{"connect", func(b *breakdown) float64 { return b.connect }, 0x66C2A5},
		{"TLS", func(b *breakdown) float64 { return b.tls }, 0xFDB863},
		{"server time", func(b *breakdown) float64 { return b.server }, 0x2E86AB},
		{"transfer", func(b *breakdown) float64 { return b.transfer }, 0xBBBBBB},
	}
	p := newPlot("Where the time goes: cold vs warm", "", "mean time (ms)")
	p.NominalX(fmt.Sprintf("cold (n=%d)", cold.n), fmt.Sprintf("warm (n=%d)", warm.n))
	var below *plotter.BarChart
	var bars []*plotter.BarChart
	for _, part := range parts {
		vals := plotter.Values{mean(cold, part.get(cold)), mean(warm, part.get(warm))}
		bc, err := plotter.NewBarChart(vals, vg.Points(70))
		if err != nil {
			return nil, fmt.Errorf("breakdown: %w", err)
		}
		bc.Color = hexColor(part.color)
		bc.LineStyle.Width = 0
		if below != nil {
			bc.StackOn(below)
		}
		below = bc
		p.Add(bc)
		bars = append(bars, bc)
	}
	for i := len(bars) - 1; i >= 0; i-- { // legend top to bottom as the stack reads
		p.Legend.Add(parts[i].label, bars[i])
	}
	p.X.Min, p.X.Max = -0.7, 1.7
	p.Y.Min = 0
	p.Legend.Top, p.Legend.Left = true, false
	return plotFigure("latency-breakdown", "Latency breakdown",
		"Mean time spent in DNS, TCP connect, TLS, the server (first byte minus connection set-up) and the body transfer.", p), nil
}

func hexColor(v uint32) color.NRGBA {
	return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xFF}
}
