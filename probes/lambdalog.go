package probes

import (
	"regexp"
	"strings"
	"sync"
)

// LambdaLog is what ParseLambdaLog found in an AWS Lambda log tail (Invoke API with
// LogType: Tail, the X-Amz-Log-Result header decoded). Durations are milliseconds,
// memory megabytes; a Has* flag says the figure was present.
type LambdaLog struct {
	RequestID    string
	HasReport    bool    // a REPORT line was found
	DurationMS   float64 // REPORT Duration
	BilledMS     float64 // REPORT Billed Duration
	MemorySizeMB float64 // REPORT Memory Size
	MaxMemoryMB  float64 // REPORT Max Memory Used

	HasInitDuration bool
	InitDurationMS  float64 // REPORT Init Duration: present only on a cold start
	HasRestore      bool
	RestoreMS       float64 // REPORT Restore Duration: SnapStart restore (cold)

	InitStart     bool   // an INIT_START / INIT START line: the environment initialised
	InitType      string // INIT START type (on-demand, provisioned-concurrency, snap-start)
	InitPhase     string // INIT START phase: init, or invoke for an in-place re-init
	HasInitReport bool
	InitReportMS  float64 // INIT_REPORT / INIT REPORT duration: the true init time
}

// Cold reports whether the log shows an initialisation for this invocation.
func (l LambdaLog) Cold() bool {
	return l.HasInitDuration || l.HasRestore || l.InitStart || l.HasInitReport
}

// InitMS is the best init figure: the INIT REPORT line (the Lambda runtime interface
// emulator's REPORT Init Duration is wrong, its INIT REPORT is right), else the REPORT
// Init Duration, else the SnapStart Restore Duration; 0 when none.
func (l LambdaLog) InitMS() float64 {
	switch {
	case l.HasInitReport:
		return l.InitReportMS
	case l.HasInitDuration:
		return l.InitDurationMS
	case l.HasRestore:
		return l.RestoreMS
	}
	return 0
}

// lambdaKV matches a "Key: value" pair of a REPORT line; compiled on first use (only
// Lambda targets read such lines), not at start-up.
var lambdaKV = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`([A-Za-z][A-Za-z ]*):\s*([0-9A-Za-z.\-$_:]*[0-9A-Za-z$_])`)
})

// ParseLambdaLog reads the REPORT, INIT_START and INIT_REPORT lines of a Lambda log
// tail (both AWS's `INIT_START` and the runtime interface emulator's `INIT START(...)`
// spellings). Other lines are ignored; it never fails, an empty result means no
// platform lines. It is safe for concurrent use.
func ParseLambdaLog(log string) LambdaLog {
	var l LambdaLog
	for _, line := range strings.Split(log, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "REPORT"):
			l.HasReport = true
			parseReport(&l, line[len("REPORT"):])
		case strings.HasPrefix(line, "INIT_START"), strings.HasPrefix(line, "INIT START"):
			l.InitStart = true
			for k, v := range logPairs(line[len("INIT_START"):]) {
				switch strings.ToLower(k) {
				case "type":
					l.InitType = v
				case "phase":
					l.InitPhase = v
				}
			}
		case strings.HasPrefix(line, "INIT_REPORT"), strings.HasPrefix(line, "INIT REPORT"):
			for k, v := range logPairs(line[len("INIT_REPORT"):]) {
				switch strings.ToLower(k) {
				case "init duration", "durationms", "duration":
					if f, ok := logNum(v); ok {
						l.HasInitReport, l.InitReportMS = true, f
					}
				}
			}
		}
	}
	return l
}

func parseReport(l *LambdaLog, rest string) {
	for k, v := range logPairs(rest) {
		f, ok := logNum(v)
		switch k {
		case "RequestId":
			l.RequestID = v
		case "Duration":
			l.DurationMS = f
		case "Billed Duration":
			l.BilledMS = f
		case "Memory Size":
			l.MemorySizeMB = f
		case "Max Memory Used":
			l.MaxMemoryMB = f
		case "Init Duration":
			l.HasInitDuration, l.InitDurationMS = ok, f
		case "Restore Duration":
			l.HasRestore, l.RestoreMS = ok, f
		}
	}
}

// logPairs yields `Key: value` pairs; a unit word left before the next key (`ms`,
// `MB`) is dropped from that key.
func logPairs(s string) map[string]string {
	out := map[string]string{}
	for _, m := range lambdaKV().FindAllStringSubmatch(s, -1) {
		k := strings.TrimSpace(m[1])
		for _, unit := range []string{"ms ", "MB ", "REPORT "} {
			k = strings.TrimPrefix(k, unit)
		}
		if _, dup := out[k]; !dup {
			out[k] = strings.TrimSuffix(m[2], ",")
		}
	}
	return out
}

func logNum(v string) (float64, bool) {
	v = strings.TrimSuffix(strings.TrimSuffix(v, "ms"), "MB")
	return parseNum(v)
}
