package scenarios

import (
	"context"

	"github.com/thaw-dev/thaw/results"
)

// InvokerFunc adapts a function to Invoker. It is as safe for concurrent use as f.
type InvokerFunc func(ctx context.Context, s *results.Sample)

// Invoke calls f.
func (f InvokerFunc) Invoke(ctx context.Context, s *results.Sample) { f(ctx, s) }

// ClassifierFunc adapts a function to Classifier.
type ClassifierFunc func(s *results.Sample)

// Classify calls f.
func (f ClassifierFunc) Classify(s *results.Sample) { f(s) }

// SinkFunc adapts a function to Sink, e.g. SinkFunc(writer.Write).
type SinkFunc func(s *results.Sample) error

// Record calls f.
func (f SinkFunc) Record(s *results.Sample) error { return f(s) }

var (
	_ Invoker    = InvokerFunc(nil)
	_ Classifier = ClassifierFunc(nil)
	_ Sink       = SinkFunc(nil)
)
