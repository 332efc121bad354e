package report_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/report"
	"github.com/thaw-dev/thaw/report/internal/fixture"
)

func TestWriteRunDirectory(t *testing.T) {
	dir, _ := freshRun(t, fixture.Options{Seed: 1})
	if *keep != "" {
		if _, err := fixture.Write(*keep, fixture.Options{Seed: 1}); err != nil {
			t.Fatal(err)
		}
		if err := report.Write(*keep, report.Options{Version: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	for round := 0; round < 2; round++ { // idempotent: a second run gives the same files
		if err := report.Write(dir, report.Options{Version: "v-test"}); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
	var plots []string
	entries, err := os.ReadDir(filepath.Join(dir, "plots"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		plots = append(plots, e.Name())
	}
	sort.Strings(plots)
	want := []string{"keep-alive.png", "keep-alive.svg", "latency-breakdown.png", "latency-breakdown.svg",
		"latency-cdf.png", "latency-cdf.svg", "latency-histogram.png", "latency-histogram.svg",
		"throughput.png", "throughput.svg", "timeline-load.png", "timeline-load.svg", "timeline.png", "timeline.svg"}
	if strings.Join(plots, " ") != strings.Join(want, " ") {
		t.Errorf("plots = %v, want %v", plots, want)
	}
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	checkHTML(t, string(html))
	if _, err := os.Stat(filepath.Join(dir, "summary.md")); err != nil {
		t.Error(err)
	}
}

func checkHTML(t *testing.T, h string) {
	t.Helper()
	for _, want := range []string{"<!doctype html>", "<style>", `id="thresholds"`, "PASS", `id="phases"`,
		`id="plot-latency-histogram"`, `id="plot-timeline"`, `id="plot-timeline-load"`, `id="plot-keep-alive"`, `id="plot-throughput"`,
		`id="plot-latency-breakdown"`, `id="plot-latency-cdf"`, `id="keep-alive"`, `id="cost"`, `id="scenario"`,
		"Bearer ${TOKEN}", "idle-sweep", "v-test"} {
		if !strings.Contains(h, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "http://fonts", "https://cdn", "<link ", "<?xml"} {
		if strings.Contains(h, bad) {
			t.Errorf("report.html contains %q: not self-contained", bad)
		}
	}
	if n := strings.Count(h, "<svg"); n != 7 {
		t.Errorf("%d inline SVGs, want 7", n)
	}
}

func TestHTMLEscapesAndRedactsScenario(t *testing.T) {
	_, s := fixtureRun(t)
	src := "name: x\ntarget: {url: \"https://h/</pre><script>alert(1)</script>\", headers: {Authorization: \"Bearer s3cr3t-literal\", X-Api-Key: 'abc123', X-Trace: ${TRACE}}}\ntoken: ${TOKEN}\n"
	var b strings.Builder
	if err := report.HTML(&b, report.HTMLInput{Summary: s, ScenarioYAML: src}); err != nil {
		t.Fatal(err)
	}
	h := b.String()
	for _, bad := range []string{"<script>alert", "s3cr3t-literal", "abc123"} {
		if strings.Contains(h, bad) {
			t.Errorf("HTML contains %q", bad)
		}
	}
	for _, want := range []string{"&lt;/pre&gt;&lt;script&gt;", "[redacted]", "${TOKEN}", "${TRACE}"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}

func TestRedactScenario(t *testing.T) {
	tests := []struct{ in, want string }{
		{`Authorization: "Bearer ${TOKEN}"`, `Authorization: "Bearer ${TOKEN}"`},
		{`Authorization: "Bearer abc.def"`, `Authorization: "[redacted]"`},
		{`{api_key: k-123, other: 1}`, `{api_key: "[redacted]", other: 1}`},
		{`password: ${PW}`, `password: ${PW}`},
		{`client_secret: 'shh'`, `client_secret: "[redacted]"`},
		{`name: tokenless`, `name: tokenless`},
	}
	for _, tt := range tests {
		if got := report.RedactScenario(tt.in); got != tt.want {
			t.Errorf("RedactScenario(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzRedactScenario(f *testing.F) {
	f.Add(`headers: {Authorization: "Bearer abc", X-Api-Key: ${KEY}}`)
	f.Add("token: 'x'\npassword: ${P}\n")
	f.Add("name: plain")
	f.Fuzz(func(t *testing.T, src string) {
		once := report.RedactScenario(src)
		if twice := report.RedactScenario(once); twice != once {
			t.Fatalf("not idempotent:\n%q\n%q", once, twice)
		}
		if strings.Count(once, "\n") != strings.Count(src, "\n") {
			t.Fatalf("line count changed: %q → %q", src, once)
		}
	})
}
