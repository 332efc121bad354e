package emulator_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/thaw-dev/thaw/internal/emulator"
)

// Example starts an emulator on a free loopback port and calls the function twice: the
// first call starts a real process (cold), the second reuses it (warm).
func Example() {
	cfg := emulator.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	em, err := emulator.Start(context.Background(), cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer em.Close()
	for range 2 {
		resp, err := http.Get(em.URL() + "/hello")
		if err != nil {
			fmt.Println(err)
			return
		}
		_ = resp.Body.Close()
		fmt.Println(resp.StatusCode, resp.Header.Get("X-Thaw-Instance"), "cold:", resp.Header.Get("X-Thaw-Cold"))
	}
	// Output:
	// 200 i-0001 cold: true
	// 200 i-0001 cold: false
}
