package advise

import (
	"bytes"
	"fmt"
	"image/color"
	"io"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/thaw-dev/thaw/report/internal/svgfont"
)

// WriteText prints the advice: the inputs, one row per number of warm instances, the
// break-even of each added instance, and the notes.
func (a *Advice) WriteText(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s: keep-alive %.1f s, warm %.1f ms, cold %.1f ms, %.0f requests a month\n",
		a.Model, a.KeepAliveMS/1000, a.WarmLatencyMS, a.ColdLatencyMS, a.RequestsMonthly)
	if a.PerWarmUSD > 0 {
		fmt.Fprintf(&b, "each warm instance costs $%.2f a month\n", a.PerWarmUSD)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return err
	}
	align := tw.CellAlignment{Global: tw.AlignRight}
	t := tablewriter.NewTable(w,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignmentConfig(align),
		tablewriter.WithRowAlignmentConfig(align),
	)
	t.Header("warm", "cold share", "cold/month", "monthly $", "+$/month", "cold removed", "$ per cold removed")
	for _, r := range a.Rows {
		added, removed, each := "", "", ""
		if r.Warm > 0 {
			added = fmt.Sprintf("%+.2f", r.AddedUSD)
			removed = fmt.Sprintf("%.0f", r.ColdRemoved)
			if r.ColdRemoved > 0 {
				each = fmt.Sprintf("%.6f", r.USDPerColdSaved)
			}
		}
		if err := t.Append(fmt.Sprint(r.Warm), fmt.Sprintf("%.2f%%", 100*r.ColdShare), fmt.Sprintf("%.0f", r.ColdPerMonth),
			fmt.Sprintf("%.2f", r.MonthlyUSD), added, removed, each); err != nil {
			return fmt.Errorf("advise table: %w", err)
		}
	}
	if err := t.Render(); err != nil {
		return fmt.Errorf("advise table: %w", err)
	}
	for _, n := range a.Notes {
		if _, err := fmt.Fprintln(w, "note:", n); err != nil {
			return err
		}
	}
	return nil
}

// SVG draws cold share and monthly cost against the number of warm instances, one
// panel above the other, with the fonts embedded.
func (a *Advice) SVG() ([]byte, error) {
	share, usd := make(plotter.XYs, len(a.Rows)), make(plotter.XYs, len(a.Rows))
	for i, r := range a.Rows {
		share[i] = plotter.XY{X: float64(r.Warm), Y: 100 * r.ColdShare}
		usd[i] = plotter.XY{X: float64(r.Warm), Y: r.MonthlyUSD}
	}
	top, err := linePlot("Cold share by warm instances", "% of requests cold", share, color.NRGBA{R: 0xE4, G: 0x57, B: 0x2E, A: 0xFF})
	if err != nil {
		return nil, err
	}
	bottom, err := linePlot("Monthly cost by warm instances", "USD a month", usd, color.NRGBA{R: 0x2E, G: 0x86, B: 0xAB, A: 0xFF})
	if err != nil {
		return nil, err
	}
	w, h := 16*vg.Centimeter, 16*vg.Centimeter
	svg, _, err := svgfont.Render(w, h, func(c draw.Canvas) {
		plots := [][]*plot.Plot{{top}, {bottom}}
		canvases := plot.Align(plots, draw.Tiles{Rows: 2, Cols: 1, PadY: vg.Millimeter * 4}, c)
		top.Draw(canvases[0][0])
		bottom.Draw(canvases[1][0])
	})
	if err != nil {
		return nil, fmt.Errorf("advise plot: %w", err)
	}
	return svg, nil
}

func linePlot(title, yLabel string, pts plotter.XYs, col color.Color) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "warm instances"
	p.Y.Label.Text = yLabel
	p.Y.Min = 0
	p.Add(plotter.NewGrid())
	l, s, err := plotter.NewLinePoints(pts)
	if err != nil {
		return nil, fmt.Errorf("advise plot: %w", err)
	}
	l.Color, s.Color = col, col
	p.Add(l, s)
	return p, nil
}
