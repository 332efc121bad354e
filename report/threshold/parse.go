package threshold

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Op is a comparison operator.
type Op string

// Comparison operators.
const (
	OpLT Op = "<"
	OpLE Op = "<="
	OpGT Op = ">"
	OpGE Op = ">="
	OpEQ Op = "=="
	OpNE Op = "!="
)

// Holds reports whether "value op limit" is true.
func (o Op) Holds(value, limit float64) bool {
	switch o {
	case OpLT:
		return value < limit
	case OpLE:
		return value <= limit
	case OpGT:
		return value > limit
	case OpGE:
		return value >= limit
	case OpEQ:
		return value == limit
	case OpNE:
		return value != limit
	}
	return false
}

// Threshold is one parsed threshold expression. Limit is in the metric's base unit
// (Metric.Unit): milliseconds, percent, US dollars or a count.
type Threshold struct {
	Expr        string // as written, trimmed
	Metric      Metric
	Op          Op
	Limit       float64
	AbortOnFail bool          // stop the run as soon as the threshold fails (see Watcher)
	Grace       time.Duration // AbortOnFail: not before this much of the run has elapsed
}

// Parse reads one threshold expression (grammar in the package doc). Errors are
// *SyntaxError values naming the column.
func Parse(expr string) (Threshold, error) {
	toks, err := lex(expr)
	if err != nil {
		return Threshold{}, err
	}
	p := &parser{toks: toks}
	t, err := p.threshold()
	if err != nil {
		return Threshold{}, err
	}
	t.Expr = strings.TrimSpace(expr)
	return t, nil
}

// ParseAll parses every expression; the error names each bad one (errors joined).
func ParseAll(exprs []string) ([]Threshold, error) {
	out := make([]Threshold, 0, len(exprs))
	var errs []string
	for _, e := range exprs {
		t, err := Parse(e)
		if err != nil {
			errs = append(errs, fmt.Sprintf("threshold %q: %v", e, err))
			continue
		}
		out = append(out, t)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return out, nil
}

// ParseMetric reads a metric that is a prefix of src and returns it with the byte
// offset where it ends, so other small languages (the gate's --max-regression) can
// embed metrics. Errors are *SyntaxError values with columns relative to src.
func ParseMetric(src string) (m Metric, end int, err error) {
	toks, lexErr := lexUntil(src)
	p := &parser{toks: toks}
	m, err = p.metric()
	if err != nil {
		// Stopped at the character the lexer rejected: that is the better message.
		if se, ok := err.(*SyntaxError); ok && lexErr != nil && se.Col == lexErr.Col {
			return Metric{}, 0, lexErr
		}
		return Metric{}, 0, err
	}
	if p.i == 0 {
		return m, 0, nil
	}
	return m, p.toks[p.i-1].end, nil
}

// lexUntil lexes src but ends the tokens at the first character the lexer rejects
// (the caller's own syntax follows the metric), returning that error on the side.
func lexUntil(src string) ([]token, *SyntaxError) {
	l := &lexer{src: src}
	for {
		t, err := l.next()
		if err != nil {
			l.toks = append(l.toks, token{kind: tEOF, col: l.col(l.pos), end: l.pos})
			se, _ := err.(*SyntaxError)
			return l.toks, se
		}
		l.toks = append(l.toks, t)
		if t.kind == tEOF {
			return l.toks, nil
		}
	}
}

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) take() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func errTok(t token, format string, a ...any) error {
	return &SyntaxError{Col: t.col, Msg: fmt.Sprintf(format, a...)}
}

func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "end of expression"
	case tNumber:
		return "number " + t.text
	}
	return strconv.Quote(t.text)
}

func (p *parser) expect(text, what string) (token, error) {
	t := p.take()
	if t.kind != tPunct || t.text != text {
		return t, errTok(t, "expected %s, found %s", what, describe(t))
	}
	return t, nil
}

func (p *parser) threshold() (Threshold, error) {
	m, err := p.metric()
	if err != nil {
		return Threshold{}, err
	}
	op, err := p.op()
	if err != nil {
		return Threshold{}, err
	}
	limit, err := p.value(m)
	if err != nil {
		return Threshold{}, err
	}
	t := Threshold{Metric: m, Op: op, Limit: limit}
	if err := p.options(&t); err != nil {
		return Threshold{}, err
	}
	return t, nil
}

func (p *parser) op() (Op, error) {
	t := p.take()
	if t.kind == tPunct {
		switch Op(t.text) {
		case OpLT, OpLE, OpGT, OpGE, OpEQ, OpNE:
			return Op(t.text), nil
		case "=":
			return "", errTok(t, "expected a comparison (<, <=, >, >=, ==, !=), found \"=\" (write ==)")
		}
	}
	return "", errTok(t, "expected a comparison (<, <=, >, >=, ==, !=), found %s", describe(t))
}
