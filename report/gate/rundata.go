package gate

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/thaw-dev/thaw/report/threshold"
	"github.com/thaw-dev/thaw/results"
)

// RunData is what the gate reads of a run directory.
type RunData struct {
	Dir     string
	Summary *results.Summary
	Samples []results.Sample // nil when the directory has no samples file: histograms are used
}

// LoadRun reads summary.json and, when present, samples.ndjson from dir.
func LoadRun(dir string) (RunData, error) {
	s, err := results.ReadSummary(dir)
	if err != nil {
		return RunData{}, fmt.Errorf("run %s: %w", dir, err)
	}
	samples, err := results.LoadSamples(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return RunData{Dir: dir, Summary: s}, nil
	}
	if err != nil {
		return RunData{}, fmt.Errorf("run %s: %w", dir, err)
	}
	if samples == nil {
		samples = []results.Sample{}
	}
	return RunData{Dir: dir, Summary: s, Samples: samples}, nil
}

// latencies is the distribution of latency metric m in the run, from the samples when
// the run has them, else from the summary's HDR histogram (bucket midpoints); the
// second result names the source ("samples" or "histogram").
func (r RunData) latencies(m threshold.Metric) (dist, string, error) {
	if r.Samples != nil {
		return newDist(sampleValues(r.Samples, m)), "samples", nil
	}
	ps, err := threshold.Phase(r.Summary, m.Phase)
	if err != nil {
		return dist{}, "", err
	}
	_, key := threshold.Distribution(ps, m.Source)
	h, err := results.DecodeHistogram(ps.Histograms[key])
	if err != nil {
		return dist{}, "", fmt.Errorf("%s: %w", r.Dir, err)
	}
	var d dist
	var n int64
	for _, b := range h.Buckets() {
		n += b.Count
		d.vals = append(d.vals, (b.FromMS+b.ToMS)/2)
		d.cum = append(d.cum, n)
	}
	return d, "histogram", nil
}

// sampleValues picks the values of latency metric m the way results.Aggregator
// records them: invocations without any response have no latency.
func sampleValues(samples []results.Sample, m threshold.Metric) []float64 {
	var out []float64
	for i := range samples {
		s := &samples[i]
		if (m.Phase != "" && s.Phase != m.Phase) || (s.Error != "" && s.Status == 0) {
			continue
		}
		if v, ok := sourceValue(s, m.Source); ok {
			out = append(out, v)
		}
	}
	return out
}

func sourceValue(s *results.Sample, source string) (float64, bool) {
	switch source {
	case threshold.SourceCold:
		return s.LatencyMS, s.Class == results.Cold
	case threshold.SourceWarm:
		return s.LatencyMS, s.Class == results.Warm
	case threshold.SourceServer:
		return s.ServerMS(), true
	case threshold.SourceIntended:
		return s.IntendedLatencyMS, s.IntendedLatencyMS > 0
	case threshold.SourceInit:
		return s.InitMS, s.InitMS > 0
	}
	return s.LatencyMS, true
}
