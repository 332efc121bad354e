package probes

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/url"
	"syscall"

	"github.com/thaw-dev/thaw/results"
)

// ErrorKind names what went wrong with a request that got no usable response, as one
// of the results.Err* kinds. ctx is the request's context: its deadline tells a
// timeout from a cancelled run.
func ErrorKind(ctx context.Context, err error) string {
	var (
		dnsErr  *net.DNSError
		recErr  tls.RecordHeaderError
		alert   tls.AlertError
		verify  *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		inval   x509.CertificateInvalidError
		netErr  net.Error
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		return results.ErrTimeout
	case errors.Is(err, context.Canceled):
		return results.ErrCanceled
	case errors.As(err, &dnsErr):
		return results.ErrDNS
	case errors.Is(err, syscall.ECONNREFUSED):
		return results.ErrRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNABORTED):
		return results.ErrReset
	case errors.As(err, &recErr), errors.As(err, &alert), errors.As(err, &verify),
		errors.As(err, &unknown), errors.As(err, &host), errors.As(err, &inval):
		return results.ErrTLS
	case errors.As(err, &netErr) && netErr.Timeout():
		return results.ErrTimeout
	}
	return results.ErrOther
}

// StatusKind is the error kind of an HTTP status: "" for success (1xx–3xx),
// throttled for 429, status_4xx and status_5xx otherwise.
func StatusKind(status int) string {
	switch {
	case status == 429:
		return results.ErrThrottled
	case status >= 500:
		return results.ErrStatus5xx
	case status >= 400:
		return results.ErrStatus4xx
	}
	return ""
}

// errDetail is the error's message without the request URL (which may carry a
// token in its query string).
func errDetail(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}
