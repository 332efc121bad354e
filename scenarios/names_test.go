package scenarios_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/scenarios"
)

var (
	safeNameRE   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)
	httpMethodRE = regexp.MustCompile(`^[A-Z]+$`)
)

// TestNameChecksMatchRegexps: the written-out checks accept exactly what the regular
// expressions of the scenario schema accept.
func TestNameChecksMatchRegexps(t *testing.T) {
	cases := []string{"", "a", "A-1", "checkout-cold-starts", "_x", ".x", "-x", "x y", "x/y",
		"é", "x.", "GET", "get", "POST1", "P", "Ü", strings.Repeat("a", 100), strings.Repeat("a", 101),
		"a" + strings.Repeat("-", 99), "\x00", "ok\n"}
	for _, s := range cases {
		if got, want := scenarios.IsSafeName(s), safeNameRE.MatchString(s); got != want {
			t.Errorf("IsSafeName(%q) = %v, regexp says %v", s, got, want)
		}
		if got, want := scenarios.IsHTTPMethod(s), httpMethodRE.MatchString(s); got != want {
			t.Errorf("IsHTTPMethod(%q) = %v, regexp says %v", s, got, want)
		}
	}
}

func FuzzNameChecks(f *testing.F) {
	f.Add("checkout-1")
	f.Add("GET")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := scenarios.IsSafeName(s), safeNameRE.MatchString(s); got != want {
			t.Errorf("IsSafeName(%q) = %v, regexp says %v", s, got, want)
		}
		if got, want := scenarios.IsHTTPMethod(s), httpMethodRE.MatchString(s); got != want {
			t.Errorf("IsHTTPMethod(%q) = %v, regexp says %v", s, got, want)
		}
	})
}
