package k6_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestTypeCheck type-checks thaw.js and the examples against k6's published
// TypeScript definitions (@types/k6) with `tsc --noEmit --checkJs` (tsconfig.json).
// `make test-deps` installs both with npm ci from package-lock.json; without them the
// test fails, it does not skip.
func TestTypeCheck(t *testing.T) {
	tsc := filepath.Join("node_modules", ".bin", "tsc")
	if _, err := os.Stat(tsc); err != nil {
		t.Fatalf("%s missing: run `make test-deps` (npm ci in extensions/k6): %v", tsc, err)
	}
	if _, err := os.Stat(filepath.Join("node_modules", "@types", "k6", "index.d.ts")); err != nil {
		t.Fatalf("@types/k6 missing: run `make test-deps`: %v", err)
	}
	out, err := exec.Command(tsc, "-p", "tsconfig.json", "--noEmit", "--checkJs").CombinedOutput()
	if err != nil {
		t.Fatalf("tsc: %v\n%s", err, out)
	}
}
