package report

import (
	"time"

	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/thaw-dev/thaw/results"
)

// timeUnit picks seconds or minutes for a time axis spanning spanSec.
func timeUnit(spanSec float64) (div float64, name string) {
	if spanSec > 15*60 {
		return 60, "min"
	}
	return 1, "s"
}

func toXYs(pts []point, div float64) plotter.XYs {
	xy := make(plotter.XYs, len(pts))
	for i, p := range pts {
		xy[i] = plotter.XY{X: p.tSec / div, Y: p.ms}
	}
	return xy
}

// window is the part of the run a timeline shows, in seconds since the run started.
type window struct {
	name, title, caption string
	from, to             float64
}

// timelineWindows is the whole run and, when the load phases (burst, rate, ramp,
// concurrency, trace) take less than half of it (long idle sweeps), a zoom on them.
func timelineWindows(s *results.Summary, c *collected) []window {
	span := c.end.Sub(c.start).Seconds()
	all := window{"timeline", "Timeline", "Each invocation at the time it was sent; cold starts are triangles, dashed lines mark phase starts. Where points overlap one glyph stands for them; long runs draw at most 5,000 warm and 5,000 unknown points, chosen evenly over time, and every cold point (up to 20,000) and failure (up to 5,000).", 0, span}
	var from, to float64
	found := false
	for _, ph := range s.Phases {
		switch ph.Workload {
		case "burst", "rate", "ramp", "concurrency", "trace":
		default:
			continue
		}
		a, b := ph.Started.Sub(c.start).Seconds(), ph.Ended.Sub(c.start).Seconds()
		if !found || a < from {
			from = a
		}
		if !found || b > to {
			to = b
		}
		found = true
	}
	if !found || to-from >= span/2 || to <= from {
		return []window{all}
	}
	pad := (to - from) * 0.02
	zoom := window{"timeline-load", "Timeline of the load phases", "The same timeline zoomed on the load phases, which a long idle sweep squeezes into a sliver of the full view.", from - pad, to + pad}
	return []window{all, zoom}
}

type scatterSpec struct {
	label string
	pts   []point
	seen  int64
	color color.NRGBA
	shape draw.GlyphDrawer
	size  vg.Length
	cell  float64 // thinning cell (points)
	limit int     // most glyphs drawn
}

// timelineSpecs are the timeline's classes in drawing order (cold on top). Glyphs are
// cheap to draw: filled circles and triangles; only failures are stroked crosses.
func timelineSpecs(c *collected) []scatterSpec {
	warm, unknown, cold := c.timeline[results.Warm], c.timeline[results.Unknown], c.timeline[results.Cold]
	return []scatterSpec{
		{"warm", warm.pts, warm.seen, withAlpha(colorWarm, 0x90), circleGlyph{}, vg.Points(1.6), coarseCellPt, maxGlyphsPerClass},
		{"unknown", unknown.pts, unknown.seen, withAlpha(colorUnknown, 0xB0), circleGlyph{}, vg.Points(1.6), coarseCellPt, maxGlyphsPerClass},
		{"failed", c.failures.pts, c.failures.seen, colorError, draw.CrossGlyph{}, vg.Points(3), fineCellPt, c.failures.cap},
		{"cold", cold.pts, cold.seen, colorCold, draw.PyramidGlyph{}, vg.Points(3), fineCellPt, cold.cap},
	}
}

// timelineFigures draws every kept invocation as a point (time against latency, log
// axis), cold starts marked, with a dashed line and name at each phase start.
func timelineFigures(s *results.Summary, c *collected) ([]*Figure, error) {
	var out []*Figure
	for _, w := range timelineWindows(s, c) {
		f, err := timelineFigure(s, c, w)
		if err != nil {
			return nil, err
		}
		if f != nil {
			out = append(out, f)
		}
	}
	return out, nil
}

func inWindow(pts []point, w window) []point {
	out := make([]point, 0, len(pts))
	for _, p := range pts {
		if p.tSec >= w.from && p.tSec <= w.to {
			out = append(out, p)
		}
	}
	return out
}

// Size of a timeline figure.
const (
	timelineW = 10 * vg.Inch
	timelineH = 4.4 * vg.Inch
)

func timelineFigure(s *results.Summary, c *collected, w window) (*Figure, error) {
	div, unit := timeUnit(w.to - w.from)
	p := newPlot(w.title, fmt.Sprintf("time since start (%s)", unit), "latency (ms, log scale)")
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = msTicks{}
	specs := timelineSpecs(c)
	lo, hi, n := math.Inf(1), math.Inf(-1), 0
	shown := make([][]point, len(specs))
	for i, sp := range specs {
		shown[i] = inWindow(sp.pts, w)
		for _, pt := range shown[i] {
			lo, hi = math.Min(lo, pt.ms), math.Max(hi, pt.ms)
		}
		n += len(shown[i])
	}
	if n == 0 {
		return nil, nil
	}
	lo = math.Max(lo, 1e-3) // a failure measured at 0 ms has no place on a log axis
	p.Y.Min, p.Y.Max = lo/1.5, math.Max(hi, lo)*4
	p.X.Min, p.X.Max = w.from/div, w.to/div
	for i, sp := range specs {
		if len(shown[i]) == 0 {
			continue
		}
		g := newGrid(w.from, w.to, p.Y.Min, p.Y.Max, timelineW.Points(), timelineH.Points(), sp.cell)
		drawn, capped := thin(shown[i], g, sp.limit)
		sc, err := plotter.NewScatter(toXYs(drawn, div))
		if err != nil {
			return nil, fmt.Errorf("timeline: %w", err)
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: sp.color, Shape: sp.shape, Radius: sp.size}
		p.Add(sc)
		label := sp.label
		if capped || int64(len(sp.pts)) < sp.seen {
			label += " (sampled)"
		}
		p.Legend.Add(label, sc)
	}
	if err := addPhaseMarks(p, s, c, w, div, hi*3); err != nil {
		return nil, err
	}
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs = vg.Points(300)
	f := plotFigure(w.name, w.title, w.caption, p)
	f.W, f.H = timelineW, timelineH
	return f, nil
}

func addPhaseMarks(p *plot.Plot, s *results.Summary, c *collected, w window, div, labelY float64) error {
	var labels plotter.XYLabels
	for i, ph := range s.Phases {
		if ph.Started.IsZero() {
			continue
		}
		sec := ph.Started.Sub(c.start).Seconds()
		if sec < w.from || sec > w.to {
			continue
		}
		x := sec / div
		l, err := plotter.NewLine(plotter.XYs{{X: x, Y: p.Y.Min}, {X: x, Y: p.Y.Max}})
		if err != nil {
			return fmt.Errorf("phase marks: %w", err)
		}
		l.Color = colorAll
		l.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
		l.Width = vg.Points(0.7)
		p.Add(l)
		// Stagger the names over three heights so close phase starts stay readable.
		labels.XYs = append(labels.XYs, plotter.XY{X: x, Y: labelY / math.Pow(1.7, float64(i%3))})
		labels.Labels = append(labels.Labels, " "+ph.Name)
	}
	if len(labels.XYs) == 0 {
		return nil
	}
	lb, err := plotter.NewLabels(labels)
	if err != nil {
		return fmt.Errorf("phase labels: %w", err)
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i].Font.Size = vg.Points(8)
		lb.TextStyle[i].Font.Typeface, lb.TextStyle[i].Font.Variant = "Liberation", "Sans"
		lb.TextStyle[i].Color = colorAll
	}
	p.Add(lb)
	return nil
}

// throughputFigure stacks two plots sharing the time axis: completions per second and
// mean requests in flight, over the rate, ramp and concurrency phases.
func throughputFigure(s *results.Summary, c *collected) (*Figure, error) {
	from, to, ok := loadSpan(s)
	if c.rates == nil || !ok {
		return nil, nil
	}
	r := c.rates.view(from, to)
	span := to.Sub(from).Seconds()
	div, unit := timeUnit(span)
	rate, inflight := make(plotter.XYs, len(r.done)), make(plotter.XYs, 0, len(r.done))
	for i := range r.done {
		x := (r.offsetSec + (float64(i)+0.5)*r.widthSec) / div
		rate[i] = plotter.XY{X: x, Y: r.done[i] / r.widthSec}
		if r.sent[i] > 0 {
			inflight = append(inflight, plotter.XY{X: x, Y: r.inflight[i] / r.sent[i]})
		}
	}
	xLabel := fmt.Sprintf("time since the first load phase started (%s)", unit)
	top := newPlot("Throughput and concurrency", "", "completed (req/s)")
	bottom := newPlot("", xLabel, "in flight (requests)")
	if err := addLine(top, rate, colorWarm, "throughput"); err != nil {
		return nil, err
	}
	if len(inflight) > 0 {
		if err := addLine(bottom, inflight, colorCold, "in flight at send (mean)"); err != nil {
			return nil, err
		}
	}
	addTargetRate(top, s, from, div)
	for _, p := range []*plot.Plot{top, bottom} {
		p.X.Min, p.X.Max = 0, span/div
		p.Y.Min = 0
	}
	return &Figure{Name: "throughput", Title: "Throughput and in-flight requests",
		Caption: fmt.Sprintf("Completions per %s bin and the mean number of requests in flight when each was sent.", fmtDurMS(r.widthSec*1000)),
		W:       6 * vg.Inch, H: 4.8 * vg.Inch, plots: []*plot.Plot{top, bottom},
		draw: func(dc draw.Canvas) {
			tiles := draw.Tiles{Rows: 2, Cols: 1, PadY: vg.Points(4), PadTop: vg.Points(2), PadBottom: vg.Points(2), PadLeft: vg.Points(2), PadRight: vg.Points(4)}
			cs := plot.Align([][]*plot.Plot{{top}, {bottom}}, tiles, inset(dc))
			top.Draw(cs[0][0])
			bottom.Draw(cs[1][0])
		}}, nil
}

// addTargetRate draws each open-model phase's target rate as a dashed segment.
func addTargetRate(p *plot.Plot, s *results.Summary, from time.Time, div float64) {
	added := false
	for _, ph := range s.Phases {
		if ph.RateTarget <= 0 || ph.Started.IsZero() {
			continue
		}
		x0 := ph.Started.Sub(from).Seconds() / div
		x1 := ph.Ended.Sub(from).Seconds() / div
		l, err := plotter.NewLine(plotter.XYs{{X: x0, Y: ph.RateTarget}, {X: x1, Y: ph.RateTarget}})
		if err != nil {
			continue
		}
		l.Color, l.Width = colorAll, vg.Points(1)
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
		if !added {
			p.Legend.Add("target rate", l)
			added = true
		}
	}
}

func addLine(p *plot.Plot, xy plotter.XYs, c color.NRGBA, label string) error {
	l, err := plotter.NewLine(xy)
	if err != nil {
		return fmt.Errorf("%s: %w", label, err)
	}
	l.Color, l.Width = c, vg.Points(1.6)
	p.Add(l)
	p.Legend.Add(label, l)
	return nil
}
