package money

import (
	"encoding/json"
	"testing"
)

func TestParseAndString(t *testing.T) {
	ok := map[string]string{
		"0": "0.00", "45000": "45000.00", "45000.5": "45000.50", "0.01": "0.01", ".5": "0.50", "-1.25": "-1.25",
		"+3": "3.00", "9999999999999.99": "9999999999999.99", "007.10": "7.10",
	}
	for in, want := range ok {
		a, err := Parse(in)
		if err != nil || a.String() != want {
			t.Errorf("Parse(%q) = %v, %v; want %s", in, a, err, want)
		}
	}
	for _, bad := range []string{"", ".", "-", "1.234", "1e3", "abc", "1.2.3", "10000000000000.00", "1,5", " 1 2"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestJSON(t *testing.T) {
	var v struct {
		A Amount  `json:"a"`
		B *Amount `json:"b"`
	}
	if err := json.Unmarshal([]byte(`{"a":45000,"b":"12.30"}`), &v); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(v)
	if string(out) != `{"a":"45000.00","b":"12.30"}` {
		t.Errorf("marshal = %s", out)
	}
	if err := json.Unmarshal([]byte(`{"a":0.1}`), &v); err != nil || v.A != 10 {
		t.Errorf("0.1 = %d (%v); must be exactly 10 cents", v.A, err)
	}
	for _, bad := range []string{`{"a":1.005}`, `{"a":"x"}`, `{"a":true}`, `{"a":1e-3}`,
		`{"a":" 1.00"}`, `{"a":"1.00 "}`, `{"a":"+1.00"}`, `{"a":".5"}`, `{"a":"1."}`, `{"a":"--1"}`} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if err := json.Unmarshal([]byte(`{"a":1e3}`), &v); err != nil || v.A != 100000 {
		t.Errorf("1e3 = %d (%v)", v.A, err)
	}
}

func TestArithmetic(t *testing.T) {
	a := MustParse("0.10")
	sum := Amount(0)
	for i := 0; i < 10; i++ {
		sum, _ = sum.Add(a)
	}
	if sum != MustParse("1.00") {
		t.Errorf("ten dimes = %s", sum)
	}
	if _, err := Max.Add(1); err == nil {
		t.Error("overflow past DECIMAL(15,2) accepted")
	}
	cases := []struct {
		price string
		qty   int64
		want  string
	}{{"10.00", 150, "15.00"}, {"0.33", 50, "0.17"}, {"19.99", 300, "59.97"}, {"0.01", 49, "0.00"}}
	for _, c := range cases {
		got, err := MustParse(c.price).MulQuantity(c.qty)
		if err != nil || got.String() != c.want {
			t.Errorf("%s x %d/100 = %s (%v), want %s", c.price, c.qty, got, err, c.want)
		}
	}
	if p := Percent(MustParse("1"), MustParse("3")); p != 33.33 {
		t.Errorf("Percent = %v", p)
	}
}

func TestScan(t *testing.T) {
	cases := []struct {
		in   any
		want string
	}{{[]byte("53234.00"), "53234.00"}, {"12.345", "12.35"}, {"-12.345", "-12.35"}, {int64(7), "7.00"}, {"45000.0000", "45000.00"}, {nil, "0.00"}}
	for _, c := range cases {
		var a Amount
		if err := a.Scan(c.in); err != nil || a.String() != c.want {
			t.Errorf("Scan(%v) = %s, %v; want %s", c.in, a, err, c.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"0", "1.5", "-0.01", "9999999999999.99", "1e3", ".", "00.10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			return
		}
		b, err := Parse(a.String())
		if err != nil || a != b {
			t.Fatalf("round trip %q -> %s -> %v (%v)", s, a, b, err)
		}
		if a > Max || a < -Max {
			t.Fatalf("%q parsed out of range: %d", s, a)
		}
	})
}
