package results

// SetMergeChunkBytes changes the merge's chunk size for a test and returns a function
// that restores it.
func SetMergeChunkBytes(n int) (restore func()) {
	old := mergeChunkBytes
	mergeChunkBytes = n
	return func() { mergeChunkBytes = old }
}

// EncodeV2 is the package's own V2 encoder, for tests that compare it with the library's.
var EncodeV2 = encodeV2

// DistributionBuckets is Buckets through hdrhistogram-go's Distribution (which lists
// every bucket up to the highest value), for tests that compare the two.
func DistributionBuckets(h *Histogram) []Bucket {
	if h.h == nil {
		return nil
	}
	var out []Bucket
	for _, b := range h.h.Distribution() {
		if b.Count > 0 {
			out = append(out, Bucket{FromMS: float64(b.From) / 1000, ToMS: float64(b.To) / 1000, Count: b.Count})
		}
	}
	return out
}
