package emulator_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/internal/emulator"
)

// envHelper makes the test binary act as a tiny `thaw emulate` (see emulateHelper).
const envHelper = "THAW_TEST_EMULATE_HELPER"

// emulateHelper runs an emulator until SIGINT or SIGTERM, like `thaw emulate`, when
// the test binary is started with envHelper=1. Called from TestMain.
func emulateHelper() {
	if os.Getenv(envHelper) != "1" {
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	cfg := emulator.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.Init = "50ms"
	em, err := emulator.Start(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	fmt.Println(em.URL())
	<-ctx.Done()
	if err := em.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// TestCloseStopsEveryProcess: after Close no instance process is left, whether the
// instances were ready or still starting (Close cuts a 3 s init short). Not parallel:
// it counts this process's children.
func TestCloseStopsEveryProcess(t *testing.T) {
	tests := []struct {
		name            string
		init            string
		calls           int
		wantOK          int // calls answered 200
		wantChildren    int // while running
		waitBeforeClose bool
	}{
		{name: "ready instances", calls: 4, wantOK: 4, wantChildren: 4, waitBeforeClose: true},
		{name: "instance starting", init: "3s", calls: 1, wantOK: 0, wantChildren: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if n := len(children(t, os.Getpid())); n != 0 {
				t.Fatalf("%d child processes before the test", n)
			}
			cfg := emulator.DefaultConfig()
			cfg.Addr, cfg.Init = "127.0.0.1:0", tc.init
			em, err := emulator.Start(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			codes := make(chan int, tc.calls)
			for i := range tc.calls {
				go func() { codes <- get(fmt.Sprintf("%s/c-%d?sleep=200ms", em.URL(), i)) }()
			}
			if tc.waitBeforeClose {
				waitFor(t, func() bool { return len(em.PIDs()) == tc.calls })
			} else {
				time.Sleep(200 * time.Millisecond)
			}
			if n := len(children(t, os.Getpid())); n != tc.wantChildren {
				t.Errorf("%d children before Close, want %d", n, tc.wantChildren)
			}
			if err := em.Close(); err != nil {
				t.Fatalf("close: %v", err)
			}
			if left := children(t, os.Getpid()); len(left) != 0 {
				t.Errorf("child processes left after Close: %v", left)
			}
			ok := 0
			for range tc.calls {
				if <-codes == http.StatusOK {
					ok++
				}
			}
			if ok != tc.wantOK {
				t.Errorf("%d calls answered 200 across Close, want %d", ok, tc.wantOK)
			}
		})
	}
}

// get returns the status of a GET, 0 when it failed.
func get(url string) int {
	resp, err := client.Get(url)
	if err != nil {
		return 0
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// waitFor polls cond for up to 10 s.
func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met within 10 s")
}

// TestSignalStopsEveryProcess: SIGINT and SIGTERM to an emulator process stop it and
// every instance process.
func TestSignalStopsEveryProcess(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), envHelper+"=1")
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { _ = cmd.Process.Kill() }()
			sc := bufio.NewScanner(out)
			if !sc.Scan() {
				t.Fatalf("emulator printed no URL: %v", sc.Err())
			}
			url := strings.TrimSpace(sc.Text())
			burst(t, url, 3)
			kids := children(t, cmd.Process.Pid)
			if len(kids) != 3 {
				t.Fatalf("emulator has %d children %v, want 3 instances", len(kids), kids)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("emulator after %v: %v", sig, err)
			}
			for _, pid := range kids {
				if alive(pid) {
					t.Errorf("instance process %d outlived the emulator", pid)
				}
			}
		})
	}
}
