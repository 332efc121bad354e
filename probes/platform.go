package probes

import (
	"encoding/base64"
	"fmt"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// platform reads what a platform reports without any change to the function:
//
//   - AWS Lambda Invoke API with LogType: Tail: the base64 log tail in X-Amz-Log-Result
//     (or a log already stored in Evidence.Log); an init line or an Init/Restore
//     Duration in the REPORT line means cold (confidence 1), a REPORT line without
//     them means warm. InitMS, BilledMS, MaxMemoryMB and PlatformDurMS are filled.
//   - OpenFaaS X-Duration-Seconds: the function's duration (PlatformDurMS); no cold
//     signal, so it abstains.
//   - A log file (option `log: FILE`, with `log_wait_ms`): the Lambda Runtime Interface
//     Emulator's output or a CloudWatch Logs export, joined to samples by request id
//     (Sample.RequestID, or the X-Amzn-Requestid AWS answered with).
type platform struct {
	logHeaders, durHeaders []string
	file                   *lambdaLogFile
	ev                     evidenceReader
}

func newPlatform(o *opts) (probe, error) {
	p := &platform{
		logHeaders: canonical(o.strs("log_header", []string{"X-Amz-Log-Result"})),
		durHeaders: canonical(o.strs("duration_header", []string{"X-Duration-Seconds"})),
	}
	wait := o.num("log_wait_ms", float64(DefaultLogWait/time.Millisecond), 0)
	if path := o.str("log", ""); path != "" {
		p.file = newLambdaLogFile(path, time.Duration(wait*float64(time.Millisecond)))
	}
	return p, nil
}

func (p *platform) log(s *results.Sample) (string, string) {
	if raw, n, ok := p.ev.header(s, p.logHeaders); ok {
		dec, err := base64.StdEncoding.DecodeString(raw)
		if err != nil {
			return "", fmt.Sprintf("%s is not base64: %v", n, err)
		}
		return string(dec), ""
	}
	if s.Evidence != nil && s.Evidence.Log != "" {
		return s.Evidence.Log, ""
	}
	if p.file != nil {
		ids := []string{s.RequestID}
		if id, _, ok := headerValue(s, []string{"X-Amzn-Requestid"}); ok && id != s.RequestID {
			ids = append(ids, id)
		}
		return p.file.lookup(ids)
	}
	return "", ""
}

// noLogTail is why the platform probe finds nothing of its kind in a sample.
const noLogTail = "no Lambda log tail (X-Amz-Log-Result)"

func (p *platform) judge(s *results.Sample) verdict {
	var v verdict
	durNote := ""
	if raw, n, ok := p.ev.header(s, p.durHeaders); ok {
		if sec, ok := parseNum(raw); ok {
			v.PlatformDurMS = sec * 1000
			durNote = fmt.Sprintf("; %s = %s s (duration only, no cold signal)", n, raw)
		}
	}
	text, problem := p.log(s)
	if text == "" {
		switch {
		case problem != "":
			v.Reason = "abstain: " + problem + durNote
		case durNote != "":
			v.Reason, v.NoEvidence = "abstain: "+noLogTail+durNote, true
		default: // the common case: a constant, not built for every sample
			v.Reason, v.NoEvidence = "abstain: "+noLogTail, true
		}
		return v
	}
	v.Log = text
	l := ParseLambdaLog(text)
	v.InitMS, v.BilledMS, v.MaxMemoryMB = l.InitMS(), l.BilledMS, l.MaxMemoryMB
	if l.DurationMS > 0 {
		v.PlatformDurMS = l.DurationMS
	}
	switch {
	case l.HasRestore && !l.HasInitDuration:
		v.Class, v.Kind, v.Confidence = results.Cold, results.KindColdRestored, 1
		v.Reason = fmt.Sprintf("Lambda REPORT line shows a SnapStart restore (%.2f ms)", l.RestoreMS)
	case l.Cold():
		v.Class, v.Kind, v.Confidence = results.Cold, results.KindCold, 1
		v.Reason = fmt.Sprintf("Lambda log shows init (init %.2f ms, INIT START %v phase %q)", l.InitMS(), l.InitStart, l.InitPhase)
	case l.HasReport:
		v.Class, v.Kind, v.Confidence = results.Warm, results.KindWarm, 1
		v.Reason = "Lambda REPORT line without Init Duration"
	default:
		v.Reason = "abstain: Lambda log tail has no REPORT or INIT line"
	}
	return v
}

// learn is part of the whole-run pass; the platform probe needs nothing from it.
func (p *platform) learn(*results.Sample) {}

// freeze starts the judging of a finished run: its log file is complete, so a sample
// missing from it is not waited for.
func (p *platform) freeze() {
	if p.file != nil {
		p.file.wait = 0
	}
}

// evidenceOnly: without a log file, the answer depends on the evidence alone; a log
// file is looked up by each sample's request id.
func (p *platform) evidenceOnly() bool { return p.file == nil }
