package emulator_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/internal/emulator"
)

func TestReadTruthLog(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    int
		wantErr string
	}{
		{"empty", "", 0, ""},
		{"two lines and blanks", `{"seq":0,"request_id":"a","cold":true}` + "\n\n" + `{"seq":1,"request_id":"b","future":1}` + "\n", 2, ""},
		{"broken line", `{"seq":0}` + "\n{", 0, "line 2"},
		{"two values", `{"seq":0} {"seq":1}`, 0, "line 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := emulator.ReadTruthLog(strings.NewReader(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one naming %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || len(got) != tc.want {
				t.Fatalf("got %d records, %v; want %d", len(got), err, tc.want)
			}
		})
	}
}

// FuzzReadTruthLog: whatever decodes re-encodes and decodes to the same records.
func FuzzReadTruthLog(f *testing.F) {
	f.Add(`{"seq":0,"request_id":"a","instance":"i-0001","cold":true,"init_ms":12.5,"status":200}` + "\n")
	f.Add("\n\n{}\n")
	f.Add(`{"seq":"x"}`)
	f.Fuzz(func(t *testing.T, in string) {
		recs, err := emulator.ReadTruthLog(strings.NewReader(in))
		if err != nil {
			return
		}
		var b strings.Builder
		for _, r := range recs {
			line, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			b.Write(line)
			b.WriteByte('\n')
		}
		again, err := emulator.ReadTruthLog(strings.NewReader(b.String()))
		if err != nil || len(again) != len(recs) {
			t.Fatalf("round trip: %d → %d records, %v", len(recs), len(again), err)
		}
		for i := range recs {
			if again[i] != recs[i] {
				t.Fatalf("record %d: %+v → %+v", i, recs[i], again[i])
			}
		}
	})
}
