package probes

import "golang.org/x/net/http/httpguts"

// The HTTP/1.1 syntax the lean client reads, on bytes, without allocating.

// parseStatusLine reads "HTTP/1.x NNN reason".
func parseStatusLine(line []byte) (status int, http10 bool, err error) {
	const proto = "HTTP/1."
	if len(line) < len(proto)+5 || string(line[:len(proto)]) != proto {
		return 0, false, errStatusLine
	}
	minor := line[len(proto)]
	if minor < '0' || minor > '9' || line[len(proto)+1] != ' ' {
		return 0, false, errStatusLine
	}
	code := line[len(proto)+2:]
	if len(code) > 3 && code[3] != ' ' {
		return 0, false, errStatusLine
	}
	if len(code) < 3 {
		return 0, false, errStatusLine
	}
	for _, b := range code[:3] {
		if b < '0' || b > '9' {
			return 0, false, errStatusLine
		}
		status = status*10 + int(b-'0')
	}
	if status < 100 {
		return 0, false, errStatusLine
	}
	return status, minor == '0', nil
}

// splitHeader splits "Name: value", trimming the value's surrounding blanks.
func splitHeader(line []byte) (name, value []byte, err error) {
	i := 0
	for i < len(line) && line[i] != ':' {
		if !httpguts.IsTokenRune(rune(line[i])) {
			return nil, nil, errHeaderLine
		}
		i++
	}
	if i == 0 || i == len(line) {
		return nil, nil, errHeaderLine
	}
	return line[:i], trimBlank(line[i+1:]), nil
}

func trimBlank(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// equalFold compares b with s, ignoring ASCII case.
func equalFold[T string | []byte](b []byte, s T) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		x, y := b[i], s[i]
		if x|0x20 != y|0x20 || (x|0x20 < 'a' || x|0x20 > 'z') && x != y {
			return false
		}
	}
	return true
}

// hasToken reports whether the comma-separated list v holds tok (ASCII case
// ignored).
func hasToken(v []byte, tok string) bool {
	for len(v) > 0 {
		i := 0
		for i < len(v) && v[i] != ',' {
			i++
		}
		if equalFold(trimBlank(v[:i]), tok) {
			return true
		}
		if i == len(v) {
			break
		}
		v = v[i+1:]
	}
	return false
}

// parseDecimal reads a non-negative decimal of at most 18 digits.
func parseDecimal(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, d := range b {
		if d < '0' || d > '9' {
			return 0, false
		}
		n = n*10 + int64(d-'0')
	}
	return n, true
}

// parseChunkSize reads a chunk-size line: hex digits, then optional blanks and
// extensions after ';'.
func parseChunkSize(line []byte) (int64, bool) {
	for i, b := range line {
		if b == ';' {
			line = line[:i]
			break
		}
	}
	line = trimBlank(line)
	if len(line) == 0 || len(line) > 15 {
		return 0, false
	}
	var n int64
	for _, b := range line {
		switch {
		case b >= '0' && b <= '9':
			b -= '0'
		case b >= 'a' && b <= 'f':
			b -= 'a' - 10
		case b >= 'A' && b <= 'F':
			b -= 'A' - 10
		default:
			return 0, false
		}
		n = n<<4 | int64(b)
	}
	return n, true
}
