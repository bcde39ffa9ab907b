// Package companies manages companies: registration (a company and its owner in one transaction),
// and the caller's own company through /companies, always scoped to the caller.
package companies

import (
	"github.com/ternant/ternant/server/auth"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/users"
)

// Company is a companies row.
type Company struct {
	ID                  string          `db:"id" json:"id"`
	Name                string          `db:"name" json:"name"`
	Slug                string          `db:"slug" json:"slug"`
	Email               *string         `db:"email" json:"email"`
	Phone               *string         `db:"phone" json:"phone"`
	Currency            string          `db:"currency" json:"currency"`
	Timezone            string          `db:"timezone" json:"timezone"`
	EmailSettings       dbtypes.RawJSON `db:"email_settings" json:"emailSettings"`
	ReminderPreferences dbtypes.RawJSON `db:"reminder_preferences" json:"reminderPreferences"`
	Branding            dbtypes.RawJSON `db:"branding" json:"branding"`
	IsActive            bool            `db:"is_active" json:"isActive"`
	CreatedAt           dbtypes.Time    `db:"created_at" json:"createdAt"`
	UpdatedAt           dbtypes.Time    `db:"updated_at" json:"updatedAt"`
}

// DefaultReminderPreferences is what a new company starts with.
const DefaultReminderPreferences = `{"enabled":true,"daysBefore":7,"daysAfter":3,"sendTime":"09:00","ccEmails":[]}`

// RegisterCompany is the company part of POST /companies/register (every field required, as in
// TernantApp, whose DTO has no @IsOptional).
type RegisterCompany struct {
	Name     string `json:"name" validate:"max=255,min=2,string,notempty"`
	Slug     string `json:"slug" validate:"max=100,min=2,slug,string,notempty"`
	Email    string `json:"email" validate:"max=255,email,notempty"`
	Phone    string `json:"phone" validate:"max=50,string,notempty"`
	Currency string `json:"currency" validate:"max=10,string,notempty"`
	Timezone string `json:"timezone" validate:"max=50,string,notempty"`
}

// RegisterOwner is the owner part of POST /companies/register.
type RegisterOwner struct {
	FirstName string `json:"firstName" validate:"max=100,min=2,string,notempty"`
	LastName  string `json:"lastName" validate:"max=100,min=2,string,notempty"`
	Email     string `json:"email" validate:"max=255,email,notempty"`
	Password  string `json:"password" validate:"password,max=100,min=8,string"`
	Phone     string `json:"phone" validate:"max=50,string,notempty"`
}

// RegisterRequest is POST /companies/register's body.
type RegisterRequest struct {
	Company RegisterCompany `json:"company" validate:"required"`
	Owner   RegisterOwner   `json:"owner" validate:"required"`
}

// RegisterResponse is POST /companies/register's 201 body (company before user).
type RegisterResponse struct {
	Message string      `json:"message"`
	Company *Company    `json:"company"`
	User    *users.User `json:"user"`
	Tokens  auth.Tokens `json:"tokens"`
}

// EmailSettings is a company's SMTP settings.
type EmailSettings struct {
	SMTPHost     *string `json:"smtpHost" validate:"omitempty,max=255"`
	SMTPPort     *int    `json:"smtpPort" validate:"omitempty,max=65535,min=1,int"`
	SMTPUser     *string `json:"smtpUser" validate:"omitempty,max=255"`
	SMTPPassword *string `json:"smtpPassword" validate:"omitempty,max=255"`
	FromName     *string `json:"fromName" validate:"omitempty,max=255"`
	FromEmail    *string `json:"fromEmail" validate:"omitempty,email"`
}

// ReminderPreferences are a company's reminder settings.
type ReminderPreferences struct {
	Enabled    *bool    `json:"enabled"`
	DaysBefore *int     `json:"daysBefore" validate:"omitempty,max=365,min=0,int"`
	DaysAfter  *int     `json:"daysAfter" validate:"omitempty,max=365,min=0,int"`
	SendTime   *string  `json:"sendTime" validate:"omitempty,max=5"`
	CCEmails   []string `json:"ccEmails" validate:"omitempty,dive,email"`
}

// Branding is a company's look.
type Branding struct {
	Logo           *string `json:"logo" validate:"omitempty,max=2048"`
	PrimaryColor   *string `json:"primaryColor" validate:"omitempty,max=20"`
	SecondaryColor *string `json:"secondaryColor" validate:"omitempty,max=20"`
}

// CreateRequest is POST /companies' body; UpdateRequest (PATCH) has the same fields, all optional.
type CreateRequest struct {
	Name                string               `json:"name" validate:"max=255,min=2,string,notempty"`
	Slug                string               `json:"slug" validate:"max=100,min=2,string,notempty"`
	Email               *string              `json:"email" validate:"omitempty,email,max=255"`
	Phone               *string              `json:"phone" validate:"omitempty,max=50"`
	Currency            *string              `json:"currency" validate:"omitempty,max=10"`
	Timezone            *string              `json:"timezone" validate:"omitempty,max=50"`
	EmailSettings       *EmailSettings       `json:"emailSettings"`
	ReminderPreferences *ReminderPreferences `json:"reminderPreferences"`
	Branding            *Branding            `json:"branding"`
}

// UpdateRequest is PATCH /companies/:id's body.
type UpdateRequest struct {
	Name                *string              `json:"name" validate:"omitempty,max=255,min=2"`
	Slug                *string              `json:"slug" validate:"omitempty,max=100,min=2"`
	Email               *string              `json:"email" validate:"omitempty,email,max=255"`
	Phone               *string              `json:"phone" validate:"omitempty,max=50"`
	Currency            *string              `json:"currency" validate:"omitempty,max=10"`
	Timezone            *string              `json:"timezone" validate:"omitempty,max=50"`
	EmailSettings       *EmailSettings       `json:"emailSettings"`
	ReminderPreferences *ReminderPreferences `json:"reminderPreferences"`
	Branding            *Branding            `json:"branding"`
	IsActive            *bool                `json:"isActive"`
}
