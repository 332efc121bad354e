package scenarios

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// decoder fills Go structs from a YAML syntax tree, strictly: unknown keys, wrong types
// and bad durations are problems naming the position and the field path. It goes on
// after a problem so that one pass reports all of them. Not safe for concurrent use.
type decoder struct {
	file    string
	lookup  func(string) (string, bool)
	errs    []error
	pos     map[string]Position
	failed  map[string]bool
	anchors map[string]ast.Node
	// expanded maps a field path to the values its ${VAR}s expanded to.
	expanded map[string][]string
	depth    int
	visits   int  // nodes decoded, aliases expanded: bounded by maxVisits
	aborted  bool // a limit was passed; decoding stopped
}

var (
	durationType  = reflect.TypeFor[Duration]()
	probeSpecType = reflect.TypeFor[ProbeSpec]()
	thresholdType = reflect.TypeFor[ThresholdList]()
)

// maxDepth bounds nesting so hostile input cannot exhaust the stack, and maxVisits
// bounds the nodes decoded so that aliases cannot expand exponentially ("billion
// laughs").
const (
	maxDepth  = 64
	maxVisits = 100_000
)

// enter counts a node and reports whether decoding may go on. Past a limit it reports
// one problem and aborts the whole decoding: what follows would only be noise.
func (d *decoder) enter(path string, n ast.Node) bool {
	if d.aborted {
		return false
	}
	d.visits++
	switch {
	case d.visits > maxVisits:
		d.fail(path, nodePos(n), "too many values (aliases expand to more than %d)", maxVisits)
	case d.depth > maxDepth:
		d.fail(path, nodePos(n), "nested more than %d deep", maxDepth)
	default:
		return true
	}
	d.aborted = true
	return false
}

func newDecoder(file string, lookup func(string) (string, bool)) *decoder {
	return &decoder{file: file, lookup: lookup, pos: map[string]Position{},
		failed: map[string]bool{}, anchors: map[string]ast.Node{}, expanded: map[string][]string{}}
}

func nodePos(n ast.Node) Position {
	if n == nil {
		return Position{}
	}
	if m, ok := n.(*ast.MappingNode); ok && !m.IsFlowStyle && len(m.Values) > 0 {
		return nodePos(m.Values[0].Key) // a block mapping starts at its first key
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return Position{}
	}
	return Position{Line: tk.Position.Line, Column: tk.Position.Column}
}

func (d *decoder) fail(path string, p Position, format string, args ...any) {
	d.failed[path] = true
	d.errs = append(d.errs, &FieldError{File: d.file, Pos: p, Path: path, Msg: fmt.Sprintf(format, args...)})
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// resolve looks through anchors, aliases and tags to the node that holds the value.
func (d *decoder) resolve(n ast.Node) ast.Node {
	for i := 0; i < maxDepth; i++ {
		switch t := n.(type) {
		case *ast.AnchorNode:
			if name, ok := t.Name.(ast.ScalarNode); ok {
				d.anchors[fmt.Sprint(name.GetValue())] = t.Value
			}
			n = t.Value
		case *ast.AliasNode:
			name := ""
			if t.Value != nil {
				name = t.Value.GetToken().Value
			}
			target, ok := d.anchors[name]
			if !ok {
				return t
			}
			n = target
		case *ast.TagNode:
			n = t.Value
		default:
			return n
		}
	}
	return n
}

// decode fills v from n; path names v for messages and for the position map.
func (d *decoder) decode(path string, n ast.Node, v reflect.Value) {
	d.depth++
	defer func() { d.depth-- }()
	if !d.enter(path, n) {
		return
	}
	n = d.resolve(n)
	p := nodePos(n)
	d.pos[path] = p
	if _, ok := n.(*ast.AliasNode); ok {
		d.fail(path, p, "unknown alias %s", n.GetToken().Value)
		return
	}
	switch {
	case v.Type() == durationType:
		d.decodeDuration(path, n, v)
	case v.Type() == probeSpecType:
		d.decodeProbe(path, n, v)
	case v.Type() == thresholdType:
		d.decodeThresholds(path, n, v)
	default:
		d.decodeKind(path, n, v)
	}
}

func (d *decoder) decodeKind(path string, n ast.Node, v reflect.Value) {
	p := nodePos(n)
	switch v.Kind() {
	case reflect.Pointer:
		if isNull(n) {
			return
		}
		elem := reflect.New(v.Type().Elem())
		d.decode(path, n, elem.Elem())
		v.Set(elem)
	case reflect.Struct:
		d.decodeStruct(path, n, v)
	case reflect.Slice:
		d.decodeSlice(path, n, v)
	case reflect.Map:
		d.decodeMap(path, n, v)
	case reflect.Interface:
		v.Set(reflect.ValueOf(d.toAny(path, n)))
	case reflect.String, reflect.Int, reflect.Int64, reflect.Float64, reflect.Bool:
		d.decodeScalar(path, n, v)
	default:
		d.fail(path, p, "cannot decode into %s", v.Type())
	}
}

func isNull(n ast.Node) bool {
	_, ok := n.(*ast.NullNode)
	return ok
}

// entries returns the key/value pairs of a mapping node, or ok false.
func entries(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch t := n.(type) {
	case *ast.MappingNode:
		return t.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{t}, true
	}
	return nil, false
}

// keyText returns the text of a mapping key.
func (d *decoder) keyText(k ast.Node) (string, bool) {
	if k == nil {
		return "", false
	}
	if _, ok := k.(*ast.MergeKeyNode); ok {
		return "<<", true
	}
	if mk, ok := k.(*ast.MappingKeyNode); ok {
		return d.keyText(mk.Value)
	}
	s, ok := d.resolve(k).(ast.ScalarNode)
	if !ok {
		return "", false
	}
	if s.GetValue() == nil {
		return "", false
	}
	return fmt.Sprint(s.GetValue()), true
}

func (d *decoder) decodeStruct(path string, n ast.Node, v reflect.Value) {
	kv, ok := entries(n)
	if !ok {
		if !isNull(n) {
			d.fail(path, nodePos(n), "want a mapping, got %s", describe(n))
		}
		return
	}
	fields := yamlFields(v.Type())
	seen := map[string]bool{}
	for _, e := range kv {
		key, ok := d.keyText(e.Key)
		if !ok || key == "<<" {
			d.fail(path, nodePos(e.Key), "keys must be plain names (merge keys are not supported)")
			continue
		}
		sub := joinPath(path, key)
		idx, known := fields[key]
		switch {
		case !known:
			d.fail(sub, nodePos(e.Key), "unknown field (known: %s)", strings.Join(sortedKeys(fields), ", "))
		case seen[key]:
			d.fail(sub, nodePos(e.Key), "written twice")
		default:
			seen[key] = true
			d.decode(sub, e.Value, v.Field(idx))
		}
	}
}

// yamlFields maps the yaml names of t's fields to their index.
func yamlFields(t reflect.Type) map[string]int {
	out := map[string]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		name := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		out[name] = i
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (d *decoder) decodeSlice(path string, n ast.Node, v reflect.Value) {
	if isNull(n) {
		return
	}
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		d.fail(path, nodePos(n), "want a list, got %s", describe(n))
		return
	}
	out := reflect.MakeSlice(v.Type(), len(seq.Values), len(seq.Values))
	for i, item := range seq.Values {
		d.decode(fmt.Sprintf("%s[%d]", path, i), item, out.Index(i))
	}
	v.Set(out)
}

func (d *decoder) decodeMap(path string, n ast.Node, v reflect.Value) {
	if isNull(n) {
		return
	}
	kv, ok := entries(n)
	if !ok || v.Type().Key().Kind() != reflect.String {
		d.fail(path, nodePos(n), "want a mapping, got %s", describe(n))
		return
	}
	out := reflect.MakeMapWithSize(v.Type(), len(kv))
	for _, e := range kv {
		key, ok := d.keyText(e.Key)
		if !ok {
			d.fail(path, nodePos(e.Key), "keys must be plain names")
			continue
		}
		sub := joinPath(path, key)
		if out.MapIndex(reflect.ValueOf(key)).IsValid() {
			d.fail(sub, nodePos(e.Key), "written twice")
			continue
		}
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(sub, e.Value, elem)
		out.SetMapIndex(reflect.ValueOf(key), elem)
	}
	v.Set(out)
}

// scalarText returns the text of a scalar node with variables expanded, whether it was
// written as a string, and whether an expansion happened; ok is false for non-scalars.
func (d *decoder) scalarText(path string, n ast.Node) (text string, isString, ok bool) {
	var raw string
	switch t := n.(type) {
	case *ast.StringNode:
		raw, isString = t.Value, true
	case *ast.LiteralNode:
		raw, isString = t.Value.Value, true
	case *ast.NullNode:
		return "", false, true
	case ast.ScalarNode:
		raw = t.GetToken().Value
	default:
		return "", false, false
	}
	out, problems := expandEnv(raw, func(name string) (string, bool) {
		v, ok := d.lookup(name)
		if ok && v != "" {
			d.expanded[path] = append(d.expanded[path], v)
		}
		return v, ok
	})
	for _, msg := range problems {
		d.fail(path, nodePos(n), "%s", msg)
	}
	return out, isString, true
}

func (d *decoder) decodeScalar(path string, n ast.Node, v reflect.Value) {
	text, isString, ok := d.scalarText(path, n)
	p := nodePos(n)
	if !ok {
		d.fail(path, p, "want %s, got %s", kindName(v.Kind()), describe(n))
		return
	}
	if d.failed[path] {
		return
	}
	if isString && v.Kind() != reflect.String && !strings.Contains(n.GetToken().Value, "${") {
		d.fail(path, p, "want %s, got %q", kindName(v.Kind()), text)
		return
	}
	switch v.Kind() {
	case reflect.String:
		if isNull(n) {
			d.fail(path, p, "want a string, got nothing")
			return
		}
		v.SetString(text)
	case reflect.Int, reflect.Int64:
		i, err := strconv.ParseInt(strings.ReplaceAll(text, "_", ""), 10, 64)
		if err != nil || (v.Kind() == reflect.Int && int64(int(i)) != i) {
			d.fail(path, p, "want an integer, got %s", shown(n, text))
			return
		}
		v.SetInt(i)
	case reflect.Float64:
		f, err := strconv.ParseFloat(strings.ReplaceAll(text, "_", ""), 64)
		if err != nil {
			d.fail(path, p, "want a number, got %s", shown(n, text))
			return
		}
		v.SetFloat(f)
	case reflect.Bool:
		b, err := strconv.ParseBool(text)
		if err != nil || (text != "true" && text != "false") {
			d.fail(path, p, "want true or false, got %s", shown(n, text))
			return
		}
		v.SetBool(b)
	}
}

func (d *decoder) decodeDuration(path string, n ast.Node, v reflect.Value) {
	text, _, ok := d.scalarText(path, n)
	if !ok || isNull(n) {
		d.fail(path, nodePos(n), "want a duration like 30s or 1m30s, got %s", describe(n))
		return
	}
	if d.failed[path] {
		return
	}
	dur, err := time.ParseDuration(text)
	if err != nil {
		d.fail(path, nodePos(n), "want a duration like 30s or 1m30s, got %s", shown(n, text))
		return
	}
	v.SetInt(int64(dur))
}

// decodeProbe reads a probe entry: a name, or a map with one key (the name) whose value
// is a map of options.
func (d *decoder) decodeProbe(path string, n ast.Node, v reflect.Value) {
	const want = "want a probe name or {name: {option: value}}"
	if kv, ok := entries(n); ok {
		if len(kv) != 1 {
			d.fail(path, nodePos(n), "%s, got a map with %d keys", want, len(kv))
			return
		}
		name, ok := d.keyText(kv[0].Key)
		if !ok {
			d.fail(path, nodePos(n), "%s", want)
			return
		}
		spec := ProbeSpec{Name: name}
		d.pos[path+".name"] = nodePos(kv[0].Key)
		opts := d.resolve(kv[0].Value)
		if !isNull(opts) {
			m, ok := d.toAny(joinPath(path, name), opts).(map[string]any)
			if !ok {
				d.fail(joinPath(path, name), nodePos(opts), "want a map of options, got %s", describe(opts))
				return
			}
			spec.Options = m
		}
		v.Set(reflect.ValueOf(spec))
		return
	}
	text, isString, ok := d.scalarText(path, n)
	if !ok || !isString {
		d.fail(path, nodePos(n), "%s, got %s", want, describe(n))
		return
	}
	d.pos[path+".name"] = nodePos(n)
	v.Set(reflect.ValueOf(ProbeSpec{Name: text}))
}

// toAny converts a free-form node (probe options) to plain Go values, expanding
// variables in strings.
func (d *decoder) toAny(path string, n ast.Node) any {
	d.depth++
	defer func() { d.depth-- }()
	if !d.enter(path, n) {
		return nil
	}
	n = d.resolve(n)
	if kv, ok := entries(n); ok {
		m := make(map[string]any, len(kv))
		for _, e := range kv {
			key, ok := d.keyText(e.Key)
			if !ok {
				d.fail(path, nodePos(e.Key), "keys must be plain names")
				continue
			}
			m[key] = d.toAny(joinPath(path, key), e.Value)
		}
		return m
	}
	if seq, ok := n.(*ast.SequenceNode); ok {
		out := make([]any, len(seq.Values))
		for i, item := range seq.Values {
			out[i] = d.toAny(fmt.Sprintf("%s[%d]", path, i), item)
		}
		return out
	}
	text, isString, ok := d.scalarText(path, n)
	if !ok {
		d.fail(path, nodePos(n), "unsupported value %s", describe(n))
		return nil
	}
	if isString {
		return text
	}
	if s, ok := n.(ast.ScalarNode); ok {
		return s.GetValue()
	}
	return text
}

// shown is a bad value as a message quotes it: the text as written, or, when it came
// from ${VAR}s, the reference as written (an expanded value may be a secret and is
// never echoed).
func shown(n ast.Node, text string) string {
	if raw := n.GetToken().Value; strings.Contains(raw, "${") {
		return "the value of " + raw
	}
	return strconv.Quote(text)
}

// kindName names what a field of kind k wants, with its article.
func kindName(k reflect.Kind) string {
	switch k {
	case reflect.Int, reflect.Int64:
		return "an integer"
	case reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	}
	return k.String()
}

// describe names the YAML type of n for messages.
func describe(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.NullNode:
		return "nothing"
	case *ast.StringNode, *ast.LiteralNode:
		return "a string"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
	case *ast.BoolNode:
		return "a boolean"
	}
	if n == nil {
		return "nothing"
	}
	return n.Type().String()
}
