package k6_test

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/dop251/goja"
)

// httpCall is one call of the k6/http stand-in, with the VU metadata at that moment
// (what k6 attaches to the request's http_req_* points).
type httpCall struct {
	Method, URL string
	Headers     map[string]any
	Metadata    map[string]any
}

// metricPoint is one add() on a k6/metrics stand-in, with the VU metadata then.
type metricPoint struct {
	Metric   string
	Value    any
	Tags     map[string]any
	Metadata map[string]any
}

// jsResponse is what the k6/http stand-in returns next.
type jsResponse struct {
	Status     int
	Headers    map[string]string
	Body       string
	DurationMS float64
}

// k6VM is thaw.js loaded in goja with recording stand-ins for the k6 modules.
type k6VM struct {
	t         *testing.T
	vm        *goja.Runtime
	mod       *goja.Object // the module's exports
	calls     []httpCall
	points    []metricPoint
	sleeps    []float64
	responses []jsResponse
}

// standIns are the k6 modules as thaw.js imports them, backed by __go.
const standIns = `
const __meta = {};
const __metric = (kind) => class { constructor(name, isTime) { this.name = name; __go.declare(name, kind, !!isTime); }
  add(v, tags) { __go.add(this.name, v, tags || {}, __meta); } };
const __mods = {
  'k6/http': { default: { request: (m, u, b, p) => __go.request(m, u, b, p || {}, __meta) } },
  'k6/execution': { default: { vu: { idInTest: 7, metrics: { metadata: __meta, tags: {} } } } },
  'k6': { sleep: (s) => __go.sleep(s) },
  'k6/metrics': { Counter: __metric('counter'), Rate: __metric('rate'), Trend: __metric('trend') },
};
`

var (
	importDefault = regexp.MustCompile(`(?m)^import (\w+) from '([^']+)';$`)
	importNamed   = regexp.MustCompile(`(?m)^import \{([^}]+)\} from '([^']+)';$`)
	exportDecl    = regexp.MustCompile(`(?m)^export (const|function) (\w+)`)
	exportDefault = regexp.MustCompile(`(?m)^export default `)
)

// asScript turns the ES module's plain import/export lines into a script that fills
// __exports (goja runs scripts, not modules).
func asScript(src string) string {
	var names []string
	src = importDefault.ReplaceAllString(src, "const $1 = __mods['$2'].default;")
	src = importNamed.ReplaceAllString(src, "const {$1} = __mods['$2'];")
	src = exportDecl.ReplaceAllStringFunc(src, func(m string) string {
		parts := exportDecl.FindStringSubmatch(m)
		names = append(names, parts[2])
		return parts[1] + " " + parts[2]
	})
	src = exportDefault.ReplaceAllString(src, "__exports.default = ")
	var b strings.Builder
	b.WriteString("(function () {\n" + src + "\n")
	for _, n := range names {
		fmt.Fprintf(&b, "__exports.%s = %s;\n", n, n)
	}
	b.WriteString("})();\n")
	return b.String()
}

// loadThaw loads ../k6/thaw.js with an environment (__ENV).
func loadThaw(t *testing.T, env map[string]string) *k6VM {
	t.Helper()
	src, err := os.ReadFile("thaw.js")
	if err != nil {
		t.Fatal(err)
	}
	k := &k6VM{t: t, vm: goja.New()}
	k.vm.SetFieldNameMapper(goja.UncapFieldNameMapper())
	goFns := map[string]any{
		"declare": func(string, string, bool) {},
		"add": func(name string, v goja.Value, tags, meta map[string]any) {
			k.points = append(k.points, metricPoint{Metric: name, Value: v.Export(), Tags: tags, Metadata: clone(meta)})
		},
		"sleep":   func(s float64) { k.sleeps = append(k.sleeps, s) },
		"request": k.request,
	}
	must(t, k.vm.Set("__go", goFns))
	must(t, k.vm.Set("__ENV", env))
	exports := k.vm.NewObject()
	must(t, k.vm.Set("__exports", exports))
	if _, err := k.vm.RunString(standIns); err != nil {
		t.Fatalf("stand-ins: %v", err)
	}
	if _, err := k.vm.RunScript("thaw.js", asScript(string(src))); err != nil {
		t.Fatalf("load thaw.js: %v", err)
	}
	k.mod = exports
	return k
}

func (k *k6VM) request(method, url string, _ goja.Value, params map[string]any, meta map[string]any) map[string]any {
	hdr, _ := params["headers"].(map[string]any)
	k.calls = append(k.calls, httpCall{Method: method, URL: url, Headers: hdr, Metadata: clone(meta)})
	if len(k.responses) == 0 {
		k.t.Fatalf("http.request %s %s: no response queued", method, url)
	}
	r := k.responses[0]
	k.responses = k.responses[1:]
	h := map[string]any{}
	for name, v := range r.Headers {
		h[name] = v
	}
	return map[string]any{"status": r.Status, "headers": h, "body": r.Body,
		"timings": map[string]any{"duration": r.DurationMS}}
}

// call runs an exported function with Go arguments and returns its exported result.
func (k *k6VM) call(name string, args ...any) any {
	k.t.Helper()
	fn, ok := goja.AssertFunction(k.mod.Get(name))
	if !ok {
		k.t.Fatalf("thaw.js exports no function %s", name)
	}
	vals := make([]goja.Value, len(args))
	for i, a := range args {
		vals[i] = k.vm.ToValue(a)
	}
	v, err := fn(goja.Undefined(), vals...)
	if err != nil {
		k.t.Fatalf("%s: %v", name, err)
	}
	return v.Export()
}

// callErr runs an exported function and returns the JavaScript error it threw.
func (k *k6VM) callErr(name string, args ...any) error {
	fn, _ := goja.AssertFunction(k.mod.Get(name))
	vals := make([]goja.Value, len(args))
	for i, a := range args {
		vals[i] = k.vm.ToValue(a)
	}
	_, err := fn(goja.Undefined(), vals...)
	return err
}

// export reads an exported value as Go data.
func (k *k6VM) export(name string) any { return k.mod.Get(name).Export() }

func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
