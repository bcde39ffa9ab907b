// Package reminders keeps the reminder log (due-soon, overdue, receipt and welcome messages to
// tenants) and delivers reminders by email with retries: a failed delivery is recorded on the row
// (status FAILED, retryCount, errorMessage) and retried later, never dropped.
package reminders

import (
	"encoding/json"

	"github.com/ternant/ternant/server/invoices"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
	"github.com/ternant/ternant/server/tenants"
)

// Reminder types and statuses (the enums of the reminders table).
const (
	DueSoon = "DUE_SOON"
	Overdue = "OVERDUE"
	Receipt = "RECEIPT"
	Welcome = "WELCOME"

	Pending = "PENDING"
	Sent    = "SENT"
	Failed  = "FAILED"
)

// Types and Statuses list the enum values.
var (
	Types    = []string{DueSoon, Overdue, Receipt, Welcome}
	Statuses = []string{Pending, Sent, Failed}
)

// Reminder is a reminders row, optionally with its tenant and invoice.
type Reminder struct {
	ID           string                        `db:"id" json:"id"`
	CompanyID    string                        `db:"company_id" json:"companyId"`
	Type         string                        `db:"type" json:"type"`
	TenantID     string                        `db:"tenant_id" json:"tenantId"`
	InvoiceID    *string                       `db:"invoice_id" json:"invoiceId"`
	Subject      string                        `db:"subject" json:"subject"`
	Message      string                        `db:"message" json:"message"`
	Recipient    string                        `db:"recipient" json:"recipient"`
	Status       string                        `db:"status" json:"status"`
	ScheduledFor *dbtypes.Time                 `db:"scheduled_for" json:"scheduledFor"`
	SentAt       *dbtypes.Time                 `db:"sent_at" json:"sentAt"`
	ErrorMessage *string                       `db:"error_message" json:"errorMessage"`
	RetryCount   int                           `db:"retry_count" json:"retryCount"`
	Metadata     dbtypes.JSON[json.RawMessage] `db:"metadata" json:"metadata"`
	IsActive     bool                          `db:"is_active" json:"isActive"`
	CreatedAt    dbtypes.Time                  `db:"created_at" json:"createdAt"`
	UpdatedAt    dbtypes.Time                  `db:"updated_at" json:"updatedAt"`

	Tenant  *tenants.Tenant   `db:"-" json:"tenant,omitempty"`
	Invoice *invoices.Invoice `db:"-" json:"invoice,omitempty"`
}

// CreateRequest is POST /reminders. scheduledFor accepts ISO 8601 dates and date-times.
type CreateRequest struct {
	Type         string                        `json:"type" validate:"oneof=DUE_SOON OVERDUE RECEIPT WELCOME"`
	TenantID     string                        `json:"tenantId" validate:"uuid,notempty"`
	InvoiceID    *string                       `json:"invoiceId" validate:"omitnil,uuid"`
	Subject      string                        `json:"subject" validate:"max=255,string,notempty"`
	Message      string                        `json:"message" validate:"string,notempty"`
	Recipient    *string                       `json:"recipient" validate:"omitnil,max=255"`
	ScheduledFor *dbtypes.Time                 `json:"scheduledFor" validate:"datetime,notempty"`
	Metadata     dbtypes.JSON[json.RawMessage] `json:"metadata"`
}

// UpdateRequest is PATCH /reminders/:id.
type UpdateRequest struct {
	Type         *string                       `json:"type" validate:"omitnil,oneof=DUE_SOON OVERDUE RECEIPT WELCOME"`
	Subject      *string                       `json:"subject" validate:"omitnil,min=1,max=255"`
	Message      *string                       `json:"message" validate:"omitnil,min=1"`
	Recipient    *string                       `json:"recipient" validate:"omitnil,min=1,max=255"`
	ScheduledFor *dbtypes.Time                 `json:"scheduledFor"`
	Status       *string                       `json:"status" validate:"omitnil,oneof=PENDING SENT FAILED"`
	Metadata     dbtypes.JSON[json.RawMessage] `json:"metadata"`
}

// WelcomeRequest is POST /reminders/welcome/:tenantId.
type WelcomeRequest struct {
	ApartmentCode string `json:"apartmentCode" validate:"max=100,string,notempty"`
}

// ReceiptRequest is POST /reminders/receipt.
type ReceiptRequest struct {
	TenantID  string        `json:"tenantId" validate:"string,notempty"`
	InvoiceID string        `json:"invoiceId" validate:"string,notempty"`
	Amount    *money.Amount `json:"amount" validate:"number"`
	Currency  string        `json:"currency" validate:"max=10,string,notempty"`
}

// Filter selects reminders for GET /reminders.
type Filter struct {
	Type, Status, TenantID, InvoiceID string
	ScheduledFrom, ScheduledTo        *dbtypes.Time
}
