package results

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"math"
	"sync"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// V2 encoding cookies, as hdrhistogram-go writes them (the base cookies with word size 8).
const (
	hdrPayloadCookie    = hdrhistogram.V2EncodingCookieBase | 0x10
	hdrCompressedCookie = hdrhistogram.V2CompressedEncodingCookieBase | 0x10
)

// hdrZlib keeps one zlib writer at hdrhistogram-go's level (best compression) from one
// histogram to the next: a new one allocates and clears close to 1 MB of tables, which
// is most of what encoding a histogram costs, and a summary encodes several. A Reset
// writer writes the same bytes as a new one. done maps the uncompressed form of the
// histograms encoded last to their encoding: a one-phase run's totals are its phase's
// histograms again, and need not be compressed twice.
var hdrZlib struct {
	sync.Mutex
	w       *zlib.Writer
	payload []byte
	packed  bytes.Buffer
	done    map[string]string
}

// hdrMemo is how many encodings hdrZlib keeps.
const hdrMemo = 32

// encodeV2 returns h in HDR's V2 compressed encoding as base64 text, byte for byte what
// hdrhistogram-go's Encode(V2CompressedEncodingCookieBase) returns (tests compare them):
// a 40-byte header and the counts as ZigZag LEB128 (a run of zeros as its negated
// length) up to the last bucket in use, zlib-compressed behind an 8-byte header.
func encodeV2(h *hdrhistogram.Histogram) (string, error) {
	snap := h.Export()
	counts := snap.Counts
	limit := len(counts) // the last bucket in use, or the first if none is
	for limit > 1 && counts[limit-1] == 0 {
		limit--
	}
	hdrZlib.Lock()
	defer hdrZlib.Unlock()
	p := hdrZlib.payload[:0]
	p = binary.BigEndian.AppendUint32(p, uint32(hdrPayloadCookie))
	p = binary.BigEndian.AppendUint32(p, 0) // payload length, set below
	p = binary.BigEndian.AppendUint32(p, 0) // normalizing index offset: counts are not rotated
	p = binary.BigEndian.AppendUint32(p, uint32(snap.SignificantFigures))
	p = binary.BigEndian.AppendUint64(p, uint64(snap.LowestTrackableValue))
	p = binary.BigEndian.AppendUint64(p, uint64(snap.HighestTrackableValue))
	ratio := snap.IntegerToDoubleConversionRatio
	if ratio == 0 {
		ratio = 1 // the library's default
	}
	p = binary.BigEndian.AppendUint64(p, math.Float64bits(ratio))
	for i := 0; i < limit; {
		c := counts[i]
		i++
		if c == 0 {
			zeros := int64(1)
			for i < limit && counts[i] == 0 {
				zeros++
				i++
			}
			if zeros > 1 {
				c = -zeros
			}
		}
		p = appendZigZag(p, c)
	}
	binary.BigEndian.PutUint32(p[4:], uint32(len(p)-40))
	hdrZlib.payload = p
	if enc, ok := hdrZlib.done[string(p)]; ok {
		return enc, nil
	}

	z := &hdrZlib.packed
	z.Reset()
	if hdrZlib.w == nil {
		w, err := zlib.NewWriterLevel(z, zlib.BestCompression)
		if err != nil {
			return "", err
		}
		hdrZlib.w = w
	} else {
		hdrZlib.w.Reset(z)
	}
	if _, err := hdrZlib.w.Write(p); err != nil {
		return "", err
	}
	if err := hdrZlib.w.Close(); err != nil {
		return "", err
	}
	out := make([]byte, 8, 8+z.Len())
	binary.BigEndian.PutUint32(out, uint32(hdrCompressedCookie))
	binary.BigEndian.PutUint32(out[4:], uint32(z.Len()))
	out = append(out, z.Bytes()...)
	enc := base64.StdEncoding.EncodeToString(out)
	if len(hdrZlib.done) >= hdrMemo || hdrZlib.done == nil {
		hdrZlib.done = make(map[string]string, hdrMemo)
	}
	hdrZlib.done[string(p)] = enc
	return enc, nil
}

// appendZigZag appends v in ZigZag LEB128-64b9B form: 7 bits a byte, low bits first,
// the high bit set on every byte but the last; a ninth byte holds the top 8 bits whole.
func appendZigZag(p []byte, v int64) []byte {
	u := uint64((v << 1) ^ (v >> 63))
	for i := 0; i < 8; i++ {
		if u>>7 == 0 {
			return append(p, byte(u))
		}
		p = append(p, byte(u)|0x80)
		u >>= 7
	}
	return append(p, byte(u))
}
