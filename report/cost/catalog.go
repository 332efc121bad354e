// Package cost estimates what the invocations of a run cost on a serverless platform:
// a pricing catalog shipped as embedded YAML (overridable with a file) and one generic
// model that turns each invocation's billed duration into billable units (requests,
// GB-seconds, vCPU-seconds, GHz-seconds, CPU-ms) and prices them.
//
// Nothing here is safe to mutate concurrently; a loaded Catalog is read-only and safe
// for concurrent use.
package cost

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"
)

//go:generate go run gencatalog.go

// Catalog is a set of pricing entries, one per cost model. It is safe for concurrent use
// once loaded.
type Catalog struct {
	Models []Entry `yaml:"models"`
}

// Tier is one price band: usage up to UpTo (cumulative, in the unit priced; 0 means no
// upper bound) costs USD per unit.
type Tier struct {
	UpTo float64 `yaml:"up_to,omitempty"`
	USD  float64 `yaml:"usd"`
}

// Allowance is a monthly quantity not charged (a free tier or a plan's included usage).
type Allowance struct {
	Requests    float64 `yaml:"requests,omitempty"`
	GBSeconds   float64 `yaml:"gb_seconds,omitempty"`
	GiBSeconds  float64 `yaml:"gib_seconds,omitempty"`
	VCPUSeconds float64 `yaml:"vcpu_seconds,omitempty"`
	GHzSeconds  float64 `yaml:"ghz_seconds,omitempty"`
	CPUMS       float64 `yaml:"cpu_ms,omitempty"`
}

// Entry is the price list of one cost model and the billing rules that turn a duration
// into billable units. A price of 0 means the unit is not billed.
type Entry struct {
	Model   string   `yaml:"model"`
	Aliases []string `yaml:"aliases,omitempty"`
	Title   string   `yaml:"title"`
	Source  string   `yaml:"source"` // address of the price page
	Read    string   `yaml:"read"`   // date the figures were checked (YYYY-MM-DD)
	Region  string   `yaml:"region,omitempty"`

	RoundingMS         float64 `yaml:"rounding_ms,omitempty"`        // billed duration rounded up to a multiple of this
	MinimumMS          float64 `yaml:"minimum_ms,omitempty"`         // billed duration at least this
	MemoryRoundingMB   float64 `yaml:"memory_rounding_mb,omitempty"` // billed memory rounded up to a multiple of this
	MemoryFromObserved bool    `yaml:"memory_from_observed,omitempty"`
	MaxMemoryMB        float64 `yaml:"max_memory_mb,omitempty"`
	BillsInit          bool    `yaml:"bills_init"` // a cold start's init time is billed
	DefaultMemoryMB    float64 `yaml:"default_memory_mb,omitempty"`
	DefaultVCPU        float64 `yaml:"default_vcpu,omitempty"`
	DefaultArch        string  `yaml:"default_arch,omitempty"`

	BaseMonthlyUSD        float64             `yaml:"base_monthly_usd,omitempty"`
	RequestsPerMillionUSD float64             `yaml:"requests_per_million_usd,omitempty"`
	GBSecondTiers         map[string][]Tier   `yaml:"gb_second_tiers,omitempty"` // by arch, or "any"
	GiBSecondUSD          float64             `yaml:"gib_second_usd,omitempty"`
	VCPUSecondUSD         float64             `yaml:"vcpu_second_usd,omitempty"`
	GHzSecondUSD          float64             `yaml:"ghz_second_usd,omitempty"`
	GHzByMemoryMB         map[float64]float64 `yaml:"ghz_by_memory_mb,omitempty"`
	CPUMSPerMillionUSD    float64             `yaml:"cpu_ms_per_million_usd,omitempty"`
	EphemeralGBSecondUSD  float64             `yaml:"ephemeral_gb_second_usd,omitempty"`
	EphemeralFreeMB       float64             `yaml:"ephemeral_free_mb,omitempty"`

	Free     Allowance `yaml:"free,omitempty"`     // monthly free tier, applied when Pricing.FreeTier
	Included Allowance `yaml:"included,omitempty"` // monthly usage included in BaseMonthlyUSD

	// Billing is what duration is billed on: "request" (default: each request's own
	// duration) or "instance" (the time each instance is busy with at least one
	// request: concurrent requests on one instance share it).
	Billing string `yaml:"billing,omitempty"`
	// IntervalRoundingMS rounds each busy interval of an instance up to a multiple of
	// this (Cloud Run: 100 ms), after the per-request MinimumMS and RoundingMS.
	IntervalRoundingMS float64 `yaml:"interval_rounding_ms,omitempty"`
	// DefaultTimeoutMS is the function timeout when the pricing names none: a request
	// the client gave up on is billed up to it (the function kept running).
	DefaultTimeoutMS float64 `yaml:"default_timeout_ms,omitempty"`
	// Archs are the accepted pricing.arch values (none: arch must be left out).
	Archs []string `yaml:"archs,omitempty"`
	// Regions maps each accepted pricing.region to the factor its duration prices
	// (GB-s, GiB-s, vCPU-s, GHz-s) bear over the listed ones (Cloud Run Tier 2: 1.4).
	Regions map[string]float64 `yaml:"regions,omitempty"`
	// Memory is what pricing.memory_mb may be.
	Memory MemoryRule `yaml:"memory,omitempty"`
	// Warm prices capacity held ready ahead of traffic (pricing.warm_instances).
	Warm *WarmPrices `yaml:"warm,omitempty"`
	// SnapStart prices Lambda SnapStart (pricing.snapstart).
	SnapStart *SnapStartPrices `yaml:"snapstart,omitempty"`
}

// MemoryRule says which memory sizes a model accepts: one of Sizes, or Min to Max.
type MemoryRule struct {
	MinMB   int   `yaml:"min_mb,omitempty"`
	MaxMB   int   `yaml:"max_mb,omitempty"`
	SizesMB []int `yaml:"sizes_mb,omitempty"`
}

// WarmPrices is the price of warm capacity: Lambda provisioned concurrency, Cloud Run
// minimum instances (idle rate), Azure Flex always-ready baseline. The baseline is
// charged for every second the capacity is held, busy or not.
type WarmPrices struct {
	Title           string             `yaml:"title"`
	Source          string             `yaml:"source"`
	Read            string             `yaml:"read"`
	GBSecondUSD     map[string]float64 `yaml:"gb_second_usd,omitempty"` // by arch, or "any"
	GiBSecondUSD    float64            `yaml:"gib_second_usd,omitempty"`
	VCPUSecondUSD   float64            `yaml:"vcpu_second_usd,omitempty"`
	ExecGBSecondUSD map[string]float64 `yaml:"exec_gb_second_usd,omitempty"` // duration price of requests served on warm capacity, by arch or "any"
}

// SnapStartPrices is Lambda SnapStart: a cache charge for every second a snapshot is
// kept (per GB of memory) and a restore charge per GB restored at each cold start.
type SnapStartPrices struct {
	Source           string  `yaml:"source"`
	Read             string  `yaml:"read"`
	CacheGBSecondUSD float64 `yaml:"cache_gb_second_usd"`
	RestoreGBUSD     float64 `yaml:"restore_gb_usd"`
}

// DefaultCatalog returns the catalog shipped with thaw.
func DefaultCatalog() (Catalog, error) {
	c, err := defaultCatalog()
	// a slice of its own: entries are read, never changed, once loaded
	return Catalog{Models: append([]Entry(nil), c.Models...)}, err
}

// defaultCatalog builds the shipped catalog once per process. catalog.yaml is decoded
// at build time (go generate writes catalog_gen.go; a test checks it equals the YAML):
// decoding it at run time cost a few milliseconds, paid by every run.
var defaultCatalog = sync.OnceValues(func() (Catalog, error) {
	c := shippedCatalog()
	if err := c.Validate(); err != nil {
		return Catalog{}, fmt.Errorf("catalog.yaml (built in): %w", err)
	}
	return c, nil
})

// LoadCatalog reads a catalog file; an empty path returns DefaultCatalog. Entries in the
// file replace shipped entries of the same model; other shipped entries are kept.
func LoadCatalog(path string) (Catalog, error) {
	def, err := DefaultCatalog()
	if err != nil || path == "" {
		return def, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Catalog{}, fmt.Errorf("pricing catalog: %w", err)
	}
	over, err := ParseCatalog(b, path)
	if err != nil {
		return Catalog{}, err
	}
	return def.merge(over), nil
}

// ParseCatalog decodes and validates catalog YAML; name is used in errors.
func ParseCatalog(b []byte, name string) (Catalog, error) {
	var c Catalog
	if err := unmarshalCatalog(b, &c); err != nil {
		return Catalog{}, fmt.Errorf("%s: %w", name, err)
	}
	if err := c.Validate(); err != nil {
		return Catalog{}, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

// Validate returns every problem in the catalog.
func (c Catalog) Validate() error {
	var errs []error
	seen := map[string]bool{}
	if len(c.Models) == 0 {
		errs = append(errs, errors.New("no models"))
	}
	for i, e := range c.Models {
		for _, n := range append([]string{e.Model}, e.Aliases...) {
			if seen[n] {
				errs = append(errs, fmt.Errorf("models[%d]: name %q used twice", i, n))
			}
			seen[n] = true
		}
		if err := e.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("models[%d] (%s): %w", i, e.Model, err))
		}
	}
	return errors.Join(errs...)
}

// Validate returns every problem in the entry.
func (e Entry) Validate() error {
	var errs []error
	if e.Model == "" {
		errs = append(errs, errors.New("model: empty"))
	}
	if e.Source == "" || e.Read == "" {
		errs = append(errs, errors.New("source and read are required"))
	}
	if e.RoundingMS < 0 || e.MinimumMS < 0 || e.MemoryRoundingMB < 0 || e.IntervalRoundingMS < 0 {
		errs = append(errs, errors.New("rounding_ms, minimum_ms, interval_rounding_ms and memory_rounding_mb must not be negative"))
	}
	switch e.Billing {
	case "", BillRequest, BillInstance:
	default:
		errs = append(errs, fmt.Errorf("billing: %q: want request or instance", e.Billing))
	}
	for r, f := range e.Regions {
		if f <= 0 {
			errs = append(errs, fmt.Errorf("regions.%s: factor must be positive", r))
		}
	}
	if m := e.Memory; m.MaxMB > 0 && m.MinMB > m.MaxMB {
		errs = append(errs, errors.New("memory: min_mb above max_mb"))
	}
	archs := make([]string, 0, len(e.GBSecondTiers))
	for a := range e.GBSecondTiers {
		archs = append(archs, a)
	}
	sort.Strings(archs)
	for _, a := range archs {
		if err := validTiers(e.GBSecondTiers[a]); err != nil {
			errs = append(errs, fmt.Errorf("gb_second_tiers.%s: %w", a, err))
		}
	}
	return errors.Join(errs...)
}

func validTiers(ts []Tier) error {
	if len(ts) == 0 {
		return errors.New("no tiers")
	}
	prev := 0.0
	for i, t := range ts {
		last := i == len(ts)-1
		switch {
		case t.USD < 0:
			return fmt.Errorf("tier %d: negative price", i)
		case !last && t.UpTo <= prev:
			return fmt.Errorf("tier %d: up_to must increase", i)
		case last && t.UpTo != 0:
			return fmt.Errorf("tier %d: the last tier must have no up_to", i)
		}
		prev = t.UpTo
	}
	return nil
}

// unmarshalCatalog decodes strictly; a panic inside the YAML library (a hostile file
// can cause one, found by FuzzParseCatalog) becomes an error, never a crash.
func unmarshalCatalog(b []byte, c *Catalog) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("invalid YAML: %v", r)
		}
	}()
	return yaml.UnmarshalWithOptions(b, c, yaml.DisallowUnknownField())
}

// Lookup finds the entry for a model name or alias (case-insensitive).
func (c Catalog) Lookup(model string) (*Entry, error) {
	m := strings.ToLower(strings.TrimSpace(model))
	for i := range c.Models {
		e := &c.Models[i]
		if strings.ToLower(e.Model) == m {
			return e, nil
		}
		for _, a := range e.Aliases {
			if strings.ToLower(a) == m {
				return e, nil
			}
		}
	}
	return nil, fmt.Errorf("pricing: unknown model %q (known: %s)", model, strings.Join(c.Names(), ", "))
}

// Names lists the model names, sorted.
func (c Catalog) Names() []string {
	out := make([]string, 0, len(c.Models))
	for _, e := range c.Models {
		out = append(out, e.Model)
	}
	sort.Strings(out)
	return out
}

func (c Catalog) merge(over Catalog) Catalog {
	out := Catalog{}
	replaced := map[string]bool{}
	for _, e := range over.Models {
		replaced[e.Model] = true
	}
	for _, e := range c.Models {
		if !replaced[e.Model] {
			out.Models = append(out.Models, e)
		}
	}
	out.Models = append(out.Models, over.Models...)
	return out
}
