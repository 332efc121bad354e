package report

import "encoding/binary"

// adlerMod is Adler-32's modulus; adlerBlock is the most bytes summed before s2 could
// overflow 32 bits (zlib's NMAX).
const (
	adlerMod   = 65521
	adlerBlock = 5552
)

// adlerSum is the Adler-32 checksum a zlib stream ends with (RFC 1950), computed as the PNG
// encoder writes its rows, with a shortcut for runs of zero bytes, which
// the Up filter makes of most of a plot (hash/adler32 takes them one at a time, and was
// a fifth of the encoder's time). It gives hash/adler32's sums; tests compare them.
type adlerSum struct{ s1, s2 uint32 }

func newAdler32() adlerSum { return adlerSum{s1: 1} }

// Sum32 is the checksum of the bytes written so far.
func (a adlerSum) Sum32() uint32 { return a.s2<<16 | a.s1 }

// write adds p to the checksum, 32 bytes a step: a step of zeros only adds 32*s1 to
// s2; any other step takes its bytes one at a time, as hash/adler32 does.
func (a *adlerSum) write(p []byte) {
	s1, s2 := a.s1, a.s2
	for len(p) > 0 {
		q := p[:min(len(p), adlerBlock)]
		p = p[len(q):]
		for len(q) >= 32 {
			w := binary.LittleEndian.Uint64(q) | binary.LittleEndian.Uint64(q[8:]) |
				binary.LittleEndian.Uint64(q[16:]) | binary.LittleEndian.Uint64(q[24:])
			if w == 0 {
				s2 += 32 * s1
				q = q[32:]
				continue
			}
			for _, x := range q[:32] {
				s1 += uint32(x)
				s2 += s1
			}
			q = q[32:]
		}
		for _, x := range q {
			s1 += uint32(x)
			s2 += s1
		}
		s1 %= adlerMod
		s2 %= adlerMod
	}
	a.s1, a.s2 = s1, s2
}

// writeZeros adds n zero bytes: s1 stays, s2 grows by n*s1.
func (a *adlerSum) writeZeros(n int) {
	a.s2 = uint32((uint64(a.s2) + uint64(n)%adlerMod*uint64(a.s1)) % adlerMod)
}
