package scenarios

import "fmt"

// Position is a place in a scenario file. Line and Column start at 1; zero means
// unknown (a scenario built in memory).
type Position struct {
	Line   int
	Column int
}

// FieldError is one problem with a scenario file: where, which field, what is wrong.
// Its text is `file:line:column: path: message`, with the parts that are unknown left
// out. Parse and Validate return these, joined with errors.Join.
type FieldError struct {
	File string
	Pos  Position
	Path string // field path, e.g. phases[1].rate.rps ("" for the whole file)
	Msg  string
}

// Error formats the problem as `file:line:column: path: message`.
func (e *FieldError) Error() string {
	prefix := e.File
	if prefix == "" {
		prefix = "scenario"
	}
	if e.Pos.Line > 0 {
		prefix = fmt.Sprintf("%s:%d:%d", prefix, e.Pos.Line, e.Pos.Column)
	}
	if e.Path != "" {
		return fmt.Sprintf("%s: %s: %s", prefix, e.Path, e.Msg)
	}
	return fmt.Sprintf("%s: %s", prefix, e.Msg)
}

// Problems splits an error returned by Parse or Validate into its single problems, in
// order. An error that is not a join is returned as the only element; nil gives nil.
func Problems(err error) []error {
	if err == nil {
		return nil
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	var out []error
	for _, e := range joined.Unwrap() {
		out = append(out, Problems(e)...)
	}
	return out
}

// Less orders positions by line, then column.
func (p Position) Less(q Position) bool {
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Column < q.Column
}
