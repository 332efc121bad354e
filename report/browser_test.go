package report_test

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/report"
	"github.com/thaw-dev/thaw/report/internal/fixture"
)

const chromiumPath = "/usr/bin/chromium"

// TestHTMLRendersInChromium opens report.html in headless Chromium (no network) and
// checks the screenshot is a real page: many colours, a good share of non-white pixels.
// It fails, never skips, when Chromium is missing: run scripts/install-chromium.sh.
func TestHTMLRendersInChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("%s missing (%v): run scripts/install-chromium.sh first", chromiumPath, err)
	}
	dir, _ := freshRun(t, fixture.Options{Seed: 3})
	if err := report.Write(dir, report.Options{Version: "browser-test"}); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(t.TempDir(), "shot.png")
	out, err := screenshot(t, filepath.Join(dir, report.HTMLFile), shot)
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v\n%s", err, out)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < 1000 || b.Dy() < 1500 {
		t.Errorf("screenshot %v, want about 1280x2000", b)
	}
	if n := distinctColors(img); n < 50 {
		t.Errorf("screenshot has %d distinct colours: blank page?", n)
	}
	if share := nonWhiteShare(img); share < 0.05 {
		t.Errorf("only %.1f%% non-white pixels: blank page?", share*100)
	}
	if *keep != "" {
		if b, err := os.ReadFile(shot); err == nil {
			_ = os.WriteFile(filepath.Join(*keep, "screenshot.png"), b, 0o644)
		}
	}
}

// screenshot runs Chromium headless in its own process group with a fresh profile and
// kills the whole group when done, so no child outlives the test.
func screenshot(t *testing.T, page, out string) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	profile := t.TempDir()
	defer killLeftovers(t, profile)
	cmd := exec.CommandContext(ctx, chromiumPath, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--no-first-run", "--disable-dev-shm-usage", "--disable-crash-reporter",
		"--hide-scrollbars", "--user-data-dir="+profile, "--screenshot="+out,
		"--window-size=1280,2000", "file://"+page)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	b, err := cmd.CombinedOutput()
	if cmd.Process != nil {
		if kerr := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); kerr != nil && !errors.Is(kerr, syscall.ESRCH) {
			t.Logf("kill chromium group: %v", kerr)
		}
	}
	return b, err
}

// killLeftovers kills any process still running with our fresh profile directory on its
// command line (a helper that left the process group, such as a crash handler): each
// is one we started, found by its unique profile path and killed by pid.
func killLeftovers(t *testing.T, profile string) {
	t.Helper()
	procs, err := filepath.Glob("/proc/[0-9]*/cmdline")
	if err != nil {
		t.Logf("list processes: %v", err)
		return
	}
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(b, []byte(profile)) {
			continue
		}
		pid, err := strconv.Atoi(filepath.Base(filepath.Dir(p)))
		if err != nil {
			continue
		}
		if err := syscall.Kill(pid, syscall.SIGKILL); err == nil {
			t.Logf("killed leftover chromium process %d", pid)
		}
	}
}
