package compounds

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// coordScale is DECIMAL(10,7)'s scale: a Coord counts ten-millionths of a degree.
const coordScale = 10_000_000

// Coord is a latitude or longitude held exactly as DECIMAL(10,7): an integer count of 1e-7 degrees.
// It marshals as TernantApp's decimal string ("-1.2921000") and accepts a JSON number or string.
type Coord int64

// ParseCoord reads a decimal such as "36.8219" or "-1.29210001"; digits past the seventh decimal are
// rounded half away from zero, as MySQL stores them.
func ParseCoord(s string) (Coord, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || !allDigits(whole) || !allDigits(frac) || len(whole) > 3 {
		return 0, fmt.Errorf("coordinate %q: not a decimal degree", s)
	}
	roundUp := len(frac) > 7 && frac[7] >= '5'
	if len(frac) > 7 {
		frac = frac[:7]
	}
	frac += strings.Repeat("0", 7-len(frac))
	w, _ := strconv.ParseInt("0"+whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	v := w*coordScale + f
	if roundUp {
		v++
	}
	if neg {
		v = -v
	}
	return Coord(v), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// within reports whether c lies in [-limit, limit] degrees.
func (c Coord) within(limit int64) bool {
	return int64(c) >= -limit*coordScale && int64(c) <= limit*coordScale
}

// String formats with seven decimals, as MySQL returns DECIMAL(10,7).
func (c Coord) String() string {
	v := int64(c)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%07d", sign, v/coordScale, v%coordScale)
}

// MarshalJSON writes the decimal string.
func (c Coord) MarshalJSON() ([]byte, error) { return []byte(`"` + c.String() + `"`), nil }

// UnmarshalJSON accepts a JSON number or a decimal string, exactly.
func (c *Coord) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	v, err := ParseCoord(s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: "number " + s, Type: reflect.TypeOf(Coord(0))}
	}
	*c = v
	return nil
}

// ValidationPhrase words a type error as class-validator's IsNumber does.
func (Coord) ValidationPhrase() string {
	return "must be a number conforming to the specified constraints"
}

// Value stores the DECIMAL literal.
func (c Coord) Value() (driver.Value, error) { return c.String(), nil }

// Scan reads a DECIMAL(10,7) column.
func (c *Coord) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case []byte:
		s = string(v)
	case string:
		s = v
	case int64:
		*c = Coord(v * coordScale)
		return nil
	default:
		return fmt.Errorf("coordinate: cannot scan %T", src)
	}
	v, err := ParseCoord(s)
	if err != nil {
		return err
	}
	*c = v
	return nil
}
