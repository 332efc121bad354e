package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/thaw-dev/thaw/internal/emulator"
)

// selfReport is the built-in function's own view with ?self=1.
type selfReport struct {
	Served   int64 `json:"served"`
	InFlight int64 `json:"in_flight"`
}

// TestTruthAgreesWithFunction: while instances start and others arrive at the same
// time, the emulator's truth and the function's own view agree on every response: the
// cold one is the instance's first request, and no instance ever serves more requests
// at once than --per-instance-concurrency. (A new instance once became visible to
// other requests before the request that started it was leased onto it.)
func TestTruthAgreesWithFunction(t *testing.T) {
	t.Parallel()
	em := start(t, func(c *emulator.Config) { c.MaxInstances = 50 })
	const workers, calls = 20, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*calls)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range calls {
				if err := checkAgreement(em.URL(), fmt.Sprintf("w%d-%d", w, i)); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func checkAgreement(url, id string) error {
	req, err := http.NewRequest(http.MethodGet, url+"/fn?self=1&sleep=3ms", nil)
	if err != nil {
		return err
	}
	req.Header.Set(emulator.RequestIDHeader, id)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var self selfReport
	if err := json.NewDecoder(resp.Body).Decode(&self); err != nil {
		return fmt.Errorf("%s: body: %w", id, err)
	}
	cold := resp.Header.Get(emulator.HeaderCold) == "true"
	if self.InFlight != 1 {
		return fmt.Errorf("%s: instance %s served %d requests at once, want 1", id, resp.Header.Get(emulator.HeaderInstance), self.InFlight)
	}
	if cold != (self.Served == 1) {
		return fmt.Errorf("%s: truth says cold=%v, the function's request number is %d", id, cold, self.Served)
	}
	return nil
}
