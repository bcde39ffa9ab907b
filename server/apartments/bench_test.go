package apartments

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ternant/ternant/server/compounds"
	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
)

// BenchmarkEncodePage measures the response encoding of a full list page (100 apartments with
// their compound), the hot path of GET /apartments.
func BenchmarkEncodePage(b *testing.B) {
	now := dbtypes.Time{Time: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
	floor, beds, baths := 3, 2, 1
	area, rent := money.MustParse("72.50"), money.MustParse("45000")
	notes := "Corner unit"
	c := &compounds.Compound{ID: "0197a1c2-0000-7000-8000-000000000001", Name: "Palm Court"}
	page := make([]Apartment, 100)
	for i := range page {
		page[i] = Apartment{ID: "0197a1c2-0000-7000-8000-000000000100", CompanyID: "0197a1c2-0000-7000-8000-000000000002",
			CreatedAt: now, UpdatedAt: now, CompoundID: c.ID, UnitNumber: "3B", Floor: &floor, Bedrooms: &beds,
			Bathrooms: &baths, AreaSqm: &area, MonthlyRent: &rent, Status: "occupied",
			Amenities: dbtypes.JSONOf([]string{"parking", "wifi"}), Notes: &notes, IsActive: true, Compound: c}
	}
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		httpx.OK(rec, page)
		if rec.Body.Len() < 1000 {
			b.Fatal("short body")
		}
	}
}
