package ttfsubset

import (
	"encoding/binary"
	"sort"
)

// hmtx is the metrics of the glyphs of order, every one a full (advance, lsb) pair.
func (f *Font) hmtx(order []uint16) []byte {
	old := f.byTag["hmtx"]
	var out []byte
	for _, g := range order {
		gi := int(g)
		adv := binary.BigEndian.Uint16(old[4*min(gi, f.numHM-1):])
		var lsb uint16
		if gi < f.numHM {
			lsb = binary.BigEndian.Uint16(old[4*gi+2:])
		} else {
			lsb = binary.BigEndian.Uint16(old[4*f.numHM+2*(gi-f.numHM):])
		}
		out = binary.BigEndian.AppendUint16(out, adv)
		out = binary.BigEndian.AppendUint16(out, lsb)
	}
	return out
}

// kern keeps the pairs of the first format 0 horizontal kerning subtable (the one
// x/image/font/sfnt reads) whose glyphs are both kept, renumbered and sorted; nil
// (no table) when the font has none or none is left.
func (f *Font) kern(newID map[uint16]uint16) []byte {
	k := f.byTag["kern"]
	if len(k) < 18 || binary.BigEndian.Uint16(k) != 0 || binary.BigEndian.Uint16(k[2:]) == 0 {
		return nil
	}
	coverage := binary.BigEndian.Uint16(k[8:])
	if coverage>>8 != 0 { // not format 0
		return nil
	}
	n := int(binary.BigEndian.Uint16(k[10:]))
	type pair struct {
		key uint32
		val uint16
	}
	var pairs []pair
	for i := range n {
		at := 18 + 6*i
		if len(k) < at+6 {
			break
		}
		l, lok := newID[binary.BigEndian.Uint16(k[at:])]
		r, rok := newID[binary.BigEndian.Uint16(k[at+2:])]
		if lok && rok {
			pairs = append(pairs, pair{uint32(l)<<16 | uint32(r), binary.BigEndian.Uint16(k[at+4:])})
		}
	}
	if len(pairs) == 0 {
		return nil
	}
	sort.Slice(pairs, func(i, j int) bool { return pairs[i].key < pairs[j].key })
	pow, log2 := 1, 0
	for pow*2 <= len(pairs) {
		pow, log2 = pow*2, log2+1
	}
	out := []byte{0, 0, 0, 1} // version 0, one subtable
	out = binary.BigEndian.AppendUint16(out, 0)
	out = binary.BigEndian.AppendUint16(out, uint16(14+6*len(pairs)))
	out = binary.BigEndian.AppendUint16(out, coverage)
	out = binary.BigEndian.AppendUint16(out, uint16(len(pairs)))
	out = binary.BigEndian.AppendUint16(out, uint16(6*pow))
	out = binary.BigEndian.AppendUint16(out, uint16(log2))
	out = binary.BigEndian.AppendUint16(out, uint16(6*(len(pairs)-pow)))
	for _, p := range pairs {
		out = binary.BigEndian.AppendUint32(out, p.key)
		out = binary.BigEndian.AppendUint16(out, p.val)
	}
	return out
}

// buildCmap is a cmap with one format 4 subtable (Unicode BMP), for platforms 0/3 and
// 3/1: a segment per run of consecutive characters with consecutive new glyph ids.
func buildCmap(runes []rune, chars map[rune]uint16, newID map[uint16]uint16) []byte {
	type seg struct{ start, end, delta uint16 }
	var segs []seg
	for _, r := range runes {
		g := newID[chars[r]]
		delta := uint16(int(g) - int(r))
		if n := len(segs); n > 0 && segs[n-1].end+1 == uint16(r) && segs[n-1].delta == delta {
			segs[n-1].end = uint16(r)
			continue
		}
		segs = append(segs, seg{uint16(r), uint16(r), delta})
	}
	segs = append(segs, seg{0xFFFF, 0xFFFF, 1}) // the required last segment, to .notdef
	n := len(segs)
	pow, log2 := 1, 0
	for pow*2 <= n {
		pow, log2 = pow*2, log2+1
	}
	sub := binary.BigEndian.AppendUint16(nil, 4)
	sub = binary.BigEndian.AppendUint16(sub, uint16(16+8*n))
	sub = binary.BigEndian.AppendUint16(sub, 0) // language
	sub = binary.BigEndian.AppendUint16(sub, uint16(2*n))
	sub = binary.BigEndian.AppendUint16(sub, uint16(2*pow))
	sub = binary.BigEndian.AppendUint16(sub, uint16(log2))
	sub = binary.BigEndian.AppendUint16(sub, uint16(2*n-2*pow))
	for _, s := range segs {
		sub = binary.BigEndian.AppendUint16(sub, s.end)
	}
	sub = binary.BigEndian.AppendUint16(sub, 0) // reservedPad
	for _, s := range segs {
		sub = binary.BigEndian.AppendUint16(sub, s.start)
	}
	for _, s := range segs {
		sub = binary.BigEndian.AppendUint16(sub, s.delta)
	}
	for range segs {
		sub = binary.BigEndian.AppendUint16(sub, 0) // idRangeOffset: use idDelta
	}
	out := []byte{0, 0, 0, 2} // version 0, two encoding records, one subtable
	out = append(out, 0, 0, 0, 3, 0, 0, 0, 20)
	out = append(out, 0, 3, 0, 1, 0, 0, 0, 20)
	return append(out, sub...)
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
