// Package ttfsubset cuts a TrueType font down to the glyphs a document uses, so an
// SVG or HTML page can embed its fonts at a few kilobytes instead of the whole font.
//
// Glyph ids are kept (the "retain glyph ids" way of subsetting): every glyph not kept
// becomes empty, so cmap, hmtx and kern stay valid as they are and the subset lays text
// out exactly as the full font does for the glyphs kept. Tables a browser does not need
// to draw plain text (GPOS, GSUB, GDEF, glyph names in post, vendor tables) are
// dropped; kerning stays in the kern table, the one text width measurement uses.
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
	numGlyphs int
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
	if len(head) < 54 || len(maxp) < 6 {
		return nil, errors.New("ttfsubset: head or maxp table too short")
	}
	f.numGlyphs = int(binary.BigEndian.Uint16(maxp[4:]))
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

// NumGlyphs is the number of glyphs of the font (and of every subset of it).
func (f *Font) NumGlyphs() int { return f.numGlyphs }

// Subset returns a TrueType font with the same glyph ids as f in which only glyph 0
// (.notdef), the glyphs gids and the components of composite ones have outlines.
// Ids out of range are ignored.
func (f *Font) Subset(gids []uint16) ([]byte, error) {
	keep, err := f.closure(gids)
	if err != nil {
		return nil, err
	}
	glyf, loca, long := f.cut(keep)
	out := make([]table, 0, len(f.tables))
	for _, t := range f.tables {
		data := t.data
		switch t.tag {
		case "glyf":
			data = glyf
		case "loca":
			data = loca
		case "head":
			data = append([]byte(nil), t.data...)
			binary.BigEndian.PutUint32(data[8:], 0) // checkSumAdjustment, set last
			binary.BigEndian.PutUint16(data[50:], boolU16(long))
		case "post":
			if len(t.data) >= 32 {
				data = append([]byte(nil), t.data[:32]...)
				binary.BigEndian.PutUint32(data, 0x00030000) // version 3: no glyph names
			}
		}
		out = append(out, table{tag: t.tag, data: data})
	}
	return assemble(out), nil
}

// closure is the set of glyphs to keep: 0, gids, and every component of a composite.
func (f *Font) closure(gids []uint16) ([]bool, error) {
	keep := make([]bool, f.numGlyphs)
	stack := []uint16{0}
	for _, g := range gids {
		if int(g) < f.numGlyphs {
			stack = append(stack, g)
		}
	}
	for len(stack) > 0 {
		g := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if keep[g] {
			continue
		}
		keep[g] = true
		comps, err := components(f.glyf[f.offsets[g]:f.offsets[g+1]])
		if err != nil {
			return nil, fmt.Errorf("ttfsubset: glyph %d: %w", g, err)
		}
		for _, c := range comps {
			if int(c) < f.numGlyphs && !keep[c] {
				stack = append(stack, c)
			}
		}
	}
	return keep, nil
}

// Composite glyph flags (TrueType glyf table).
const (
	argsAreWords = 0x0001
	haveScale    = 0x0008
	moreComps    = 0x0020
	haveXYScale  = 0x0040
	haveTwoByTwo = 0x0080
)

// components lists the glyph ids a composite glyph refers to; nil for a simple or
// empty glyph.
func components(g []byte) ([]uint16, error) {
	if len(g) < 10 || int16(binary.BigEndian.Uint16(g)) >= 0 {
		return nil, nil
	}
	var out []uint16
	for i := 10; ; {
		if len(g) < i+4 {
			return nil, errors.New("composite glyph truncated")
		}
		flags := binary.BigEndian.Uint16(g[i:])
		out = append(out, binary.BigEndian.Uint16(g[i+2:]))
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
			return out, nil
		}
	}
}

// cut builds glyf and loca holding only the kept glyphs (each padded to 4 bytes);
// loca is short when the offsets fit.
func (f *Font) cut(keep []bool) (glyf, loca []byte, long bool) {
	offsets := make([]uint32, f.numGlyphs+1)
	for g := range f.numGlyphs {
		offsets[g] = uint32(len(glyf))
		if keep[g] {
			glyf = append(glyf, f.glyf[f.offsets[g]:f.offsets[g+1]]...)
			for len(glyf)%4 != 0 {
				glyf = append(glyf, 0)
			}
		}
	}
	offsets[f.numGlyphs] = uint32(len(glyf))
	long = len(glyf)/2 > 0xFFFF
	for _, o := range offsets {
		if long {
			loca = binary.BigEndian.AppendUint32(loca, o)
		} else {
			loca = binary.BigEndian.AppendUint16(loca, uint16(o/2))
		}
	}
	return glyf, loca, long
}

func boolU16(b bool) uint16 {
	if b {
		return 1
	}
	return 0
}

// assemble writes an sfnt file: directory sorted by tag, tables 4-byte aligned, table
// checksums and head's checkSumAdjustment filled in.
func assemble(tables []table) []byte {
	sort.Slice(tables, func(i, j int) bool { return tables[i].tag < tables[j].tag })
	n := len(tables)
	pow, log2 := 1, 0
	for pow*2 <= n {
		pow, log2 = pow*2, log2+1
	}
	out := binary.BigEndian.AppendUint32(nil, 0x00010000)
	out = binary.BigEndian.AppendUint16(out, uint16(n))
	out = binary.BigEndian.AppendUint16(out, uint16(16*pow))
	out = binary.BigEndian.AppendUint16(out, uint16(log2))
	out = binary.BigEndian.AppendUint16(out, uint16(16*n-16*pow))
	dir := len(out)
	out = append(out, make([]byte, 16*n)...)
	headAt := -1
	for i, t := range tables {
		off := len(out)
		if t.tag == "head" {
			headAt = off
		}
		out = append(out, t.data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
		rec := out[dir+16*i:]
		copy(rec, t.tag)
		binary.BigEndian.PutUint32(rec[4:], checksum(out[off:]))
		binary.BigEndian.PutUint32(rec[8:], uint32(off))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(t.data)))
	}
	if headAt >= 0 {
		binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	}
	return out
}

// checksum is the sum of b as big-endian uint32 words (b is padded to 4 bytes).
func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i+4 <= len(b); i += 4 {
		sum += binary.BigEndian.Uint32(b[i:])
	}
	return sum
}
