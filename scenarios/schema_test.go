package scenarios_test

import (
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/scenarios"
)

type schemaNode map[string]any

func loadSchema(t *testing.T) schemaNode {
	t.Helper()
	var root schemaNode
	if err := json.Unmarshal(scenarios.Schema(), &root); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	if root["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %v, want draft 2020-12", root["$schema"])
	}
	return root
}

// resolve follows a $ref into $defs.
func resolve(t *testing.T, root, n schemaNode) schemaNode {
	t.Helper()
	ref, ok := n["$ref"].(string)
	if !ok {
		return n
	}
	defs, _ := root["$defs"].(map[string]any)
	def, ok := defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
	if !ok {
		t.Fatalf("dangling $ref %s", ref)
	}
	return resolve(t, root, def)
}

// TestSchemaMatchesTypes walks the Go types by their yaml tags and the schema side by
// side: the same properties both ways, additionalProperties false on every object,
// and the JSON type of each scalar field.
func TestSchemaMatchesTypes(t *testing.T) {
	root := loadSchema(t)
	compareStruct(t, root, root, reflect.TypeFor[scenarios.Scenario](), "(root)")
}

func compareStruct(t *testing.T, root, n schemaNode, typ reflect.Type, where string) {
	if n["additionalProperties"] != false {
		t.Errorf("%s: additionalProperties must be false", where)
	}
	props, _ := n["properties"].(map[string]any)
	var goNames []string
	for i := range typ.NumField() {
		f := typ.Field(i)
		name := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		goNames = append(goNames, name)
		p, ok := props[name].(map[string]any)
		if !ok {
			t.Errorf("%s.%s: in the Go type (%s) but not in the schema", where, name, f.Name)
			continue
		}
		compareField(t, root, schemaNode(p), f.Type, where+"."+name)
	}
	for name := range props {
		if !slices.Contains(goNames, name) {
			t.Errorf("%s.%s: in the schema but not in the Go type %s", where, name, typ)
		}
	}
}

func compareField(t *testing.T, root, n schemaNode, typ reflect.Type, where string) {
	if typ == reflect.TypeFor[scenarios.Duration]() {
		if n["$ref"] != "#/$defs/duration" {
			t.Errorf("%s: a Duration must use #/$defs/duration", where)
		}
		return
	}
	if typ == reflect.TypeFor[scenarios.ProbeSpec]() {
		if _, ok := resolve(t, root, n)["oneOf"]; !ok {
			t.Errorf("%s: a probe is a name or a map (oneOf)", where)
		}
		return
	}
	if typ == reflect.TypeFor[scenarios.ThresholdList]() {
		if _, ok := n["oneOf"]; !ok {
			t.Errorf("%s: thresholds are a list or a k6 mapping (oneOf)", where)
		}
		return
	}
	n = resolve(t, root, n)
	want := map[reflect.Kind]string{reflect.String: "string", reflect.Int: "integer", reflect.Int64: "integer",
		reflect.Float64: "number", reflect.Bool: "boolean", reflect.Slice: "array", reflect.Map: "object"}
	switch typ.Kind() {
	case reflect.Pointer:
		compareField(t, root, n, typ.Elem(), where)
	case reflect.Struct:
		compareStruct(t, root, n, typ, where)
	default:
		if n["type"] != want[typ.Kind()] {
			t.Errorf("%s: schema type %v, want %s", where, n["type"], want[typ.Kind()])
		}
		if typ.Kind() == reflect.Slice {
			items, _ := n["items"].(map[string]any)
			compareField(t, root, schemaNode(items), typ.Elem(), where+"[]")
		}
	}
}

func TestSchemaPatterns(t *testing.T) {
	root := loadSchema(t)
	defs := root["$defs"].(map[string]any)
	dur := regexp.MustCompile(defs["duration"].(map[string]any)["pattern"].(string))
	for _, s := range []string{"30s", "1m30s", "250ms", "1.5h", "10µs", "${IDLE}"} {
		if _, err := time.ParseDuration(s); (err != nil && !strings.HasPrefix(s, "$")) || !dur.MatchString(s) {
			t.Errorf("duration %q must match", s)
		}
	}
	for _, s := range []string{"5x", "30", "-1s", "1 m", "${}", ""} {
		if dur.MatchString(s) {
			t.Errorf("duration %q must not match", s)
		}
	}
	name := regexp.MustCompile(root["properties"].(map[string]any)["name"].(map[string]any)["pattern"].(string))
	for s, ok := range map[string]bool{"checkout-cold-starts": true, "a.b_c": true, "a b": false, "-x": false, "x/y": false} {
		sc := &scenarios.Scenario{Version: 1, Name: s, Target: scenarios.Target{URL: "http://127.0.0.1/"},
			Phases: []scenarios.Phase{{Name: "a", Rate: &scenarios.Rate{RPS: 1, Duration: scenarios.Duration(time.Second)}}}}
		sc.ApplyDefaults()
		if name.MatchString(s) != ok || (sc.Validate() == nil) != ok {
			t.Errorf("name %q: schema says %v, Validate says %v, want %v", s, name.MatchString(s), sc.Validate(), ok)
		}
	}
}
