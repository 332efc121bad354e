package cost

import (
	"math"
	"sort"
)

// span is a busy interval of one instance, in milliseconds since the Unix epoch.
type span struct{ from, to float64 }

// instanceTime adds up the time each instance was busy with at least one request:
// requests that overlap on one instance share it. Requests arrive roughly in completion
// order (samples.ndjson order), not sorted; memory stays bounded by flushing, per
// instance, the merged spans that end before the horizon: the latest end seen minus
// the longest request seen minus a minute, which no later request can reach. A request
// that still starts before the last horizon flushed (a very long one, written late) is
// clipped to it, so time is never counted twice.
type instanceTime struct {
	roundMS   float64           // each merged busy interval rounded up to a multiple of this
	perInst   map[string][]span // per instance: sorted, disjoint busy spans
	horizon   float64           // spans ending before it are billed and forgotten
	latestEnd float64
	longest   float64
	billedMS  float64 // flushed busy time, rounded
	adds      int
}

const flushSlackMS = 60_000

func newInstanceTime(roundMS float64) *instanceTime {
	return &instanceTime{roundMS: roundMS, perInst: map[string][]span{}, horizon: math.Inf(-1), latestEnd: math.Inf(-1)}
}

// add records that instance id was busy from fromMS to toMS.
func (t *instanceTime) add(id string, fromMS, toMS float64) {
	if toMS <= fromMS {
		return
	}
	fromMS = math.Max(fromMS, t.horizon)
	if toMS > fromMS {
		t.perInst[id] = insertSpan(t.perInst[id], span{fromMS, toMS})
	}
	t.latestEnd = math.Max(t.latestEnd, toMS)
	t.longest = math.Max(t.longest, toMS-fromMS)
	if t.adds++; t.adds%1024 == 0 {
		t.flush(t.latestEnd - t.longest - flushSlackMS)
	}
}

// insertSpan merges s into the sorted disjoint list.
func insertSpan(list []span, s span) []span {
	i := sort.Search(len(list), func(i int) bool { return list[i].to >= s.from })
	j := i
	for j < len(list) && list[j].from <= s.to {
		s.from = math.Min(s.from, list[j].from)
		s.to = math.Max(s.to, list[j].to)
		j++
	}
	out := append(list[:i:i], s)
	return append(out, list[j:]...)
}

// flush bills every span that ends before horizon and forgets it.
func (t *instanceTime) flush(horizon float64) {
	if horizon <= t.horizon {
		return
	}
	t.horizon = horizon
	for id, spans := range t.perInst {
		k := 0
		for k < len(spans) && spans[k].to < horizon {
			t.bill(spans[k])
			k++
		}
		if k == len(spans) {
			delete(t.perInst, id)
			continue
		}
		t.perInst[id] = append(spans[:0], spans[k:]...)
	}
}

func (t *instanceTime) bill(s span) {
	d := s.to - s.from
	if t.roundMS > 0 {
		d = math.Ceil(d/t.roundMS-1e-9) * t.roundMS
	}
	t.billedMS += d
}

// total flushes everything and returns the busy time billed, in milliseconds.
func (t *instanceTime) total() float64 {
	t.flush(math.Inf(1))
	return t.billedMS
}
