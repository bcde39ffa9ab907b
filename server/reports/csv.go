package reports

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
)

// table is a report as CSV rows, header first.
type table [][]string

func f2(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// csvOf lays out each report as a table: the KPIs as metric/value pairs, revenue by month,
// occupancy by compound, aging by bucket.
func csvOf(v any) (table, error) {
	switch r := v.(type) {
	case KPIs:
		return table{
			{"metric", "value"},
			{"totalUnits", strconv.Itoa(r.TotalUnits)},
			{"occupiedUnits", strconv.Itoa(r.OccupiedUnits)},
			{"vacantUnits", strconv.Itoa(r.VacantUnits)},
			{"occupancyRate", f2(r.OccupancyRate)},
			{"monthlyRecurringRevenue", r.MonthlyRecurringRevenue.Amount().String()},
			{"outstandingAmount", r.OutstandingAmount.Amount().String()},
			{"collectionRate", f2(r.CollectionRate)},
			{"overdueInvoices", strconv.Itoa(r.OverdueInvoices)},
			{"overdueAmount", r.OverdueAmount.Amount().String()},
			{"totalRevenue", r.TotalRevenue.Amount().String()},
			{"activeTenants", strconv.Itoa(r.ActiveTenants)},
			{"averageRent", r.AverageRent.Amount().String()},
		}, nil
	case Revenue:
		t := table{{"month", "revenue", "collected", "outstanding"}}
		for _, m := range r.MonthlyTrend {
			t = append(t, []string{m.Month, m.Revenue.Amount().String(), m.Collected.Amount().String(), m.Outstanding.Amount().String()})
		}
		return append(t, []string{"total", r.TotalRevenue.Amount().String(), r.TotalPaid.Amount().String(), r.TotalOutstanding.Amount().String()}), nil
	case Occupancy:
		t := table{{"compoundId", "compoundName", "totalUnits", "occupied", "occupancyRate"}}
		for _, c := range r.ByCompound {
			t = append(t, []string{c.CompoundID, c.CompoundName, strconv.Itoa(c.TotalUnits), strconv.Itoa(c.Occupied), f2(c.OccupancyRate)})
		}
		return t, nil
	case Aging:
		t := table{{"bucket", "invoices", "amount"}}
		for _, b := range r.Buckets {
			t = append(t, []string{b.Bucket, strconv.Itoa(b.Invoices), b.Amount.Amount().String()})
		}
		return append(t, []string{"total", strconv.Itoa(r.TotalInvoices), r.TotalOutstanding.Amount().String()}), nil
	}
	return nil, fmt.Errorf("no CSV layout for %T", v)
}

// encode writes the table as RFC 4180 CSV.
func (t table) encode() ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(t); err != nil {
		return nil, fmt.Errorf("write CSV: %w", err)
	}
	return b.Bytes(), nil
}
