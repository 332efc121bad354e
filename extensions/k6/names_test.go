package k6_test

import (
	"fmt"
	"testing"

	ingest "github.com/thaw-dev/thaw/ingest/k6"
	"github.com/thaw-dev/thaw/probes"
)

// TestNamesMatchThaw: the header, field, tag and metadata names in thaw.js are the
// ones thaw's probes and `thaw ingest k6` use, so the two cannot drift apart.
func TestNamesMatchThaw(t *testing.T) {
	k := loadThaw(t, nil)
	names, ok := k.export("NAMES").(map[string]any)
	if !ok {
		t.Fatalf("NAMES is %T", k.export("NAMES"))
	}
	for key, want := range map[string]any{
		"coldHeaders":     probes.DefaultColdHeaders,
		"instanceHeaders": probes.DefaultInstanceHeaders,
		"initHeaders":     probes.DefaultInitHeaders,
		"countHeaders":    probes.DefaultCountHeaders,
		"coldFields":      probes.DefaultColdFields,
		"instanceFields":  probes.DefaultInstanceFields,
		"initFields":      probes.DefaultInitFields,
		"countFields":     probes.DefaultCountFields,
		"requestIdHeader": probes.DefaultRequestIDHeader,
		"classTag":        ingest.TagClass,
		"workloadTag":     ingest.TagWorkload,
		"requestIdMeta":   ingest.MetaRequestID,
		"instanceMeta":    ingest.MetaInstance,
		"initMeta":        ingest.MetaInitMS,
	} {
		if got := fmt.Sprint(names[key]); got != fmt.Sprint(want) {
			t.Errorf("NAMES.%s = %v, thaw uses %v", key, got, want)
		}
	}
	if len(names) != 15 {
		t.Errorf("NAMES has %d entries; check every new one here", len(names))
	}
	// The verdict metric ingest joins on is the one the module creates.
	metrics := k.mod.Get("metrics").ToObject(k.vm)
	if got := metrics.Get("reqDuration").ToObject(k.vm).Get("name").String(); got != ingest.MetricVerdict {
		t.Errorf("metrics.reqDuration is %q, ingest reads %q", got, ingest.MetricVerdict)
	}
}
