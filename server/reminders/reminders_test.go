package reminders_test

import (
	"context"
	"io"
	"mime/quotedprintable"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ternant/ternant/internal/billingtest"
	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/mail"
	"github.com/ternant/ternant/server/platform/money"
	"github.com/ternant/ternant/server/reminders"
	"github.com/ternant/ternant/server/servertest"
)

type env struct {
	db   *db.DB
	dsn  string
	svc  *reminders.Service
	sink *billingtest.SMTPSink
	d    *reminders.Deliverer
	l    billingtest.Lease
	base string
	inv  string
}

func setup(t *testing.T) *env {
	t.Helper()
	d, dsn := billingtest.OpenDSN(t, 10)
	company := billingtest.Company(t, d)
	e := &env{db: d, dsn: dsn, sink: billingtest.NewSMTPSink(t)}
	e.l = billingtest.NewLease(t, d, company, money.MustParse("900"), dbtypes.NewDate(2026, 1, 1), dbtypes.NewDate(2026, 12, 31))
	e.inv = billingtest.Invoice(t, d, e.l, "INV-R-1", money.MustParse("900"), 0, "sent", dbtypes.NewDate(2026, 3, 1), dbtypes.NewDate(2026, 3, 5))
	bs := billingtest.NewServices(d)
	e.svc = reminders.NewService(d, bs.Invoices, bs.Tenants)
	e.d = &reminders.Deliverer{DB: d, Mail: mail.New(config.Mail{Host: e.sink.Host, Port: e.sink.Port, From: "billing@ternant.test"}),
		Attempts: 3, Backoff: 10 * time.Millisecond}
	e.base = billingtest.Serve(t, company, identity.Staff, (&reminders.Handler{Service: e.svc}).Routes())
	return e
}

func (e *env) do(t *testing.T, method, path string, body any) *servertest.Response {
	t.Helper()
	return servertest.Do(t, e.base, servertest.Request{Method: method, Path: path, Body: body})
}

func (e *env) create(t *testing.T, scheduledFor string) map[string]any {
	t.Helper()
	r := e.do(t, http.MethodPost, "/reminders", map[string]any{"type": "DUE_SOON", "tenantId": e.l.TenantID, "invoiceId": e.inv,
		"subject": "Rent due", "message": "Dear Amina,\n\nyour rent <900.00> is due.", "scheduledFor": scheduledFor, "metadata": map[string]any{"k": 1}})
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	return r.Map(t)
}

func (e *env) row(t *testing.T, id string) reminders.Reminder {
	t.Helper()
	r, err := reminders.StoreGet(context.Background(), e.db, e.l.CompanyID, id)
	if err != nil {
		t.Fatal(err)
	}
	return *r
}

func TestReminderEndpoints(t *testing.T) {
	e := setup(t)
	for _, when := range []string{"2026-03-01", "2026-03-01T09:00:00Z", "2026-03-01T09:00:00.000+03:00"} {
		m := e.create(t, when)
		if m["status"] != "PENDING" || !strings.HasPrefix(m["recipient"].(string), "tenant-") || m["retryCount"] != float64(0) {
			t.Fatalf("created from %s: %v", when, m)
		}
	}
	var list []map[string]any
	r := e.do(t, http.MethodGet, "/reminders?type=DUE_SOON&status=PENDING", nil)
	r.JSON(t, &list)
	if len(list) != 3 || list[0]["tenant"] == nil || list[0]["invoice"] == nil || r.Header.Get("X-Total-Count") != "3" {
		t.Fatalf("list: %s", r.Body)
	}
	id := list[0]["id"].(string)
	if m := e.do(t, http.MethodPost, "/reminders/"+id+"/mark-sent", nil).Map(t); m["status"] != "SENT" || m["sentAt"] == nil {
		t.Fatalf("mark-sent: %v", m)
	}
	if m := e.do(t, http.MethodPatch, "/reminders/"+id, map[string]any{"subject": "Changed"}).Map(t); m["subject"] != "Changed" {
		t.Fatalf("patch: %v", m)
	}
	if r := e.do(t, http.MethodDelete, "/reminders/"+id, nil); r.Status != http.StatusNoContent {
		t.Fatalf("delete: %d", r.Status)
	}
	if r := e.do(t, http.MethodGet, "/reminders/"+id, nil); r.Status != 404 || r.Map(t)["message"] != "Reminder with ID "+id+" not found" {
		t.Fatalf("deleted: %d %s", r.Status, r.Body)
	}
	w := e.do(t, http.MethodPost, "/reminders/welcome/"+e.l.TenantID, map[string]any{"apartmentCode": "1A"}).Map(t)
	if w["subject"] != "Welcome to 1A" || !strings.HasPrefix(w["message"].(string), "Dear Amina, welcome to your new apartment 1A!") {
		t.Fatalf("welcome: %v", w)
	}
	if r := e.do(t, http.MethodPost, "/reminders/welcome/"+e.l.TenantID, map[string]any{}); r.Status != 400 {
		t.Fatalf("welcome without apartmentCode: %d %s", r.Status, r.Body)
	}
	rc := e.do(t, http.MethodPost, "/reminders/receipt", map[string]any{"tenantId": e.l.TenantID, "invoiceId": e.inv, "amount": 450.5, "currency": "KES"}).Map(t)
	if rc["message"] != "Dear Amina, we have received your payment of KES 450.50. Thank you for your payment!" || rc["type"] != "RECEIPT" {
		t.Fatalf("receipt: %v", rc)
	}
	if r := e.do(t, http.MethodPost, "/reminders", map[string]any{"type": "DUE_SOON", "tenantId": billingtest.ID(), "subject": "s", "message": "m", "scheduledFor": "2026-03-01"}); r.Status != 404 {
		t.Fatalf("unknown tenant: %d %s", r.Status, r.Body)
	}
	if r := e.do(t, http.MethodPost, "/reminders", map[string]any{"type": "LATER", "tenantId": e.l.TenantID, "subject": "s", "message": "m", "scheduledFor": "soon"}); r.Status != 400 {
		t.Fatalf("invalid: %d %s", r.Status, r.Body)
	}
}

func TestDeliverySendsPlainAndHTML(t *testing.T) {
	e := setup(t)
	id := e.create(t, "2026-03-01T09:00:00Z")["id"].(string)
	sent, err := e.d.Deliver(context.Background(), e.l.CompanyID, id)
	if err != nil || !sent {
		t.Fatalf("deliver: %v %v", sent, err)
	}
	got := e.sink.Received()
	if len(got) != 1 || !strings.HasPrefix(got[0].To[0], "tenant-") {
		t.Fatalf("received %+v", got)
	}
	decoded, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(got[0].Data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"text/plain", "text/html", "<p>Dear Amina,</p><p>your rent &lt;900.00&gt; is due.</p>"} {
		if !strings.Contains(string(decoded), want) {
			t.Errorf("message lacks %q", want)
		}
	}
	row := e.row(t, id)
	if row.Status != reminders.Sent || row.SentAt == nil || row.RetryCount != 0 || row.ErrorMessage != nil {
		t.Fatalf("row after delivery: %+v", row)
	}
	// Delivering again sends nothing more.
	if sent, _ := e.d.Deliver(context.Background(), e.l.CompanyID, id); !sent || len(e.sink.Received()) != 1 {
		t.Fatalf("second delivery resent: %d messages", len(e.sink.Received()))
	}
}

func TestDeliveryRetriesATemporaryFailure(t *testing.T) {
	e := setup(t)
	id := e.create(t, "2026-03-01")["id"].(string)
	e.sink.FailFirst(2)
	sent, err := e.d.Deliver(context.Background(), e.l.CompanyID, id)
	if err != nil || !sent {
		t.Fatalf("deliver: %v %v", sent, err)
	}
	row := e.row(t, id)
	if row.Status != reminders.Sent || row.RetryCount != 2 || e.sink.Attempts() != 3 || len(e.sink.Received()) != 1 {
		t.Fatalf("status %s retryCount %d, sink attempts %d, messages %d", row.Status, row.RetryCount, e.sink.Attempts(), len(e.sink.Received()))
	}
}

func TestDeliveryFailureIsRecordedAndRetriedLater(t *testing.T) {
	e := setup(t)
	id := e.create(t, "2026-03-01")["id"].(string)
	e.sink.FailAll(true)
	sent, err := e.d.Deliver(context.Background(), e.l.CompanyID, id)
	if err != nil || sent {
		t.Fatalf("deliver against a failing server: %v %v", sent, err)
	}
	row := e.row(t, id)
	if row.Status != reminders.Failed || row.RetryCount != 3 || row.ErrorMessage == nil || !strings.Contains(*row.ErrorMessage, "451") {
		t.Fatalf("failed row: status %s retryCount %d error %v", row.Status, row.RetryCount, row.ErrorMessage)
	}
	e.sink.FailAll(false)
	out, err := e.d.DeliverDue(context.Background(), 100)
	if err != nil || out.Sent != 1 {
		t.Fatalf("queue run: %+v %v", out, err)
	}
	if row := e.row(t, id); row.Status != reminders.Sent || row.RetryCount != 3 || row.ErrorMessage != nil {
		t.Fatalf("after the server recovered: %+v", row)
	}
	// A reminder past its retry budget stays FAILED and is no longer picked up.
	stuck := e.create(t, "2026-03-01")["id"].(string)
	e.sink.FailAll(true)
	e.d.MaxRetries = 2
	if _, err := e.d.Deliver(context.Background(), e.l.CompanyID, stuck); err != nil {
		t.Fatal(err)
	}
	if row := e.row(t, stuck); row.Status != reminders.Failed || row.RetryCount != 2 {
		t.Fatalf("budget: %+v", row)
	}
	if out, _ := e.d.DeliverDue(context.Background(), 100); out.Sent+out.Failed != 0 {
		t.Fatalf("exhausted reminder picked up again: %+v", out)
	}
}

func TestConcurrentDeliverersSendOnce(t *testing.T) {
	e := setup(t)
	var ids []string
	for range 5 {
		ids = append(ids, e.create(t, "2026-03-01")["id"].(string))
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.d.DeliverDue(context.Background(), 100); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := len(e.sink.Received()); n != len(ids) {
		t.Fatalf("%d messages for %d reminders", n, len(ids))
	}
	for _, id := range ids {
		if row := e.row(t, id); row.Status != reminders.Sent {
			t.Fatalf("reminder %s is %s", id, row.Status)
		}
	}
}

func TestCreateDispatchesDelivery(t *testing.T) {
	e := setup(t)
	var mu sync.Mutex
	var dispatched []string
	e.svc.Dispatch = func(companyID, id string) {
		mu.Lock()
		dispatched = append(dispatched, id)
		mu.Unlock()
		if _, err := e.d.Deliver(context.Background(), companyID, id); err != nil {
			t.Error(err)
		}
	}
	now := e.create(t, time.Now().UTC().Format(time.RFC3339))["id"].(string)
	e.create(t, time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339))
	if len(dispatched) != 1 || dispatched[0] != now || len(e.sink.Received()) != 1 {
		t.Fatalf("dispatched %v, %d messages; want only the reminder due now", dispatched, len(e.sink.Received()))
	}
}
