package gate

import (
	"fmt"
	"net"
	"net/url"
)

// Comparable reports why base cannot serve as the baseline of next: a different
// scenario name or a different target. Targets on a loopback host are compared
// without their port (emulators listen on a free port each run). It returns nil when
// the runs match.
func Comparable(base, next RunData) error {
	b, n := base.Summary, next.Summary
	if b.Scenario != n.Scenario {
		return fmt.Errorf("baseline %s is a run of scenario %q, the new run of %q", base.Dir, b.Scenario, n.Scenario)
	}
	if !sameTarget(b.Target, n.Target) {
		return fmt.Errorf("baseline %s ran against %q, the new run against %q", base.Dir, b.Target, n.Target)
	}
	return nil
}

func sameTarget(a, b string) bool {
	if a == b {
		return true
	}
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	if errA != nil || errB != nil {
		return false
	}
	return loopback(ua.Hostname()) && loopback(ub.Hostname()) && ua.Scheme == ub.Scheme && ua.Path == ub.Path
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
