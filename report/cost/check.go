package cost

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/thaw-dev/thaw/results"
)

// Problem is one thing wrong with a pricing block: the field under `pricing:` (model,
// arch, region, memory_mb, …) and what is wrong with it.
type Problem struct {
	Field string
	Msg   string
}

// Error formats the problem as `pricing.FIELD: message`.
func (p Problem) Error() string { return "pricing." + p.Field + ": " + p.Msg }

// Check returns every problem with p against the catalog: an unknown model, and for a
// known one an arch, region or memory size the model does not have, or warm capacity
// or SnapStart the model cannot price. It sends nothing and is cheap, so a run can be
// refused before any load.
func (c Catalog) Check(p results.Pricing) []Problem {
	e, err := c.Lookup(p.Model)
	if err != nil {
		return []Problem{{Field: "model", Msg: fmt.Sprintf("unknown model %q (known: %s)", p.Model, strings.Join(c.Names(), ", "))}}
	}
	return e.Check(p)
}

// Check returns every problem with p for this model (see Catalog.Check).
func (e *Entry) Check(p results.Pricing) []Problem {
	var out []Problem
	if p.Arch != "" && !slices.Contains(e.Archs, p.Arch) {
		out = append(out, Problem{"arch", fmt.Sprintf("%q is not an arch of %s (%s)", p.Arch, e.Model, orNone(e.Archs))})
	}
	if p.Region != "" {
		if _, ok := e.Regions[p.Region]; !ok {
			out = append(out, Problem{"region", fmt.Sprintf("%q is not a region the catalog prices for %s (%s; other regions: give their prices with --pricing FILE)",
				p.Region, e.Model, orNone(e.regionNames()))})
		}
	}
	if msg := e.Memory.check(p.MemoryMB); msg != "" {
		out = append(out, Problem{"memory_mb", fmt.Sprintf("%d MB: %s for %s", p.MemoryMB, msg, e.Model)})
	}
	if p.WarmInstances > 0 && e.Warm == nil {
		out = append(out, Problem{"warm_instances", fmt.Sprintf("%s has no warm capacity to price", e.Model)})
	}
	if p.InstanceConcurrency > 0 && e.Billing != BillInstance {
		out = append(out, Problem{"instance_concurrency", fmt.Sprintf("%s bills each request's own duration: instance concurrency does not change its cost", e.Model)})
	}
	if p.SnapStart && e.SnapStart == nil {
		out = append(out, Problem{"snapstart", fmt.Sprintf("%s has no SnapStart", e.Model)})
	}
	return out
}

func (m MemoryRule) check(mb int) string {
	switch {
	case mb == 0:
		return ""
	case len(m.SizesMB) > 0 && !slices.Contains(m.SizesMB, mb):
		return fmt.Sprintf("not a memory size (want one of %v)", m.SizesMB)
	case m.MinMB > 0 && mb < m.MinMB, m.MaxMB > 0 && mb > m.MaxMB:
		return fmt.Sprintf("out of range (%d to %d MB)", m.MinMB, m.MaxMB)
	}
	return ""
}

func (e *Entry) regionNames() []string {
	out := make([]string, 0, len(e.Regions))
	for r := range e.Regions {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// regionFactor is what duration prices are multiplied by in p's region (1 when the
// region is the listed one or not given).
func (e *Entry) regionFactor(region string) float64 {
	if f, ok := e.Regions[region]; ok && f > 0 {
		return f
	}
	return 1
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}
