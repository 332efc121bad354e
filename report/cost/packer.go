package cost

import (
	"math"
	"sort"
	"strconv"
)

// packer estimates instance time for requests that carry no instance id: it places
// them, in start order, onto virtual instances that each serve up to conc requests at
// once (the platform's per-instance concurrency, pricing.instance_concurrency), the
// fewest instances that concurrency allows, and hands the intervals to instanceTime
// under virtual ids. Requests come in roughly completion order; they wait until no
// earlier start can still come (the horizon instanceTime uses), so memory stays
// bounded by the requests of the last minute or so and the peak number of instances.
type packer struct {
	conc      int
	out       *instanceTime
	pending   []span      // not yet placed
	busy      [][]float64 // per virtual instance: end times of the requests on it
	latestEnd float64
	longest   float64
	adds      int
}

func newPacker(conc int, out *instanceTime) *packer {
	return &packer{conc: conc, out: out, latestEnd: math.Inf(-1)}
}

func (k *packer) add(fromMS, toMS float64) {
	k.pending = append(k.pending, span{fromMS, toMS})
	k.latestEnd = math.Max(k.latestEnd, toMS)
	k.longest = math.Max(k.longest, toMS-fromMS)
	if k.adds++; k.adds%1024 == 0 {
		k.place(k.latestEnd - k.longest - flushSlackMS)
	}
}

// place puts every pending request that starts before the horizon on an instance.
func (k *packer) place(before float64) {
	sort.Slice(k.pending, func(i, j int) bool { return k.pending[i].from < k.pending[j].from })
	i := 0
	for ; i < len(k.pending) && k.pending[i].from < before; i++ {
		s := k.pending[i]
		k.out.add("\x00packed-"+strconv.Itoa(k.slot(s)), s.from, s.to)
	}
	k.pending = append(k.pending[:0], k.pending[i:]...)
}

// slot is the first virtual instance with room for s at its start, or a new one.
func (k *packer) slot(s span) int {
	for v, ends := range k.busy {
		live := ends[:0]
		for _, e := range ends {
			if e > s.from {
				live = append(live, e)
			}
		}
		if len(live) < k.conc {
			k.busy[v] = append(live, s.to)
			return v
		}
		k.busy[v] = live
	}
	k.busy = append(k.busy, []float64{s.to})
	return len(k.busy) - 1
}

// finish places every request still pending.
func (k *packer) finish() { k.place(math.Inf(1)) }
