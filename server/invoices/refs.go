package invoices

import (
	"encoding/json"

	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
)

// The rows below are read by this package's own SQL to answer TernantApp's includes (`tenant`,
// `occupancy`, `occupancy.apartment`). The owning domains write them; billing only reads them.

// tenantColumns selects a tenants row as Tenant (t. alias).
const tenantColumns = `t.id, t.company_id, t.first_name, t.last_name, t.email, t.phone, t.alternate_phone,
	t.date_of_birth, t.id_type, t.id_number, t.current_address, t.emergency_contact_name,
	t.emergency_contact_phone, t.emergency_contact_relationship, t.employer_name, t.employer_phone,
	t.monthly_income, t.references, t.documents, t.notes, t.status, t.is_active, t.created_at, t.updated_at`

// Tenant is a tenants row as TernantApp serialises it.
type Tenant struct {
	ID                           string        `db:"id" json:"id"`
	CompanyID                    string        `db:"company_id" json:"companyId"`
	FirstName                    string        `db:"first_name" json:"firstName"`
	LastName                     string        `db:"last_name" json:"lastName"`
	Email                        string        `db:"email" json:"email"`
	Phone                        *string       `db:"phone" json:"phone"`
	AlternatePhone               *string       `db:"alternate_phone" json:"alternatePhone"`
	DateOfBirth                  *dbtypes.Date `db:"date_of_birth" json:"dateOfBirth"`
	IDType                       *string       `db:"id_type" json:"idType"`
	IDNumber                     *string       `db:"id_number" json:"idNumber"`
	CurrentAddress               *string       `db:"current_address" json:"currentAddress"`
	EmergencyContactName         *string       `db:"emergency_contact_name" json:"emergencyContactName"`
	EmergencyContactPhone        *string       `db:"emergency_contact_phone" json:"emergencyContactPhone"`
	EmergencyContactRelationship *string       `db:"emergency_contact_relationship" json:"emergencyContactRelationship"`
	EmployerName                 *string       `db:"employer_name" json:"employerName"`
	EmployerPhone                *string       `db:"employer_phone" json:"employerPhone"`
	MonthlyIncome                *money.Amount `db:"monthly_income" json:"monthlyIncome"`
	References                   rawJSON       `db:"references" json:"references"`
	Documents                    rawJSON       `db:"documents" json:"documents"`
	Notes                        *string       `db:"notes" json:"notes"`
	Status                       string        `db:"status" json:"status"`
	IsActive                     bool          `db:"is_active" json:"isActive"`
	CreatedAt                    dbtypes.Time  `db:"created_at" json:"createdAt"`
	UpdatedAt                    dbtypes.Time  `db:"updated_at" json:"updatedAt"`
}

// occupancyColumns selects an occupancies row as Occupancy (o. alias).
const occupancyColumns = `o.id, o.company_id, o.tenant_id, o.apartment_id, o.lease_start_date, o.lease_end_date,
	o.monthly_rent, o.security_deposit, o.deposit_paid, o.move_in_date, o.move_out_date, o.status, o.notes,
	o.is_active, o.created_at, o.updated_at`

// Occupancy is an occupancies row, optionally with its apartment.
type Occupancy struct {
	ID              string        `db:"id" json:"id"`
	CompanyID       string        `db:"company_id" json:"companyId"`
	TenantID        string        `db:"tenant_id" json:"tenantId"`
	ApartmentID     string        `db:"apartment_id" json:"apartmentId"`
	LeaseStartDate  dbtypes.Date  `db:"lease_start_date" json:"leaseStartDate"`
	LeaseEndDate    dbtypes.Date  `db:"lease_end_date" json:"leaseEndDate"`
	MonthlyRent     money.Amount  `db:"monthly_rent" json:"monthlyRent"`
	SecurityDeposit *money.Amount `db:"security_deposit" json:"securityDeposit"`
	DepositPaid     money.Amount  `db:"deposit_paid" json:"depositPaid"`
	MoveInDate      *dbtypes.Date `db:"move_in_date" json:"moveInDate"`
	MoveOutDate     *dbtypes.Date `db:"move_out_date" json:"moveOutDate"`
	Status          string        `db:"status" json:"status"`
	Notes           *string       `db:"notes" json:"notes"`
	IsActive        bool          `db:"is_active" json:"isActive"`
	CreatedAt       dbtypes.Time  `db:"created_at" json:"createdAt"`
	UpdatedAt       dbtypes.Time  `db:"updated_at" json:"updatedAt"`
	Apartment       *Apartment    `db:"-" json:"apartment,omitempty"`
}

// apartmentColumns selects an apartments row as Apartment (a. alias).
const apartmentColumns = `a.id, a.company_id, a.compound_id, a.unit_number, a.floor, a.bedrooms, a.bathrooms,
	a.area_sqm, a.monthly_rent, a.status, a.amenities, a.notes, a.is_active, a.created_at, a.updated_at`

// Apartment is an apartments row.
type Apartment struct {
	ID          string        `db:"id" json:"id"`
	CompanyID   string        `db:"company_id" json:"companyId"`
	CompoundID  string        `db:"compound_id" json:"compoundId"`
	UnitNumber  string        `db:"unit_number" json:"unitNumber"`
	Floor       *int          `db:"floor" json:"floor"`
	Bedrooms    *int          `db:"bedrooms" json:"bedrooms"`
	Bathrooms   *int          `db:"bathrooms" json:"bathrooms"`
	AreaSqm     *money.Amount `db:"area_sqm" json:"areaSqm"`
	MonthlyRent *money.Amount `db:"monthly_rent" json:"monthlyRent"`
	Status      string        `db:"status" json:"status"`
	Amenities   rawJSON       `db:"amenities" json:"amenities"`
	Notes       *string       `db:"notes" json:"notes"`
	IsActive    bool          `db:"is_active" json:"isActive"`
	CreatedAt   dbtypes.Time  `db:"created_at" json:"createdAt"`
	UpdatedAt   dbtypes.Time  `db:"updated_at" json:"updatedAt"`
}

// rawJSON is a JSON column passed through untouched (NULL is null).
type rawJSON = dbtypes.JSON[json.RawMessage]
