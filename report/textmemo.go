package report

import (
	"sync"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// memoText is gonum's plain text handler with the sizes of text remembered. Laying a
// plot out measures each label several times (axes, ticks and legend are padded against
// each other), once more for each format the plot is drawn in, and measuring walks the
// font's tables glyph by glyph: a tenth of drawing a small run's figures. The sizes are
// the handler's own, so the drawing is the same. It is safe for concurrent use.
type memoText struct{ text.Plain }

var _ text.Handler = memoText{}

// textHandler is the handler of every text style newPlot sets up.
var textHandler = memoText{Plain: text.Plain{Fonts: font.DefaultCache}}

// textMemoMax bounds the sizes kept; past it they are forgotten and measured again.
const textMemoMax = 4096

type boxKey struct {
	txt string
	fnt font.Font
}

var (
	boxes   memo[boxKey, [3]vg.Length]
	extents memo[font.Font, font.Extents]
)

// memo remembers up to textMemoMax values by key; past that it forgets them all and
// starts again. It is safe for concurrent use.
type memo[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]V
}

// get returns the value remembered for k, or measure's (then remembered).
func (c *memo[K, V]) get(k K, measure func() V) V {
	c.mu.Lock()
	v, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return v
	}
	v = measure()
	c.mu.Lock()
	if c.m == nil || len(c.m) >= textMemoMax {
		c.m = make(map[K]V)
	}
	c.m[k] = v
	c.mu.Unlock()
	return v
}

// Box implements text.Handler.
func (m memoText) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	b := boxes.get(boxKey{txt, fnt}, func() [3]vg.Length {
		w, h, d := m.Plain.Box(txt, fnt)
		return [3]vg.Length{w, h, d}
	})
	return b[0], b[1], b[2]
}

// Extents implements text.Handler.
func (m memoText) Extents(fnt font.Font) font.Extents {
	return extents.get(fnt, func() font.Extents { return m.Plain.Extents(fnt) })
}

// useTextHandler makes every text style of p measure through textHandler.
func useTextHandler(p *plot.Plot) {
	for _, st := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle,
		&p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
		st.Handler = textHandler
	}
}
