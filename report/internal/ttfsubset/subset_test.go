package ttfsubset_test

import (
	"errors"
	"testing"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/thaw-dev/thaw/report/internal/ttfsubset"
)

// TestSubsetKeepsExactlyTheCharactersUsed: a subset parses as a font, draws every
// character asked for with the same outline, advance and kerning as the full font,
// maps no other character, holds no glyph beyond those (and composites' components),
// and is a small fraction of the full font.
func TestSubsetKeepsExactlyTheCharactersUsed(t *testing.T) {
	tests := []struct {
		name, font string
		ttf        []byte
		text       string
		composites bool // some glyphs are composites: their components are kept too
	}{
		{"digits", "regular", liberationsansregular.TTF, "0123456789.-", false},
		{"axis labels", "regular", liberationsansregular.TTF, "latency (ms, log scale) time since start (s)", false},
		{"kerned pairs", "regular", liberationsansregular.TTF, "AVATAR To Ty Yo LT", false},
		{"accents and symbols", "regular", liberationsansregular.TTF, "éÅñü×µ±≤→", true},
		{"bold title", "bold", liberationsansbold.TTF, "Latency CDF, cold vs warm", false},
		{"nothing", "regular", liberationsansregular.TTF, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			full, err := sfnt.Parse(tt.ttf)
			if err != nil {
				t.Fatal(err)
			}
			var b sfnt.Buffer
			chars := map[rune]uint16{}
			glyphs := map[sfnt.GlyphIndex]bool{0: true}
			for _, r := range tt.text {
				g, err := full.GlyphIndex(&b, r)
				if err != nil || g == 0 {
					t.Fatalf("%q not in the %s font (%v)", r, tt.font, err)
				}
				chars[r] = uint16(g)
				glyphs[g] = true
			}
			f, err := ttfsubset.Parse(tt.ttf)
			if err != nil {
				t.Fatal(err)
			}
			out, err := f.Subset(chars)
			if err != nil {
				t.Fatal(err)
			}
			sub, err := sfnt.Parse(out)
			if err != nil {
				t.Fatalf("subset does not parse: %v", err)
			}
			if n := sub.NumGlyphs(); n < len(glyphs) || (!tt.composites && n != len(glyphs)) {
				t.Errorf("subset has %d glyphs for %d used (with .notdef)", n, len(glyphs))
			}
			if len(out) > 20_000 {
				t.Errorf("subset is %d bytes, want at most 20,000 (the full font is %d)", len(out), len(tt.ttf))
			}
			prev, prevSub, kerned := sfnt.GlyphIndex(0), sfnt.GlyphIndex(0), 0
			for _, r := range tt.text {
				g, _ := full.GlyphIndex(&b, r)
				sg, err := sub.GlyphIndex(&b, r)
				if err != nil || sg == 0 {
					t.Fatalf("%q: not in the subset (%v)", r, err)
				}
				if w, s := outline(t, full, g), outline(t, sub, sg); w != s {
					t.Errorf("%q: outline differs:\nsubset %s\nfull   %s", r, s, w)
				}
				wa, _ := full.GlyphAdvance(&b, g, fixed.I(2048), 0)
				sa, _ := sub.GlyphAdvance(&b, sg, fixed.I(2048), 0)
				if wa != sa {
					t.Errorf("%q: advance %v, full %v", r, sa, wa)
				}
				if prev != 0 {
					// Not found and 0 are the same to text layout (gonum/plot's Width).
					wk, werr := full.Kern(&b, prev, g, fixed.I(2048), 0)
					sk, serr := sub.Kern(&b, prevSub, sg, fixed.I(2048), 0)
					if wk != sk || !okOrNotFound(werr) || !okOrNotFound(serr) {
						t.Errorf("kerning before %q: %v (%v), full %v (%v)", r, sk, serr, wk, werr)
					}
					if sk != 0 {
						kerned++
					}
				}
				prev, prevSub = g, sg
			}
			if tt.name == "kerned pairs" && kerned < 5 {
				t.Errorf("%d kerned pairs drawn, want the 5 or more of the text", kerned)
			}
			for _, r := range "ABCXYZabcxyz0189%@&?" {
				if _, used := chars[r]; used {
					continue
				}
				if sg, err := sub.GlyphIndex(&b, r); err != nil || sg != 0 {
					t.Errorf("%q is not used but maps to glyph %d (%v)", r, sg, err)
				}
			}
		})
	}
}

func okOrNotFound(err error) bool { return err == nil || errors.Is(err, sfnt.ErrNotFound) }

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
		_, _ = font.Subset(map[rune]uint16{'a': g, 'b': g + 1, 0xFFFF: g})
	})
}
