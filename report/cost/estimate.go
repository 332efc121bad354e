package cost

import (
	"fmt"

	"github.com/thaw-dev/thaw/results"
)

// Where a billed duration came from (results.Cost.BilledFrom).
const (
	FromPlatform   = "platform"    // the platform reported the billed (or function) duration
	FromCPU        = "cpu"         // the function reported its CPU time (CPU-billed models)
	FromServerTime = "server_time" // server time: an upper bound (includes network round trip)
)

// What duration is billed on (Entry.Billing, results.Cost.Billing).
const (
	BillRequest            = "request"              // each request's own duration
	BillInstance           = "instance"             // busy time per instance, shared by concurrent requests
	BillInstanceUpperBound = "instance_upper_bound" // instance billing, but some requests had no instance id
	BillInstanceEstimate   = "instance_estimate"    // no instance ids: packed by pricing.instance_concurrency
)

// Samples streams samples (results.Samples: ReadSamples has this shape).
type Samples = results.Samples

// Estimate prices every invocation the platform bills under pricing p and returns the
// cost per invocation and per million, cold and warm separately, the share caused by
// cold starts and, when p.MonthlyInvocations is set, a monthly projection at the
// measured cold rate (plus any warm capacity). Memory does not grow with the number of
// samples. The rules, per sample:
//
//   - Throttled (429) requests and requests that never reached the function (refused,
//     DNS, TLS, reset before a response) are not billed. A request the client gave up
//     on (timeout) kept running: it is billed up to the function timeout
//     (p.TimeoutMS, else the model's default), or its elapsed time if longer.
//   - Duration: the platform's billed duration when reported (Sample.BilledMS, which
//     already holds any init the platform bills); else the platform's function
//     duration plus, for a cold start on a model that bills init, the reported init;
//     on a CPU-billed model (Cloudflare) the CPU time the function reported
//     (Sample.CPUMS); else server time (first byte minus connection set-up), an upper
//     bound, minus the reported init when the model does not bill init.
//   - Each request's duration is raised to the model's minimum and rounded (Lambda
//     1 ms; Azure Flex at least 1 s, then 100 ms).
//   - Request-billed models price each request's duration. Instance-billed models
//     (Cloud Run, Azure Flex, Azure Consumption) price the time each instance
//     (Sample.Instance) was busy with at least one request: the union of its requests'
//     intervals, each busy interval rounded (Cloud Run 100 ms). A request with no
//     instance id counts as its own instance (Billing says instance_upper_bound), or,
//     with p.InstanceConcurrency, is packed with others onto the fewest instances that
//     concurrency allows (instance_estimate; the notes give the upper bound too).
//   - With p.SnapStart every cold start pays a restore of the function's memory.
func Estimate(cat Catalog, p results.Pricing, samples Samples) (*results.Cost, error) {
	est, err := NewEstimator(cat, p)
	if err != nil {
		return nil, err
	}
	err = samples(func(s *results.Sample) error {
		est.Add(s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cost: %w", err)
	}
	return est.Close()
}

// EstimateDir prices the samples of the run directory dir (samples.ndjson).
func EstimateDir(cat Catalog, p results.Pricing, dir string) (*results.Cost, error) {
	return Estimate(cat, p, func(fn func(*results.Sample) error) error {
		return results.ReadSamples(dir, fn)
	})
}
