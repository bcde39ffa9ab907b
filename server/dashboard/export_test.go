package dashboard

import (
	"math/big"
	"testing"
	"time"

	"github.com/ternant/ternant/server/platform/db"
)

// SeedCompany fills an existing company with random apartments, leases and invoices and returns
// the figures computed independently from them (for the HTTP tests in package dashboard_test).
func SeedCompany(t *testing.T, d *db.DB, companyID string, seed uint64, units int, today time.Time) map[string]*big.Rat {
	t.Helper()
	f := randomFixture(seed, units, today)
	f.companyID = companyID
	f.insertRows(t, d)
	return f.expected(today)
}

// CheckStatsJSON compares a stats object's JSON with the expected figures.
func CheckStatsJSON(t *testing.T, raw []byte, want map[string]*big.Rat) {
	t.Helper()
	checkStatsJSON(t, raw, want)
}
