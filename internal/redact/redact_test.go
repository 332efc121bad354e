package redact_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/internal/redact"
	"github.com/thaw-dev/thaw/results"
)

func TestString(t *testing.T) {
	set := redact.New("s3cr3t-tok/en&x", "Bearer s3cr3t-tok/en&x", "abc", "")
	tests := []struct {
		name, in, want string
	}{
		{"plain", "token=s3cr3t-tok/en&x;", "token=[redacted];"},
		{"whole header wins", `"authorization":"Bearer s3cr3t-tok/en&x"`, `"authorization":"[redacted]"`},
		{"json escaped", `{"h":"s3cr3t-tok\/en\u0026x"}`, `{"h":"[redacted]"}`},
		{"query escaped", "?t=s3cr3t-tok%2Fen%26x", "?t=[redacted]"},
		{"cut at the end", `{"auth":"Bearer s3cr3t-t`, `{"auth":"[redacted]`},
		{"cut at the start", `/en&x" more`, `[redacted]" more`},
		{"short values ignored", "abc abc", "abc abc"},
		{"nothing to do", "hello", "hello"},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := set.String(tc.in); got != tc.want {
				t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestNilAndEmptySetsScrubNothing(t *testing.T) {
	var nilSet *redact.Set
	for _, s := range []*redact.Set{nilSet, redact.New(), redact.New("ab")} {
		if s.Len() != 0 || s.String("ab cd") != "ab cd" {
			t.Errorf("set %v scrubs", s)
		}
		var buf bytes.Buffer
		if s.Writer(&buf) != &buf {
			t.Errorf("empty set wraps the writer")
		}
	}
}

func TestSample(t *testing.T) {
	set := redact.New("key-123456")
	s := &results.Sample{ErrorDetail: "bad key-123456", Instance: "i-key-123456",
		Evidence: &results.Evidence{Headers: map[string]string{"X-Echo": "key-123456"}, Body: `{"k":"key-123456"}`,
			Log: "key-123456 in log", Reasons: map[string]string{"marker": "saw key-123456"}}}
	set.Sample(s)
	all := strings.Join([]string{s.ErrorDetail, s.Instance, s.Evidence.Headers["X-Echo"], s.Evidence.Body, s.Evidence.Log, s.Evidence.Reasons["marker"]}, "|")
	if strings.Contains(all, "key-123456") || strings.Count(all, redact.Placeholder) != 6 {
		t.Errorf("scrubbed sample fields: %s", all)
	}
}

// Header maps may be shared by many samples: scrubbing one sample must not write to
// the map the others hold.
func TestSampleNeverWritesASharedHeaderMap(t *testing.T) {
	set := redact.New("key-123456")
	for _, tc := range []struct {
		name      string
		value     string
		wantSame  bool
		wantValue string
	}{
		{"nothing to scrub: the same map", "plain", true, "plain"},
		{"a secret: a new map", "key-123456", false, redact.Placeholder},
	} {
		t.Run(tc.name, func(t *testing.T) {
			shared := map[string]string{"X-Echo": tc.value, "X-Other": "x"}
			s := &results.Sample{Evidence: &results.Evidence{Headers: shared}}
			set.Sample(s)
			if got := s.Evidence.Headers["X-Echo"]; got != tc.wantValue {
				t.Errorf("scrubbed value %q, want %q", got, tc.wantValue)
			}
			if shared["X-Echo"] != tc.value {
				t.Errorf("the shared map was written: %q", shared["X-Echo"])
			}
			s.Evidence.Headers["X-New"] = "y" // the sample's map is the shared one only when nothing changed
			if _, same := shared["X-New"]; same != tc.wantSame {
				t.Errorf("sample kept the shared map: %v, want %v", same, tc.wantSame)
			}
		})
	}
}

func TestWriter(t *testing.T) {
	var buf bytes.Buffer
	w := redact.New("hunter2-pass").Writer(&buf)
	n, err := w.Write([]byte("login hunter2-pass\n"))
	if err != nil || n != len("login hunter2-pass\n") {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if got := buf.String(); got != "login [redacted]\n" {
		t.Errorf("wrote %q", got)
	}
}

func TestHeaderValues(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Bearer abc.def", []string{"Bearer abc.def", "abc.def"}},
		{"rawkey", []string{"rawkey"}},
		{"a=b; c=d", []string{"a=b; c=d"}},
	}
	for _, tc := range tests {
		got := redact.HeaderValues(tc.in)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("HeaderValues(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if !redact.IsSecretHeader("x-api-key") || redact.IsSecretHeader("X-Request-Id") {
		t.Error("IsSecretHeader")
	}
}

func FuzzString(f *testing.F) {
	f.Add("Bearer secret-value-1", "x Bearer secret-value-1 y")
	f.Fuzz(func(t *testing.T, secret, text string) {
		got := redact.New(secret).String(text)
		// A secret made of the placeholder's own characters could be formed anew
		// around a placeholder; credentials have none of [ and ].
		if len(secret) >= redact.MinLen && !strings.ContainsAny(secret, "[]") && strings.Contains(got, secret) {
			t.Fatalf("secret %q left in %q", secret, got)
		}
	})
}
