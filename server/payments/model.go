// Package payments records payments against invoices. Every change to a payment adjusts its
// invoice's amountPaid, status and paidDate in the same transaction, under a lock on the invoice row.
package payments

import (
	"encoding/json"

	"github.com/ternant/ternant/server/invoices"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
)

// Methods are the payments.method enum values.
var Methods = []string{"CASH", "BANK", "MOBILE", "CARD", "OTHER"}

// Payment is a payments row, optionally with its invoice.
type Payment struct {
	ID        string                        `db:"id" json:"id"`
	CompanyID string                        `db:"company_id" json:"companyId"`
	InvoiceID string                        `db:"invoice_id" json:"invoiceId"`
	Amount    money.Amount                  `db:"amount" json:"amount"`
	PaidAt    dbtypes.Time                  `db:"paid_at" json:"paidAt"`
	Method    string                        `db:"method" json:"method"`
	Reference *string                       `db:"reference" json:"reference"`
	Metadata  dbtypes.JSON[json.RawMessage] `db:"metadata" json:"metadata"`
	Notes     *string                       `db:"notes" json:"notes"`
	IsActive  bool                          `db:"is_active" json:"isActive"`
	CreatedAt dbtypes.Time                  `db:"created_at" json:"createdAt"`
	UpdatedAt dbtypes.Time                  `db:"updated_at" json:"updatedAt"`

	Invoice *invoices.Invoice `db:"-" json:"invoice,omitempty"`
}

// CreateRequest is POST /payments.
type CreateRequest struct {
	InvoiceID string                        `json:"invoiceId" validate:"string,notempty"`
	Amount    *money.Amount                 `json:"amount" validate:"gte=0.01,number"`
	PaidAt    *dbtypes.Time                 `json:"paidAt" validate:"datetime,notempty"`
	Method    string                        `json:"method" validate:"oneof=CASH BANK MOBILE CARD OTHER"`
	Reference *string                       `json:"reference" validate:"omitnil,max=255"`
	Metadata  dbtypes.JSON[json.RawMessage] `json:"metadata"`
	Notes     *string                       `json:"notes"`
}

// UpdateRequest is PATCH /payments/:id. The invoice of a payment cannot change.
type UpdateRequest struct {
	Amount    *money.Amount                 `json:"amount" validate:"omitnil,gte=0.01"`
	PaidAt    *dbtypes.Time                 `json:"paidAt"`
	Method    *string                       `json:"method" validate:"omitnil,oneof=CASH BANK MOBILE CARD OTHER"`
	Reference *string                       `json:"reference" validate:"omitnil,max=255"`
	Metadata  dbtypes.JSON[json.RawMessage] `json:"metadata"`
	Notes     *string                       `json:"notes"`
}

// MethodStats is one method's figures in Stats.
type MethodStats struct {
	Count  int          `json:"count"`
	Amount money.Number `json:"amount"`
}

// Stats answers GET /payments/stats; amounts are JSON numbers (as in TernantApp) written exactly.
type Stats struct {
	TotalPayments int                     `json:"totalPayments"`
	TotalAmount   money.Number            `json:"totalAmount"`
	ByMethod      map[string]*MethodStats `json:"byMethod"`
}
