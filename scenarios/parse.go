package scenarios

import (
	"errors"
	"fmt"
	"os"
	"time"

	yaml "github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Defaults applied by Parse to fields left out of a scenario file.
const (
	DefaultKind            = "http"
	DefaultMethod          = "GET"
	DefaultTimeout         = 30 * time.Second
	DefaultConnection      = "reuse"
	DefaultRequestIDHeader = "X-Request-Id"
	DefaultBodyPrefixBytes = 512
	DefaultMaxInFlight     = 10000
	DefaultRetryBackoff    = 100 * time.Millisecond

	// MaxFileBytes is the largest scenario file Parse accepts.
	MaxFileBytes = 1 << 20
)

// LambdaKind is the target kind that calls the AWS Lambda Invoke API.
const LambdaKind = "lambda"

// DefaultProbes is the probe chain used when a scenario has no `probes:`; the order is
// precedence.
var DefaultProbes = []string{"marker", "instance", "platform", "latency"}

// Parse reads the scenario file at path; variables are expanded from the process
// environment. See ParseBytes.
func Parse(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read scenario: %w", err)
	}
	return ParseBytes(path, data, os.LookupEnv)
}

// ParseBytes decodes a scenario file strictly and applies defaults. name is used in
// messages and kept in Scenario.File; lookupEnv resolves ${VAR} (os.LookupEnv when nil).
//
// Problems come back as *FieldError values joined with errors.Join, each naming
// file:line:column and the field path. When the YAML itself is well formed the
// partially decoded Scenario is returned along with the error, so that a caller can
// also run Validate and report every problem at once; otherwise (bad YAML, or input
// past the nesting and alias-expansion limits) it is nil.
func ParseBytes(name string, data []byte, lookupEnv func(string) (string, bool)) (*Scenario, error) {
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	if len(data) > MaxFileBytes {
		return nil, &FieldError{File: name, Pos: Position{Line: 1, Column: 1},
			Msg: fmt.Sprintf("file is %d bytes, more than the %d a scenario may have", len(data), MaxFileBytes)}
	}
	body, err := parseYAML(name, data)
	if err != nil {
		return nil, err
	}
	d := newDecoder(name, lookupEnv)
	sc := &Scenario{}
	d.decode("", body, reflectValue(sc))
	if d.aborted {
		return nil, errors.Join(d.errs...)
	}
	sc.File = name
	sc.Source = append([]byte(nil), data...)
	sc.positions = d.pos
	sc.decodeFailed = d.failed
	sc.expanded = d.expanded
	d.explicitZeros(sc)
	sc.ApplyDefaults()
	return sc, errors.Join(d.errs...)
}

// parseYAML returns the body of the single document in data.
func parseYAML(name string, data []byte) (body ast.Node, err error) {
	defer func() {
		if r := recover(); r != nil { // the YAML library must never take the caller down
			body, err = nil, &FieldError{File: name, Msg: fmt.Sprintf("invalid YAML: %v", r)}
		}
	}()
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlError(name, err)
	}
	var docs []ast.Node
	for _, doc := range f.Docs {
		if doc != nil && doc.Body != nil {
			docs = append(docs, doc.Body)
		}
	}
	switch len(docs) {
	case 0:
		return nil, &FieldError{File: name, Pos: Position{Line: 1, Column: 1}, Msg: "empty scenario file"}
	case 1:
		return docs[0], nil
	}
	return nil, &FieldError{File: name, Pos: nodePos(docs[1]), Msg: "more than one YAML document"}
}

// yamlError turns a syntax error of the YAML library into a FieldError with position.
func yamlError(name string, err error) error {
	var ye yaml.Error
	pos := Position{Line: 1, Column: 1}
	msg := err.Error()
	if errors.As(err, &ye) {
		msg = ye.GetMessage()
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			pos = Position{Line: tk.Position.Line, Column: tk.Position.Column}
		}
	}
	return &FieldError{File: name, Pos: pos, Msg: "invalid YAML: " + msg}
}

// explicitZeros reports fields written as 0 that ApplyDefaults would otherwise replace
// by their default, hiding the mistake.
func (d *decoder) explicitZeros(sc *Scenario) {
	zero := func(path string, isZero bool) {
		if _, written := d.pos[path]; written && isZero && !d.failed[path] {
			d.fail(path, d.pos[path], "must be > 0")
		}
	}
	zero("target.timeout", sc.Target.Timeout == 0)
	for i, p := range sc.Phases {
		path := fmt.Sprintf("phases[%d]", i)
		if p.Idle != nil {
			zero(path+".idle.samples", p.Idle.Samples == 0)
			if p.Idle.Search != nil {
				zero(path+".idle.search.samples", p.Idle.Search.Samples == 0)
			}
		}
		if p.Burst != nil {
			zero(path+".burst.repeat", p.Burst.Repeat == 0)
		}
		if p.Rate != nil {
			zero(path+".rate.max_in_flight", p.Rate.MaxInFlight == 0)
		}
		if p.Ramp != nil {
			zero(path+".ramp.max_in_flight", p.Ramp.MaxInFlight == 0)
		}
	}
}
