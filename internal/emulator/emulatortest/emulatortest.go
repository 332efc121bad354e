// Package emulatortest starts thaw's built-in emulator for tests: on a free loopback
// port, closed when the test ends, with a failure to close reported.
package emulatortest

import (
	"testing"

	"github.com/thaw-dev/thaw/internal/emulator"
)

// Start starts an emulator with cfg (its Addr replaced by a free loopback port) for
// the life of t. A test binary whose functions run as instance processes must also
// call emulator.ServeHandlerIfChild from its TestMain.
func Start(t testing.TB, cfg emulator.Config) *emulator.Emulator {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	em, err := emulator.Start(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := em.Close(); err != nil {
			t.Errorf("close emulator: %v", err)
		}
	})
	return em
}
