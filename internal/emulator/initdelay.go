package emulator

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// InitDelay is an extra init time a new instance spends before it listens, imitating
// a heavy runtime: a fixed duration or a distribution. The zero value is no delay.
// Its methods are safe for concurrent use; Sample needs its own rng lock by the caller.
type InitDelay struct {
	Kind   string        // "" or "fixed", "lognormal", "uniform"
	Base   time.Duration // fixed: the delay; lognormal: the median; uniform: the minimum
	Sigma  float64       // lognormal: standard deviation of ln(delay)
	Max    time.Duration // uniform: the maximum
	source string
}

// ParseInitDelay reads "250ms", "fixed:250ms", "lognormal:300ms,0.5" (median, sigma of
// the natural log) or "uniform:100ms,400ms". "" and "0" mean no delay.
func ParseInitDelay(s string) (InitDelay, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return InitDelay{source: s}, nil
	}
	kind, arg, found := strings.Cut(s, ":")
	if !found {
		kind, arg = "fixed", s
	}
	d, err := parseInitArgs(strings.ToLower(strings.TrimSpace(kind)), arg)
	if err != nil {
		return InitDelay{}, fmt.Errorf("init delay %q: %w", s, err)
	}
	d.source = s
	return d, nil
}

func parseInitArgs(kind, arg string) (InitDelay, error) {
	parts := strings.Split(arg, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	switch kind {
	case "fixed":
		if len(parts) != 1 {
			return InitDelay{}, fmt.Errorf("fixed takes one duration")
		}
		base, err := nonNegDuration(parts[0])
		return InitDelay{Kind: kind, Base: base}, err
	case "lognormal":
		return parseLognormal(parts)
	case "uniform":
		return parseUniform(parts)
	}
	return InitDelay{}, fmt.Errorf("unknown distribution %q (fixed, lognormal, uniform)", kind)
}

func parseLognormal(parts []string) (InitDelay, error) {
	if len(parts) != 2 {
		return InitDelay{}, fmt.Errorf("lognormal takes median,sigma")
	}
	base, err := nonNegDuration(parts[0])
	if err != nil {
		return InitDelay{}, err
	}
	sigma, err := strconv.ParseFloat(parts[1], 64)
	if err != nil || sigma < 0 || sigma > 10 || math.IsNaN(sigma) {
		return InitDelay{}, fmt.Errorf("sigma %q: want a number in [0, 10]", parts[1])
	}
	return InitDelay{Kind: "lognormal", Base: base, Sigma: sigma}, nil
}

func parseUniform(parts []string) (InitDelay, error) {
	if len(parts) != 2 {
		return InitDelay{}, fmt.Errorf("uniform takes min,max")
	}
	lo, err := nonNegDuration(parts[0])
	if err != nil {
		return InitDelay{}, err
	}
	hi, err := nonNegDuration(parts[1])
	if err != nil {
		return InitDelay{}, err
	}
	if hi < lo {
		return InitDelay{}, fmt.Errorf("uniform max %v below min %v", hi, lo)
	}
	return InitDelay{Kind: "uniform", Base: lo, Max: hi}, nil
}

func nonNegDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("duration: %w", err)
	}
	if d < 0 || d > time.Hour {
		return 0, fmt.Errorf("duration %v: want 0 to 1h", d)
	}
	return d, nil
}

// String returns the text the delay was parsed from, or a canonical form.
func (d InitDelay) String() string {
	if d.source != "" {
		return d.source
	}
	switch d.Kind {
	case "lognormal":
		return fmt.Sprintf("lognormal:%v,%g", d.Base, d.Sigma)
	case "uniform":
		return fmt.Sprintf("uniform:%v,%v", d.Base, d.Max)
	case "":
		return "0"
	}
	return d.Base.String()
}

// Sample draws one delay using rng (not safe for concurrent use with the same rng).
// Lognormal draws are capped at 1 h.
func (d InitDelay) Sample(rng *rand.Rand) time.Duration {
	switch d.Kind {
	case "lognormal":
		if d.Base <= 0 {
			return 0
		}
		v := float64(d.Base) * math.Exp(d.Sigma*rng.NormFloat64())
		return time.Duration(math.Min(v, float64(time.Hour)))
	case "uniform":
		if d.Max <= d.Base {
			return d.Base
		}
		return d.Base + time.Duration(rng.Int64N(int64(d.Max-d.Base)+1))
	}
	return d.Base
}
