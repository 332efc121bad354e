package report

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/thaw-dev/thaw/results"
)

// PlotsDir is the folder of a run directory that holds the plots.
const PlotsDir = "plots"

// Figures builds every plot that applies to the run in dir (summary s): latency
// histogram and CDF (from the summary's HDR histograms), timeline, throughput and
// in-flight (when the run has rate, ramp, concurrency or trace phases), keep-alive
// (when s.KeepAlive has points) and latency breakdown. Samples are streamed once with
// bounded memory; dir may be "" or lack samples.ndjson, and then only the
// summary-based plots are made.
func Figures(dir string, s *results.Summary) ([]*Figure, error) {
	c, err := collectIfPresent(dir, s)
	if err != nil {
		return nil, err
	}
	return figures(s, c)
}

// Collector gathers what the plots need from the samples, with bounded memory, so the
// whole-run pass (or thaw run, as it records the samples) can feed it alongside its
// other consumers instead of the report reading samples.ndjson again. Fed the samples
// in file order, it holds the same whether fed as they are written or read back
// afterwards. It is not safe for concurrent use.
type Collector struct{ c *collected }

// NewCollector returns a Collector for a run whose phases (names and workloads) and
// start are those of s (Started may be zero: the first sample's start then); spans
// and the end are taken from the summary the figures are drawn with.
func NewCollector(s *results.Summary) *Collector { return &Collector{c: newCollected(s)} }

// Add takes one sample with its final verdict.
func (c *Collector) Add(s *results.Sample) { _ = c.c.add(s) }

func figures(s *results.Summary, c *collected) ([]*Figure, error) {
	if s.Ended.After(c.end) { // a collector fed while the run was recorded did not know its end
		c.end = s.Ended
	}
	figs, err := latencyFigures(s)
	if err != nil {
		return nil, err
	}
	tl, err := timelineFigures(s, c)
	if err != nil {
		return nil, err
	}
	figs = append(figs, tl...)
	builders := []func() (*Figure, error){
		func() (*Figure, error) { return throughputFigure(s, c) },
		func() (*Figure, error) { return keepAliveFigure(s) },
		func() (*Figure, error) { return breakdownFigure(c) },
	}
	for _, b := range builders {
		f, err := b()
		if err != nil {
			return nil, err
		}
		if f != nil {
			figs = append(figs, f)
		}
	}
	return figs, nil
}

func collectIfPresent(dir string, s *results.Summary) (*collected, error) {
	if dir == "" {
		return collect("", s)
	}
	if _, err := os.Stat(filepath.Join(dir, results.SamplesFile)); errors.Is(err, os.ErrNotExist) {
		return collect("", s)
	}
	return collect(dir, s)
}

// WritePlots renders each figure as NAME.svg and NAME.png into outDir (created if
// needed), replacing files of the same name.
func WritePlots(outDir string, figs []*Figure) error {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fmt.Errorf("plots: %w", err)
	}
	reservePixels(figs)
	for _, f := range figs {
		svg, err := f.SVG()
		if err != nil {
			return err
		}
		if err := writeFile(filepath.Join(outDir, f.Name+".svg"), svg); err != nil {
			return err
		}
		png, err := f.PNG()
		if err != nil {
			return err
		}
		if err := writeFile(filepath.Join(outDir, f.Name+".png"), png); err != nil {
			return err
		}
	}
	return nil
}
