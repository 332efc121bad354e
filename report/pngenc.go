package report

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"sync"

	"github.com/klauspost/compress/flate"
)

// pngEncoder is the standard encoder, for images that are not opaque RGBA.
var pngEncoder = png.Encoder{CompressionLevel: png.BestSpeed}

// spareFlate keeps a deflate writer (hundreds of KB of tables) for the next figure; a
// sync.Pool would lose it at the garbage collections drawing a figure triggers.
var spareFlate struct {
	sync.Mutex
	w *flate.Writer
}

// zlibHeader starts a zlib stream (RFC 1950) of deflate data at the fastest level, as
// klauspost/compress/zlib writes it at level 1.
var zlibHeader = [2]byte{0x78, 0x01}

// encodePNG writes img as a PNG. An opaque *image.RGBA (what vgimg draws on a white
// background) is written as 8-bit RGB with the Up filter on every row and
// klauspost/compress's level 1 deflate: the standard encoder tries all five filters on
// every row, which costs more than drawing the plot, and compress/flate's BestSpeed
// spends more on building Huffman tables for each 64 KB block than on finding matches
// (about 2.5x the time here); plots (flat colours, long runs) compress well either way.
// Anything else goes through image/png. The pixels written are the same either way.
func encodePNG(w io.Writer, img image.Image) error {
	rgba, ok := img.(*image.RGBA)
	if !ok || !rgba.Opaque() {
		return pngEncoder.Encode(w, img)
	}
	return encodeOpaque(w, rgba)
}

// encodeOpaque is encodePNG for an RGBA image known to be opaque, such as one drawn
// over an opaque background (compositing over opaque pixels keeps them opaque), without
// the pass over every pixel that checks it.
func encodeOpaque(w io.Writer, rgba *image.RGBA) error {
	b := rgba.Bounds()
	width, height := b.Dx(), b.Dy()
	var idat bytes.Buffer
	idat.Grow(1 << 16)
	idat.Write(zlibHeader[:])
	spareFlate.Lock()
	zw := spareFlate.w
	spareFlate.w = nil
	spareFlate.Unlock()
	if zw == nil {
		var err error
		if zw, err = flate.NewWriter(&idat, flate.BestSpeed); err != nil {
			return err
		}
	} else {
		zw.Reset(&idat)
	}
	defer func() {
		spareFlate.Lock()
		spareFlate.w = zw
		spareFlate.Unlock()
	}()
	sum := newAdler32()
	// A row: filter type 2 (Up: each byte minus the byte above it, 0 above the first
	// row), then the bytes, then room for diffUp's 8-byte stores.
	out := make([]byte, 1+3*width, 1+3*width+8)
	out[0] = 2
	zero := make([]byte, 1+3*width)
	zero[0] = 2
	for y := b.Min.Y; y < b.Max.Y; y++ {
		cur := rgba.Pix[rgba.PixOffset(b.Min.X, y):][:4*width]
		row := out
		switch {
		case y == b.Min.Y:
			packRGB(out[1:], cur)
			sum.write(row)
		case bytes.Equal(cur, rgba.Pix[rgba.PixOffset(b.Min.X, y-1):][:4*width]):
			row = zero // plots have many rows equal to the one above: margins, plain areas
			sum.write(zero[:1])
			sum.writeZeros(len(zero) - 1)
		default:
			diffUp(out[1:], cur, rgba.Pix[rgba.PixOffset(b.Min.X, y-1):][:4*width])
			sum.write(row)
		}
		if _, err := zw.Write(row); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	var adler [4]byte
	binary.BigEndian.PutUint32(adler[:], sum.Sum32())
	idat.Write(adler[:])
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(width))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(height))
	ihdr[8], ihdr[9] = 8, 2 // 8 bits per sample, truecolour (RGB); compression, filter, interlace 0
	var buf bytes.Buffer
	buf.WriteString("\x89PNG\r\n\x1a\n")
	writeChunk(&buf, "IHDR", ihdr[:])
	writeChunk(&buf, "IDAT", idat.Bytes())
	writeChunk(&buf, "IEND", nil)
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("png: %w", err)
	}
	return nil
}

// packRGB writes the RGB bytes of the RGBA pixels cur into dst (3 bytes a pixel).
func packRGB(dst, cur []byte) {
	for i, j := 0, 0; i+3 < len(cur) && j+2 < len(dst); i, j = i+4, j+3 {
		dst[j], dst[j+1], dst[j+2] = cur[i], cur[i+1], cur[i+2]
	}
}

// diffUp writes the Up filter of the RGBA row cur over the row up into dst as RGB:
// each colour byte minus the one above it (alpha is dropped: the image is opaque).
// Most of a plot's row equals the row above even where the rows differ (a curve
// crosses a few pixels of it), so 16 pixels equal to those above are written as zeros
// in one step; others two pixels a step, eight bytes subtracted at once without
// borrows between them and six written with one 8-byte store while dst has room for it
// (the next store overwrites the two extra bytes); the rest a byte at a time. dst needs
// 8 bytes of capacity past 3 bytes a pixel.
func diffUp(dst, cur, up []byte) {
	up = up[:len(cur)]
	d := dst[:cap(dst)]
	for len(cur) >= 64 && len(d) >= 50 {
		if bytes.Equal(cur[:64], up[:64]) {
			clear(d[:48])
		} else {
			for k := 0; k < 8; k++ {
				binary.LittleEndian.PutUint64(d[6*k:], diffPixels(cur[8*k:], up[8*k:]))
			}
		}
		cur, up, d = cur[64:], up[64:], d[48:]
	}
	for len(cur) >= 8 && len(d) >= 8 {
		binary.LittleEndian.PutUint64(d, diffPixels(cur, up))
		cur, up, d = cur[8:], up[8:], d[6:]
	}
	for len(cur) >= 4 && len(d) >= 3 {
		d[0], d[1], d[2] = cur[0]-up[0], cur[1]-up[1], cur[2]-up[2]
		cur, up, d = cur[4:], up[4:], d[3:]
	}
}

// diffPixels subtracts the two RGBA pixels at up from those at cur byte by byte
// (modulo 256, no borrow from one byte to the next) and packs the six colour bytes of
// the result into the low 48 bits.
func diffPixels(cur, up []byte) uint64 {
	const high = 0x8080808080808080
	c, u := binary.LittleEndian.Uint64(cur), binary.LittleEndian.Uint64(up)
	x := ((c | high) - (u &^ high)) ^ ((c ^ ^u) & high)
	return x&0xFFFFFF | x>>32&0xFFFFFF<<24
}

// writeChunk appends one PNG chunk: length, type, data and the CRC of type and data.
func writeChunk(b *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	b.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	b.WriteString(typ)
	b.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	b.Write(n[:])
}
