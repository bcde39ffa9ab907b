package dbtypes

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDateJSON(t *testing.T) {
	var v struct {
		D Date  `json:"d"`
		N *Date `json:"n"`
	}
	if err := json.Unmarshal([]byte(`{"d":"2026-03-05","n":null}`), &v); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(v)
	if string(out) != `{"d":"2026-03-05","n":null}` {
		t.Errorf("got %s", out)
	}
	for _, bad := range []string{`{"d":"1991-02-03T00:00:00Z"}`, `{"d":"2026-13-01"}`, `{"d":5}`, `{"d":"05/03/2026"}`} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestDateScan(t *testing.T) {
	var d Date
	if err := d.Scan(time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)); err != nil || d.String() != "2026-03-05" {
		t.Errorf("scan time = %s %v", d, err)
	}
	if err := d.Scan([]byte("2026-01-31")); err != nil || d.AddDays(1).String() != "2026-02-01" {
		t.Errorf("scan bytes = %s %v", d, err)
	}
}

func TestTimeJSON(t *testing.T) {
	tm := Time{time.Date(2026, 3, 5, 9, 0, 1, 234567000, time.FixedZone("EAT", 3*3600))}
	out, _ := json.Marshal(tm)
	if string(out) != `"2026-03-05T06:00:01.234Z"` {
		t.Errorf("got %s", out)
	}
	var back Time
	if err := json.Unmarshal([]byte(`"2026-03-05"`), &back); err != nil || !back.Equal(time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date-only = %v %v", back, err)
	}
	if err := json.Unmarshal([]byte(`"yesterday"`), &back); err == nil {
		t.Error("accepted yesterday")
	}
}

func TestJSONColumn(t *testing.T) {
	var j JSON[[]string]
	if err := j.Scan([]byte(`["wifi","parking"]`)); err != nil || len(j.V) != 2 || !j.Valid {
		t.Fatalf("scan = %+v %v", j, err)
	}
	v, _ := j.Value()
	if v != `["wifi","parking"]` {
		t.Errorf("value = %v", v)
	}
	var null JSON[map[string]any]
	_ = null.Scan(nil)
	out, _ := json.Marshal(null)
	if string(out) != "null" {
		t.Errorf("null marshals as %s", out)
	}
}
