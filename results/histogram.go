package results

import (
	"fmt"
	"math"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram range and precision: 1 µs to 1 h with 3 significant digits, so every
// figure thaw prints is within 0.1% of the value recorded, and memory is fixed
// (about 50 KB per histogram) whatever the run length.
const (
	HistogramMinUS  = 1
	HistogramMaxUS  = int64(3600 * 1e6)
	HistogramDigits = 3
)

// Histogram is an HDR latency histogram in milliseconds (stored as microseconds).
// Values below 1 µs are recorded as 1 µs; values above 1 h are recorded as 1 h and
// counted in Overflow. Its counts (about 188 KB) are allocated by the first value
// recorded or merged in, so the many histograms a run keeps that stay empty (cold
// latency of a phase with no cold start, ...) cost nothing. It is not safe for
// concurrent use.
type Histogram struct {
	h        *hdrhistogram.Histogram // nil while empty
	overflow int64
}

// NewHistogram returns an empty histogram covering 1 µs to 1 h.
func NewHistogram() *Histogram { return &Histogram{} }

func newHDR() *hdrhistogram.Histogram {
	return hdrhistogram.New(HistogramMinUS, HistogramMaxUS, HistogramDigits)
}

// counts is h's HDR histogram, allocated if it was not yet.
func (h *Histogram) counts() *hdrhistogram.Histogram {
	if h.h == nil {
		h.h = newHDR()
	}
	return h.h
}

// RecordMS records one value in milliseconds, clamped to the histogram's range.
func (h *Histogram) RecordMS(ms float64) {
	us := int64(math.Round(ms * 1000))
	if us < HistogramMinUS {
		us = HistogramMinUS
	}
	if us > HistogramMaxUS {
		us = HistogramMaxUS
		h.overflow++
	}
	// In range by construction, so RecordValue cannot fail.
	_ = h.counts().RecordValue(us)
}

// Count is the number of values recorded.
func (h *Histogram) Count() int64 {
	if h.h == nil {
		return 0
	}
	return h.h.TotalCount()
}

// Overflow is the number of values above 1 h that were clamped.
func (h *Histogram) Overflow() int64 { return h.overflow }

// Merge adds every value of o to h. It fails if any value could not be kept.
func (h *Histogram) Merge(o *Histogram) error {
	if o.h != nil {
		if dropped := h.counts().Merge(o.h); dropped != 0 {
			return fmt.Errorf("histogram merge dropped %d values", dropped)
		}
	}
	h.overflow += o.overflow
	return nil
}

// Clone returns an independent copy.
func (h *Histogram) Clone() *Histogram {
	if h.h == nil {
		return &Histogram{overflow: h.overflow}
	}
	return &Histogram{h: h.h.Clone(), overflow: h.overflow}
}

// QuantileMS is the value at quantile q (0 ≤ q ≤ 1) in milliseconds; 0 when empty.
func (h *Histogram) QuantileMS(q float64) float64 {
	if h.Count() == 0 {
		return 0
	}
	// hdrhistogram-go takes a percent, not a fraction.
	return float64(h.h.ValueAtPercentile(q*100)) / 1000
}

// MeanMS is the mean in milliseconds; 0 when empty.
func (h *Histogram) MeanMS() float64 {
	if h.Count() == 0 {
		return 0
	}
	return h.h.Mean() / 1000
}

// MaxMS is the largest value recorded in milliseconds (to histogram precision).
func (h *Histogram) MaxMS() float64 {
	if h.Count() == 0 {
		return 0
	}
	return float64(h.h.Max()) / 1000
}

// MinMS is the smallest value recorded in milliseconds (to histogram precision).
func (h *Histogram) MinMS() float64 {
	if h.Count() == 0 {
		return 0
	}
	return float64(h.h.Min()) / 1000
}

// Percentiles summarises the histogram.
func (h *Histogram) Percentiles() Percentiles {
	return Percentiles{
		Count: h.Count(),
		Min:   h.MinMS(),
		P50:   h.QuantileMS(0.50),
		P90:   h.QuantileMS(0.90),
		P95:   h.QuantileMS(0.95),
		P99:   h.QuantileMS(0.99),
		P999:  h.QuantileMS(0.999),
		Max:   h.MaxMS(),
		Mean:  h.MeanMS(),
	}
}

// Bucket is a range of values [FromMS, ToMS] and how many values fell in it.
type Bucket struct {
	FromMS, ToMS float64
	Count        int64
}

// Buckets lists the non-empty histogram buckets in increasing order. HDR buckets are
// fine (thousands across the range): rebin before plotting.
func (h *Histogram) Buckets() []Bucket {
	if h.h == nil {
		return nil
	}
	var out []Bucket
	for i, n := range h.h.Export().Counts { // every histogram has newHDR's geometry
		if n == 0 {
			continue
		}
		from, to := bucketRangeUS(i)
		out = append(out, Bucket{FromMS: float64(from) / 1000, ToMS: float64(to) / 1000, Count: n})
	}
	return out
}

// The geometry of thaw's histograms (newHDR: HistogramMinUS, HistogramDigits): 1 µs units
// (unit magnitude 0), 2,048 sub-buckets per bucket, half of them (1,024: magnitude 10)
// new in each bucket after the first.
const (
	hdrHalfCountMagnitude = 10
	hdrHalfCount          = 1 << hdrHalfCountMagnitude
)

// bucketRangeUS is the range of values counted at index i of a histogram of thaw's
// geometry, as hdrhistogram-go's Distribution gives it: bucket 0 holds one value per
// index; bucket b after it holds 2^b values per index, from its half count on.
func bucketRangeUS(i int) (from, to int64) {
	bucket, sub := 0, i
	if i >= 2*hdrHalfCount {
		bucket = i>>hdrHalfCountMagnitude - 1
		sub = i&(hdrHalfCount-1) + hdrHalfCount
	}
	from = int64(sub) << bucket
	return from, from + 1<<bucket - 1
}

// Encode returns the histogram in HDR's V2 compressed encoding, as base64 text: the
// bytes hdrhistogram-go's own Encode writes, at a fraction of its cost.
func (h *Histogram) Encode() (string, error) {
	hdr := h.h
	if hdr == nil {
		hdr = newHDR() // rare: summaries leave empty histograms out
	}
	s, err := encodeV2(hdr)
	if err != nil {
		return "", fmt.Errorf("encode histogram: %w", err)
	}
	return s, nil
}

// DecodeHistogram reads a histogram written by Encode.
func DecodeHistogram(s string) (*Histogram, error) {
	if s == "" {
		return NewHistogram(), nil
	}
	d, err := hdrhistogram.Decode([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("decode histogram: %w", err)
	}
	h := NewHistogram()
	if dropped := h.counts().Merge(d); dropped != 0 {
		return nil, fmt.Errorf("decode histogram: %d values outside 1µs..1h", dropped)
	}
	return h, nil
}
