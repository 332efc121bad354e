// Package ttfsubset cuts a TrueType font down to the characters a document uses, so
// an SVG or HTML page can embed its fonts at a few kilobytes instead of the whole font.
//
// The subset keeps glyph 0 (.notdef), the glyphs of the characters asked for and the
// components of composite ones, renumbered in that order; cmap, hmtx, kern (the
// kerning that gonum/plot measures text with), glyf, loca, maxp and hhea are rebuilt
// for them. Hinting (cvt, fpgm, prep, gasp), name and OS/2 are kept as they are; what
// a browser does not need to draw plain text (GPOS, GSUB, GDEF, glyph names in post,
// vendor tables) is dropped.
//
// It is written here, not taken from a library, because none that subsets TrueType
// could be used: golang.org/x/image/font/sfnt only reads fonts, seehuhn.de/go/sfnt
// (which subsets) is GPL-3.0, and github.com/speedata/gootf and
// github.com/boxesandglue/textshape are not available from the module proxy thaw builds
// against.
package ttfsubset

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// kept lists the tables a subset carries; the others are dropped.
var kept = map[string]bool{
	"OS/2": true, "cmap": true, "cvt ": true, "fpgm": true, "gasp": true, "glyf": true, "head": true,
	"hhea": true, "hmtx": true, "kern": true, "loca": true, "maxp": true, "name": true, "post": true, "prep": true,
}

type table struct {
	tag  string
	data []byte
}

// Font is a parsed TrueType font, ready to be cut many times. It is safe for
// concurrent use (Subset does not modify it).
type Font struct {
	tables    []table
	byTag     map[string][]byte
	numGlyphs int
	numHM     int      // hhea.numberOfHMetrics
	offsets   []uint32 // loca: glyph g is glyf[offsets[g]:offsets[g+1]]
	glyf      []byte
}

// Parse reads the table directory, loca and glyf of a TrueType font (sfnt version
// 0x00010000 or "true"; CFF-flavoured OpenType and collections are not supported).
func Parse(ttf []byte) (*Font, error) {
	if len(ttf) < 12 {
		return nil, errors.New("ttfsubset: font too short")
	}
	if v := binary.BigEndian.Uint32(ttf); v != 0x00010000 && v != 0x74727565 {
		return nil, fmt.Errorf("ttfsubset: not a TrueType font (version %#x)", v)
	}
	n := int(binary.BigEndian.Uint16(ttf[4:]))
	if len(ttf) < 12+16*n {
		return nil, errors.New("ttfsubset: table directory truncated")
	}
	f := &Font{}
	byTag := map[string][]byte{}
	for i := range n {
		rec := ttf[12+16*i:]
		tag := string(rec[:4])
		off, length := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		if uint64(off)+uint64(length) > uint64(len(ttf)) {
			return nil, fmt.Errorf("ttfsubset: table %q out of bounds", tag)
		}
		data := ttf[off : off+length]
		byTag[tag] = data
		if kept[tag] {
			f.tables = append(f.tables, table{tag: tag, data: data})
		}
	}
	for _, tag := range []string{"head", "maxp", "loca", "glyf", "cmap", "hmtx", "hhea"} {
		if byTag[tag] == nil {
			return nil, fmt.Errorf("ttfsubset: no %q table", tag)
		}
	}
	head, maxp, loca := byTag["head"], byTag["maxp"], byTag["loca"]
	if len(head) < 54 || len(maxp) < 6 || len(byTag["hhea"]) < 36 {
		return nil, errors.New("ttfsubset: head, maxp or hhea table too short")
	}
	f.byTag = byTag
	f.numGlyphs = int(binary.BigEndian.Uint16(maxp[4:]))
	f.numHM = int(binary.BigEndian.Uint16(byTag["hhea"][34:]))
	if f.numHM == 0 || f.numHM > f.numGlyphs || len(byTag["hmtx"]) < 4*f.numHM+2*(f.numGlyphs-f.numHM) {
		return nil, errors.New("ttfsubset: hmtx table too short")
	}
	f.glyf = byTag["glyf"]
	long := binary.BigEndian.Uint16(head[50:]) == 1
	f.offsets = make([]uint32, f.numGlyphs+1)
	for g := range f.offsets {
		switch {
		case long && len(loca) >= 4*g+4:
			f.offsets[g] = binary.BigEndian.Uint32(loca[4*g:])
		case !long && len(loca) >= 2*g+2:
			f.offsets[g] = 2 * uint32(binary.BigEndian.Uint16(loca[2*g:]))
		default:
			return nil, errors.New("ttfsubset: loca table too short")
		}
		if f.offsets[g] > uint32(len(f.glyf)) || (g > 0 && f.offsets[g] < f.offsets[g-1]) {
			return nil, fmt.Errorf("ttfsubset: loca entry %d out of order or bounds", g)
		}
	}
	return f, nil
}

// Subset returns a TrueType font holding glyph 0, the glyph of each character of
// chars (character → its glyph id in f, as sfnt's GlyphIndex gives it) and the
// components of composite glyphs, renumbered; every character of chars maps to its
// glyph through the new cmap. Characters beyond the Basic Multilingual Plane and glyph
// ids out of range are left out.
func (f *Font) Subset(chars map[rune]uint16) ([]byte, error) {
	runes := make([]rune, 0, len(chars))
	for r, g := range chars {
		if r < 0xFFFF && int(g) < f.numGlyphs {
			runes = append(runes, r)
		}
	}
	sort.Slice(runes, func(i, j int) bool { return runes[i] < runes[j] })
	order := []uint16{0}
	for _, r := range runes {
		order = append(order, chars[r])
	}
	order, newID, err := f.closure(order)
	if err != nil {
		return nil, err
	}
	glyf, loca, long, err := f.cut(order, newID)
	if err != nil {
		return nil, err
	}
	out := make([]table, 0, len(f.tables))
	for _, t := range f.tables {
		data := t.data
		switch t.tag {
		case "glyf":
			data = glyf
		case "loca":
			data = loca
		case "cmap":
			data = buildCmap(runes, chars, newID)
		case "hmtx":
			data = f.hmtx(order)
		case "kern":
			data = f.kern(newID)
		case "head":
			data = append([]byte(nil), t.data...)
			binary.BigEndian.PutUint32(data[8:], 0) // checkSumAdjustment, set last
			binary.BigEndian.PutUint16(data[50:], boolU16(long))
		case "maxp":
			data = append([]byte(nil), t.data...)
			binary.BigEndian.PutUint16(data[4:], uint16(len(order)))
		case "hhea":
			data = append([]byte(nil), t.data...)
			binary.BigEndian.PutUint16(data[34:], uint16(len(order)))
		case "post":
			if len(t.data) >= 32 {
				data = append([]byte(nil), t.data[:32]...)
				binary.BigEndian.PutUint32(data, 0x00030000) // version 3: no glyph names
			}
		}
		if data != nil {
			out = append(out, table{tag: t.tag, data: data})
		}
	}
	return assemble(out), nil
}

// closure appends to order every component of its composite glyphs (once each) and
// returns the new id of each old glyph kept.
func (f *Font) closure(order []uint16) ([]uint16, map[uint16]uint16, error) {
	newID := map[uint16]uint16{}
	var kept []uint16
	for i := 0; i < len(order); i++ {
		g := order[i]
		if _, dup := newID[g]; dup {
			continue
		}
		newID[g] = uint16(len(kept))
		kept = append(kept, g)
		comps, err := components(f.glyf[f.offsets[g]:f.offsets[g+1]])
		if err != nil {
			return nil, nil, fmt.Errorf("ttfsubset: glyph %d: %w", g, err)
		}
		for _, c := range comps {
			if int(c) >= f.numGlyphs {
				return nil, nil, fmt.Errorf("ttfsubset: glyph %d: component %d out of range", g, c)
			}
			order = append(order, c)
		}
	}
	return kept, newID, nil
}

// Composite glyph flags (TrueType glyf table).
const (
	argsAreWords = 0x0001
	haveScale    = 0x0008
	moreComps    = 0x0020
	haveXYScale  = 0x0040
	haveTwoByTwo = 0x0080
)

// components lists the glyph ids a composite glyph refers to, with the offset of each
// id in g; nil for a simple or empty glyph.
func components(g []byte) ([]uint16, error) {
	_, ids, err := componentRefs(g)
	return ids, err
}

func componentRefs(g []byte) (at []int, ids []uint16, err error) {
	if len(g) < 10 || int16(binary.BigEndian.Uint16(g)) >= 0 {
		return nil, nil, nil
	}
	for i := 10; ; {
		if len(g) < i+4 {
			return nil, nil, errors.New("composite glyph truncated")
		}
		flags := binary.BigEndian.Uint16(g[i:])
		at = append(at, i+2)
		ids = append(ids, binary.BigEndian.Uint16(g[i+2:]))
		i += 4 + 2
		if flags&argsAreWords != 0 {
			i += 2
		}
		switch {
		case flags&haveScale != 0:
			i += 2
		case flags&haveXYScale != 0:
			i += 4
		case flags&haveTwoByTwo != 0:
			i += 8
		}
		if flags&moreComps == 0 {
			return at, ids, nil
		}
	}
}

// cut builds glyf and loca for the glyphs of order, in that order, each padded to 4
// bytes, with composite glyphs pointing at their components' new ids; loca is short
// when the offsets fit.
func (f *Font) cut(order []uint16, newID map[uint16]uint16) (glyf, loca []byte, long bool, err error) {
	offsets := make([]uint32, 0, len(order)+1)
	for _, g := range order {
		offsets = append(offsets, uint32(len(glyf)))
		start := len(glyf)
		glyf = append(glyf, f.glyf[f.offsets[g]:f.offsets[g+1]]...)
		at, ids, err := componentRefs(glyf[start:])
		if err != nil {
			return nil, nil, false, err
		}
		for k, id := range ids {
			binary.BigEndian.PutUint16(glyf[start+at[k]:], newID[id])
		}
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
	}
	offsets = append(offsets, uint32(len(glyf)))
	long = len(glyf)/2 > 0xFFFF
	for _, o := range offsets {
		if long {
			loca = binary.BigEndian.AppendUint32(loca, o)
		} else {
			loca = binary.BigEndian.AppendUint16(loca, uint16(o/2))
		}
	}
	return glyf, loca, long, nil
}
