package probes_test

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"testing"

	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/results"
)

// BenchmarkHTTPInvoke is one invocation over a reused loopback connection: the
// harness's own cost per request, with thaw's lean HTTP/1.1 client and with net/http,
// against the same minimal server (a fixed answer, allocation-free, so that the
// allocations counted are the client's).
func BenchmarkHTTPInvoke(b *testing.B) {
	url := fixedServer(b, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nServer-Timing: app;dur=0.010\r\nDate: Wed, 02 Dec 2026 00:00:00 GMT\r\n\r\nok")
	for _, client := range []string{probes.ClientLean, probes.ClientStd} {
		b.Run(client, func(b *testing.B) {
			inv, err := probes.NewHTTPInvoker(probes.HTTPConfig{URL: url, Client: client})
			if err != nil {
				b.Fatal(err)
			}
			defer inv.Close()
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				s := results.Sample{RequestID: "r"}
				inv.Invoke(ctx, &s)
				if s.Error != "" {
					b.Fatal(s.Error, s.ErrorDetail)
				}
			}
		})
	}
}

// fixedServer answers every request (no body) on a loopback connection with reply,
// until the benchmark ends. It returns the server's URL.
func fixedServer(b *testing.B, reply string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				out := []byte(reply)
				for {
					line, err := br.ReadSlice('\n')
					if err != nil {
						return
					}
					if len(bytes.TrimSpace(line)) == 0 { // end of a request's headers
						if _, err := c.Write(out); err != nil {
							return
						}
					}
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/"
}
