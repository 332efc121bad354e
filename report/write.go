package report

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/thaw-dev/thaw/results"
)

// Files written into a run directory by Write.
const (
	HTMLFile     = "report.html"
	MarkdownFile = "summary.md"
)

// plotNames lists every figure Figures can make, so Write can remove plots that no
// longer apply when a directory is reported again.
var plotNames = []string{"latency-histogram", "latency-cdf", "timeline", "timeline-load", "throughput", "keep-alive", "latency-breakdown"}

// Options tune Write.
type Options struct {
	// Summary to render; nil reads summary.json from the run directory. Cost,
	// KeepAlive and Thresholds are rendered as they are: fill them in first.
	Summary *results.Summary
	// Version of thaw, shown in the HTML footer.
	Version string
	// Collected, when set, holds what the plots need from the samples, gathered by
	// the caller's own pass over them; otherwise Write reads samples.ndjson.
	Collected *Collector
}

// Write renders everything for the run directory dir: plots/*.svg and *.png,
// summary.md and report.html. It is idempotent: running it again replaces the files,
// and removes plots that no longer apply.
func Write(dir string, o Options) error {
	s := o.Summary
	if s == nil {
		var err error
		if s, err = results.ReadSummary(dir); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	var figs []*Figure
	var err error
	if o.Collected != nil {
		figs, err = figures(s, o.Collected.c)
	} else {
		figs, err = Figures(dir, s)
	}
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := WritePlots(filepath.Join(dir, PlotsDir), figs); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := removeStalePlots(filepath.Join(dir, PlotsDir), figs); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	var md bytes.Buffer
	if err := Markdown(&md, s); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, MarkdownFile), md.Bytes()); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	src, err := readScenario(dir)
	if err != nil {
		return err
	}
	return WriteHTML(filepath.Join(dir, HTMLFile), HTMLInput{Summary: s, Figures: figs, ScenarioYAML: src, Version: o.Version})
}

func removeStalePlots(plotsDir string, figs []*Figure) error {
	made := map[string]bool{}
	for _, f := range figs {
		made[f.Name] = true
	}
	for _, n := range plotNames {
		if made[n] {
			continue
		}
		for _, ext := range []string{".svg", ".png"} {
			if err := os.Remove(filepath.Join(plotsDir, n+ext)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// readScenario returns scenario.yaml from dir, or "" when the run has none.
func readScenario(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, results.ScenarioFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	return string(b), nil
}

// writeFile writes data to path atomically and makes it readable by everyone (0644),
// like any report a user would open or publish.
func writeFile(path string, data []byte) error {
	if err := results.WriteFileAtomic(path, data); err != nil {
		return err
	}
	if err := os.Chmod(path, 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}
