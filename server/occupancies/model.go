// Package occupancies serves leases: a tenant in an apartment for a period. It enforces the
// one-lease-per-apartment overlap rule atomically (the apartment row is locked while the check and
// the write run), lease dates, deposit limits and delete guards, and lists leases with their tenant
// and apartment. It also serves a tenant's lease history.
package occupancies

import (
	"github.com/ternant/ternant/server/apartments"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
	"github.com/ternant/ternant/server/tenants"
)

// Statuses are the occupancies.status enum values.
var Statuses = []string{"pending", "active", "ended", "cancelled"}

// Lease statuses the rules name.
const (
	StatusPending = "pending"
	StatusActive  = "active"
	StatusEnded   = "ended"
)

// Messages TernantApp's clients match on.
const (
	msgEndBeforeStart  = "Lease end date must be after start date"
	msgOverlap         = "Apartment is already occupied during this period"
	msgAlreadyEnded    = "Occupancy is already ended"
	msgDeleteActive    = "Cannot delete an active occupancy. End it first."
	msgDepositExceeded = "Deposit payment exceeds required security deposit"
)

// Occupancy is an occupancies row in TernantApp's field order, with the optional includes.
type Occupancy struct {
	ID              string                `db:"id" json:"id"`
	CompanyID       string                `db:"company_id" json:"companyId"`
	CreatedAt       dbtypes.Time          `db:"created_at" json:"createdAt"`
	UpdatedAt       dbtypes.Time          `db:"updated_at" json:"updatedAt"`
	TenantID        string                `db:"tenant_id" json:"tenantId"`
	ApartmentID     string                `db:"apartment_id" json:"apartmentId"`
	LeaseStartDate  dbtypes.Date          `db:"lease_start_date" json:"leaseStartDate"`
	LeaseEndDate    dbtypes.Date          `db:"lease_end_date" json:"leaseEndDate"`
	MonthlyRent     money.Amount          `db:"monthly_rent" json:"monthlyRent"`
	SecurityDeposit *money.Amount         `db:"security_deposit" json:"securityDeposit"`
	DepositPaid     money.Amount          `db:"deposit_paid" json:"depositPaid"`
	MoveInDate      *dbtypes.Date         `db:"move_in_date" json:"moveInDate"`
	MoveOutDate     *dbtypes.Date         `db:"move_out_date" json:"moveOutDate"`
	Status          string                `db:"status" json:"status"`
	Notes           *string               `db:"notes" json:"notes"`
	IsActive        bool                  `db:"is_active" json:"isActive"`
	Tenant          *tenants.Tenant       `db:"-" json:"tenant,omitempty"`
	Apartment       *apartments.Apartment `db:"-" json:"apartment,omitempty"`
}

// CreateInput is the POST /occupancies body.
type CreateInput struct {
	TenantID        string        `json:"tenantId" validate:"uuid,notempty"`
	ApartmentID     string        `json:"apartmentId" validate:"uuid,notempty"`
	LeaseStartDate  dbtypes.Date  `json:"leaseStartDate" validate:"isodate,notempty"`
	LeaseEndDate    dbtypes.Date  `json:"leaseEndDate" validate:"isodate,notempty"`
	MonthlyRent     *money.Amount `json:"monthlyRent" validate:"gte=0,number"`
	SecurityDeposit *money.Amount `json:"securityDeposit" validate:"omitnil,gte=0"`
	DepositPaid     *money.Amount `json:"depositPaid" validate:"omitnil,gte=0"`
	MoveInDate      *dbtypes.Date `json:"moveInDate"`
	MoveOutDate     *dbtypes.Date `json:"moveOutDate"`
	Status          *string       `json:"status" validate:"omitempty,oneof=pending active ended cancelled"`
	Notes           *string       `json:"notes"`
}

// UpdateInput is the PATCH /occupancies/:id body: every create field, all optional.
type UpdateInput struct {
	TenantID        *string       `json:"tenantId" validate:"omitempty,uuid"`
	ApartmentID     *string       `json:"apartmentId" validate:"omitempty,uuid"`
	LeaseStartDate  *dbtypes.Date `json:"leaseStartDate"`
	LeaseEndDate    *dbtypes.Date `json:"leaseEndDate"`
	MonthlyRent     *money.Amount `json:"monthlyRent" validate:"omitnil,gte=0"`
	SecurityDeposit *money.Amount `json:"securityDeposit" validate:"omitnil,gte=0"`
	DepositPaid     *money.Amount `json:"depositPaid" validate:"omitnil,gte=0"`
	MoveInDate      *dbtypes.Date `json:"moveInDate"`
	MoveOutDate     *dbtypes.Date `json:"moveOutDate"`
	Status          *string       `json:"status" validate:"omitempty,oneof=pending active ended cancelled"`
	Notes           *string       `json:"notes"`
}

// StatusInput is the PATCH /occupancies/:id/status body.
type StatusInput struct {
	Status string `json:"status" validate:"oneof=pending active ended cancelled"`
}

// EndInput is the POST /occupancies/:id/end body.
type EndInput struct {
	MoveOutDate *dbtypes.Date `json:"moveOutDate"`
}

// DepositInput is the POST /occupancies/:id/deposit-payment body.
type DepositInput struct {
	Amount *money.Amount `json:"amount" validate:"gt=0,number"`
}

// Stats is GET /occupancies/stats.
type Stats struct {
	Total             int `db:"total" json:"total"`
	Active            int `db:"active" json:"active"`
	Pending           int `db:"pending" json:"pending"`
	Ended             int `db:"ended" json:"ended"`
	ExpiringThisMonth int `db:"expiring_this_month" json:"expiringThisMonth"`
}

// History is GET /tenants/:id/history: the tenant with every lease and its apartment.
type History struct {
	tenants.Tenant
	Occupancies []Occupancy `json:"occupancies"`
}

// namedAmount is an optional amount and the field name it came from.
type namedAmount struct {
	name string
	v    *money.Amount
}

// checkMoney words negative amounts as class-validator's Min(0) does.
func checkMoney(fields ...namedAmount) []string {
	var msgs []string
	for _, f := range fields {
		if f.v != nil && *f.v < 0 {
			msgs = append(msgs, f.name+" must not be less than 0")
		}
	}
	return msgs
}

func (in CreateInput) check() []string {
	return checkMoney(namedAmount{"monthlyRent", in.MonthlyRent}, namedAmount{"securityDeposit", in.SecurityDeposit},
		namedAmount{"depositPaid", in.DepositPaid})
}

func (in UpdateInput) check() []string {
	return checkMoney(namedAmount{"monthlyRent", in.MonthlyRent}, namedAmount{"securityDeposit", in.SecurityDeposit},
		namedAmount{"depositPaid", in.DepositPaid})
}

// apply copies the set fields of in onto o.
func (in UpdateInput) apply(o *Occupancy) {
	setIf(&o.TenantID, in.TenantID)
	setIf(&o.ApartmentID, in.ApartmentID)
	setIf(&o.LeaseStartDate, in.LeaseStartDate)
	setIf(&o.LeaseEndDate, in.LeaseEndDate)
	setIf(&o.MonthlyRent, in.MonthlyRent)
	setIf(&o.DepositPaid, in.DepositPaid)
	setIf(&o.Status, in.Status)
	if in.SecurityDeposit != nil {
		o.SecurityDeposit = in.SecurityDeposit
	}
	if in.MoveInDate != nil {
		o.MoveInDate = in.MoveInDate
	}
	if in.MoveOutDate != nil {
		o.MoveOutDate = in.MoveOutDate
	}
	if in.Notes != nil {
		o.Notes = in.Notes
	}
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
