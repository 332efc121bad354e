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
			for i := 0; i < 2; i++ { // the second time through the reused writer
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
