package scenarios

import "testing"

func TestRequestIDPadsToSixDigits(t *testing.T) {
	for _, tc := range []struct {
		seq  int64
		want string
	}{
		{0, "ab-000000"}, {1, "ab-000001"}, {100, "ab-000100"}, {99999, "ab-099999"},
		{100000, "ab-100000"}, {999999, "ab-999999"}, {1234567, "ab-1234567"},
	} {
		if got := requestID("ab", tc.seq); got != tc.want {
			t.Errorf("requestID(ab, %d) = %q, want %q", tc.seq, got, tc.want)
		}
	}
}
