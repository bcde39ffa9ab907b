// Package tenants serves the renters: CRUD with soft delete, status changes, blacklisting, documents
// and references, search, count and per-status stats. Email addresses are unique per company.
package tenants

import (
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
)

// Statuses are the tenants.status enum values.
var Statuses = []string{"active", "inactive", "blacklisted"}

// Reference is one entry of the references JSON column.
type Reference struct {
	Name         string  `json:"name" validate:"string,notempty"`
	Phone        string  `json:"phone" validate:"string,notempty"`
	Relationship string  `json:"relationship" validate:"string,notempty"`
	Email        *string `json:"email,omitempty" validate:"omitempty,email"`
}

// Document is one entry of the documents JSON column.
type Document struct {
	Type       string       `json:"type" validate:"string,notempty"`
	FileName   string       `json:"fileName" validate:"string,notempty"`
	FileURL    string       `json:"fileUrl" validate:"string,notempty"`
	UploadedAt dbtypes.Time `json:"uploadedAt" validate:"datetime,notempty"`
}

// Tenant is a tenants row in TernantApp's field order.
type Tenant struct {
	ID                           string                    `db:"id" json:"id"`
	CompanyID                    string                    `db:"company_id" json:"companyId"`
	CreatedAt                    dbtypes.Time              `db:"created_at" json:"createdAt"`
	UpdatedAt                    dbtypes.Time              `db:"updated_at" json:"updatedAt"`
	FirstName                    string                    `db:"first_name" json:"firstName"`
	LastName                     string                    `db:"last_name" json:"lastName"`
	Email                        string                    `db:"email" json:"email"`
	Phone                        *string                   `db:"phone" json:"phone"`
	AlternatePhone               *string                   `db:"alternate_phone" json:"alternatePhone"`
	DateOfBirth                  *dbtypes.Date             `db:"date_of_birth" json:"dateOfBirth"`
	IDType                       *string                   `db:"id_type" json:"idType"`
	IDNumber                     *string                   `db:"id_number" json:"idNumber"`
	CurrentAddress               *string                   `db:"current_address" json:"currentAddress"`
	EmergencyContactName         *string                   `db:"emergency_contact_name" json:"emergencyContactName"`
	EmergencyContactPhone        *string                   `db:"emergency_contact_phone" json:"emergencyContactPhone"`
	EmergencyContactRelationship *string                   `db:"emergency_contact_relationship" json:"emergencyContactRelationship"`
	EmployerName                 *string                   `db:"employer_name" json:"employerName"`
	EmployerPhone                *string                   `db:"employer_phone" json:"employerPhone"`
	MonthlyIncome                *money.Amount             `db:"monthly_income" json:"monthlyIncome"`
	References                   dbtypes.JSON[[]Reference] `db:"references" json:"references"`
	Documents                    dbtypes.JSON[[]Document]  `db:"documents" json:"documents"`
	Notes                        *string                   `db:"notes" json:"notes"`
	Status                       string                    `db:"status" json:"status"`
	IsActive                     bool                      `db:"is_active" json:"isActive"`
}

// Input is the PATCH /tenants/:id body: every field optional.
type Input struct {
	FirstName                    *string       `json:"firstName" validate:"omitempty,max=100"`
	LastName                     *string       `json:"lastName" validate:"omitempty,max=100"`
	Email                        *string       `json:"email" validate:"omitempty,email,max=255"`
	Phone                        *string       `json:"phone" validate:"omitempty,max=50"`
	AlternatePhone               *string       `json:"alternatePhone" validate:"omitempty,max=50"`
	DateOfBirth                  *dbtypes.Date `json:"dateOfBirth"`
	IDType                       *string       `json:"idType" validate:"omitempty,max=50"`
	IDNumber                     *string       `json:"idNumber" validate:"omitempty,max=100"`
	CurrentAddress               *string       `json:"currentAddress"`
	EmergencyContactName         *string       `json:"emergencyContactName" validate:"omitempty,max=100"`
	EmergencyContactPhone        *string       `json:"emergencyContactPhone" validate:"omitempty,max=50"`
	EmergencyContactRelationship *string       `json:"emergencyContactRelationship" validate:"omitempty,max=100"`
	EmployerName                 *string       `json:"employerName" validate:"omitempty,max=255"`
	EmployerPhone                *string       `json:"employerPhone" validate:"omitempty,max=100"`
	MonthlyIncome                *money.Amount `json:"monthlyIncome" validate:"omitnil,gte=0"`
	References                   *[]Reference  `json:"references" validate:"omitempty,dive"`
	Documents                    *[]Document   `json:"documents" validate:"omitempty,dive"`
	Notes                        *string       `json:"notes"`
	Status                       *string       `json:"status" validate:"omitempty,oneof=active inactive blacklisted"`
}

// CreateInput is the POST /tenants body: Input's fields, with firstName, lastName and email
// required. Its fields match Input's one for one, so Input(c) converts it.
type CreateInput struct {
	FirstName                    *string       `json:"firstName" validate:"max=100,string"`
	LastName                     *string       `json:"lastName" validate:"max=100,string"`
	Email                        *string       `json:"email" validate:"max=255,email"`
	Phone                        *string       `json:"phone" validate:"omitempty,max=50"`
	AlternatePhone               *string       `json:"alternatePhone" validate:"omitempty,max=50"`
	DateOfBirth                  *dbtypes.Date `json:"dateOfBirth"`
	IDType                       *string       `json:"idType" validate:"omitempty,max=50"`
	IDNumber                     *string       `json:"idNumber" validate:"omitempty,max=100"`
	CurrentAddress               *string       `json:"currentAddress"`
	EmergencyContactName         *string       `json:"emergencyContactName" validate:"omitempty,max=100"`
	EmergencyContactPhone        *string       `json:"emergencyContactPhone" validate:"omitempty,max=50"`
	EmergencyContactRelationship *string       `json:"emergencyContactRelationship" validate:"omitempty,max=100"`
	EmployerName                 *string       `json:"employerName" validate:"omitempty,max=255"`
	EmployerPhone                *string       `json:"employerPhone" validate:"omitempty,max=100"`
	MonthlyIncome                *money.Amount `json:"monthlyIncome" validate:"omitnil,gte=0"`
	References                   *[]Reference  `json:"references" validate:"omitempty,dive"`
	Documents                    *[]Document   `json:"documents" validate:"omitempty,dive"`
	Notes                        *string       `json:"notes"`
	Status                       *string       `json:"status" validate:"omitempty,oneof=active inactive blacklisted"`
}

// StatusInput is the PATCH /tenants/:id/status body.
type StatusInput struct {
	Status string `json:"status" validate:"oneof=active inactive blacklisted"`
}

// BlacklistInput is the POST /tenants/:id/blacklist body.
type BlacklistInput struct {
	Reason *string `json:"reason"`
}

// DocumentInput is the POST /tenants/:id/documents body; the server stamps uploadedAt.
type DocumentInput struct {
	Type     string `json:"type" validate:"string,notempty"`
	FileName string `json:"fileName" validate:"string,notempty"`
	FileURL  string `json:"fileUrl" validate:"string,notempty"`
}

// Stats is GET /tenants/stats.
type Stats struct {
	Total       int `db:"total" json:"total"`
	Active      int `db:"active" json:"active"`
	Inactive    int `db:"inactive" json:"inactive"`
	Blacklisted int `db:"blacklisted" json:"blacklisted"`
}

// checkIncome words the income limit as class-validator's Min(0) does.
func (in Input) checkIncome() []string {
	if in.MonthlyIncome != nil && *in.MonthlyIncome < 0 {
		return []string{"monthlyIncome must not be less than 0"}
	}
	return nil
}

// apply copies the set fields of in onto t.
func (in Input) apply(t *Tenant) {
	for _, p := range []struct {
		dst *string
		src *string
	}{{&t.FirstName, in.FirstName}, {&t.LastName, in.LastName}, {&t.Email, in.Email}} {
		if p.src != nil {
			*p.dst = *p.src
		}
	}
	for _, p := range []struct{ dst, src **string }{
		{&t.Phone, &in.Phone}, {&t.AlternatePhone, &in.AlternatePhone}, {&t.IDType, &in.IDType},
		{&t.IDNumber, &in.IDNumber}, {&t.CurrentAddress, &in.CurrentAddress},
		{&t.EmergencyContactName, &in.EmergencyContactName}, {&t.EmergencyContactPhone, &in.EmergencyContactPhone},
		{&t.EmergencyContactRelationship, &in.EmergencyContactRelationship},
		{&t.EmployerName, &in.EmployerName}, {&t.EmployerPhone, &in.EmployerPhone}, {&t.Notes, &in.Notes},
	} {
		if *p.src != nil {
			*p.dst = *p.src
		}
	}
	if in.DateOfBirth != nil {
		t.DateOfBirth = in.DateOfBirth
	}
	if in.MonthlyIncome != nil {
		t.MonthlyIncome = in.MonthlyIncome
	}
	if in.References != nil {
		t.References = dbtypes.JSONOf(*in.References)
	}
	if in.Documents != nil {
		t.Documents = dbtypes.JSONOf(*in.Documents)
	}
	if in.Status != nil {
		t.Status = *in.Status
	}
}
