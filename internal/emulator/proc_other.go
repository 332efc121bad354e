//go:build !linux

package emulator

import (
	"os/exec"
	"syscall"
)

// setProcAttr does nothing outside Linux; children are stopped one by one.
func setProcAttr(*exec.Cmd) {}

// signalGroup sends sig to the child (SIGKILL is a hard kill everywhere).
func signalGroup(cmd *exec.Cmd, sig syscall.Signal) {
	if cmd.Process == nil {
		return
	}
	if sig == syscall.SIGKILL {
		_ = cmd.Process.Kill()
		return
	}
	_ = cmd.Process.Signal(sig)
}
