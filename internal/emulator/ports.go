package emulator

import (
	"net"
	"sync"
)

// startingPorts are the loopback addresses reserved for instances whose process has
// not bound them yet. A custom handler binds $PORT itself, so its reservation is
// closed before the process starts; until the process binds it, the kernel may hand
// the same port to a concurrent start (a burst starts many at once). The second
// instance would then be found "ready" on the first one's process, and the two would
// share one process: the emulator's truth and the function would disagree on which
// request was cold.
var startingPorts = struct {
	sync.Mutex
	m map[string]bool
}{m: map[string]bool{}}

// listenLoopback is net.Listen on a free loopback port (a variable for tests).
var listenLoopback = func() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// reservePort listens on a free loopback port that no other instance is starting on,
// and marks it starting until releasePort. Ports the kernel offers that are starting
// elsewhere are held (so it cannot offer them again) until one is found.
func reservePort() (net.Listener, string, error) {
	var held []net.Listener
	defer func() {
		for _, ln := range held {
			_ = ln.Close()
		}
	}()
	for {
		ln, err := listenLoopback()
		if err != nil {
			return nil, "", err
		}
		addr := ln.Addr().String()
		startingPorts.Lock()
		taken := startingPorts.m[addr]
		if !taken {
			startingPorts.m[addr] = true
		}
		startingPorts.Unlock()
		if !taken {
			return ln, addr, nil
		}
		held = append(held, ln)
	}
}

// releasePort ends addr's start: its process holds it, or gave it up.
func releasePort(addr string) {
	startingPorts.Lock()
	delete(startingPorts.m, addr)
	startingPorts.Unlock()
}
