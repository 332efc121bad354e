package scenarios

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// MaxRetryAfter caps how long a Retry-After header may make a retry wait.
const MaxRetryAfter = 30 * time.Second

// retryKind maps an error kind to its name in retry.on.
func retryKind(errKind string) string {
	if errKind == results.ErrStatus5xx {
		return "5xx"
	}
	return errKind
}

// RetryWait is how long to wait before retry attempt n (1-based) of a sample that
// failed: backoff doubled for each earlier attempt, or the sample's Retry-After header
// (seconds or an HTTP date, relative to now) when it asks for longer, capped at
// MaxRetryAfter. Pure function.
func RetryWait(backoff time.Duration, n int, s *results.Sample, now time.Time) time.Duration {
	wait := backoff << min(max(n-1, 0), 20)
	if s.Evidence != nil {
		if ra := retryAfter(s.Evidence.Headers["Retry-After"], now); ra > wait {
			wait = ra
		}
	}
	return min(wait, MaxRetryAfter)
}

func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(min(secs, 3600)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

// withRetries sends s again while its failure is one retry.on names and attempts are
// left, waiting RetryWait between attempts. The returned sample is the last attempt's,
// with Retries set and the identity of the first (Seq, Phase, Scheduled, idle gap); its
// request id gets a ".rN" suffix so it joins the platform's log of that attempt. A run
// stopped during a wait keeps the last failed attempt.
func (r *Runner) withRetries(ctx context.Context, s *results.Sample) *results.Sample {
	rt := r.sc.Target.Retry
	if rt == nil || rt.Max <= 0 {
		return s
	}
	first := *s
	for n := 1; n <= rt.Max && !s.OK() && slices.Contains(rt.On, retryKind(s.Error)); n++ {
		if r.clock.Sleep(ctx, RetryWait(r.dur(rt.Backoff), n, s, r.clock.Now())) != nil {
			break
		}
		next := &results.Sample{Seq: first.Seq, RequestID: fmt.Sprintf("%s.r%d", first.RequestID, n), Phase: first.Phase,
			Scheduled: first.Scheduled, IdleBeforeMS: first.IdleBeforeMS, InFlight: first.InFlight, Retries: n}
		r.retries.Add(1)
		r.inv.Invoke(r.sendCtx, next)
		s = next
	}
	return s
}
