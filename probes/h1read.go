package probes

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"time"
)

// h1Resp is what one call read: the final response's status, its kept headers and
// body prefix, and whether the connection can carry another request.
type h1Resp struct {
	status    int
	close     bool              // the connection must not be reused
	start     time.Time         // when the call began (with its monotonic reading)
	firstByte time.Duration     // after start, when the first byte of the answer arrived; 0: none
	headers   map[string]string // kept evidence headers (redacted; may be shared)
	seen      uint64            // the first 64 evidence headers met so far, by index in keep
	prefix    []byte            // aliases the connection's buffer until the next call
}

// Errors for answers that are not HTTP/1.x; their kind is other.
var (
	errHeaderTooLarge = fmt.Errorf("response headers exceed %d bytes", maxHeaderBytes)
	errStatusLine     = errors.New("malformed status line")
	errHeaderLine     = errors.New("malformed header line")
	errContentLength  = errors.New("malformed content-length")
	errChunked        = errors.New("malformed chunked encoding")
	errTooMany1xx     = errors.New("too many 1xx informational responses")
	errTransferCoding = errors.New("unsupported transfer-encoding")
)

// maxChunkLine bounds one chunk-size line (with its extensions) of a chunked body.
const maxChunkLine = 4096

// maxFoldedValue bounds an evidence header value joined from folded lines.
const maxFoldedValue = 4096

// max1xx is how many informational answers may precede the final one (net/http's 5).
const max1xx = 5

// bodyKind is how a response's body is delimited.
type bodyKind uint8

const (
	bodyNone bodyKind = iota
	bodyLength
	bodyChunked
	bodyToEOF
)

// h1Head is what the headers of a response say about its framing.
type h1Head struct {
	status    int
	http10    bool
	length    int64 // -1: no Content-Length
	chunked   bool
	close     bool
	keepAlive bool
}

// readResponse reads the final response (after any 1xx) on cn into r: status, kept
// headers, body prefix; the rest of the body is read and dropped.
func (c *h1Client) readResponse(cn *h1Conn, r *h1Resp) error {
	if _, err := cn.br.Peek(1); err != nil {
		return fmt.Errorf("read response: %w", err)
	}
	r.firstByte = max(time.Since(r.start), 1) // one clock read: time.Now reads two
	var h h1Head
	for n := 0; ; n++ {
		r.seen = 0
		cn.kept.reset()
		if err := c.readHead(cn, r, &h); err != nil {
			return err
		}
		if h.status >= 200 || h.status == 101 {
			break
		}
		if n == max1xx {
			return errTooMany1xx
		}
	}
	r.status = h.status
	r.headers = c.memo.headersOf(&cn.kept, c.redact)
	kind := bodyNone
	switch {
	case h.status == 101:
		r.close = true // the connection now speaks another protocol
	case c.noBody || h.status == 204 || h.status == 304:
	case h.chunked:
		kind = bodyChunked
	case h.length >= 0:
		kind = bodyLength
	default:
		kind = bodyToEOF
	}
	r.close = r.close || h.close || (h.http10 && !h.keepAlive) || kind == bodyToEOF
	if cap(cn.prefix) < c.prefixN {
		cn.prefix = make([]byte, 0, c.prefixN)
	}
	r.prefix = cn.prefix[:0]
	switch kind {
	case bodyLength:
		return c.consume(cn, r, h.length)
	case bodyChunked:
		return c.readChunked(cn, r)
	case bodyToEOF:
		return c.readToEOF(cn, r)
	}
	return nil
}

// readHead reads one status line and its headers into h, keeping the evidence
// headers of a final response in r.
func (c *h1Client) readHead(cn *h1Conn, r *h1Resp, h *h1Head) error {
	left := maxHeaderBytes
	line, err := readLine(cn, &left)
	if err != nil {
		return err
	}
	*h = h1Head{length: -1}
	if h.status, h.http10, err = parseStatusLine(line); err != nil {
		return err
	}
	final := h.status >= 200 || h.status == 101
	kept := false // the evidence header on the previous line was kept
	for {
		line, err := readLine(cn, &left)
		if err != nil {
			return err
		}
		if len(line) == 0 {
			return nil
		}
		if line[0] == ' ' || line[0] == '\t' {
			// obsolete line folding: joined with a space, as net/http does, up to
			// maxFoldedValue
			if kept {
				cn.kept.fold(line)
			}
			continue
		}
		name, value, err := splitHeader(line)
		if err != nil {
			return err
		}
		if err := h.note(name, value); err != nil {
			return err
		}
		kept = final && c.keepHeader(cn, r, name, value)
	}
}

// note records what a framing header says.
func (h *h1Head) note(name, value []byte) error {
	switch {
	case equalFold(name, "content-length"):
		n, ok := parseDecimal(value)
		if !ok || (h.length >= 0 && h.length != n) {
			return errContentLength
		}
		h.length = n
	case equalFold(name, "transfer-encoding"):
		if h.http10 {
			return nil // HTTP/1.0 has no transfer codings
		}
		if !equalFold(value, "chunked") {
			return errTransferCoding
		}
		h.chunked = true
	case equalFold(name, "connection"):
		h.close = h.close || hasToken(value, "close")
		h.keepAlive = h.keepAlive || hasToken(value, "keep-alive")
	}
	return nil
}

// keepLenMax is the longest header name with a bucket of its own in h1Client.keepLen:
// a response header is compared only with the evidence names of its length.
const keepLenMax = 48

// keepHeader keeps name's value in cn.kept when it is an evidence header not yet seen
// and the value is not empty; it reports whether it kept it.
func (c *h1Client) keepHeader(cn *h1Conn, r *h1Resp, name, value []byte) bool {
	for _, i := range c.keepLen[min(len(name), keepLenMax)] {
		k := c.keep[i]
		if len(k) != len(name) || !equalFold(name, k) {
			continue
		}
		// The first value wins, even an empty one, as with http.Header.Get.
		if i < 64 {
			if r.seen&(1<<i) != 0 {
				return false
			}
			r.seen |= 1 << i
		} else if cn.kept.has(k) {
			return false
		}
		if len(value) == 0 {
			return false
		}
		cn.kept.add(k, value)
		return true
	}
	return false
}

// consume reads n body bytes: the first into the prefix, the rest dropped.
func (c *h1Client) consume(cn *h1Conn, r *h1Resp, n int64) error {
	if room := int64(c.prefixN - len(r.prefix)); room > 0 && n > 0 {
		k := int(min(room, n))
		got, err := io.ReadFull(cn.br, r.prefix[len(r.prefix):len(r.prefix)+k])
		r.prefix = r.prefix[:len(r.prefix)+got]
		n -= int64(got)
		if err != nil {
			return bodyErr(err)
		}
	}
	for n > 0 {
		d, err := cn.br.Discard(int(min(n, 1<<30)))
		n -= int64(d)
		if err != nil {
			return bodyErr(err)
		}
	}
	return nil
}

// readToEOF reads a body delimited by the end of the connection.
func (c *h1Client) readToEOF(cn *h1Conn, r *h1Resp) error {
	for len(r.prefix) < c.prefixN {
		got, err := cn.br.Read(r.prefix[len(r.prefix):c.prefixN])
		r.prefix = r.prefix[:len(r.prefix)+got]
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read body: %w", err)
		}
	}
	for {
		_, err := cn.br.Discard(1 << 30)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read body: %w", err)
		}
	}
}

// readChunked reads a chunked body and its trailers.
func (c *h1Client) readChunked(cn *h1Conn, r *h1Resp) error {
	for {
		left := maxChunkLine // each chunk-size line on its own: a body may have many
		line, err := readLine(cn, &left)
		if err != nil {
			return bodyErr(err)
		}
		size, ok := parseChunkSize(line)
		if !ok {
			return errChunked
		}
		if size == 0 {
			break
		}
		if err := c.consume(cn, r, size); err != nil {
			return err
		}
		left = maxChunkLine
		if line, err = readLine(cn, &left); err != nil {
			return bodyErr(err)
		}
		if len(line) != 0 {
			return errChunked
		}
	}
	left := maxHeaderBytes
	for { // trailers, up to the empty line
		line, err := readLine(cn, &left)
		if err != nil {
			return bodyErr(err)
		}
		if len(line) == 0 {
			return nil
		}
	}
}

// bodyErr wraps an error met inside a body; an early end is unexpected.
func bodyErr(err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("read body: %w", err)
}

// readLine returns the next line without its CR LF, charging its length to left.
// The line is valid until the next read on cn.
func readLine(cn *h1Conn, left *int) ([]byte, error) {
	line, err := cn.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		cn.line = append(cn.line[:0], line...)
		for err == bufio.ErrBufferFull && len(cn.line) <= *left {
			line, err = cn.br.ReadSlice('\n')
			cn.line = append(cn.line, line...)
		}
		line = cn.line
	}
	if len(line) > *left {
		return nil, errHeaderTooLarge
	}
	if err != nil {
		if err == io.EOF && len(line) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("read response: %w", err)
	}
	*left -= len(line)
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}
