// Package scenarios is what to send and when: the scenario file (Parse, Validate, the
// JSON Schema), the workloads as pure pacers (ConstantSchedule, PoissonSchedule,
// RampSchedule, TraceSchedule for replayed Azure Functions traces, IdleGaps, BurstPlan,
// ClosedPlan, Bisector), and the Runner that drives them through an Invoker, classifies
// each sample online and hands it to a Sink. A Runner can send one segment of every
// phase (WithSegment, SegmentSchedule, SplitCount), so that several machines started
// together (WithStartAt) send exactly the whole scenario between them.
//
// Timing logic is a pure function of elapsed time and count: open-model arrivals are
// planned ahead (arrival n of a constant rate at n/rps; of a ramp where the integral of
// the rate reaches n), so latency can be measured from the intended send time and late
// or dropped sends are counted, never hidden. The Runner takes an injected Clock.
package scenarios
