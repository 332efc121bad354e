package report_test

import (
	"bytes"
	"context"
	"errors"
	"image"
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

// TestSVGCutFontsDisplayTheSame: Chromium draws each figure's SVG, whose fonts are cut
// to the characters drawn, pixel for pixel as the same SVG carrying the whole fonts.
func TestSVGCutFontsDisplayTheSame(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("%s missing (%v): run scripts/install-chromium.sh first", chromiumPath, err)
	}
	dir, s := fixtureRun(t)
	figs, err := report.Figures(dir, s)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	for _, f := range figs {
		if f.Name != "throughput" && f.Name != "latency-cdf" {
			continue
		}
		full, err := report.FullFontSVG(f)
		if err != nil {
			t.Fatal(err)
		}
		cut, err := f.SVG()
		if err != nil {
			t.Fatal(err)
		}
		if len(cut)*5 > len(full) {
			t.Errorf("%s: SVG %d bytes with cut fonts, %d with whole fonts: want under a fifth", f.Name, len(cut), len(full))
		}
		var shots [2][]byte
		for i, svg := range [][]byte{full, cut} {
			page := filepath.Join(tmp, f.Name+strconv.Itoa(i)+".svg")
			if err := os.WriteFile(page, svg, 0o644); err != nil {
				t.Fatal(err)
			}
			shot := filepath.Join(tmp, f.Name+strconv.Itoa(i)+".png")
			if out, err := screenshot(t, page, shot); err != nil {
				t.Fatalf("chromium: %v\n%s", err, out)
			}
			if shots[i], err = os.ReadFile(shot); err != nil {
				t.Fatal(err)
			}
		}
		a, errA := png.Decode(bytes.NewReader(shots[0]))
		b, errB := png.Decode(bytes.NewReader(shots[1]))
		if errA != nil || errB != nil {
			t.Fatalf("decode screenshots: %v, %v", errA, errB)
		}
		if n := distinctColors(a); n < 20 {
			t.Fatalf("%s: screenshot of the whole-font SVG has %d colours: blank?", f.Name, n)
		}
		if d := pixelsDiffer(a, b); d != 0 {
			t.Errorf("%s: %d pixels differ between whole and cut fonts", f.Name, d)
		}
	}
}

func pixelsDiffer(a, b image.Image) int {
	if !a.Bounds().Eq(b.Bounds()) {
		return a.Bounds().Dx() * a.Bounds().Dy()
	}
	n := 0
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				n++
			}
		}
	}
	return n
}
