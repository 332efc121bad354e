package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

// profiles is the hidden --cpuprofile/--memprofile pair every command takes: what the
// performance work reads with `go tool pprof`. Profiles cover the whole command, the
// run and its report alike.
type profiles struct {
	cpu, mem string
	cpuFile  *os.File
}

// bind adds the hidden flags to root and starts the CPU profile before any command.
func (p *profiles) bind(root *cobra.Command) {
	f := root.PersistentFlags()
	f.StringVar(&p.cpu, "cpuprofile", "", "write a CPU profile of the command to FILE")
	f.StringVar(&p.mem, "memprofile", "", "write a heap profile to FILE when the command ends")
	_ = f.MarkHidden("cpuprofile")
	_ = f.MarkHidden("memprofile")
	root.PersistentPreRunE = func(*cobra.Command, []string) error { return p.start() }
}

func (p *profiles) start() error {
	if p.cpu == "" {
		return nil
	}
	f, err := os.Create(p.cpu)
	if err != nil {
		return usageErr(fmt.Errorf("--cpuprofile: %w", err))
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return usageErr(fmt.Errorf("--cpuprofile: %w", err))
	}
	p.cpuFile = f
	return nil
}

// stop ends the CPU profile and writes the heap profile; problems go to stderr.
func (p *profiles) stop(stderr interface{ Write([]byte) (int, error) }) {
	if p.cpuFile != nil {
		pprof.StopCPUProfile()
		if err := p.cpuFile.Close(); err != nil {
			fmt.Fprintln(stderr, "thaw: --cpuprofile:", err)
		}
	}
	if p.mem == "" {
		return
	}
	f, err := os.Create(p.mem)
	if err != nil {
		fmt.Fprintln(stderr, "thaw: --memprofile:", err)
		return
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		fmt.Fprintln(stderr, "thaw: --memprofile:", err)
	}
}
