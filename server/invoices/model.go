// Package invoices is the billing ledger's invoice side: invoices, their state machine, rent
// generation, and the balance arithmetic payments apply to an invoice under a row lock.
package invoices

import (
	"github.com/ternant/ternant/server/occupancies"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
	"github.com/ternant/ternant/server/tenants"
)

// Status is an invoice's status (the invoices.status enum).
type Status string

// The invoice statuses.
const (
	Draft     Status = "draft"
	Sent      Status = "sent"
	Paid      Status = "paid"
	Overdue   Status = "overdue"
	Cancelled Status = "cancelled"
)

// Statuses lists every status in enum order.
var Statuses = []string{string(Draft), string(Sent), string(Paid), string(Overdue), string(Cancelled)}

// Invoice is an invoices row, optionally with its tenant and occupancy.
type Invoice struct {
	ID            string                  `db:"id" json:"id"`
	CompanyID     string                  `db:"company_id" json:"companyId"`
	InvoiceNumber string                  `db:"invoice_number" json:"invoiceNumber"`
	OccupancyID   string                  `db:"occupancy_id" json:"occupancyId"`
	TenantID      string                  `db:"tenant_id" json:"tenantId"`
	InvoiceDate   dbtypes.Date            `db:"invoice_date" json:"invoiceDate"`
	DueDate       dbtypes.Date            `db:"due_date" json:"dueDate"`
	Status        Status                  `db:"status" json:"status"`
	LineItems     dbtypes.JSON[LineItems] `db:"lineItems" json:"lineItems"`
	Subtotal      money.Amount            `db:"subtotal" json:"subtotal"`
	TaxAmount     money.Amount            `db:"tax_amount" json:"taxAmount"`
	TotalAmount   money.Amount            `db:"total_amount" json:"totalAmount"`
	AmountPaid    money.Amount            `db:"amount_paid" json:"amountPaid"`
	Notes         *string                 `db:"notes" json:"notes"`
	PaidDate      *dbtypes.Date           `db:"paid_date" json:"paidDate"`
	IsActive      bool                    `db:"is_active" json:"isActive"`
	CreatedAt     dbtypes.Time            `db:"created_at" json:"createdAt"`
	UpdatedAt     dbtypes.Time            `db:"updated_at" json:"updatedAt"`

	// Tenant and Occupancy are the includes, as the tenants and occupancies modules serve them.
	Tenant    *tenants.Tenant        `db:"-" json:"tenant,omitempty"`
	Occupancy *occupancies.Occupancy `db:"-" json:"occupancy,omitempty"`
}

// Outstanding is what is still owed: total - paid.
func (inv *Invoice) Outstanding() money.Amount { return inv.TotalAmount - inv.AmountPaid }

// LineItems is the lineItems JSON column.
type LineItems []LineItem

// LineItem is one invoice line. Amounts are stored in the JSON column as JSON numbers (as
// TernantApp stores them) but written from exact decimal text, never through a float.
type LineItem struct {
	Description string         `json:"description" validate:"string,notempty"`
	Quantity    money.Quantity `json:"quantity" validate:"gte=0"`
	UnitPrice   money.Number   `json:"unitPrice" validate:"gte=0"`
	Amount      money.Number   `json:"amount" validate:"gte=0"`
	Type        *string        `json:"type,omitempty" validate:"omitnil,oneof=rent utility maintenance other"`
}

// CreateRequest is POST /invoices.
type CreateRequest struct {
	InvoiceNumber string        `json:"invoiceNumber" validate:"max=50,string,notempty"`
	OccupancyID   string        `json:"occupancyId" validate:"string,notempty"`
	TenantID      string        `json:"tenantId" validate:"string,notempty"`
	InvoiceDate   dbtypes.Date  `json:"invoiceDate" validate:"isodate,notempty"`
	DueDate       dbtypes.Date  `json:"dueDate" validate:"isodate,notempty"`
	Status        *Status       `json:"status" validate:"omitnil,oneof=draft sent paid overdue cancelled"`
	LineItems     []LineItem    `json:"lineItems" validate:"required,dive"`
	Subtotal      *money.Amount `json:"subtotal" validate:"gte=0,number"`
	TaxAmount     *money.Amount `json:"taxAmount" validate:"omitnil,gte=0"`
	TotalAmount   *money.Amount `json:"totalAmount" validate:"gte=0,number"`
	AmountPaid    *money.Amount `json:"amountPaid" validate:"omitnil,gte=0"`
	Notes         *string       `json:"notes"`
}

// UpdateRequest is PATCH /invoices/:id: any create field except amountPaid, which only payments
// change (see docs/compatibility.md).
type UpdateRequest struct {
	InvoiceNumber *string       `json:"invoiceNumber" validate:"omitnil,min=1,max=50"`
	OccupancyID   *string       `json:"occupancyId" validate:"omitnil,min=1"`
	TenantID      *string       `json:"tenantId" validate:"omitnil,min=1"`
	InvoiceDate   *dbtypes.Date `json:"invoiceDate"`
	DueDate       *dbtypes.Date `json:"dueDate"`
	Status        *Status       `json:"status" validate:"omitnil,oneof=draft sent paid overdue cancelled"`
	LineItems     []LineItem    `json:"lineItems" validate:"omitempty,dive"`
	Subtotal      *money.Amount `json:"subtotal" validate:"omitnil,gte=0"`
	TaxAmount     *money.Amount `json:"taxAmount" validate:"omitnil,gte=0"`
	TotalAmount   *money.Amount `json:"totalAmount" validate:"omitnil,gte=0"`
	Notes         *string       `json:"notes"`
}

// StatusRequest is PATCH /invoices/:id/status.
type StatusRequest struct {
	Status Status `json:"status" validate:"oneof=draft sent paid overdue cancelled"`
}

// PaymentRequest is POST /invoices/:id/payment.
type PaymentRequest struct {
	Amount *money.Amount `json:"amount" validate:"gte=0.01,number"`
}

// GenerateRentRequest is POST /invoices/generate-rent.
type GenerateRentRequest struct {
	OccupancyID string `json:"occupancyId" validate:"string,notempty"`
	Month       string `json:"month" validate:"string,notempty"`
	DueDay      *int   `json:"dueDay" validate:"omitnil,min=1,max=31"`
}

// BulkGenerateRequest is POST /invoices/generate-rent/bulk.
type BulkGenerateRequest struct {
	Month  string `json:"month" validate:"string,notempty"`
	DueDay *int   `json:"dueDay" validate:"omitnil,min=1,max=31"`
}

// BulkResult answers POST /invoices/generate-rent/bulk.
type BulkResult struct {
	Month    string     `json:"month"`
	Created  int        `json:"created"`
	Skipped  int        `json:"skipped"`
	Invoices []*Invoice `json:"invoices"`
}

// Stats answers GET /invoices/stats. totalOutstanding is a JSON number, as in TernantApp, written
// from the exact decimal.
type Stats struct {
	Total            int          `json:"total"`
	Draft            int          `json:"draft"`
	Sent             int          `json:"sent"`
	Paid             int          `json:"paid"`
	Overdue          int          `json:"overdue"`
	TotalOutstanding money.Number `json:"totalOutstanding"`
}
