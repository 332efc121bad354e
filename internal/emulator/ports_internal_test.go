package emulator

import (
	"net"
	"testing"
)

// fakeListener is a listener at a fixed address that records being closed.
type fakeListener struct {
	addr   *net.TCPAddr
	closed bool
}

func (f *fakeListener) Accept() (net.Conn, error) { return nil, net.ErrClosed }
func (f *fakeListener) Close() error              { f.closed = true; return nil }
func (f *fakeListener) Addr() net.Addr            { return f.addr }

// TestReservePortSkipsStartingPorts: a port the kernel offers again while another
// instance is still starting on it is held and passed over, then let go once a free
// one is found; a released port can be reserved again.
func TestReservePortSkipsStartingPorts(t *testing.T) {
	var offered []*fakeListener
	ports := []int{41001, 41001, 41001, 41002, 41001}
	listenLoopback = func() (net.Listener, error) {
		f := &fakeListener{addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: ports[len(offered)]}}
		offered = append(offered, f)
		return f, nil
	}
	defer func() { listenLoopback = func() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") } }()

	_, first, err := reservePort()
	if err != nil || first != "127.0.0.1:41001" {
		t.Fatalf("first reservation: %s, %v", first, err)
	}
	_, second, err := reservePort()
	if err != nil || second != "127.0.0.1:41002" {
		t.Fatalf("second reservation while the first is starting: %s, %v; want the next free port", second, err)
	}
	if !offered[1].closed || !offered[2].closed || offered[3].closed {
		t.Errorf("closed: %v %v %v, want the two passed over closed and the one kept open",
			offered[1].closed, offered[2].closed, offered[3].closed)
	}
	releasePort(first)
	if _, again, err := reservePort(); err != nil || again != first {
		t.Errorf("after release: %s, %v; want %s again", again, err, first)
	}
	releasePort(first)
	releasePort(second)
	if len(startingPorts.m) != 0 {
		t.Errorf("ports still marked starting: %v", startingPorts.m)
	}
}
