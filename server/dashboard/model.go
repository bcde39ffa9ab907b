// Package dashboard serves GET /dashboard/stats: a company's twelve headline figures, computed in
// one SQL round trip and cached in Redis under dashboard:stats:{companyId} until a write that
// changes a figure invalidates them (see cache.Invalidator) or the TTL runs out.
package dashboard

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Stats are the dashboard figures, in TernantApp's field order. Every value marshals as a JSON
// number, as TernantApp sends them.
type Stats struct {
	TotalUnits              int64      `json:"totalUnits"`
	OccupiedUnits           int64      `json:"occupiedUnits"`
	VacantUnits             int64      `json:"vacantUnits"`
	OccupancyRate           Hundredths `json:"occupancyRate"`
	ActiveTenants           int64      `json:"activeTenants"`
	AverageRent             Decimal    `json:"averageRent"`
	MonthlyRecurringRevenue Hundredths `json:"monthlyRecurringRevenue"`
	TotalRevenue            Hundredths `json:"totalRevenue"`
	OutstandingAmount       Hundredths `json:"outstandingAmount"`
	CollectionRate          Hundredths `json:"collectionRate"`
	OverdueInvoices         int64      `json:"overdueInvoices"`
	OverdueAmount           Hundredths `json:"overdueAmount"`
}

// Decimal is a SQL decimal kept as its text and sent as a JSON number (averageRent is unrounded,
// so it has more places than money).
type Decimal string

// MarshalJSON writes d as a number; an empty Decimal is 0.
func (d Decimal) MarshalJSON() ([]byte, error) {
	if d == "" {
		return []byte("0"), nil
	}
	return []byte(d), nil
}

// UnmarshalJSON reads a JSON number.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("decimal: %w", err)
	}
	*d = Decimal(n)
	return nil
}

// Hundredths is an exact value with two decimal places held as an integer count of hundredths:
// money in minor units, or a percentage rounded to two places. It marshals as a JSON number
// without trailing zeros (12345 -> 123.45, 12300 -> 123), as JavaScript prints numbers.
type Hundredths int64

// String formats h as a decimal without trailing zeros.
func (h Hundredths) String() string { return string(h.append(nil)) }

// append appends h formatted as String does, without allocating beyond b.
func (h Hundredths) append(b []byte) []byte {
	n := int64(h)
	whole, frac := n/100, n%100
	if n < 0 {
		b = append(b, '-')
		whole, frac = -whole, -frac // (not -n: that overflows for the smallest int64)
		b = strconv.AppendUint(b, uint64(whole), 10)
	} else {
		b = strconv.AppendInt(b, whole, 10)
	}
	if frac != 0 {
		b = append(b, '.', byte('0'+frac/10))
		if frac%10 != 0 {
			b = append(b, byte('0'+frac%10))
		}
	}
	return b
}

// MarshalJSON writes h as a number.
func (h Hundredths) MarshalJSON() ([]byte, error) { return h.append(make([]byte, 0, 24)), nil }

// UnmarshalJSON reads a number with at most two decimal places (the cached form).
func (h *Hundredths) UnmarshalJSON(b []byte) error {
	v, err := ParseHundredths(string(b))
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// ParseHundredths reads a decimal such as "-53234.5" or "0.00" exactly. More than two decimal
// places is an error: it would lose money.
func ParseHundredths(s string) (Hundredths, error) {
	orig := s
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || (hasFrac && (frac == "" || len(frac) > 2)) || !digits(whole) || !digits(frac) {
		return 0, fmt.Errorf("parse decimal %q: want digits with at most two decimal places", orig)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > (1<<63-1)/100-1 {
		return 0, fmt.Errorf("parse decimal %q: out of range", orig)
	}
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt((frac + "0")[:2], 10, 64)
	}
	n := w*100 + f
	if neg {
		n = -n
	}
	return Hundredths(n), nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// percent is part/whole×100 rounded half up to two places, 0 when whole is 0 (TernantApp's rule).
func percent(part, whole int64) Hundredths {
	if whole <= 0 {
		return 0
	}
	// part/whole×10000 hundredths, rounded half up: (2×part×10000 + whole) / (2×whole).
	return Hundredths((2*part*10000 + whole) / (2 * whole))
}

// trimDecimal drops trailing zeros of a SQL decimal ("45000.000000" -> "45000", "0.500" -> "0.5").
func trimDecimal(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
