package invoices

import (
	"testing"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/occupancies"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
)

var day = dbtypes.NewDate(2026, 3, 10)

func invoice(status Status, total, paid string, paidDate bool) *Invoice {
	inv := &Invoice{Status: status, TotalAmount: money.MustParse(total), AmountPaid: money.MustParse(paid)}
	if paidDate {
		d := dbtypes.NewDate(2026, 3, 1)
		inv.PaidDate = &d
	}
	return inv
}

// message returns the 400's message, or "" for nil.
func message(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	he, ok := err.(*httpx.Error)
	if !ok || he.Status != 400 {
		t.Fatalf("want a 400, got %v", err)
	}
	if len(he.Messages) > 0 {
		return he.Messages[0]
	}
	return he.Message
}

func TestBalanceRules(t *testing.T) {
	cases := []struct {
		name       string
		inv        *Invoice
		apply      func(*Invoice) error
		err        string
		paid       string
		status     Status
		paidDateOn bool
	}{
		{"partial payment on a draft sends it", invoice(Draft, "100", "0", false),
			func(i *Invoice) error { return ApplyPayment(i, money.MustParse("40"), day) }, "", "40.00", Sent, false},
		{"partial payment keeps overdue", invoice(Overdue, "100", "0", false),
			func(i *Invoice) error { return ApplyPayment(i, money.MustParse("40"), day) }, "", "40.00", Overdue, false},
		{"full payment marks paid", invoice(Sent, "100", "60", false),
			func(i *Invoice) error { return ApplyPayment(i, money.MustParse("40"), day) }, "", "100.00", Paid, true},
		{"one cent over", invoice(Sent, "100", "60", false),
			func(i *Invoice) error { return ApplyPayment(i, money.MustParse("40.01"), day) },
			"Payment amount exceeds outstanding balance. Outstanding: 40.00", "60.00", Sent, false},
		{"cancelled", invoice(Cancelled, "100", "0", false),
			func(i *Invoice) error { return ApplyPayment(i, 1, day) }, "Cannot record payment on cancelled invoice", "0.00", Cancelled, false},
		{"direct payment over the total", invoice(Sent, "100", "0", false),
			func(i *Invoice) error { return ApplyDirectPayment(i, money.MustParse("100.01"), day) }, "Payment amount exceeds invoice total", "0.00", Sent, false},
		{"direct payment keeps a draft a draft", invoice(Draft, "100", "0", false),
			func(i *Invoice) error { return ApplyDirectPayment(i, money.MustParse("10"), day) }, "", "10.00", Draft, false},
		{"lowering a payment reverses paid", invoice(Paid, "100", "100", true),
			func(i *Invoice) error {
				return ApplyPaymentChange(i, money.MustParse("50"), money.MustParse("49.99"), day)
			}, "", "99.99", Sent, false},
		{"raising a payment to the total keeps the paid date", invoice(Sent, "100", "90", true),
			func(i *Invoice) error {
				return ApplyPaymentChange(i, money.MustParse("40"), money.MustParse("50"), day)
			}, "", "100.00", Paid, true},
		{"change past the total", invoice(Sent, "100", "90", false),
			func(i *Invoice) error {
				return ApplyPaymentChange(i, money.MustParse("40"), money.MustParse("50.01"), day)
			},
			"Updated payment amount exceeds invoice total", "90.00", Sent, false},
		{"change below zero", invoice(Sent, "100", "10", false),
			func(i *Invoice) error { return ApplyPaymentChange(i, money.MustParse("40"), money.MustParse("1"), day) },
			"Updated payment amount creates negative balance", "10.00", Sent, false},
		{"removal reverses paid", invoice(Paid, "100", "100", true),
			func(i *Invoice) error { RemovePayment(i, money.MustParse("0.01")); return nil }, "", "99.99", Sent, false},
		{"removal never goes below zero", invoice(Sent, "100", "10", false),
			func(i *Invoice) error { RemovePayment(i, money.MustParse("20")); return nil }, "", "0.00", Sent, false},
		{"restore to the total", invoice(Sent, "100", "70", false),
			func(i *Invoice) error { return RestorePayment(i, money.MustParse("30"), day) }, "", "100.00", Paid, true},
		{"restore past the total", invoice(Sent, "100", "70", false),
			func(i *Invoice) error { return RestorePayment(i, money.MustParse("30.01"), day) },
			"Cannot reactivate: payment would exceed invoice total", "70.00", Sent, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.apply(c.inv)
			if got := message(t, err); got != c.err {
				t.Fatalf("error %q, want %q", got, c.err)
			}
			if c.inv.AmountPaid.String() != c.paid || c.inv.Status != c.status || (c.inv.PaidDate != nil) != c.paidDateOn {
				t.Fatalf("paid %s status %s paidDate %v; want %s %s %v", c.inv.AmountPaid, c.inv.Status, c.inv.PaidDate, c.paid, c.status, c.paidDateOn)
			}
		})
	}
}

func TestCheckTotals(t *testing.T) {
	line := func(q money.Quantity, unit, amount string) LineItem {
		return LineItem{Description: "x", Quantity: q, UnitPrice: money.Number(money.MustParse(unit)), Amount: money.Number(money.MustParse(amount))}
	}
	m := money.MustParse
	cases := []struct {
		name                     string
		items                    []LineItem
		subtotal, tax, total, pd money.Amount
		want                     string
	}{
		{"consistent", []LineItem{line(100, "45000", "45000"), line(150, "33.33", "50")}, m("45050"), m("0.10"), m("45050.10"), 0, ""},
		{"half cent rounds up", []LineItem{line(50, "0.01", "0.01")}, m("0.01"), 0, m("0.01"), 0, ""},
		{"line", []LineItem{line(200, "10", "19.99")}, m("19.99"), 0, m("19.99"), 0, "lineItems.0.amount must equal quantity x unitPrice (20.00)"},
		{"subtotal", []LineItem{line(100, "10", "10")}, m("11"), 0, m("11"), 0, "subtotal must equal the sum of line item amounts (10.00)"},
		{"total", nil, m("10"), m("1"), m("10"), 0, "totalAmount must equal subtotal + taxAmount (11.00)"},
		{"paid", nil, m("10"), 0, m("10"), m("10.01"), "amountPaid must not be greater than totalAmount"},
	}
	for _, c := range cases {
		if got := message(t, checkTotals(c.items, c.subtotal, c.tax, c.total, c.pd)); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestRentNumberAndMonths(t *testing.T) {
	first, last, err := ParseMonth("2028-02")
	if err != nil || first.String() != "2028-02-01" || last.String() != "2028-02-29" {
		t.Fatalf("leap February: %s %s %v", first, last, err)
	}
	for _, bad := range []string{"2028-2", "2028-13", "28-02", "2028-02-01", ""} {
		if _, _, err := ParseMonth(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if n := RentNumber(first, "0190abcd-1234-7000-8000-000000000000"); n != "INV-202802-0190abcd" {
		t.Fatalf("number %s", n)
	}
	inv := rentInvoice(occupancies.Occupancy{ID: "o", CompanyID: "c", TenantID: "t", MonthlyRent: money.MustParse("1000")}, first, last, 31)
	if inv.DueDate.String() != "2028-02-29" || inv.Status != Draft || inv.TotalAmount != money.MustParse("1000") {
		t.Fatalf("rent invoice: %+v", inv)
	}
}
