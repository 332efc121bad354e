package emulator

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is one running instance process. Safe for concurrent use: stop may be called
// from any goroutine, any number of times.
type process struct {
	cmd      *exec.Cmd
	addr     string        // host:port it serves on
	done     chan struct{} // closed when the process has exited
	waitErr  error         // valid after done
	stderr   *tailBuffer
	stopOnce sync.Once
}

// spawnSpec is what startProcess needs.
type spawnSpec struct {
	handler   []string      // nil: the built-in handler
	initDelay time.Duration // already scaled
	timeScale float64
	instance  string
	ready     time.Duration // how long to wait for it to answer
}

// startProcess starts an instance and returns once it answers (the cold start).
func startProcess(ctx context.Context, sp spawnSpec) (*process, error) {
	if sp.handler != nil && !sleepCtx(ctx, sp.initDelay) {
		// A custom handler's init delay comes first, so that its port is free (between
		// our reservation and its bind) for no longer than the process takes to start.
		return nil, ctx.Err()
	}
	ln, addr, err := reservePort()
	if err != nil {
		return nil, fmt.Errorf("reserve port: %w", err)
	}
	defer releasePort(addr) // by return, the process holds the port or has given it up
	_, port, _ := net.SplitHostPort(addr)
	cmd, err := buildCmd(sp, ln, port)
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	p := &process{cmd: cmd, addr: addr, done: make(chan struct{}), stderr: &tailBuffer{max: 4096}}
	cmd.Stderr = p.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		_ = ln.Close()
		return nil, fmt.Errorf("stdout pipe: %w", err)
	}
	if _, err := cmd.StdinPipe(); err != nil { // EOF on it tells the child we are gone
		_ = ln.Close()
		return nil, fmt.Errorf("stdin pipe: %w", err)
	}
	if sp.handler != nil {
		_ = ln.Close() // a custom handler binds $PORT itself
	}
	if err := cmd.Start(); err != nil {
		_ = ln.Close()
		for _, f := range cmd.ExtraFiles {
			_ = f.Close()
		}
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	_ = ln.Close() // the child holds its own copy
	for _, f := range cmd.ExtraFiles {
		_ = f.Close()
	}
	go func() { p.waitErr = cmd.Wait(); close(p.done) }()
	lines := make(chan string, 1)
	go scanLines(stdout, lines)
	if err := p.awaitReady(ctx, sp, lines); err != nil {
		p.stop()
		return nil, err
	}
	return p, nil
}

func buildCmd(sp spawnSpec, ln net.Listener, port string) (*exec.Cmd, error) {
	var cmd *exec.Cmd
	env := append(os.Environ(), "PORT="+port, "THAW_INSTANCE="+sp.instance)
	if sp.handler == nil {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("own executable: %w", err)
		}
		f, err := ln.(*net.TCPListener).File()
		if err != nil {
			return nil, fmt.Errorf("listener file: %w", err)
		}
		cmd = exec.Command(exe)
		cmd.ExtraFiles = []*os.File{f} // fd 3 in the child
		env = append(env, EnvHandler+"=1", envListen+"=3",
			envInitNS+"="+strconv.FormatInt(int64(sp.initDelay), 10),
			envScale+"="+strconv.FormatFloat(sp.timeScale, 'g', -1, 64))
	} else {
		args := make([]string, len(sp.handler))
		for i, a := range sp.handler {
			args[i] = strings.NewReplacer("${PORT}", port, "$PORT", port).Replace(a)
		}
		cmd = exec.Command(args[0], args[1:]...)
		env = append(env, EnvHandler+"=") // never make a custom handler's Go child serve ours
	}
	cmd.Env = env
	setProcAttr(cmd)
	return cmd, nil
}

// scanLines forwards the child's stdout lines until it closes, dropping those nobody
// reads (the reader only wants the first ready line).
func scanLines(r interface{ Read([]byte) (int, error) }, out chan<- string) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		select {
		case out <- sc.Text():
		default:
		}
	}
}

// awaitReady waits for the built-in ready line, or for a custom handler's port to
// accept connections.
func (p *process) awaitReady(ctx context.Context, sp spawnSpec, lines <-chan string) error {
	deadline := time.NewTimer(sp.ready + sp.initDelay)
	defer deadline.Stop()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.C:
			return fmt.Errorf("instance %s not ready after %v", sp.instance, sp.ready+sp.initDelay)
		case <-p.done:
			return fmt.Errorf("instance %s exited before it was ready (%v): %s", sp.instance, p.waitErr, p.stderr.String())
		case l := <-lines:
			if sp.handler == nil && strings.TrimSpace(l) == readyLine {
				return nil
			}
		case <-tick.C:
			if sp.handler != nil && dialable(p.addr) {
				return nil
			}
		}
	}
}

func dialable(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 50*time.Millisecond)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

// stop ends the process group: SIGTERM, then SIGKILL after a grace period, and waits
// for the exit. Safe to call more than once.
func (p *process) stop() {
	p.stopOnce.Do(func() {
		signalGroup(p.cmd, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(2 * time.Second):
			signalGroup(p.cmd, syscall.SIGKILL)
			<-p.done
		}
		signalGroup(p.cmd, syscall.SIGKILL) // stragglers of the group
	})
}

// exited reports whether the process has ended by itself.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// tailBuffer keeps the last max bytes written. Safe for concurrent use.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.b))
}
