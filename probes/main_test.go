package probes_test

import (
	"os"
	"testing"

	"github.com/thaw-dev/thaw/internal/emulator"
)

// TestMain lets this test binary serve as the emulator's built-in handler.
func TestMain(m *testing.M) {
	emulator.ServeHandlerIfChild()
	os.Exit(m.Run())
}
