package report

import (
	"bytes"
	"hash/adler32"
	"image"
	"image/color"
	"math/rand/v2"
	"testing"

	"github.com/klauspost/compress/zlib"
)

// TestAdler32MatchesStdlib: the encoder's checksum equals hash/adler32's over inputs of
// every kind the encoder writes (zero runs, dense bytes, all 0xFF, blocks longer than
// the overflow bound), fed in pieces of odd sizes.
func TestAdler32MatchesStdlib(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	dense := make([]byte, 40000)
	for i := range dense {
		dense[i] = byte(r.Uint32())
	}
	sparse := make([]byte, 40000)
	for i := 0; i < len(sparse); i += 1 + r.IntN(300) {
		sparse[i] = byte(r.Uint32())
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"one byte", []byte{2}},
		{"dense", dense},
		{"sparse", sparse},
		{"all 0xFF", bytes.Repeat([]byte{0xFF}, 30000)},
		{"zeros", make([]byte, 30000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAdler32()
			for p := tt.data; len(p) > 0; {
				n := min(len(p), 1+r.IntN(9000))
				a.write(p[:n])
				p = p[n:]
			}
			if got, want := a.Sum32(), adler32.Checksum(tt.data); got != want {
				t.Errorf("sum %08x, want %08x", got, want)
			}
		})
	}
	t.Run("writeZeros", func(t *testing.T) {
		a := newAdler32()
		a.write(dense[:1234])
		a.writeZeros(100000)
		a.write(dense[:77])
		want := adler32.Checksum(append(append(append([]byte(nil), dense[:1234]...), make([]byte, 100000)...), dense[:77]...))
		if a.Sum32() != want {
			t.Errorf("sum %08x, want %08x", a.Sum32(), want)
		}
	})
}

// TestEncodeOpaqueSameBytes: the encoder's zlib stream (its own header and checksum
// around raw deflate) is byte for byte what klauspost/compress/zlib writes at level 1
// for the same filtered rows, on figures and on an image of random pixels.
func TestEncodeOpaqueSameBytes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	noisy := image.NewRGBA(image.Rect(0, 0, 97, 41))
	for i := range noisy.Pix {
		noisy.Pix[i] = byte(r.Uint32())
	}
	for i := 3; i < len(noisy.Pix); i += 4 {
		noisy.Pix[i] = 0xFF
	}
	plain := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for y := range 64 {
		for x := range 64 {
			plain.SetRGBA(x, y, color.RGBA{R: 0xFF, G: 0xFF, B: uint8(0xFF - (x/16)*(y/32)), A: 0xFF})
		}
	}
	// white with a diagonal line and scattered dots: rows that differ from the one
	// above in a few pixels only, at every offset within diffUp's 16-pixel blocks
	sparse := image.NewRGBA(image.Rect(0, 0, 301, 77))
	for i := range sparse.Pix {
		sparse.Pix[i] = 0xFF
	}
	for y := range 77 {
		sparse.SetRGBA(y*3, y, color.RGBA{R: 200, G: 10, B: 10, A: 0xFF})
		sparse.SetRGBA(r.IntN(301), y, color.RGBA{R: uint8(r.Uint32()), G: uint8(r.Uint32()), B: 0, A: 0xFF})
	}
	for name, img := range map[string]*image.RGBA{"noisy": noisy, "plain": plain, "sparse": sparse} {
		t.Run(name, func(t *testing.T) {
			var got bytes.Buffer
			if err := encodeOpaque(&got, img); err != nil {
				t.Fatal(err)
			}
			want := referencePNG(t, img)
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("PNG differs from the reference zlib stream (%d bytes, want %d)", got.Len(), len(want))
			}
		})
	}
}

// referencePNG is encodeOpaque as it was written with klauspost/compress/zlib and a
// plain Up filter: the bytes the faster path must reproduce.
func referencePNG(t *testing.T, img *image.RGBA) []byte {
	t.Helper()
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	var idat bytes.Buffer
	zw, err := zlib.NewWriterLevel(&idat, zlib.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	row := make([]byte, 1+3*w)
	for y := range h {
		row[0] = 2
		for x := range w {
			for c := range 3 {
				v := img.Pix[img.PixOffset(x, y)+c]
				if y > 0 {
					v -= img.Pix[img.PixOffset(x, y-1)+c]
				}
				row[1+3*x+c] = v
			}
		}
		if _, err := zw.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	var ihdr [13]byte
	ihdr[0], ihdr[1], ihdr[2], ihdr[3] = byte(w>>24), byte(w>>16), byte(w>>8), byte(w)
	ihdr[4], ihdr[5], ihdr[6], ihdr[7] = byte(h>>24), byte(h>>16), byte(h>>8), byte(h)
	ihdr[8], ihdr[9] = 8, 2
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	writeChunk(&out, "IHDR", ihdr[:])
	writeChunk(&out, "IDAT", idat.Bytes())
	writeChunk(&out, "IEND", nil)
	return out.Bytes()
}
