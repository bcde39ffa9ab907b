// Package reports computes the company reports (KPIs, revenue, occupancy, receivables aging) with
// exact decimal arithmetic, serves them as JSON or CSV, and caches them in Redis for 300 seconds.
package reports

import (
	"github.com/ternant/ternant/server/platform/money"
)

// Num is an exact amount written as a JSON number (reports carry numbers, as in TernantApp).
type Num = money.Number

// KPIs answers GET /reports/kpis.
type KPIs struct {
	TotalUnits              int     `json:"totalUnits"`
	OccupiedUnits           int     `json:"occupiedUnits"`
	VacantUnits             int     `json:"vacantUnits"`
	OccupancyRate           float64 `json:"occupancyRate"`
	MonthlyRecurringRevenue Num     `json:"monthlyRecurringRevenue"`
	OutstandingAmount       Num     `json:"outstandingAmount"`
	CollectionRate          float64 `json:"collectionRate"`
	OverdueInvoices         int     `json:"overdueInvoices"`
	OverdueAmount           Num     `json:"overdueAmount"`
	TotalRevenue            Num     `json:"totalRevenue"`
	ActiveTenants           int     `json:"activeTenants"`
	AverageRent             Num     `json:"averageRent"`
}

// MonthRevenue is one month of Revenue.MonthlyTrend.
type MonthRevenue struct {
	Month       string `json:"month" db:"month"`
	Revenue     Num    `json:"revenue" db:"revenue"`
	Collected   Num    `json:"collected" db:"collected"`
	Outstanding Num    `json:"outstanding" db:"outstanding"`
}

// MethodRevenue is one payment method of Revenue.ByPaymentMethod.
type MethodRevenue struct {
	Method     string  `json:"method"`
	Amount     Num     `json:"amount"`
	Percentage float64 `json:"percentage"`
}

// Revenue answers GET /reports/revenue.
type Revenue struct {
	TotalRevenue          Num             `json:"totalRevenue"`
	TotalPaid             Num             `json:"totalPaid"`
	TotalOutstanding      Num             `json:"totalOutstanding"`
	CollectionRate        float64         `json:"collectionRate"`
	MonthlyTrend          []MonthRevenue  `json:"monthlyTrend"`
	ByPaymentMethod       []MethodRevenue `json:"byPaymentMethod"`
	AverageMonthlyRevenue Num             `json:"averageMonthlyRevenue"`
}

// MonthOccupancy is one month of Occupancy.MonthlyTrend.
type MonthOccupancy struct {
	Month         string  `json:"month"`
	OccupancyRate float64 `json:"occupancyRate"`
	Occupied      int     `json:"occupied"`
	Vacant        int     `json:"vacant"`
}

// CompoundOccupancy is one compound of Occupancy.ByCompound.
type CompoundOccupancy struct {
	CompoundID    string  `json:"compoundId" db:"id"`
	CompoundName  string  `json:"compoundName" db:"name"`
	TotalUnits    int     `json:"totalUnits" db:"total"`
	Occupied      int     `json:"occupied" db:"occupied"`
	OccupancyRate float64 `json:"occupancyRate" db:"-"`
}

// Occupancy answers GET /reports/occupancy. averageDaysToFill is null: vacancies are not tracked
// (TernantApp returned a constant 12).
type Occupancy struct {
	CurrentOccupancyRate float64             `json:"currentOccupancyRate"`
	TotalUnits           int                 `json:"totalUnits"`
	OccupiedUnits        int                 `json:"occupiedUnits"`
	VacantUnits          int                 `json:"vacantUnits"`
	AverageLeaseDuration float64             `json:"averageLeaseDuration"`
	AverageDaysToFill    *float64            `json:"averageDaysToFill"`
	MonthlyTrend         []MonthOccupancy    `json:"monthlyTrend"`
	ByCompound           []CompoundOccupancy `json:"byCompound"`
	TurnoverRate         float64             `json:"turnoverRate"`
}

// AgingBucket is one band of outstanding receivables.
type AgingBucket struct {
	Bucket   string `json:"bucket"`
	Invoices int    `json:"invoices"`
	Amount   Num    `json:"amount"`
}

// Aging answers GET /reports/aging: what sent and overdue invoices still owe, by days past due
// (not yet due counts as 0).
type Aging struct {
	AsOf             string        `json:"asOf"`
	TotalInvoices    int           `json:"totalInvoices"`
	TotalOutstanding Num           `json:"totalOutstanding"`
	Buckets          []AgingBucket `json:"buckets"`
}

// AgingBuckets are the bands, in order.
var AgingBuckets = []string{"0-30", "31-60", "61-90", "90+"}
