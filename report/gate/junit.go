package gate

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"

	"github.com/thaw-dev/thaw/results"
)

// JUnit XML as read by Jenkins, GitLab, GitHub test reporters and the common JUnit
// schema (testsuites > testsuite > testcase, with failure and skipped children).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes r as JUnit XML: a suite "thresholds" with one test case per
// threshold and, with a gate result, a suite "gate" with one test case per budget
// item. Failed items carry a <failure message=…>; inconclusive items are <skipped>,
// or failures when r.Strict. It is safe for concurrent use on distinct writers.
func WriteJUnit(w io.Writer, r Report) error {
	doc := junitSuites{Name: "thaw", Time: secs(r.DurationS)}
	if len(r.Thresholds) > 0 || r.Gate == nil {
		doc.Suites = append(doc.Suites, thresholdSuite(r))
	}
	if r.Gate != nil {
		doc.Suites = append(doc.Suites, gateSuite(r))
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	return nil
}

// WriteJUnitFile writes r as JUnit XML to path atomically.
func WriteJUnitFile(path string, r Report) error {
	var b bytes.Buffer
	if err := WriteJUnit(&b, r); err != nil {
		return err
	}
	return results.WriteFileAtomic(path, b.Bytes())
}

func secs(s float64) string { return fmt.Sprintf("%.3f", s) }

func suiteName(r Report, what string) string {
	if r.Run == "" {
		return "thaw " + what
	}
	return "thaw " + what + ": " + r.Run
}

func thresholdSuite(r Report) junitSuite {
	s := junitSuite{Name: suiteName(r, "thresholds"), Time: secs(r.DurationS)}
	for _, t := range r.Thresholds {
		c := junitCase{Name: t.Expr, Classname: "thaw.thresholds", Time: secs(0), SystemOut: t.Detail}
		if !t.Pass {
			c.Failure = &junitMessage{Message: t.Expr + ": " + t.Detail, Type: "threshold", Text: t.Detail}
			s.Failures++
		}
		s.Cases = append(s.Cases, c)
	}
	s.Tests = len(s.Cases)
	return s
}

func gateSuite(r Report) junitSuite {
	s := junitSuite{Name: suiteName(r, "gate"), Time: secs(0)}
	for _, it := range r.Gate.Items {
		c := junitCase{Name: it.Item, Classname: "thaw.gate", Time: secs(0), SystemOut: it.Detail}
		msg := &junitMessage{Message: string(it.Outcome) + ": " + it.Detail, Type: "regression", Text: it.Detail}
		switch {
		case it.Outcome == Fail, it.Outcome == Inconclusive && r.Strict:
			c.Failure = msg
			s.Failures++
		case it.Outcome == Inconclusive:
			msg.Type = ""
			c.Skipped = msg
			s.Skipped++
		}
		s.Cases = append(s.Cases, c)
	}
	s.Tests = len(s.Cases)
	return s
}
