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

// DistributionBuckets is Buckets through hdrhistogram-go's Distribution, for tests
// that compare the two.
func DistributionBuckets(h *Histogram) []Bucket {
	if h.h == nil {
		return nil
	}
	return distributionBuckets(h.h)
}
