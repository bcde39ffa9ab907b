package dashboard

import (
	"encoding/json"
	"testing"
)

func TestHundredthsRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Hundredths
		out  string
	}{
		{"0", 0, "0"},
		{"0.00", 0, "0"},
		{"53234.00", 5323400, "53234"},
		{"53234.50", 5323450, "53234.5"},
		{"53234.05", 5323405, "53234.05"},
		{"0.5", 50, "0.5"},
		{"-12.34", -1234, "-12.34"},
		{"-0.01", -1, "-0.01"},
		{"9999999999999.99", 999999999999999, "9999999999999.99"},
	} {
		got, err := ParseHundredths(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseHundredths(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
			continue
		}
		raw, _ := json.Marshal(got)
		if string(raw) != tc.out {
			t.Errorf("marshal %d = %s, want %s", got, raw, tc.out)
		}
		var back Hundredths
		if err := json.Unmarshal(raw, &back); err != nil || back != got {
			t.Errorf("unmarshal %s = %d, %v; want %d", raw, back, err, got)
		}
	}
}

func TestParseHundredthsRejects(t *testing.T) {
	for _, in := range []string{"", "-", ".5", "1.", "1.234", "1e3", "12a", "1.2.3", "--1", "99999999999999999999"} {
		if v, err := ParseHundredths(in); err == nil {
			t.Errorf("ParseHundredths(%q) = %d, want an error", in, v)
		}
	}
}

func TestPercentRoundsHalfUp(t *testing.T) {
	for _, tc := range []struct {
		part, whole int64
		want        Hundredths
	}{
		{0, 0, 0}, {5, 0, 0}, {0, 7, 0}, {1, 1, 10000}, {1, 3, 3333}, {2, 3, 6667},
		{1, 8, 1250}, {1, 32, 313}, {1, 16, 625}, {7, 9, 7778}, {123456, 1000000, 1235},
	} {
		if got := percent(tc.part, tc.whole); got != tc.want {
			t.Errorf("percent(%d, %d) = %d, want %d", tc.part, tc.whole, got, tc.want)
		}
	}
}

func TestTrimDecimal(t *testing.T) {
	for in, want := range map[string]string{
		"45000.000000": "45000", "0.000000": "0", "45123.333333": "45123.333333", "0.500": "0.5", "12": "12", "100.10": "100.1",
	} {
		if got := trimDecimal(in); got != want {
			t.Errorf("trimDecimal(%q) = %q, want %q", in, got, want)
		}
	}
}
