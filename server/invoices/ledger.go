package invoices

import (
	"fmt"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
)

// transitions is the invoice state machine: draft -> sent/cancelled; sent -> paid/overdue/cancelled;
// overdue -> paid/cancelled; paid and cancelled are final.
var transitions = map[Status][]Status{
	Draft:   {Sent, Cancelled},
	Sent:    {Paid, Overdue, Cancelled},
	Overdue: {Paid, Cancelled},
}

// CanTransition reports whether an invoice may move from one status to another by request
// (PATCH /status, send, cancel). Payments move status by the balance rules below instead.
func CanTransition(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// checkTransition is CanTransition as TernantApp-shaped 400.
func checkTransition(from, to Status) error {
	if !CanTransition(from, to) {
		return httpx.BadRequest(fmt.Sprintf("Cannot transition from %s to %s", from, to))
	}
	return nil
}

// The balance rules (docs/compatibility.md lists where they differ from TernantApp). Each takes the invoice as locked in the current
// transaction, changes it in memory, and returns a 400 when the rule refuses; the caller writes it.

// ApplyPayment adds a new payment of amount: paid + amount must not pass the total. Reaching the
// total marks the invoice paid (paidDate = today); a partial payment turns a draft into sent.
// Payments on cancelled invoices are refused (cancelled is final).
func ApplyPayment(inv *Invoice, amount money.Amount, today dbtypes.Date) error {
	if inv.Status == Cancelled {
		return httpx.BadRequest("Cannot record payment on cancelled invoice")
	}
	paid, err := inv.AmountPaid.Add(amount)
	if err != nil || paid > inv.TotalAmount {
		return httpx.BadRequest("Payment amount exceeds outstanding balance. Outstanding: " + inv.Outstanding().String())
	}
	inv.AmountPaid = paid
	switch {
	case paid >= inv.TotalAmount:
		inv.Status = Paid
		inv.PaidDate = &today
	case inv.Status == Draft:
		inv.Status = Sent
	}
	return nil
}

// ApplyDirectPayment is POST /invoices/:id/payment: the invoice's amountPaid grows without a
// payment row. It is refused on cancelled invoices and past the total; reaching the total marks
// the invoice paid.
func ApplyDirectPayment(inv *Invoice, amount money.Amount, today dbtypes.Date) error {
	if inv.Status == Cancelled {
		return httpx.BadRequest("Cannot record payment on cancelled invoice")
	}
	paid, err := inv.AmountPaid.Add(amount)
	if err != nil || paid > inv.TotalAmount {
		return httpx.BadRequest("Payment amount exceeds invoice total")
	}
	inv.AmountPaid = paid
	if paid >= inv.TotalAmount {
		inv.Status = Paid
		inv.PaidDate = &today
	}
	return nil
}

// ApplyPaymentChange replaces an active payment's amount old with new: paid - old + new must stay
// within [0, total]. Reaching the total marks the invoice paid (keeping an existing paidDate); a
// paid invoice that is now short goes back to sent with no paidDate.
func ApplyPaymentChange(inv *Invoice, oldAmount, newAmount money.Amount, today dbtypes.Date) error {
	paid := inv.AmountPaid - oldAmount + newAmount
	if paid < 0 {
		return httpx.BadRequest("Updated payment amount creates negative balance")
	}
	if paid > inv.TotalAmount {
		return httpx.BadRequest("Updated payment amount exceeds invoice total")
	}
	inv.AmountPaid = paid
	settle(inv, today)
	return nil
}

// RemovePayment takes a deleted payment's amount off the invoice (never below zero); a paid
// invoice that is now short goes back to sent with no paidDate.
func RemovePayment(inv *Invoice, amount money.Amount) {
	inv.AmountPaid -= amount
	if inv.AmountPaid < 0 {
		inv.AmountPaid = 0
	}
	if inv.Status == Paid && inv.AmountPaid < inv.TotalAmount {
		inv.Status = Sent
		inv.PaidDate = nil
	}
}

// RestorePayment re-adds a reactivated payment's amount: refused past the total; reaching it marks
// the invoice paid.
func RestorePayment(inv *Invoice, amount money.Amount, today dbtypes.Date) error {
	paid, err := inv.AmountPaid.Add(amount)
	if err != nil || paid > inv.TotalAmount {
		return httpx.BadRequest("Cannot reactivate: payment would exceed invoice total")
	}
	inv.AmountPaid = paid
	if paid >= inv.TotalAmount && inv.Status != Paid {
		inv.Status = Paid
		inv.PaidDate = &today
	}
	return nil
}

// settle sets status and paidDate after an amount change.
func settle(inv *Invoice, today dbtypes.Date) {
	switch {
	case inv.AmountPaid >= inv.TotalAmount:
		inv.Status = Paid
		if inv.PaidDate == nil {
			inv.PaidDate = &today
		}
	case inv.Status == Paid:
		inv.Status = Sent
		inv.PaidDate = nil
	}
}

// checkTotals verifies an invoice's figures exactly: each line's amount is quantity x unitPrice,
// the subtotal is the sum of the lines, total = subtotal + tax, and paid does not pass the total.
func checkTotals(items []LineItem, subtotal, tax, total, paid money.Amount) error {
	var msgs []string
	var sum money.Amount
	for i, li := range items {
		want, err := li.UnitPrice.Amount().MulQuantity(int64(li.Quantity))
		if err != nil {
			msgs = append(msgs, fmt.Sprintf("lineItems.%d.amount is out of range", i))
			continue
		}
		if want != li.Amount.Amount() {
			msgs = append(msgs, fmt.Sprintf("lineItems.%d.amount must equal quantity x unitPrice (%s)", i, want))
		}
		if sum, err = sum.Add(li.Amount.Amount()); err != nil {
			msgs = append(msgs, "lineItems amounts are out of range")
			break
		}
	}
	if len(items) > 0 && sum != subtotal {
		msgs = append(msgs, fmt.Sprintf("subtotal must equal the sum of line item amounts (%s)", sum))
	}
	if want, err := subtotal.Add(tax); err != nil || want != total {
		msgs = append(msgs, fmt.Sprintf("totalAmount must equal subtotal + taxAmount (%s)", want))
	}
	if paid > total {
		msgs = append(msgs, "amountPaid must not be greater than totalAmount")
	}
	if len(msgs) > 0 {
		return httpx.Invalid(msgs...)
	}
	return nil
}
