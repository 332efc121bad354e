package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"time"
)

// Truth response headers (unless Config.HideTruth).
const (
	HeaderInstance  = "X-Thaw-Instance"
	HeaderCold      = "X-Thaw-Cold"
	HeaderInitMS    = "X-Thaw-Init-Ms"
	HeaderSinceInit = "X-Thaw-Since-Init-Ms"
	HeaderRequests  = "X-Thaw-Instance-Requests"
	HeaderPrewarmed = "X-Thaw-Prewarmed"
	HeaderQueuedMS  = "X-Thaw-Queued-Ms"
	// RequestIDHeader is the request header whose value becomes TruthRecord.RequestID.
	RequestIDHeader = "X-Request-Id"
)

type ctxKey struct{}

// newProxy builds the reverse proxy; the instance comes with the request context.
func newProxy(cfg Config) *httputil.ReverseProxy {
	tr := &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: 30 * time.Second, DisableCompression: true}
	return &httputil.ReverseProxy{
		Transport: tr,
		Rewrite: func(pr *httputil.ProxyRequest) {
			l := pr.In.Context().Value(ctxKey{}).(*lease)
			pr.SetURL(&url.URL{Scheme: "http", Host: l.inst.proc.addr})
			pr.Out.Host = pr.In.Host
		},
		ModifyResponse: func(resp *http.Response) error {
			if !cfg.HideTruth {
				l := resp.Request.Context().Value(ctxKey{}).(*lease)
				setTruthHeaders(resp.Header, l)
			}
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if r.Context().Err() != nil {
				w.WriteHeader(499)
				return
			}
			writeJSONError(w, http.StatusBadGateway, "instance_failed", err.Error())
		},
	}
}

func setTruthHeaders(h http.Header, l *lease) {
	h.Set(HeaderInstance, l.inst.id)
	h.Set(HeaderCold, strconv.FormatBool(l.cold))
	h.Set(HeaderInitMS, ms(l.initMS))
	h.Set(HeaderSinceInit, ms(float64(l.sinceInit.Microseconds())/1e3))
	h.Set(HeaderRequests, strconv.Itoa(l.requests))
	if l.prewarmed {
		h.Set(HeaderPrewarmed, "true")
	}
	if l.queued > 0 {
		h.Set(HeaderQueuedMS, ms(float64(l.queued.Microseconds())/1e3))
	}
}

func ms(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }

// ServeHTTP is the platform front door: /healthz, or the function on any other path.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/healthz" {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "instances": e.pool.liveCount()})
		return
	}
	e.inflight.Add(1)
	defer e.inflight.Done()
	seq, arrive := e.truth.arrive()
	rec := TruthRecord{Seq: seq, RequestID: r.Header.Get(RequestIDHeader),
		ArriveNS: arrive.UnixNano(), Method: r.Method, Path: r.URL.Path}
	if rec.RequestID == "" {
		rec.RequestID = "emu-" + strconv.FormatInt(rec.Seq, 10)
	}
	sw := &statusWriter{ResponseWriter: w}
	e.serveFunction(sw, r, &rec)
	rec.Status = sw.status()
	rec.LatencyMS = float64(time.Since(arrive).Microseconds()) / 1e3
	e.truth.done(rec)
}

// serveFunction places the request on an instance, injects faults, and proxies it.
func (e *Emulator) serveFunction(w *statusWriter, r *http.Request, rec *TruthRecord) {
	fault, slow := e.pool.drawFaults()
	l, err := e.pool.acquire(r.Context())
	if err != nil {
		rec.Error = err.Error()
		e.writeAcquireError(w, r, err)
		return
	}
	defer e.pool.release(l)
	rec.Instance, rec.Cold, rec.Prewarmed = l.inst.id, l.cold, l.prewarmed
	rec.InitMS, rec.InitDelayMS, rec.InstanceRequests = l.initMS, l.initDelayMS, l.requests
	rec.SinceInitMS = float64(l.sinceInit.Microseconds()) / 1e3
	rec.QueuedMS = float64(l.queued.Microseconds()) / 1e3
	if slow {
		rec.Fault = "slow"
		if !sleepCtx(r.Context(), e.cfg.scale(e.cfg.Slow)) {
			w.WriteHeader(499)
			return
		}
	}
	switch fault {
	case "error":
		rec.Fault = "error"
		e.writeFault(w, &l, http.StatusInternalServerError, "function_error", "injected function error")
		return
	case "timeout":
		rec.Fault = "timeout"
		if !sleepCtx(r.Context(), e.cfg.scale(e.cfg.TimeoutHold)) {
			w.WriteHeader(499)
			return
		}
		e.writeFault(w, &l, http.StatusGatewayTimeout, "function_timeout", "injected function timeout")
		return
	}
	e.proxy.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, &l)))
}

func (e *Emulator) writeFault(w http.ResponseWriter, l *lease, status int, code, msg string) {
	if !e.cfg.HideTruth {
		setTruthHeaders(w.Header(), l)
	}
	writeJSONError(w, status, code, msg)
}

func (e *Emulator) writeAcquireError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, errThrottled), errors.Is(err, errQueueTimeout):
		w.Header().Set("Retry-After", "1")
		writeJSONError(w, http.StatusTooManyRequests, "throttled",
			fmt.Sprintf("%v (max instances %d)", err, e.cfg.MaxInstances))
	case r.Context().Err() != nil:
		w.WriteHeader(499) // the client went away
	case errors.Is(err, errClosed):
		writeJSONError(w, http.StatusServiceUnavailable, "shutting_down", err.Error())
	default:
		writeJSONError(w, http.StatusBadGateway, "cold_start_failed", err.Error())
	}
}

func writeJSONError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "message": msg})
}

// statusWriter remembers the status sent.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.code == 0 {
		s.code = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer (flushing).
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *statusWriter) status() int {
	if s.code == 0 {
		return http.StatusOK
	}
	return s.code
}
