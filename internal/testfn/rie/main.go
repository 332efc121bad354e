// Command rie is the Go Lambda handler that thaw's integration tests run inside the AWS
// Lambda Runtime Interface Emulator (build with CGO_ENABLED=0 go build -tags
// lambda.norpc -o bootstrap). Its init sleeps THAW_FN_INIT_MS (default 150) so a cold
// start is visible, and every invocation appends one JSON line of ground truth to
// THAW_FN_TRUTH (when set): the request id, the instance id, the invocation count on
// that instance and the measured init time. thaw never reads that file; tests compare
// thaw's verdicts with it.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// truthLine is one invocation as the handler saw it.
type truthLine struct {
	RequestID string  `json:"request_id"`
	Instance  string  `json:"instance"`
	Count     int     `json:"count"`
	InitMS    float64 `json:"init_ms"`
}

var (
	instance string
	initMS   float64
	mu       sync.Mutex
	count    int
)

func init() {
	start := time.Now()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	instance = hex.EncodeToString(b)
	ms, err := strconv.Atoi(os.Getenv("THAW_FN_INIT_MS"))
	if err != nil {
		ms = 150
	}
	time.Sleep(time.Duration(ms) * time.Millisecond)
	initMS = float64(time.Since(start).Microseconds()) / 1000
}

func handle(ctx context.Context, _ json.RawMessage) (map[string]any, error) {
	mu.Lock()
	count++
	n := count
	mu.Unlock()
	id := ""
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		id = lc.AwsRequestID
	}
	line := truthLine{RequestID: id, Instance: instance, Count: n, InitMS: initMS}
	if path := os.Getenv("THAW_FN_TRUTH"); path != "" {
		if err := appendLine(path, line); err != nil {
			return nil, err
		}
	}
	return map[string]any{"instance": instance, "count": n}, nil
}

func appendLine(path string, line truthLine) error {
	b, err := json.Marshal(line)
	if err != nil {
		return fmt.Errorf("encode truth: %w", err)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("open truth: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("write truth: %w", err)
	}
	return f.Close()
}

func main() { lambda.Start(handle) }
