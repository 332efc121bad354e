package report

import (
	"cmp"
	"math"
	"slices"
)

// Bounds on what a timeline draws, so drawing costs what the picture holds, not what
// the run did: a scatter with more points than pixels is thinned deterministically.
const (
	// maxGlyphsPerClass caps the warm and unknown points drawn, chosen evenly over time.
	maxGlyphsPerClass = 5_000
	// coarseCellPt is the cell (in points, 1/72 in) within which only one warm or
	// unknown point is drawn: smaller than their glyphs, so dropping the others
	// changes no pixel that a glyph would not already cover.
	coarseCellPt = 1.0
	// fineCellPt is the cell for cold starts and failures: one PNG pixel at 144 dpi,
	// so every cold point and failure stays visible (up to the collector's caps).
	fineCellPt = 0.5
)

// grid maps a point of a timeline (seconds, log latency) to a cell of about cellPt
// on a canvas of wPt × hPt. The canvas is the whole figure, a little larger than the
// plot's data area, so cells are never larger than cellPt.
type grid struct {
	x0, xSpan, ly0, lySpan float64
	nx, ny                 int
}

func newGrid(fromSec, toSec, minMS, maxMS, wPt, hPt, cellPt float64) grid {
	return grid{
		x0: fromSec, xSpan: math.Max(toSec-fromSec, 1e-9),
		ly0: math.Log(minMS), lySpan: math.Max(math.Log(maxMS)-math.Log(minMS), 1e-9),
		nx: max(1, int(math.Ceil(wPt/cellPt))), ny: max(1, int(math.Ceil(hPt/cellPt))),
	}
}

// cell is the index of p's cell, clamped to the grid.
func (g grid) cell(p point) int {
	x := int((p.tSec - g.x0) / g.xSpan * float64(g.nx))
	y := int((math.Log(math.Max(p.ms, 1e-9)) - g.ly0) / g.lySpan * float64(g.ny))
	x, y = min(max(x, 0), g.nx-1), min(max(y, 0), g.ny-1)
	return x*g.ny + y
}

// thin returns the points to draw, in time order: the first point of each grid cell,
// then, when more than limit remain, limit of them chosen evenly over time. capped
// reports whether the limit dropped any (the legend then says "sampled"). pts is not
// modified.
func thin(pts []point, g grid, limit int) (drawn []point, capped bool) {
	sorted := slices.Clone(pts)
	slices.SortFunc(sorted, func(a, b point) int {
		if c := cmp.Compare(a.tSec, b.tSec); c != 0 {
			return c
		}
		return cmp.Compare(a.ms, b.ms)
	})
	seen := make(map[int]struct{}, min(len(sorted), 4*limit))
	drawn = sorted[:0]
	for _, p := range sorted {
		k := g.cell(p)
		if _, dup := seen[k]; dup {
			continue
		}
		seen[k] = struct{}{}
		drawn = append(drawn, p)
	}
	if limit <= 0 || len(drawn) <= limit {
		return drawn, false
	}
	even := make([]point, limit)
	for i := range even {
		even[i] = drawn[i*len(drawn)/limit]
	}
	return even, true
}
