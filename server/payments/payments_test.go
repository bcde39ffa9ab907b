package payments_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/ternant/ternant/internal/billingtest"
	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/invoices"
	"github.com/ternant/ternant/server/payments"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/idempotency"
	"github.com/ternant/ternant/server/platform/money"
	"github.com/ternant/ternant/server/servertest"
)

type env struct {
	db   *db.DB
	base string
	l    billingtest.Lease
}

func setup(t *testing.T, pool int) env {
	t.Helper()
	d := billingtest.Open(t, pool)
	company := billingtest.Company(t, d)
	l := billingtest.NewLease(t, d, company, money.MustParse("1000"), dbtypes.NewDate(2026, 1, 1), dbtypes.NewDate(2026, 12, 31))
	inv := billingtest.NewServices(d).Invoices
	pay := payments.NewService(d, inv)
	var routes []httpx.Route
	routes = append(routes, (&invoices.Handler{Service: inv, Once: idempotency.New(d)}).Routes()...)
	routes = append(routes, (&payments.Handler{Service: pay, Once: idempotency.New(d)}).Routes()...)
	return env{db: d, base: billingtest.Serve(t, company, identity.Staff, routes), l: l}
}

func (e env) do(t *testing.T, method, path string, body any, header http.Header) *servertest.Response {
	t.Helper()
	return servertest.Do(t, e.base, servertest.Request{Method: method, Path: path, Body: body, Header: header})
}

func (e env) invoice(t *testing.T, total, paid, status string) string {
	t.Helper()
	return billingtest.Invoice(t, e.db, e.l, "INV-"+billingtest.ID(), money.MustParse(total), money.MustParse(paid), status,
		dbtypes.NewDate(2026, 3, 1), dbtypes.NewDate(2026, 3, 5))
}

type invoiceRow struct {
	AmountPaid money.Amount  `db:"amount_paid"`
	Status     string        `db:"status"`
	PaidDate   *dbtypes.Date `db:"paid_date"`
}

func (e env) load(t *testing.T, id string) invoiceRow {
	t.Helper()
	var r invoiceRow
	if err := e.db.Get(context.Background(), &r, `SELECT amount_paid, status, paid_date FROM invoices WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	return r
}

// activeSum is the sum and count of the invoice's active payment rows, computed in Go.
func (e env) activeSum(t *testing.T, id string) (money.Amount, int) {
	t.Helper()
	var amounts []money.Amount
	if err := e.db.Select(context.Background(), &amounts, `SELECT amount FROM payments WHERE invoice_id = ? AND is_active = 1`, id); err != nil {
		t.Fatal(err)
	}
	var sum money.Amount
	for _, a := range amounts {
		sum += a
	}
	return sum, len(amounts)
}

func payBody(invoiceID, amount string) map[string]any {
	return map[string]any{"invoiceId": invoiceID, "amount": amount, "paidAt": "2026-03-04T10:00:00Z", "method": "BANK"}
}

func TestConcurrentPaymentsNeverOverpay(t *testing.T) {
	e := setup(t, 30)
	id := e.invoice(t, "1000.00", "0", "sent")
	const n = 50
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = e.do(t, http.MethodPost, "/payments", payBody(id, "100.00"), nil).Status
		}()
	}
	wg.Wait()
	created, refused := 0, 0
	for _, c := range codes {
		switch c {
		case http.StatusCreated:
			created++
		case http.StatusBadRequest:
			refused++
		default:
			t.Errorf("unexpected status %d", c)
		}
	}
	if created != 10 || refused != 40 {
		t.Fatalf("created %d, refused %d; want 10 and 40", created, refused)
	}
	sum, count := e.activeSum(t, id)
	got := e.load(t, id)
	if count != 10 || sum != money.MustParse("1000") || got.AmountPaid != sum {
		t.Fatalf("payments %d summing %s, invoice amountPaid %s", count, sum, got.AmountPaid)
	}
	if got.Status != "paid" || got.PaidDate == nil {
		t.Fatalf("status %s paidDate %v, want paid with a date", got.Status, got.PaidDate)
	}
}

func TestConcurrentRetriesWithOneIdempotencyKeyMakeOnePayment(t *testing.T) {
	e := setup(t, 30)
	id := e.invoice(t, "1000.00", "0", "sent")
	hdr := http.Header{"Idempotency-Key": {"retry-" + billingtest.ID()}}
	const n = 20
	var wg sync.WaitGroup
	resps := make([]*servertest.Response, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resps[i] = e.do(t, http.MethodPost, "/payments", payBody(id, "250.00"), hdr)
		}()
	}
	wg.Wait()
	for i, r := range resps {
		if r.Status != http.StatusCreated {
			t.Fatalf("request %d: %d %s", i, r.Status, r.Body)
		}
		if string(r.Body) != string(resps[0].Body) {
			t.Fatalf("request %d answered %s, first answered %s", i, r.Body, resps[0].Body)
		}
	}
	var rows int
	if err := e.db.Get(context.Background(), &rows, `SELECT COUNT(*) FROM payments WHERE invoice_id = ?`, id); err != nil {
		t.Fatal(err)
	}
	if rows != 1 {
		t.Fatalf("%d payment rows, want 1", rows)
	}
	if got := e.load(t, id); got.AmountPaid != money.MustParse("250") {
		t.Fatalf("amountPaid %s, want 250.00", got.AmountPaid)
	}

	replay := e.do(t, http.MethodPost, "/payments", payBody(id, "250"), hdr)
	if replay.Status != http.StatusCreated || replay.Header.Get("Idempotent-Replayed") != "true" || string(replay.Body) != string(resps[0].Body) {
		t.Fatalf("replay with an equal body: %d %q %s", replay.Status, replay.Header.Get("Idempotent-Replayed"), replay.Body)
	}
	other := e.do(t, http.MethodPost, "/payments", payBody(id, "300.00"), hdr)
	if other.Status != http.StatusUnprocessableEntity {
		t.Fatalf("same key, different body: %d %s, want 422", other.Status, other.Body)
	}
	if got := e.load(t, id); got.AmountPaid != money.MustParse("250") {
		t.Fatalf("amountPaid %s after replays, want 250.00", got.AmountPaid)
	}
}

func TestInvoicePaymentEndpointIsIdempotent(t *testing.T) {
	e := setup(t, 10)
	id := e.invoice(t, "500.00", "0", "sent")
	hdr := http.Header{"Idempotency-Key": {"direct-1"}}
	first := e.do(t, http.MethodPost, "/invoices/"+id+"/payment", map[string]any{"amount": 200}, hdr)
	again := e.do(t, http.MethodPost, "/invoices/"+id+"/payment", map[string]any{"amount": "200.00"}, hdr)
	if first.Status != 201 || again.Status != 201 || string(first.Body) != string(again.Body) {
		t.Fatalf("first %d %s, retry %d %s", first.Status, first.Body, again.Status, again.Body)
	}
	if got := e.load(t, id); got.AmountPaid != money.MustParse("200") {
		t.Fatalf("amountPaid %s, want 200.00", got.AmountPaid)
	}
	if r := e.do(t, http.MethodPost, "/invoices/"+id+"/payment", map[string]any{"amount": 300}, hdr); r.Status != 422 {
		t.Fatalf("different body: %d, want 422", r.Status)
	}
	r := e.do(t, http.MethodPost, "/invoices/"+id+"/payment", map[string]any{"amount": 300.01}, nil)
	if r.Status != 400 || r.Map(t)["message"] != "Payment amount exceeds invoice total" {
		t.Fatalf("over total: %d %s", r.Status, r.Body)
	}
}

// step is one request of the arithmetic walk and what the invoice must look like afterwards.
type step struct {
	name     string
	method   string
	path     func(ids map[string]string) string
	body     any
	save     string // name under which to remember the created payment's id
	status   int
	message  string
	paid     string
	invState string
	paidDate bool
}

func TestPaymentArithmetic(t *testing.T) {
	e := setup(t, 10)
	inv := e.invoice(t, "1000.00", "0", "sent")
	ids := map[string]string{}
	fixed := func(p string) func(map[string]string) string { return func(map[string]string) string { return p } }
	payment := func(name, suffix string) func(map[string]string) string {
		return func(ids map[string]string) string { return "/payments/" + ids[name] + suffix }
	}
	steps := []step{
		{name: "partial payment", method: "POST", path: fixed("/payments"), body: payBody(inv, "400"), save: "a", status: 201, paid: "400.00", invState: "sent"},
		{name: "over the balance", method: "POST", path: fixed("/payments"), body: payBody(inv, "600.01"), status: 400,
			message: "Payment amount exceeds outstanding balance. Outstanding: 600.00", paid: "400.00", invState: "sent"},
		{name: "payment completing the total", method: "POST", path: fixed("/payments"), body: payBody(inv, "600"), save: "b", status: 201, paid: "1000.00", invState: "paid", paidDate: true},
		{name: "update below the total reverses paid to sent", method: "PATCH", path: payment("b", ""), body: map[string]any{"amount": "500"}, status: 200, paid: "900.00", invState: "sent"},
		{name: "update past the total", method: "PATCH", path: payment("b", ""), body: map[string]any{"amount": "700"}, status: 400,
			message: "Updated payment amount exceeds invoice total", paid: "900.00", invState: "sent"},
		{name: "update back to the total", method: "PATCH", path: payment("b", ""), body: map[string]any{"amount": 600}, status: 200, paid: "1000.00", invState: "paid", paidDate: true},
		{name: "delete reverses paid to sent", method: "DELETE", path: payment("a", ""), status: 200, paid: "600.00", invState: "sent"},
		{name: "delete again changes nothing", method: "DELETE", path: payment("a", ""), status: 200, paid: "600.00", invState: "sent"},
		{name: "another payment fills the gap", method: "POST", path: fixed("/payments"), body: payBody(inv, "400"), save: "c", status: 201, paid: "1000.00", invState: "paid", paidDate: true},
		{name: "reactivation past the total", method: "POST", path: payment("a", "/activate"), status: 400,
			message: "Cannot reactivate: payment would exceed invoice total", paid: "1000.00", invState: "paid", paidDate: true},
		{name: "delete the gap filler", method: "DELETE", path: payment("c", ""), status: 200, paid: "600.00", invState: "sent"},
		{name: "reactivation within the total", method: "POST", path: payment("a", "/activate"), status: 201, paid: "1000.00", invState: "paid", paidDate: true},
		{name: "reactivating an active payment changes nothing", method: "POST", path: payment("a", "/activate"), status: 201, paid: "1000.00", invState: "paid", paidDate: true},
		{name: "amount below a cent", method: "POST", path: fixed("/payments"), body: payBody(inv, "0"), status: 400, paid: "1000.00", invState: "paid", paidDate: true},
	}
	for _, s := range steps {
		r := e.do(t, s.method, s.path(ids), s.body, nil)
		if r.Status != s.status {
			t.Fatalf("%s: status %d %s, want %d", s.name, r.Status, r.Body, s.status)
		}
		if s.message != "" {
			if m := r.Map(t)["message"]; m != s.message {
				t.Fatalf("%s: message %v, want %q", s.name, m, s.message)
			}
		}
		if s.save != "" {
			ids[s.save] = r.Map(t)["id"].(string)
		}
		got := e.load(t, inv)
		if got.AmountPaid.String() != s.paid || got.Status != s.invState || (got.PaidDate != nil) != s.paidDate {
			t.Fatalf("%s: invoice paid %s status %s paidDate %v; want %s %s paidDate=%v", s.name, got.AmountPaid, got.Status, got.PaidDate, s.paid, s.invState, s.paidDate)
		}
		if sum, _ := e.activeSum(t, inv); sum != got.AmountPaid {
			t.Fatalf("%s: active payments sum to %s, invoice says %s", s.name, sum, got.AmountPaid)
		}
	}
}

func TestPaymentRefusals(t *testing.T) {
	e := setup(t, 10)
	cancelled := e.invoice(t, "100.00", "0", "cancelled")
	draft := e.invoice(t, "100.00", "0", "draft")
	inactive := e.invoice(t, "100.00", "0", "sent")
	if _, err := e.db.Exec(context.Background(), `UPDATE invoices SET is_active = 0 WHERE id = ?`, inactive); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, invoice, amount string
		status                int
		message               string
	}{
		{"cancelled invoice", cancelled, "10", 400, "Cannot record payment on cancelled invoice"},
		{"inactive invoice", inactive, "10", 404, "Invoice with ID " + inactive + " not found"},
		{"missing invoice", "nope", "10", 404, "Invoice with ID nope not found"},
	}
	for _, c := range cases {
		r := e.do(t, "POST", "/payments", payBody(c.invoice, c.amount), nil)
		if r.Status != c.status || r.Map(t)["message"] != c.message {
			t.Errorf("%s: %d %s, want %d %q", c.name, r.Status, r.Body, c.status, c.message)
		}
	}
	r := e.do(t, "POST", "/payments", payBody(draft, "10"), nil)
	if r.Status != 201 || e.load(t, draft).Status != "sent" {
		t.Fatalf("partial payment on a draft: %d, status %s, want 201 and sent", r.Status, e.load(t, draft).Status)
	}
	m := r.Map(t)
	if m["amount"] != "10.00" || m["paidAt"] != "2026-03-04T10:00:00.000Z" {
		t.Fatalf("create response uses the read representation: amount %v paidAt %v", m["amount"], m["paidAt"])
	}
	move := e.do(t, "PATCH", "/payments/"+m["id"].(string), map[string]any{"invoiceId": cancelled}, nil)
	if move.Status != 400 || !strings.Contains(string(move.Body), "property invoiceId should not exist") {
		t.Fatalf("moving a payment to another invoice: %d %s", move.Status, move.Body)
	}
	bad := e.do(t, "POST", "/payments", map[string]any{"invoiceId": draft, "amount": 1.234, "paidAt": "x", "method": "GOLD"}, nil)
	if bad.Status != 400 {
		t.Fatalf("invalid body: %d %s", bad.Status, bad.Body)
	}
}

func TestPaymentListsAndStats(t *testing.T) {
	e := setup(t, 10)
	inv := e.invoice(t, "1000.00", "0", "sent")
	amounts := []struct{ amount, method, at string }{
		{"100.10", "CASH", "2026-03-01T09:00:00Z"}, {"200.20", "BANK", "2026-03-15T09:00:00Z"}, {"300.30", "BANK", "2026-04-01T09:00:00Z"},
	}
	for _, a := range amounts {
		r := e.do(t, "POST", "/payments", map[string]any{"invoiceId": inv, "amount": a.amount, "paidAt": a.at, "method": a.method}, nil)
		if r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
	}
	var list []map[string]any
	r := e.do(t, "GET", "/payments", nil, nil)
	r.JSON(t, &list)
	if len(list) != 3 || list[0]["amount"] != "300.30" || r.Header.Get("X-Total-Count") != "3" {
		t.Fatalf("list: %s", r.Body)
	}
	if inv := list[0]["invoice"].(map[string]any); inv["tenant"] == nil {
		t.Fatalf("list lacks invoice.tenant: %v", inv)
	}
	st := e.do(t, "GET", "/payments/stats?startDate=2026-03-01&endDate=2026-03-31", nil, nil)
	want := `{"totalPayments":2,"totalAmount":300.30,"byMethod":{"BANK":{"count":1,"amount":200.20},"CASH":{"count":1,"amount":100.10}}}`
	if string(st.Body) != want {
		t.Fatalf("stats %s, want %s", st.Body, want)
	}
	dr := e.do(t, "GET", "/payments/date-range?startDate=2026-03-10&endDate=2026-04-01", nil, nil)
	dr.JSON(t, &list)
	if len(list) != 2 {
		t.Fatalf("date range: %s", dr.Body)
	}
	if r := e.do(t, "GET", "/payments/invoice/nope", nil, nil); r.Status != 404 || r.Map(t)["message"] != "Invoice with ID nope not found" {
		t.Fatalf("payments of an unknown invoice: %d %s", r.Status, r.Body)
	}
	if r := e.do(t, "GET", "/payments/invoice/"+inv, nil, nil); r.Status != 200 || r.Header.Get("X-Total-Count") != "3" {
		t.Fatalf("payments of the invoice: %d %s", r.Status, r.Body)
	}
	if r := e.do(t, "GET", "/payments/"+fmt.Sprint(list[0]["id"]), nil, nil); r.Status != 200 {
		t.Fatalf("get: %d", r.Status)
	}
}
