// Package emulator is thaw's built-in FaaS platform: every function instance is a real
// OS process, started on demand (a real cold start), reused while warm, stopped after a
// keep-alive (scale to zero), throttled beyond a maximum, and optionally faulty. Every
// response carries the ground truth (X-Thaw-Instance, X-Thaw-Cold, X-Thaw-Init-Ms, …)
// and the same truth can be written as JSON lines, so classifiers can be scored.
//
// # Using it from tests
//
// The default handler is thaw's own executable started again with the environment
// variable THAW_EMULATOR_HANDLER=1. A test binary is "the current executable" too, so
// every test package that starts an emulator with the default handler must call
// ServeHandlerIfChild first thing in TestMain:
//
//	func TestMain(m *testing.M) {
//		emulator.ServeHandlerIfChild()
//		os.Exit(m.Run())
//	}
//
// then:
//
//	cfg := emulator.DefaultConfig()
//	cfg.Addr = "127.0.0.1:0"
//	cfg.KeepAlive = 2 * time.Second
//	em, err := emulator.Start(ctx, cfg)
//	...
//	defer em.Close() // stops every instance process
//	resp, err := http.Get(em.URL() + "/")
//
// After Close, Truth returns one TruthRecord per request in arrival order, and the
// truth log (Config.TruthLog) is complete on disk.
//
// # Time scale
//
// Config.TimeScale divides every emulator duration (keep-alive, jitter, lifetime, init
// delay, slow and timeout faults, queue timeout) so that a 10-minute keep-alive takes
// 10 s at 60. Process start itself is real and is not scaled.
package emulator
