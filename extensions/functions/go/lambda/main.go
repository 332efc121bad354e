// Command lambda is an AWS Lambda function for the provided.al2023 runtime (build with
// GOOS=linux CGO_ENABLED=0 go build -o bootstrap) that tells thaw whether it was cold.
// It talks to the Lambda Runtime API directly, so it needs only the standard library;
// with github.com/aws/aws-lambda-go the same marker lines go in your handler (see
// README.md). The answer is an API Gateway / function URL proxy response: the
// X-Function-* headers, and the same facts as JSON body fields.
package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strconv"
	"time"
)

// --- the few lines to copy into your handler -----------------------------------------

var (
	initAt   = time.Now() // package init: the sandbox's cold start
	instance = newID()
	count    int64 // Lambda runs one invocation at a time per sandbox
)

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// proxyResponse is the API Gateway / function URL response shape.
type proxyResponse struct {
	StatusCode int               `json:"statusCode"`
	Headers    map[string]string `json:"headers"`
	Body       string            `json:"body"`
}

func handle() (proxyResponse, error) {
	count++
	since := time.Since(initAt).Milliseconds()
	body, err := json.Marshal(map[string]any{"instance": instance, "cold": count == 1, "since_init_ms": since, "count": count})
	if err != nil {
		return proxyResponse{}, fmt.Errorf("encode body: %w", err)
	}
	return proxyResponse{StatusCode: 200, Body: string(body), Headers: map[string]string{
		"Content-Type":             "application/json",
		"X-Function-Instance":      instance,
		"X-Function-Cold":          strconv.FormatBool(count == 1),
		"X-Function-Since-Init-Ms": strconv.FormatInt(since, 10),
		"X-Function-Count":         strconv.FormatInt(count, 10),
	}}, nil
}

// --------------------------------------------------------------------------------------

// main is the Runtime API loop: next invocation, answer, repeat.
func main() {
	api := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/"
	for {
		if err := invokeOnce(api); err != nil {
			log.Fatal(err)
		}
	}
}

func invokeOnce(api string) error {
	resp, err := http.Get(api + "next")
	if err != nil {
		return fmt.Errorf("next invocation: %w", err)
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return fmt.Errorf("read event: %w", err)
	}
	if err := resp.Body.Close(); err != nil {
		return fmt.Errorf("read event: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("next invocation: status %d", resp.StatusCode)
	}
	id := resp.Header.Get("Lambda-Runtime-Aws-Request-Id")
	out, err := handle()
	verb := "response"
	if err != nil {
		verb, out = "error", proxyResponse{StatusCode: 500, Body: err.Error()}
	}
	payload, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	post, err := http.Post(api+id+"/"+verb, "application/json", bytes.NewReader(payload))
	if err != nil {
		return fmt.Errorf("post %s: %w", verb, err)
	}
	return post.Body.Close()
}
