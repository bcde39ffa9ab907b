// Package apartments serves the units inside compounds: CRUD with soft delete, status changes,
// search, count and per-status stats, plus a compound's stats (the compound and its units).
package apartments

import (
	"github.com/ternant/ternant/server/compounds"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
)

// Statuses are the apartments.status enum values, in enum order.
var Statuses = []string{"available", "occupied", "maintenance", "reserved"}

// StatusOccupied is the status that blocks a delete.
const StatusOccupied = "occupied"

// maxArea is DECIMAL(10,2)'s largest value.
const maxArea = money.Amount(9_999_999_999)

// Apartment is an apartments row in TernantApp's field order, with the optional compound include.
type Apartment struct {
	ID         string       `db:"id" json:"id"`
	CompanyID  string       `db:"company_id" json:"companyId"`
	CreatedAt  dbtypes.Time `db:"created_at" json:"createdAt"`
	UpdatedAt  dbtypes.Time `db:"updated_at" json:"updatedAt"`
	CompoundID string       `db:"compound_id" json:"compoundId"`
	UnitNumber string       `db:"unit_number" json:"unitNumber"`
	Floor      *int         `db:"floor" json:"floor"`
	Bedrooms   *int         `db:"bedrooms" json:"bedrooms"`
	Bathrooms  *int         `db:"bathrooms" json:"bathrooms"`
	// AreaSqm is DECIMAL(10,2): the exact two-decimal type serves it as it serves money.
	AreaSqm     *money.Amount          `db:"area_sqm" json:"areaSqm"`
	MonthlyRent *money.Amount          `db:"monthly_rent" json:"monthlyRent"`
	Status      string                 `db:"status" json:"status"`
	Amenities   dbtypes.JSON[[]string] `db:"amenities" json:"amenities"`
	Notes       *string                `db:"notes" json:"notes"`
	IsActive    bool                   `db:"is_active" json:"isActive"`
	Compound    *compounds.Compound    `db:"-" json:"compound,omitempty"`
}

// CreateInput is the POST /apartments body.
type CreateInput struct {
	CompoundID  string        `json:"compoundId" validate:"uuid,notempty"`
	UnitNumber  string        `json:"unitNumber" validate:"max=50,string,notempty"`
	Floor       *int          `json:"floor" validate:"omitempty,min=0,int"`
	Bedrooms    *int          `json:"bedrooms" validate:"omitempty,max=20,min=0,int"`
	Bathrooms   *int          `json:"bathrooms" validate:"omitempty,max=10,min=0,int"`
	AreaSqm     *money.Amount `json:"areaSqm" validate:"omitnil,gte=0,lte=99999999.99"`
	MonthlyRent *money.Amount `json:"monthlyRent" validate:"omitnil,gte=0"`
	Status      *string       `json:"status" validate:"omitempty,oneof=available occupied maintenance reserved"`
	Amenities   *[]string     `json:"amenities"`
	Notes       *string       `json:"notes"`
}

// UpdateInput is the PATCH /apartments/:id body: the create fields except compoundId, all optional.
type UpdateInput struct {
	UnitNumber  *string       `json:"unitNumber" validate:"omitempty,max=50"`
	Floor       *int          `json:"floor" validate:"omitempty,min=0,int"`
	Bedrooms    *int          `json:"bedrooms" validate:"omitempty,max=20,min=0,int"`
	Bathrooms   *int          `json:"bathrooms" validate:"omitempty,max=10,min=0,int"`
	AreaSqm     *money.Amount `json:"areaSqm" validate:"omitnil,gte=0,lte=99999999.99"`
	MonthlyRent *money.Amount `json:"monthlyRent" validate:"omitnil,gte=0"`
	Status      *string       `json:"status" validate:"omitempty,oneof=available occupied maintenance reserved"`
	Amenities   *[]string     `json:"amenities"`
	Notes       *string       `json:"notes"`
}

// StatusInput is the PATCH /apartments/:id/status body.
type StatusInput struct {
	Status string `json:"status" validate:"oneof=available occupied maintenance reserved"`
}

// Stats is GET /apartments/stats.
type Stats struct {
	Total       int `json:"total" db:"total"`
	Available   int `json:"available" db:"available"`
	Occupied    int `json:"occupied" db:"occupied"`
	Maintenance int `json:"maintenance" db:"maintenance"`
	Reserved    int `json:"reserved" db:"reserved"`
}

// CompoundStats is GET /compounds/:id/stats: the compound with its active apartments.
type CompoundStats struct {
	compounds.Compound
	Apartments []Apartment `json:"apartments"`
}

// checkAmounts words the numeric limits class-validator's Min and the column enforce.
func checkAmounts(area, rent *money.Amount) []string {
	var msgs []string
	if area != nil && *area < 0 {
		msgs = append(msgs, "areaSqm must not be less than 0")
	}
	if area != nil && *area > maxArea {
		msgs = append(msgs, "areaSqm must not be greater than "+maxArea.String())
	}
	if rent != nil && *rent < 0 {
		msgs = append(msgs, "monthlyRent must not be less than 0")
	}
	return msgs
}

// apply copies the set fields of in onto a.
func (in UpdateInput) apply(a *Apartment) {
	setIf(&a.UnitNumber, in.UnitNumber)
	setIf(&a.Status, in.Status)
	if in.Floor != nil {
		a.Floor = in.Floor
	}
	if in.Bedrooms != nil {
		a.Bedrooms = in.Bedrooms
	}
	if in.Bathrooms != nil {
		a.Bathrooms = in.Bathrooms
	}
	if in.AreaSqm != nil {
		a.AreaSqm = in.AreaSqm
	}
	if in.MonthlyRent != nil {
		a.MonthlyRent = in.MonthlyRent
	}
	if in.Amenities != nil {
		a.Amenities = dbtypes.JSONOf(*in.Amenities)
	}
	if in.Notes != nil {
		a.Notes = in.Notes
	}
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
