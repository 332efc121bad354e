package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/thaw-dev/thaw/report/internal/svgfont"
	"github.com/thaw-dev/thaw/results"
)

//go:embed report.html.tmpl
var htmlTemplate string

//go:embed report.css
var htmlCSS string

// HTMLInput is what report.html shows.
type HTMLInput struct {
	Summary      *results.Summary
	Figures      []*Figure
	ScenarioYAML string // scenario.yaml as written; secrets in it are redacted
	Version      string // thaw version, for the footer
}

// pageTmpl is the page template, parsed on first use: a command that writes no
// report pays nothing for it at start-up.
var pageTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"pct":        fmtPct,
		"usd":        fmtUSD,
		"dur":        fmtDurMS,
		"count":      fmtCount,
		"p50":        func(p results.Percentiles) string { return fmtMS(p.P50, p.Count) },
		"p99":        func(p results.Percentiles) string { return fmtMS(p.P99, p.Count) },
		"mul":        func(a, b float64) float64 { return a * b },
		"value":      thresholdValue,
		"billedFrom": billedFromText,
		"inc":        func(i int) int { return i + 1 },
	}).Parse(htmlTemplate))
})

type htmlFigure struct {
	Name, Title, Caption string
	Wide                 bool // spans the page width (timelines)
	SVG                  template.HTML
}

type htmlPage struct {
	S             *results.Summary
	CSS           template.CSS
	Phases        phaseTable
	Classes       phaseTable
	Figures       []htmlFigure
	Scenario      string
	Version       string
	Duration      string
	ColdRate      string
	ErrorRate     string
	ThresholdPass int
	ErrorsByKind  string
	SendLag       string // open-model phases' send lag p50 / p99; "" when none
	WhyUnknown    string // "unknown n: " and what each probe found; "" when none
}

// HTML writes report.html: one self-contained page (inline CSS and SVG, no scripts, no
// network) with headline figures, thresholds and verdicts, phase and cold/warm tables,
// every figure, keep-alive, cost and the scenario source.
func HTML(w io.Writer, in HTMLInput) error {
	s := in.Summary
	page := htmlPage{S: s, CSS: template.CSS(htmlCSS), Phases: buildPhaseTable(s), Classes: classTable(s),
		Scenario: RedactScenario(in.ScenarioYAML), Version: productVersion(in.Version),
		Duration:   fmtDurMS(float64(s.Ended.Sub(s.Started).Milliseconds())),
		ColdRate:   fmtPct(coldRate(&s.Totals)),
		ErrorRate:  fmtPct(errorRate(&s.Totals)),
		SendLag:    sendLagText(s),
		WhyUnknown: unknownLine(s),
	}
	if len(s.Totals.ErrorsByKind) > 0 {
		page.ErrorsByKind = CountList(s.Totals.ErrorsByKind)
	}
	for _, th := range s.Thresholds {
		if th.Pass {
			page.ThresholdPass++
		}
	}
	fonts := svgfont.Uses{}
	for _, f := range in.Figures {
		svg, err := f.SVG()
		if err != nil {
			return err
		}
		fonts.Merge(f.fonts)
		body, _ := inlineSVG(svg)
		page.Figures = append(page.Figures, htmlFigure{Name: f.Name, Title: f.Title, Caption: f.Caption,
			Wide: strings.HasPrefix(f.Name, "timeline"), SVG: template.HTML(body)}) // #nosec: SVG drawn by gonum from our own data
	}
	// Each SVG embeds its fonts; the page declares each face once instead, cut to the
	// characters of all its figures.
	fontCSS, err := fonts.CSS()
	if err != nil {
		return fmt.Errorf("html: %w", err)
	}
	page.CSS = template.CSS(fontCSS + "\n" + htmlCSS)
	var b bytes.Buffer
	if err := pageTmpl().Execute(&b, page); err != nil {
		return fmt.Errorf("html: %w", err)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("html: %w", err)
	}
	return nil
}

// WriteHTML writes the page to path atomically.
func WriteHTML(path string, in HTMLInput) error {
	var b bytes.Buffer
	if err := HTML(&b, in); err != nil {
		return err
	}
	return writeFile(path, b.Bytes())
}

// inlineSVG prepares an SVG for inline use in HTML: it drops the XML prolog, lets CSS
// size it, and moves its embedded @font-face rules out (returned as css). It only
// looks at the head of the SVG (the <svg> tag and the <defs> block vgsvg writes
// first), so its cost does not grow with the number of points drawn.
func inlineSVG(svg []byte) (body, css string) {
	s := string(svg)
	if i := strings.Index(s, "<svg"); i >= 0 {
		s = s[i:]
	}
	s = sizeToClass(s)
	if from, to, style, ok := fontDefs(s); ok {
		css = strings.TrimSpace(style)
		s = s[:from] + s[to:]
	}
	return s, css
}

// sizeToClass replaces `<svg width="…" height="…"` at the start of s by a class, so
// the page's CSS sizes the plot.
func sizeToClass(s string) string {
	const open = `<svg width="`
	if !strings.HasPrefix(s, open) {
		return s
	}
	rest := s[len(open):]
	w := strings.IndexByte(rest, '"')
	if w < 0 || !strings.HasPrefix(rest[w+1:], ` height="`) {
		return s
	}
	rest = rest[w+1+len(` height="`):]
	h := strings.IndexByte(rest, '"')
	if h < 0 {
		return s
	}
	return `<svg class="plot" role="img"` + rest[h+1:]
}

// fontDefs finds the first `<defs><style>…</style></defs>` block (whitespace allowed
// between the tags) and returns its span in s and the style text.
func fontDefs(s string) (from, to int, style string, ok bool) {
	from = strings.Index(s, "<defs>")
	if from < 0 {
		return 0, 0, "", false
	}
	i := from + len("<defs>")
	i += len(s[i:]) - len(strings.TrimLeft(s[i:], " \t\r\n"))
	if !strings.HasPrefix(s[i:], "<style>") {
		return 0, 0, "", false
	}
	i += len("<style>")
	end := strings.Index(s[i:], "</style>")
	if end < 0 {
		return 0, 0, "", false
	}
	style = s[i : i+end]
	j := i + end + len("</style>")
	j += len(s[j:]) - len(strings.TrimLeft(s[j:], " \t\r\n"))
	if !strings.HasPrefix(s[j:], "</defs>") {
		return 0, 0, "", false
	}
	return from, j + len("</defs>"), style, true
}

// secretRE matches a credential-like key and its value; an unterminated quoted value
// runs to the end of its line, so that the quotes of an inserted "[redacted]" can never
// pair with it (redacting twice changes nothing; found by FuzzRedactScenario).
var secretRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)((?:authorization|[\w-]*token|[\w-]*secret|password|passwd|[\w-]*api[-_]?key|cookie)["']?\s*:\s*)("[^"\n]*"?|'[^'\n]*'?|(?:\$\{[^}\n]*\}|[^,}\n])*)`)
})

// RedactScenario hides literal credentials in scenario text: the value of any key that
// names a token, secret, password, API key, cookie or Authorization header is replaced
// by "[redacted]" unless it only refers to variables (${TOKEN}), which are never
// expanded in the stored scenario. It is safe for concurrent use.
func RedactScenario(src string) string {
	re := secretRE()
	return re.ReplaceAllStringFunc(src, func(m string) string {
		sub := re.FindStringSubmatch(m)
		val := strings.Trim(strings.TrimSpace(sub[2]), `"'`)
		if val == "" || onlyVariables(val) {
			return m
		}
		return sub[1] + strconv.Quote("[redacted]")
	})
}

// varRE matches a ${VAR} reference; schemeRE a word such as "Bearer". Compiled on
// first use, not at start-up.
var (
	varRE    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$\{[A-Za-z_][A-Za-z0-9_]*\}`) })
	schemeRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z]+$`) })
)

// onlyVariables reports whether v holds no literal secret: after removing ${VAR}
// references, at most a scheme word such as "Bearer" is left.
func onlyVariables(v string) bool {
	if !varRE().MatchString(v) {
		return false
	}
	rest := strings.Fields(varRE().ReplaceAllString(v, ""))
	return len(rest) == 0 || (len(rest) == 1 && len(rest[0]) <= 8 && schemeRE().MatchString(rest[0]))
}

// productVersion is "thaw VERSION" for the footer, without doubling the name.
func productVersion(v string) string {
	if v == "" || strings.HasPrefix(v, "thaw") {
		return v
	}
	return "thaw " + v
}
