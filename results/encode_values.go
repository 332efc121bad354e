package results

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// This file writes the values of a samples line (numbers, times, strings) in the form
// AppendSample documents, with shortcuts for the values samples usually hold.

// appendNum appends the member k (its key text) with v, unless v is 0, in strconv's
// shortest form, with an exponent only for very small or very large magnitudes (where
// encoding/json uses one). v is finite.
func appendNum(b []byte, k string, v float64) []byte {
	if v == 0 {
		return b
	}
	b = append(b, k...)
	if a := math.Abs(v); a >= 1e-3 && a < 1e9 {
		// us is the nearest whole number of microseconds: when a is us/1000
		// rounded, a*1000 is within a few units in the last place of us, far less
		// than the half that decides the rounding.
		us := int64(a*1000 + 0.5)
		if float64(us)/1000 == a {
			if v < 0 {
				b = append(b, '-')
			}
			return appendMicros(b, us)
		}
	}
	format := byte('f')
	if a := math.Abs(v); a < 1e-6 || a >= 1e21 {
		format = 'e'
	}
	return strconv.AppendFloat(b, v, format, -1, 64)
}

// appendMicros writes us (at least 0) microseconds as milliseconds, the way strconv's
// shortest form writes the float us/1000 (durations are kept to the microsecond, and
// this is several times faster): a value with at most 15 significant digits has no
// shorter decimal form that reads back as the same float, so the exact decimal,
// trailing zeros cut, is the shortest.
func appendMicros(b []byte, us int64) []byte {
	ms, frac := us/1000, int(us%1000)
	if ms < 10 {
		b = append(b, byte('0'+ms))
	} else {
		b = strconv.AppendInt(b, ms, 10)
	}
	switch {
	case frac == 0:
		return b
	case frac%100 == 0:
		return append(b, '.', byte('0'+frac/100))
	case frac%10 == 0:
		frac /= 10
		return append(b, '.', byte('0'+frac/10), byte('0'+frac%10))
	}
	return append(b, '.', byte('0'+frac/100), digitPairs[2*(frac%100)], digitPairs[2*(frac%100)+1])
}

// secondText is one second of one location written as RFC 3339: the date and time
// before the fraction, and the zone after it. Samples come in time order, so most
// times share the second of the time written before them, and only the fraction is
// written anew.
type secondText struct {
	unix  int64
	loc   *time.Location
	head  [len("2006-01-02T15:04:05")]byte
	zone  [len("-07:00")]byte // Z or ±hh:mm
	zoneN int
}

// appendTime appends the member k (its key text, the opening quote included) with t
// as t.AppendFormat(b, time.RFC3339Nano) writes it, unless t is zero.
func (c *secondText) appendTime(b []byte, k string, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	b = append(b, k...)
	if c.unix != t.Unix() || c.loc != t.Location() {
		if y := t.Year(); y < 0 || y > 9999 { // not four digits: no shortcut
			return append(t.AppendFormat(b, time.RFC3339Nano), '"')
		}
		var buf [len(time.RFC3339)]byte
		whole := t.Truncate(time.Second).AppendFormat(buf[:0], time.RFC3339) // no fraction
		c.unix, c.loc = t.Unix(), t.Location()
		copy(c.head[:], whole)
		c.zoneN = copy(c.zone[:], whole[len(c.head):])
	}
	b = append(b, c.head[:]...)
	if ns := t.Nanosecond(); ns != 0 {
		b = appendFraction(b, ns)
	}
	b = append(b, c.zone[:c.zoneN]...)
	return append(b, '"')
}

// appendFraction appends ns (1 to 999,999,999 nanoseconds) as a decimal fraction of
// a second, trailing zeros cut. The nine digits are written two at a time without a
// loop (a loop's varying count is a branch the processor mispredicts).
func appendFraction(b []byte, ns int) []byte {
	at := len(b)
	b = append(b, ".000000000"...)
	f := b[at : at+10 : at+10]
	r := 2 * (ns % 100)
	f[8], f[9] = digitPairs[r], digitPairs[r+1]
	ns /= 100
	r = 2 * (ns % 100)
	f[6], f[7] = digitPairs[r], digitPairs[r+1]
	ns /= 100
	r = 2 * (ns % 100)
	f[4], f[5] = digitPairs[r], digitPairs[r+1]
	ns /= 100
	r = 2 * (ns % 100)
	f[2], f[3] = digitPairs[r], digitPairs[r+1]
	f[1] = byte('0' + ns/100)
	end := len(b)
	for b[end-1] == '0' {
		end--
	}
	return b[:end]
}

// digitPairs holds 00 to 99, two bytes each.
const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

const hexDigits = "0123456789abcdef"

// plainPrefix is the length of a prefix of s that a JSON string holds as it is
// (printable ASCII but the quote and the backslash): all of s when all of it is, else
// a prefix that ends at most eight bytes before the first byte that is not. A string
// of eight bytes or more is tested a word of eight bytes at a time, the last word
// overlapping the one before: with ones = 0x0101…01, some byte of w is zero exactly
// when (w - ones) &^ w has a high bit set in some byte (a borrow only spreads from a
// byte that is zero, so a set bit means some byte is), and likewise some byte is below
// 0x20 when (x - 0x20·ones) &^ x has one; a high bit of x itself is a byte outside
// ASCII. Nothing is looked up in a table: on the hot path a table is one more cache
// line to miss.
func plainPrefix(s string) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	n := len(s)
	if n < 8 {
		i := 0
		for i < n && s[i] >= 0x20 && s[i] < utf8.RuneSelf && s[i] != '"' && s[i] != '\\' {
			i++
		}
		return i
	}
	for i := 0; ; i += 8 {
		i = min(i, n-8)
		w := s[i : i+8]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		quote, slash := x^(ones*'"'), x^(ones*'\\')
		if ((x-ones*0x20)&^x|(quote-ones)&^quote|(slash-ones)&^slash|x)&highs != 0 {
			return i
		}
		if i == n-8 {
			return n
		}
	}
}

// appendQuoted appends s as a JSON string: quotes, backslashes and control characters
// escaped, invalid UTF-8 replaced by U+FFFD, and U+2028/U+2029 escaped (as
// encoding/json does, so the line is also valid JavaScript).
func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	i := plainPrefix(s)
	if i == len(s) { // most strings need no escape at all
		b = append(b, s...)
		return append(b, '"')
	}
	start := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
