package results

import "time"

// SummaryVersion is the version of the summary.json format written by this code.
const SummaryVersion = 1

// Keys of PhaseSummary.Histograms.
const (
	HistAll      = "all"      // latency of every completed invocation (actual send time)
	HistCold     = "cold"     // latency of cold invocations
	HistWarm     = "warm"     // latency of warm invocations
	HistIntended = "intended" // latency from the intended send time (open-model phases)
	HistServer   = "server"   // server time (first byte minus connection set-up)
	HistInit     = "init"     // init duration reported by the platform or function
	HistSendLag  = "send_lag" // actual minus intended send time (open-model phases)
)

// Summary is summary.json: what a run did, phase by phase and in total. Every figure
// can be rebuilt from the encoded histograms, so summaries of shards merge exactly.
type Summary struct {
	Version     int       `json:"version"`
	Scenario    string    `json:"scenario"`
	Target      string    `json:"target"` // URL without credentials
	Started     time.Time `json:"started"`
	Ended       time.Time `json:"ended"`
	Interrupted bool      `json:"interrupted,omitempty"`
	// TimeScale is the run's --time-scale: scenario durations were divided by it, so
	// measured idle times and keep-alive are that many times shorter than written.
	TimeScale   float64 `json:"time_scale,omitempty"`
	AbortReason string  `json:"abort_reason,omitempty"`
	// RunID is shared by the segments of one run (thaw run --segment i/n); Segment
	// says which part this directory holds (nil: the whole run, or a merge).
	RunID   string   `json:"run_id,omitempty"`
	Segment *Segment `json:"segment,omitempty"`

	Phases []PhaseSummary `json:"phases"`
	Totals PhaseSummary   `json:"totals"`

	Pricing        *Pricing          `json:"pricing,omitempty"`         // from the scenario, for cost
	ThresholdExprs []string          `json:"threshold_exprs,omitempty"` // from the scenario, for gates
	Cost           *Cost             `json:"cost,omitempty"`
	KeepAlive      *KeepAlive        `json:"keep_alive,omitempty"`
	Thresholds     []ThresholdResult `json:"thresholds,omitempty"`

	// Probes says what each probe of the chain did over the run, once: what a sample
	// would otherwise repeat on every line (see ProbeSummary).
	Probes []ProbeSummary `json:"probes,omitempty"`
}

// ProbeSummary is one probe's work over a whole run. A sample keeps in its
// evidence.reasons only what is about that sample (why a probe decided, or abstained
// for a reason of its own); what would be the same on every line is said here once:
// how many samples had nothing of the probe's kind (no marker, no instance id, no
// platform log), and the probe's run-wide finding (the latency probe's split, or why
// there is none).
type ProbeSummary struct {
	Name       string `json:"name"`
	Decided    int64  `json:"decided"`               // samples whose verdict it set
	NoEvidence int64  `json:"no_evidence,omitempty"` // samples with nothing of its kind
	Note       string `json:"note,omitempty"`        // its finding about the whole run
}

// PhaseSummary is one phase (or, as Summary.Totals, all phases together).
type PhaseSummary struct {
	Name     string    `json:"name"`
	Workload string    `json:"workload,omitempty"` // idle, burst, rate, ramp, concurrency, trace
	Started  time.Time `json:"started"`
	Ended    time.Time `json:"ended"`

	Count        int64            `json:"count"` // invocations completed (ok or failed)
	Errors       int64            `json:"errors"`
	ErrorsByKind map[string]int64 `json:"errors_by_kind"`
	// Retries counts the extra attempts of retried invocations (target.retry); they
	// are not in Count, which counts each invocation once.
	Retries int64 `json:"retries,omitempty"`
	Cold    int64 `json:"cold"`
	Warm    int64 `json:"warm"`
	Unknown int64 `json:"unknown"`

	// Open-model bookkeeping: Late sends left after their intended time by more than
	// the late tolerance; Dropped arrivals were never sent (max_in_flight reached or
	// the run stopped). Neither is hidden.
	Planned int64 `json:"planned,omitempty"`
	Late    int64 `json:"late"`
	Dropped int64 `json:"dropped"`

	RateTarget   float64 `json:"rate_target,omitempty"` // mean arrivals/s planned (open model)
	RateAchieved float64 `json:"rate_achieved"`         // sends/s: (n−1) / (last send − first send)
	Throughput   float64 `json:"throughput"`            // successful responses/s over the phase span

	Latency         Percentiles  `json:"latency"`
	IntendedLatency *Percentiles `json:"intended_latency,omitempty"`
	ServerLatency   Percentiles  `json:"server_latency"`
	ColdLatency     Percentiles  `json:"cold_latency"`
	WarmLatency     Percentiles  `json:"warm_latency"`
	InitLatency     *Percentiles `json:"init_latency,omitempty"`
	// SendLag (open-model phases) is how late each arrival was sent after its
	// intended time: Start − Scheduled of every sample, failures included.
	SendLag *Percentiles `json:"send_lag,omitempty"`

	// Overflow counts values past the histograms' range (1 h), recorded as 1 h.
	Overflow int64   `json:"overflow,omitempty"`
	Search   *Search `json:"search,omitempty"` // idle-search phases: the search's rounds

	Histograms map[string]string `json:"histograms"` // Hist* keys → HDR V2 compressed, base64
}

// Percentiles of a latency distribution in milliseconds.
type Percentiles struct {
	Count int64   `json:"count"`
	Min   float64 `json:"min"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P95   float64 `json:"p95"`
	P99   float64 `json:"p99"`
	P999  float64 `json:"p999"`
	Max   float64 `json:"max"`
	Mean  float64 `json:"mean"`
}

// Pricing names the cost model a run is priced with (scenario `pricing:` block).
type Pricing struct {
	Model              string  `json:"model" yaml:"model"`                                                   // e.g. aws-lambda, gcp-cloud-run, azure-consumption, cloudflare-workers
	Arch               string  `json:"arch,omitempty" yaml:"arch,omitempty"`                                 // x86_64 or arm64
	MemoryMB           int     `json:"memory_mb,omitempty" yaml:"memory_mb,omitempty"`                       // configured memory
	VCPU               float64 `json:"vcpu,omitempty" yaml:"vcpu,omitempty"`                                 // Cloud Run vCPUs
	EphemeralStorageMB int     `json:"ephemeral_storage_mb,omitempty" yaml:"ephemeral_storage_mb,omitempty"` // Lambda /tmp size
	Region             string  `json:"region,omitempty" yaml:"region,omitempty"`
	FreeTier           bool    `json:"free_tier,omitempty" yaml:"free_tier,omitempty"`
	MonthlyInvocations int64   `json:"monthly_invocations,omitempty" yaml:"monthly_invocations,omitempty"`
	// TimeoutMS is the function's configured timeout: a request the client gave up on
	// (timeout) is billed up to it. 0: the model's default.
	TimeoutMS int `json:"timeout_ms,omitempty" yaml:"timeout_ms,omitempty"`
	// WarmInstances is the warm capacity paid for ahead of traffic: Lambda provisioned
	// concurrency, Cloud Run minimum instances, Azure Flex always-ready instances.
	WarmInstances int `json:"warm_instances,omitempty" yaml:"warm_instances,omitempty"`
	// SnapStart turns on Lambda SnapStart charges (snapshot cache and restores).
	SnapStart bool `json:"snapstart,omitempty" yaml:"snapstart,omitempty"`
	// InstanceConcurrency is how many requests one instance serves at once (Cloud Run
	// concurrency, Azure Flex per-instance concurrency): with it, requests without an
	// instance id are packed onto instances to estimate instance time.
	InstanceConcurrency int `json:"instance_concurrency,omitempty" yaml:"instance_concurrency,omitempty"`
}

// Cost is the estimated cost of the invocations a run measured.
type Cost struct {
	Model              string  `json:"model"`
	PerInvocationUSD   float64 `json:"per_invocation_usd"`
	PerMillionUSD      float64 `json:"per_million_usd"`
	ColdPerMillionUSD  float64 `json:"cold_per_million_usd"`
	WarmPerMillionUSD  float64 `json:"warm_per_million_usd"`
	ColdShare          float64 `json:"cold_share"`  // fraction of the cost caused by cold starts
	BilledFrom         string  `json:"billed_from"` // "platform" (reported billed duration) or "server_time" (upper bound)
	MonthlyInvocations int64   `json:"monthly_invocations,omitempty"`
	MonthlyUSD         float64 `json:"monthly_usd,omitempty"`
	Source             string  `json:"source,omitempty"` // pricing catalog entry: address and date read

	// Billing is how duration was billed: "request" (each request's own duration),
	// "instance" (active time per instance, concurrent requests sharing it) or
	// "instance_upper_bound" (instance billing without instance ids: every request
	// counted as its own instance, an upper bound) or "instance_estimate" (without ids,
	// packed by Pricing.InstanceConcurrency).
	Billing   string   `json:"billing,omitempty"`
	Region    string   `json:"region,omitempty"`
	Timeouts  int64    `json:"timeouts,omitempty"`   // requests the client gave up on, billed up to the function timeout
	NotBilled int64    `json:"not_billed,omitempty"` // throttled (429) or never reached the function: not billed
	Restores  int64    `json:"restores,omitempty"`   // SnapStart restores billed
	Notes     []string `json:"notes,omitempty"`      // what the figure assumes, in words (upper bounds, fallbacks)
	// WarmMonthlyUSD is the monthly cost of the warm capacity (Pricing.WarmInstances,
	// SnapStart cache) alone; MonthlyUSD includes it.
	WarmMonthlyUSD float64 `json:"warm_monthly_usd,omitempty"`
}

// KeepAlive is the estimate of how long the platform keeps an idle instance alive.
// HighMS 0 means no upper bound was seen (warm after every gap).
type KeepAlive struct {
	EstimateMS float64 `json:"estimate_ms"`
	LowMS      float64 `json:"low_ms"`
	HighMS     float64 `json:"high_ms"`
	// Method is a short code: "boundary" (every warm gap shorter than every cold
	// one: the keep-alive lies between), "logistic" (they overlap: a fitted curve's
	// 50 % point) or "search" (the boundary found by idle-search phases alone).
	Method string `json:"method"`
	// MethodDetail says the same in words, for reports.
	MethodDetail string           `json:"method_detail,omitempty"`
	Points       []KeepAlivePoint `json:"points"`
	// SearchProbes are the gaps idle-search phases tried, with the verdicts the search
	// saw while running (online, provisional); Points use the final verdicts.
	SearchProbes []SearchProbe `json:"search_probes,omitempty"`
}

// KeepAlivePoint is P(cold | idle interval) at one idle interval, with a Wilson interval.
type KeepAlivePoint struct {
	IdleMS float64 `json:"idle_ms"`
	N      int64   `json:"n"`
	Cold   int64   `json:"cold"`
	P      float64 `json:"p"`
	Low    float64 `json:"low"`
	High   float64 `json:"high"`
}

// ThresholdResult is the verdict on one threshold expression.
type ThresholdResult struct {
	Expr   string  `json:"expr"`
	Value  float64 `json:"value"` // the measured value, in the expression's base unit
	Unit   string  `json:"unit,omitempty"`
	Pass   bool    `json:"pass"`
	Detail string  `json:"detail,omitempty"`
}
