package report

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/thaw-dev/thaw/results"
)

// histSeries is one named latency histogram to draw.
type histSeries struct {
	label  string
	color  color.NRGBA
	h      *results.Histogram
	dashed bool // CDF line dashed (the base run in a comparison)
}

// decodeTotals decodes the totals' histograms by key; missing keys are empty.
func decodeTotals(s *results.Summary) (map[string]*results.Histogram, error) {
	out := map[string]*results.Histogram{}
	for _, k := range []string{results.HistAll, results.HistCold, results.HistWarm} {
		h, err := results.DecodeHistogram(s.Totals.Histograms[k])
		if err != nil {
			return nil, fmt.Errorf("totals histogram %s: %w", k, err)
		}
		out[k] = h
	}
	return out, nil
}

// logBins rebins HDR buckets into n log-spaced bins between lo and hi (ms). Each bin's
// weight is the percentage of the series' values in it, so a small cold series and a
// large warm one are comparable on one axis.
func logBins(h *results.Histogram, lo, hi float64, n int) []plotter.HistogramBin {
	bins := make([]plotter.HistogramBin, n)
	llo, lhi := math.Log10(lo), math.Log10(hi)
	step := (lhi - llo) / float64(n)
	for i := range bins {
		bins[i].Min = math.Pow(10, llo+float64(i)*step)
		bins[i].Max = math.Pow(10, llo+float64(i+1)*step)
	}
	total := float64(h.Count())
	if total == 0 {
		return bins
	}
	for _, b := range h.Buckets() {
		mid := math.Sqrt(math.Max(b.FromMS, 1e-3) * math.Max(b.ToMS, 1e-3))
		i := int((math.Log10(mid) - llo) / step)
		i = max(0, min(n-1, i))
		bins[i].Weight += float64(b.Count) / total * 100
	}
	return bins
}

// latencyRange is the log-axis range covering every series, padded a little.
func latencyRange(series []histSeries) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range series {
		if s.h.Count() == 0 {
			continue
		}
		lo = math.Min(lo, s.h.MinMS())
		hi = math.Max(hi, s.h.MaxMS())
	}
	if math.IsInf(lo, 1) {
		return 0, 0, false
	}
	lo = math.Max(lo/1.2, 1e-3)
	hi = math.Max(hi*1.2, lo*10)
	return lo, hi, true
}

// histogramPlot overlays the series as log-binned histograms on a log latency axis.
func histogramPlot(title string, series []histSeries) (*plot.Plot, error) {
	p := newPlot(title, "latency (ms, log scale)", "share of invocations (%)")
	p.Legend.Left, p.Legend.XOffs = true, vg.Points(20)
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = msTicks{}
	lo, hi, ok := latencyRange(series)
	if !ok {
		return nil, nil
	}
	for _, s := range series {
		if s.h.Count() == 0 {
			continue
		}
		h := &plotter.Histogram{Bins: logBins(s.h, lo, hi, 60), FillColor: withAlpha(s.color, 0x80)}
		h.LineStyle.Color = s.color
		h.LineStyle.Width = vg.Points(0.8)
		p.Add(h)
		p.Legend.Add(fmt.Sprintf("%s (n=%d)", s.label, s.h.Count()), h)
	}
	p.Y.Min = 0
	return p, nil
}

// cdfPlot draws the cumulative distribution of each series on a log latency axis.
func cdfPlot(title string, series []histSeries) (*plot.Plot, error) {
	p := newPlot(title, "latency (ms, log scale)", "invocations at or below (%)")
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = msTicks{}
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs = vg.Points(20)
	drawn := false
	for _, s := range series {
		if s.h.Count() == 0 {
			continue
		}
		xy := cdfPoints(s.h)
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, fmt.Errorf("cdf %s: %w", s.label, err)
		}
		l.Color = s.color
		l.Width = vg.Points(2)
		if s.dashed {
			l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("%s (n=%d)", s.label, s.h.Count()), l)
		drawn = true
	}
	if !drawn {
		return nil, nil
	}
	// A fixed range: with one latency value gonum widens the axis by ±1 around it,
	// below zero, which a log scale cannot draw.
	p.X.Min, p.X.Max, _ = latencyRange(series)
	p.Y.Min, p.Y.Max = 0, 100
	return p, nil
}

// cdfPoints is a step CDF from the HDR buckets: a point at each bucket's upper edge.
func cdfPoints(h *results.Histogram) plotter.XYs {
	total := float64(h.Count())
	bs := h.Buckets()
	xy := make(plotter.XYs, 0, len(bs)+1)
	first := math.Max(bs[0].FromMS, 1e-3)
	xy = append(xy, plotter.XY{X: first, Y: 0})
	cum := 0.0
	for _, b := range bs {
		cum += float64(b.Count)
		xy = append(xy, plotter.XY{X: math.Max(b.ToMS, first), Y: cum / total * 100})
	}
	return xy
}

// latencyFigures builds the histogram and CDF figures from the totals' histograms.
func latencyFigures(s *results.Summary) ([]*Figure, error) {
	hs, err := decodeTotals(s)
	if err != nil {
		return nil, err
	}
	var out []*Figure
	hp, err := histogramPlot("Latency: cold vs warm", []histSeries{
		{"warm", colorWarm, hs[results.HistWarm], false}, {"cold", colorCold, hs[results.HistCold], false}})
	if err != nil {
		return nil, err
	}
	if hp != nil {
		out = append(out, plotFigure("latency-histogram", "Latency histogram, cold vs warm",
			"Share of each class's invocations per latency bin (log-spaced bins, log axis): the gap between the two humps is the cold-start penalty.", hp))
	}
	cp, err := cdfPlot("Latency CDF", []histSeries{
		{"all", colorAll, hs[results.HistAll], false}, {"warm", colorWarm, hs[results.HistWarm], false}, {"cold", colorCold, hs[results.HistCold], false}})
	if err != nil {
		return nil, err
	}
	if cp != nil {
		out = append(out, plotFigure("latency-cdf", "Latency CDF",
			"Fraction of invocations completed within a latency: read p50 at 50%, p99 at 99%.", cp))
	}
	return out, nil
}

// msTicks labels a log latency axis at 1-2-5 steps per decade.
type msTicks struct{}

// Ticks implements plot.Ticker.
func (msTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for d := math.Floor(math.Log10(lo)); d <= math.Ceil(math.Log10(hi)); d++ {
		base := math.Pow(10, d)
		for _, m := range []float64{1, 2, 5} {
			v := base * m
			if v < lo || v > hi {
				continue
			}
			ticks = append(ticks, plot.Tick{Value: v, Label: fmtTick(v)})
		}
		for m := 3.0; m < 10; m++ {
			if v := base * m; v >= lo && v <= hi && m != 5 {
				ticks = append(ticks, plot.Tick{Value: v})
			}
		}
	}
	return ticks
}

func fmtTick(v float64) string {
	switch {
	case v >= 1:
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return fmt.Sprintf("%.3g", v)
	}
}
