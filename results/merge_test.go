package results_test

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// writeShard writes a run directory holding samples (in the order given) and a summary.
func writeShard(t *testing.T, sum results.Summary, samples []results.Sample) string {
	t.Helper()
	dir := t.TempDir()
	w, err := results.CreateWriter(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range samples {
		if err := w.Write(&samples[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := results.WriteSummary(dir, &sum); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestMergeSamplesExternalSort: three shards written out of start order merge into
// one stream in start order with every sample once, Seq renumbered 1…N, whether the
// lines fit in one chunk or are cut into many sorted files.
func TestMergeSamplesExternalSort(t *testing.T) {
	base := time.Date(2026, 12, 1, 22, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(1, 2))
	var dirs []string
	want := map[string]time.Time{}
	for shard := range 3 {
		var ss []results.Sample
		for i := range 700 {
			id := strings.Repeat("x", shard) + "-" + time.Duration(i).String()
			start := base.Add(time.Duration(rng.IntN(60_000)) * time.Millisecond)
			ss = append(ss, results.Sample{Seq: int64(i + 1), RequestID: id, Phase: "p", Start: start, Scheduled: start, LatencyMS: 1})
			want[id] = start
		}
		dirs = append(dirs, writeShard(t, results.Summary{Scenario: "s"}, ss))
	}
	for _, chunk := range []int{1 << 30, 10_000} { // one chunk; about 50 sorted files
		t.Run(map[bool]string{true: "one-chunk", false: "many-chunks"}[chunk > 1e6], func(t *testing.T) {
			defer results.SetMergeChunkBytes(chunk)()
			seen := map[string]bool{}
			var prev time.Time
			var n int64
			err := results.MergeSamples(dirs, t.TempDir())(func(s *results.Sample) error {
				n++
				if s.Seq != n {
					t.Fatalf("sample %d has seq %d", n, s.Seq)
				}
				if s.Start.Before(prev) {
					t.Fatalf("sample %d starts at %v, before %v", n, s.Start, prev)
				}
				prev = s.Start
				if seen[s.RequestID] || !want[s.RequestID].Equal(s.Start) {
					t.Fatalf("sample %s doubled or changed", s.RequestID)
				}
				seen[s.RequestID] = true
				return nil
			})
			if err != nil || len(seen) != len(want) {
				t.Fatalf("merged %d of %d samples: %v", len(seen), len(want), err)
			}
		})
	}
}

// TestCheckMergeable: runs of different scenarios, of mixed or foreign segments, with
// a segment missing or held twice, are refused, naming what is wrong.
func TestCheckMergeable(t *testing.T) {
	seg := func(i, n int) *results.Segment { return &results.Segment{Index: i, Count: n} }
	sum := func(scenario, id string, s *results.Segment) *results.Summary {
		return &results.Summary{Scenario: scenario, RunID: id, Segment: s}
	}
	for _, tc := range []struct {
		name string
		sums []*results.Summary
		want string // "" for mergeable
	}{
		{"shards", []*results.Summary{sum("a", "", nil), sum("a", "", nil)}, ""},
		{"segments", []*results.Summary{sum("a", "r", seg(2, 3)), sum("a", "r", seg(1, 3)), sum("a", "r", seg(3, 3))}, ""},
		{"scenarios", []*results.Summary{sum("a", "", nil), sum("b", "", nil)}, `d1 is scenario "b" but d0 is "a"`},
		{"missing", []*results.Summary{sum("a", "r", seg(1, 3)), sum("a", "r", seg(3, 3))}, "segment(s) 2/3 missing"},
		{"overlap", []*results.Summary{sum("a", "r", seg(1, 2)), sum("a", "r", seg(1, 2)), sum("a", "r", seg(2, 2))}, "d0 and d1 both hold segment 1/2 (overlapping)"},
		{"counts", []*results.Summary{sum("a", "r", seg(1, 2)), sum("a", "r", seg(2, 3))}, "d1 is segment 2/3 but d0 is of 2 segments"},
		{"run ids", []*results.Summary{sum("a", "r", seg(1, 2)), sum("a", "q", seg(2, 2))}, `d1 has run id "q" but d0 has "r"`},
		{"mixed", []*results.Summary{sum("a", "r", seg(1, 1)), sum("a", "", nil)}, "d1 is not a segment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dirs := make([]string, len(tc.sums))
			for i := range dirs {
				dirs[i] = "d" + string(rune('0'+i))
			}
			err := results.CheckMergeable(dirs, tc.sums)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, results.ErrMismatch) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want ErrMismatch naming %q", err, tc.want)
			}
		})
	}
}

// TestCheckMergeableScenarioFile: two runs of one scenario name whose kept scenario
// files differ are not one run.
func TestCheckMergeableScenarioFile(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for dir, body := range map[string]string{a: "rps: 10", b: "rps: 20"} {
		if err := os.WriteFile(filepath.Join(dir, results.ScenarioFile), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := &results.Summary{Scenario: "x"}
	if err := results.CheckMergeable([]string{a, b}, []*results.Summary{s, s}); err == nil || !strings.Contains(err.Error(), "different versions") {
		t.Fatalf("got %v", err)
	}
}

func TestParseSegment(t *testing.T) {
	for text, ok := range map[string]bool{"1/1": true, "2/3": true, "3/3": true, "0/3": false, "4/3": false, "2": false, "a/b": false, "1/0": false} {
		s, err := results.ParseSegment(text)
		if (err == nil) != ok || (ok && s.String() != text) {
			t.Errorf("%q: %v, %v", text, s, err)
		}
	}
}

// TestMergeRenumbersEveryLineForm: lines whose seq was 0 (left out by the encoder), and
// lines written by another encoder with other key orders, get their new seq once.
func TestMergeRenumbersEveryLineForm(t *testing.T) {
	dir := t.TempDir()
	lines := `{"request_id":"a","start":"2026-12-01T22:00:00.000000001Z","latency_ms":1}
{"seq":7,"request_id":"b","start":"2026-12-01T22:00:00.000000002Z","latency_ms":2}
{"latency_ms":3,"request_id":"c","seq":9,"start":"2026-12-01T22:00:00.000000003Z"}
`
	if err := os.WriteFile(filepath.Join(dir, results.SamplesFile), []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []string
	err := results.MergeSamples([]string{dir}, t.TempDir())(func(s *results.Sample) error {
		got = append(got, s.RequestID+":"+strconv.FormatInt(s.Seq, 10)+":"+strconv.FormatFloat(s.LatencyMS, 'g', -1, 64))
		return nil
	})
	if want := "a:1:1 b:2:2 c:3:3"; err != nil || strings.Join(got, " ") != want {
		t.Fatalf("got %v, %v; want %s", got, err, want)
	}
}
