package ttfsubset_test

import (
	"strings"
	"testing"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/thaw-dev/thaw/report/internal/ttfsubset"
)

// TestSubsetKeepsExactlyTheGlyphsUsed: a subset parses as a font, maps every kept
// character to the same glyph with the same outline and advance as the full font,
// leaves every other glyph empty, and is a small fraction of the full font.
func TestSubsetKeepsExactlyTheGlyphsUsed(t *testing.T) {
	tests := []struct {
		name, font string
		ttf        []byte
		text       string
		components string // characters not in text whose glyphs are components of its glyphs
	}{
		{"digits", "regular", liberationsansregular.TTF, "0123456789.-", ""},
		{"axis labels", "regular", liberationsansregular.TTF, "latency (ms, log scale) time since start (s)", ""},
		{"accents and symbols (composite glyphs)", "regular", liberationsansregular.TTF, "éÅñü×µ±≤→", "A"},
		{"bold title", "bold", liberationsansbold.TTF, "Latency CDF, cold vs warm", ""},
		{"nothing", "regular", liberationsansregular.TTF, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			full, err := sfnt.Parse(tt.ttf)
			if err != nil {
				t.Fatal(err)
			}
			var b sfnt.Buffer
			used := map[sfnt.GlyphIndex]bool{0: true}
			var gids []uint16
			for _, r := range tt.text {
				g, err := full.GlyphIndex(&b, r)
				if err != nil || g == 0 {
					t.Fatalf("%q not in the %s font (%v)", r, tt.font, err)
				}
				used[g] = true
				gids = append(gids, uint16(g))
			}
			f, err := ttfsubset.Parse(tt.ttf)
			if err != nil {
				t.Fatal(err)
			}
			out, err := f.Subset(gids)
			if err != nil {
				t.Fatal(err)
			}
			sub, err := sfnt.Parse(out)
			if err != nil {
				t.Fatalf("subset does not parse: %v", err)
			}
			if sub.NumGlyphs() != full.NumGlyphs() || f.NumGlyphs() != full.NumGlyphs() {
				t.Fatalf("glyphs: subset %d, parsed %d, full %d", sub.NumGlyphs(), f.NumGlyphs(), full.NumGlyphs())
			}
			if max := len(tt.ttf) / 8; len(out) > max {
				t.Errorf("subset is %d bytes, want at most %d (1/8 of the full font)", len(out), max)
			}
			for _, r := range tt.text {
				g, _ := full.GlyphIndex(&b, r)
				if sg, err := sub.GlyphIndex(&b, r); err != nil || sg != g {
					t.Errorf("%q: subset glyph %d (%v), full %d", r, sg, err, g)
				}
				if w, s := outline(t, full, g), outline(t, sub, g); w != s {
					t.Errorf("%q: outline differs:\nsubset %s\nfull   %s", r, s, w)
				}
				wa, _ := full.GlyphAdvance(&b, g, fixed.I(2048), 0)
				sa, _ := sub.GlyphAdvance(&b, g, fixed.I(2048), 0)
				if wa != sa {
					t.Errorf("%q: advance %v, full %v", r, sa, wa)
				}
			}
			for _, r := range "ABCXYZabcxyz0189%@&?" {
				g, _ := full.GlyphIndex(&b, r)
				s := outline(t, sub, g)
				switch {
				case strings.ContainsRune(tt.components, r):
					if s != outline(t, full, g) {
						t.Errorf("%q (glyph %d) is a component of a used glyph but was not kept", r, g)
					}
				case !used[g] && s != "":
					t.Errorf("%q (glyph %d) not used but kept: %s", r, g, s)
				}
			}
		})
	}
}

// outline is glyph g's outline as text ("" for an empty glyph).
func outline(t *testing.T, f *sfnt.Font, g sfnt.GlyphIndex) string {
	t.Helper()
	var b sfnt.Buffer
	segs, err := f.LoadGlyph(&b, g, fixed.I(1000), nil)
	if err != nil {
		t.Fatalf("glyph %d: %v", g, err)
	}
	s := ""
	for _, seg := range segs {
		s += string(rune('0'+seg.Op)) + seg.Args[0].X.String() + "," + seg.Args[0].Y.String() + " "
	}
	return s
}

// TestParseRejects: what is not a TrueType font is an error, never a panic.
func TestParseRejects(t *testing.T) {
	ttf := liberationsansregular.TTF
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"short", []byte{0, 1, 0, 0}},
		{"CFF OpenType", append([]byte("OTTO"), ttf[4:]...)},
		{"directory cut", ttf[:40]},
		{"tables cut", ttf[:len(ttf)/2]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ttfsubset.Parse(tt.data); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

// FuzzParse: Parse and Subset never panic, whatever the bytes.
func FuzzParse(f *testing.F) {
	f.Add(liberationsansregular.TTF[:2000], uint16(36))
	f.Add(liberationsansregular.TTF, uint16(3))
	f.Fuzz(func(t *testing.T, data []byte, g uint16) {
		font, err := ttfsubset.Parse(data)
		if err != nil {
			return
		}
		_, _ = font.Subset([]uint16{g, g + 1})
	})
}
