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

var textMemo struct {
	sync.Mutex
	boxes   map[boxKey][3]vg.Length
	extents map[font.Font]font.Extents
}

// Box implements text.Handler.
func (m memoText) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	k := boxKey{txt, fnt}
	textMemo.Lock()
	b, ok := textMemo.boxes[k]
	textMemo.Unlock()
	if ok {
		return b[0], b[1], b[2]
	}
	width, height, depth = m.Plain.Box(txt, fnt)
	textMemo.Lock()
	if textMemo.boxes == nil || len(textMemo.boxes) >= textMemoMax {
		textMemo.boxes = make(map[boxKey][3]vg.Length)
	}
	textMemo.boxes[k] = [3]vg.Length{width, height, depth}
	textMemo.Unlock()
	return width, height, depth
}

// Extents implements text.Handler.
func (m memoText) Extents(fnt font.Font) font.Extents {
	textMemo.Lock()
	e, ok := textMemo.extents[fnt]
	textMemo.Unlock()
	if ok {
		return e
	}
	e = m.Plain.Extents(fnt)
	textMemo.Lock()
	if textMemo.extents == nil || len(textMemo.extents) >= textMemoMax {
		textMemo.extents = make(map[font.Font]font.Extents)
	}
	textMemo.extents[fnt] = e
	textMemo.Unlock()
	return e
}

// useTextHandler makes every text style of p measure through textHandler.
func useTextHandler(p *plot.Plot) {
	for _, st := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle,
		&p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
		st.Handler = textHandler
	}
}
