package superadmin

import (
	"github.com/ternant/ternant/server/companies"
	"github.com/ternant/ternant/server/users"
)

// Meta describes one page of a super-admin list.
type Meta struct {
	Total      int `json:"total"`
	Page       int `json:"page"`
	Limit      int `json:"limit"`
	TotalPages int `json:"totalPages"`
}

// Page is a super-admin list response: {data, meta}.
type Page[T any] struct {
	Data []T  `json:"data"`
	Meta Meta `json:"meta"`
}

// CreateCompanyRequest is POST /super-admin/companies' body: a company and its owner.
type CreateCompanyRequest struct {
	Name           string  `json:"name" validate:"max=255,min=2,string,notempty"`
	Slug           string  `json:"slug" validate:"max=100,min=2,slug,string,notempty"`
	Email          *string `json:"email" validate:"omitempty,email,max=255"`
	Phone          *string `json:"phone" validate:"omitempty,max=50"`
	Currency       *string `json:"currency" validate:"omitempty,max=10"`
	Timezone       *string `json:"timezone" validate:"omitempty,max=50"`
	OwnerFirstName string  `json:"ownerFirstName" validate:"max=100,min=2,string,notempty"`
	OwnerLastName  string  `json:"ownerLastName" validate:"max=100,min=2,string,notempty"`
	OwnerEmail     string  `json:"ownerEmail" validate:"max=255,email,notempty"`
	OwnerPassword  string  `json:"ownerPassword" validate:"password,max=100,min=8,string"`
	OwnerPhone     *string `json:"ownerPhone" validate:"omitempty,max=50"`
}

// CreateCompanyResponse is POST /super-admin/companies' 201 body.
type CreateCompanyResponse struct {
	Company *companies.Company `json:"company"`
	Owner   *users.User        `json:"owner"`
}

// PlatformStats is GET /super-admin/companies/platform/stats.
type PlatformStats struct {
	TotalCompanies    int            `json:"totalCompanies"`
	ActiveCompanies   int            `json:"activeCompanies"`
	InactiveCompanies int            `json:"inactiveCompanies"`
	TotalUsers        int            `json:"totalUsers"`
	ActiveUsers       int            `json:"activeUsers"`
	UsersByRole       map[string]int `json:"usersByRole"`
}

// CompanyStats is GET /super-admin/companies/:id/stats.
type CompanyStats struct {
	CompanyID         string `json:"companyId" db:"-"`
	TotalUsers        int    `json:"totalUsers" db:"total_users"`
	ActiveUsers       int    `json:"activeUsers" db:"active_users"`
	TotalCompounds    int    `json:"totalCompounds" db:"total_compounds"`
	TotalApartments   int    `json:"totalApartments" db:"total_apartments"`
	TotalTenants      int    `json:"totalTenants" db:"total_tenants"`
	ActiveOccupancies int    `json:"activeOccupancies" db:"active_occupancies"`
	TotalInvoices     int    `json:"totalInvoices" db:"total_invoices"`
}

// CreateUserRequest is POST /super-admin/users' body.
type CreateUserRequest struct {
	FirstName    string  `json:"firstName" validate:"max=100,min=2,string,notempty"`
	LastName     string  `json:"lastName" validate:"max=100,min=2,string,notempty"`
	Email        string  `json:"email" validate:"max=255,email,notempty"`
	Password     string  `json:"password" validate:"password,max=100,min=8,string"`
	Role         string  `json:"role" validate:"oneof=SUPER_ADMIN OWNER ADMIN STAFF AUDITOR TENANT_PORTAL"`
	CompanyID    *string `json:"companyId" validate:"omitempty,uuid"`
	IsSuperAdmin *bool   `json:"isSuperAdmin"`
	Phone        *string `json:"phone" validate:"omitempty,max=50"`
}

// UpdateUserRequest is PATCH /super-admin/users/:id's body.
type UpdateUserRequest struct {
	FirstName *string `json:"firstName" validate:"omitempty,max=100,min=2"`
	LastName  *string `json:"lastName" validate:"omitempty,max=100,min=2"`
	Email     *string `json:"email" validate:"omitempty,email,max=255"`
	Role      *string `json:"role" validate:"omitempty,oneof=SUPER_ADMIN OWNER ADMIN STAFF AUDITOR TENANT_PORTAL"`
	Status    *string `json:"status" validate:"omitempty,oneof=ACTIVE INACTIVE SUSPENDED PENDING"`
	Phone     *string `json:"phone" validate:"omitempty,max=50"`
}

// ResetPasswordRequest is PATCH /super-admin/users/:id/reset-password's body.
type ResetPasswordRequest struct {
	NewPassword string `json:"newPassword" validate:"password,max=100,min=8,string"`
}

// UserStats is GET /super-admin/users/stats.
type UserStats struct {
	Total       int            `json:"total"`
	Active      int            `json:"active"`
	Inactive    int            `json:"inactive"`
	Suspended   int            `json:"suspended"`
	Pending     int            `json:"pending"`
	SuperAdmins int            `json:"superAdmins"`
	ByRole      map[string]int `json:"byRole"`
}

// MessageResponse is a body that only confirms an action: {"message": "..."}.
type MessageResponse struct {
	Message string `json:"message"`
}
