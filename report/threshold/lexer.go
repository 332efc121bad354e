package threshold

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// SyntaxError is a parse error at a 1-based column (in runes) of the expression.
type SyntaxError struct {
	Col int
	Msg string
}

// Error is "col N: message".
func (e *SyntaxError) Error() string { return fmt.Sprintf("col %d: %s", e.Col, e.Msg) }

type tokKind int

const (
	tEOF    tokKind = iota
	tIdent          // letters, digits and _, starting with a letter or _
	tNumber         // digits with an optional fraction
	tPunct          // ( ) . < <= > >= == != = $ %
	tName           // the raw phase name between [ and ]
)

type token struct {
	kind tokKind
	text string
	col  int // 1-based rune column of the first character
	end  int // byte offset just past the token
}

// lexer turns an expression into tokens. A '[' switches to reading a raw phase name
// up to the next ']', so phase names may contain '-' and other punctuation.
type lexer struct {
	src  string
	pos  int // byte offset
	toks []token
}

func lex(src string) ([]token, error) {
	l := &lexer{src: src}
	for {
		t, err := l.next()
		if err != nil {
			return nil, err
		}
		l.toks = append(l.toks, t)
		if t.kind == tEOF {
			return l.toks, nil
		}
	}
}

func (l *lexer) col(pos int) int { return utf8.RuneCountInString(l.src[:pos]) + 1 }

func (l *lexer) errAt(pos int, format string, a ...any) error {
	return &SyntaxError{Col: l.col(pos), Msg: fmt.Sprintf(format, a...)}
}

func (l *lexer) next() (token, error) {
	for l.pos < len(l.src) && (l.src[l.pos] == ' ' || l.src[l.pos] == '\t') {
		l.pos++
	}
	start := l.pos
	if start >= len(l.src) {
		return token{kind: tEOF, col: l.col(start), end: start}, nil
	}
	r, _ := utf8.DecodeRuneInString(l.src[start:])
	switch {
	case r == '_' || (r < utf8.RuneSelf && unicode.IsLetter(r)):
		return l.span(tIdent, start, isIdentByte), nil
	case r >= '0' && r <= '9':
		return l.number(start)
	case r == '[':
		return l.phaseName(start)
	}
	if r < utf8.RuneSelf {
		if t, ok := l.punct(start); ok {
			return t, nil
		}
	}
	return token{}, l.errAt(start, "unexpected character %q", r)
}

func isIdentByte(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (l *lexer) span(k tokKind, start int, in func(byte) bool) token {
	for l.pos < len(l.src) && in(l.src[l.pos]) {
		l.pos++
	}
	return token{kind: k, text: l.src[start:l.pos], col: l.col(start), end: l.pos}
}

func (l *lexer) number(start int) (token, error) {
	l.span(tNumber, start, isDigit)
	if l.pos < len(l.src) && l.src[l.pos] == '.' {
		l.pos++
		if l.pos >= len(l.src) || !isDigit(l.src[l.pos]) {
			return token{}, l.errAt(l.pos, "expected a digit after the decimal point")
		}
		l.span(tNumber, start, isDigit)
	}
	return token{kind: tNumber, text: l.src[start:l.pos], col: l.col(start), end: l.pos}, nil
}

// phaseName returns the '[' as punctuation and queues the name and ']' after it.
func (l *lexer) phaseName(start int) (token, error) {
	open := token{kind: tPunct, text: "[", col: l.col(start), end: start + 1}
	nameStart := start + 1
	i := nameStart
	for i < len(l.src) && l.src[i] != ']' {
		i++
	}
	if i >= len(l.src) {
		return token{}, l.errAt(start, "missing ] after phase name")
	}
	if i == nameStart {
		return token{}, l.errAt(nameStart, "expected a phase name")
	}
	l.toks = append(l.toks, open, token{kind: tName, text: l.src[nameStart:i], col: l.col(nameStart), end: i})
	l.pos = i + 1
	return token{kind: tPunct, text: "]", col: l.col(i), end: i + 1}, nil
}

func (l *lexer) punct(start int) (token, bool) {
	two := ""
	if start+2 <= len(l.src) {
		two = l.src[start : start+2]
	}
	switch two {
	case "<=", ">=", "==", "!=":
		l.pos = start + 2
		return token{kind: tPunct, text: two, col: l.col(start), end: l.pos}, true
	}
	switch c := l.src[start]; c {
	case '(', ')', '.', '<', '>', '=', '$', '%', ']':
		l.pos = start + 1
		return token{kind: tPunct, text: string(c), col: l.col(start), end: l.pos}, true
	}
	return token{}, false
}
