package results_test

import (
	"math/rand/v2"
	"testing"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/thaw-dev/thaw/results"
)

// TestEncodeV2MatchesLibrary checks that the package's encoder writes, byte for byte,
// what hdrhistogram-go's Encode writes, for histograms of every shape a run produces.
func TestEncodeV2MatchesLibrary(t *testing.T) {
	tests := []struct {
		name   string
		values []int64
	}{
		{"empty", nil},
		{"one value at the bottom", []int64{1}},
		{"one value at the top", []int64{results.HistogramMaxUS}},
		{"a few", []int64{50_000, 50_200, 51_000, 3_000_000}},
		{"huge count", []int64{7, 7, 7}},
		{"uniform", randomValues(1, 5000, 1, 100_000)},
		{"wide", randomValues(2, 20000, 1, results.HistogramMaxUS)},
		{"log-normal", logNormal(3, 50000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := hdrhistogram.New(results.HistogramMinUS, results.HistogramMaxUS, results.HistogramDigits)
			for _, v := range tt.values {
				if err := h.RecordValue(v); err != nil {
					t.Fatal(err)
				}
			}
			if tt.name == "huge count" {
				if err := h.RecordValues(9, 1<<40); err != nil {
					t.Fatal(err)
				}
			}
			want, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 2; i++ { // the second time from the kept encodings
				got, err := results.EncodeV2(h)
				if err != nil {
					t.Fatal(err)
				}
				if got != string(want) {
					t.Fatalf("encoding differs from hdrhistogram-go's:\n got %s\nwant %s", got, want)
				}
			}
			back, err := results.DecodeHistogram(string(want))
			if err != nil {
				t.Fatal(err)
			}
			if back.Count() != h.TotalCount() {
				t.Errorf("decoded count %d, want %d", back.Count(), h.TotalCount())
			}
		})
	}
}

func randomValues(seed uint64, n int, lo, hi int64) []int64 {
	r := rand.New(rand.NewPCG(seed, 0))
	out := make([]int64, n)
	for i := range out {
		out[i] = lo + r.Int64N(hi-lo+1)
	}
	return out
}

func logNormal(seed uint64, n int) []int64 {
	r := rand.New(rand.NewPCG(seed, 0))
	out := make([]int64, n)
	for i := range out {
		v := int64(50_000 * (1 + r.ExpFloat64()))
		out[i] = min(v, results.HistogramMaxUS)
	}
	return out
}

// FuzzEncodeV2 compares the two encoders on histograms built from arbitrary values.
func FuzzEncodeV2(f *testing.F) {
	f.Add([]byte{1, 2, 3, 200, 17, 0, 0, 9})
	f.Fuzz(func(t *testing.T, data []byte) {
		h := hdrhistogram.New(results.HistogramMinUS, results.HistogramMaxUS, results.HistogramDigits)
		for i := 0; i+3 <= len(data); i += 3 {
			v := int64(data[i])<<(data[i+2]%26) | int64(data[i+1])
			_ = h.RecordValue(min(max(v, 1), results.HistogramMaxUS))
		}
		want, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
		if err != nil {
			t.Fatal(err)
		}
		got, err := results.EncodeV2(h)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Fatalf("encoding differs:\n got %s\nwant %s", got, want)
		}
	})
}

func BenchmarkEncodeHistogram(b *testing.B) {
	h := results.NewHistogram()
	for _, v := range logNormal(4, 10000) {
		h.RecordMS(float64(v) / 1000)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Encode(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEmptyHistogram: a histogram that never received a value (its counts are not
// allocated) reads, merges, clones and encodes as an empty HDR histogram does.
func TestEmptyHistogram(t *testing.T) {
	lib, err := hdrhistogram.New(results.HistogramMinUS, results.HistogramMaxUS, results.HistogramDigits).
		Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		t.Fatal(err)
	}
	full := results.NewHistogram()
	full.RecordMS(12.5)
	tests := []struct {
		name      string
		h         func() *results.Histogram
		wantCount int64
	}{
		{"new", results.NewHistogram, 0},
		{"clone of empty", func() *results.Histogram { return results.NewHistogram().Clone() }, 0},
		{"empty merged into empty", func() *results.Histogram {
			h := results.NewHistogram()
			if err := h.Merge(results.NewHistogram()); err != nil {
				t.Fatal(err)
			}
			return h
		}, 0},
		{"full merged into empty", func() *results.Histogram {
			h := results.NewHistogram()
			if err := h.Merge(full); err != nil {
				t.Fatal(err)
			}
			return h
		}, 1},
		{"decoded empty", func() *results.Histogram {
			h, err := results.DecodeHistogram(string(lib))
			if err != nil {
				t.Fatal(err)
			}
			return h
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.h()
			if h.Count() != tt.wantCount {
				t.Fatalf("count %d, want %d", h.Count(), tt.wantCount)
			}
			if tt.wantCount > 0 {
				if h.MaxMS() != full.MaxMS() || h.Percentiles() != full.Percentiles() {
					t.Errorf("percentiles %+v, want %+v", h.Percentiles(), full.Percentiles())
				}
				return
			}
			if p := h.Percentiles(); p != (results.Percentiles{}) {
				t.Errorf("percentiles of an empty histogram %+v, want zeros", p)
			}
			if b := h.Buckets(); len(b) != 0 {
				t.Errorf("buckets %v, want none", b)
			}
			enc, err := h.Encode()
			if err != nil {
				t.Fatal(err)
			}
			if enc != string(lib) {
				t.Errorf("encoding %s, want the library's empty histogram %s", enc, lib)
			}
		})
	}
}
