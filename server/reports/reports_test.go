package reports_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ternant/ternant/internal/billingtest"
	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/dbtypes"
	"github.com/ternant/ternant/server/platform/money"
	"github.com/ternant/ternant/server/reports"
	"github.com/ternant/ternant/server/servertest"
)

var today = dbtypes.NewDate(2026, 6, 15)

type inv struct {
	total, paid money.Amount
	status      string
	date, due   dbtypes.Date
}

type pay struct {
	amount money.Amount
	method string
	at     time.Time
}

type fixture struct {
	db      *db.DB
	company string
	rents   []money.Amount
	invs    []inv
	pays    []pay
}

func exec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.Exec(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// build inserts a company with two compounds, five active apartments (three occupied) and an
// inactive one, three active leases, three ended ones, thirty invoices and their payments.
func build(t *testing.T) *fixture {
	t.Helper()
	d := billingtest.Open(t, 10)
	f := &fixture{db: d, company: billingtest.Company(t, d)}
	alpha := billingtest.Compound(t, d, f.company, "Alpha")
	beta := billingtest.Compound(t, d, f.company, "Beta")
	apts := []string{
		billingtest.Apartment(t, d, f.company, alpha, "A1", "occupied"),
		billingtest.Apartment(t, d, f.company, alpha, "A2", "occupied"),
		billingtest.Apartment(t, d, f.company, alpha, "A3", "available"),
		billingtest.Apartment(t, d, f.company, beta, "B1", "occupied"),
		billingtest.Apartment(t, d, f.company, beta, "B2", "maintenance"),
	}
	gone := billingtest.Apartment(t, d, f.company, beta, "B3", "occupied")
	exec(t, d, `UPDATE apartments SET is_active = 0 WHERE id = ?`, gone)
	tenant := billingtest.Tenant(t, d, f.company, "t@example.com")
	lease := func(apt string, rent money.Amount, status string, start dbtypes.Date, moveOut *dbtypes.Date) string {
		id := billingtest.ID()
		exec(t, d, `INSERT INTO occupancies (id, company_id, tenant_id, apartment_id, lease_start_date, lease_end_date, monthly_rent, status, move_out_date)
			VALUES (?, ?, ?, ?, ?, '2027-12-31', ?, ?, ?)`, id, f.company, tenant, apt, start, rent, status, moveOut)
		return id
	}
	f.rents = []money.Amount{money.MustParse("45000.00"), money.MustParse("30000.50"), money.MustParse("25000.25")}
	occ := lease(apts[0], f.rents[0], "active", dbtypes.NewDate(2026, 1, 1), nil)
	lease(apts[1], f.rents[1], "active", dbtypes.NewDate(2026, 1, 1), nil)
	lease(apts[3], f.rents[2], "active", dbtypes.NewDate(2026, 1, 1), nil)
	m1, m2 := dbtypes.NewDate(2025, 7, 1), dbtypes.NewDate(2026, 3, 1)
	lease(apts[2], 100, "ended", dbtypes.NewDate(2025, 1, 1), &m1) // 181 days
	lease(apts[2], 100, "ended", dbtypes.NewDate(2025, 3, 1), &m2) // 365 days
	lease(apts[4], 100, "ended", dbtypes.NewDate(2025, 3, 1), nil)

	statuses := []string{"paid", "sent", "overdue", "draft", "cancelled"}
	methods := []string{"CASH", "BANK", "MOBILE"}
	for i := range 30 {
		total := money.MustParse("1000.00") + money.Amount(i*33333)
		status := statuses[i%5]
		paid := money.Amount(0)
		switch status {
		case "paid":
			paid = total
		case "sent":
			paid = total / 3
		}
		date := dbtypes.NewDate(2026, 1, 1).AddDays(i * 7)
		v := inv{total: total, paid: paid, status: status, date: date, due: date.AddDays(10)}
		f.invs = append(f.invs, v)
		id := billingtest.ID()
		exec(t, d, `INSERT INTO invoices (id, company_id, invoice_number, occupancy_id, tenant_id, invoice_date, due_date, status,
			lineItems, subtotal, total_amount, amount_paid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?)`,
			id, f.company, fmt.Sprintf("R-%02d", i), occ, tenant, v.date, v.due, v.status, v.total, v.total, v.paid)
		if paid > 0 {
			p := pay{amount: paid, method: methods[i%3], at: date.Time().Add(36 * time.Hour)}
			f.pays = append(f.pays, p)
			exec(t, d, `INSERT INTO payments (id, company_id, invoice_id, amount, paid_at, method) VALUES (?, ?, ?, ?, ?, ?)`,
				billingtest.ID(), f.company, id, p.amount, p.at, p.method)
		}
	}
	// An inactive payment never counts.
	exec(t, d, `INSERT INTO payments (id, company_id, invoice_id, amount, paid_at, method, is_active)
		SELECT ?, company_id, id, 999.99, '2026-03-01', 'CARD', 0 FROM invoices WHERE company_id = ? LIMIT 1`, billingtest.ID(), f.company)
	return f
}

type harness struct {
	*fixture
	base string
	svc  *reports.Service
}

func serve(t *testing.T, f *fixture, role identity.Role) *harness {
	t.Helper()
	addr := testenv.RedisAddr(t)
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { rdb.Close() })
	svc := reports.NewService(f.db, rdb, testenv.RedisPrefix(t, addr), 0, slog.New(slog.NewTextHandler(io.Discard, nil)))
	svc.Now = func() time.Time { return today.Time().Add(10 * time.Hour) }
	return &harness{fixture: f, svc: svc, base: billingtest.Serve(t, f.company, role, (&reports.Handler{Service: svc}).Routes())}
}

func (h *harness) get(t *testing.T, path string, v any) *servertest.Response {
	t.Helper()
	r := servertest.Do(t, h.base, servertest.Request{Method: http.MethodGet, Path: path})
	if r.Status != 200 {
		t.Fatalf("%s: %d %s", path, r.Status, r.Body)
	}
	if v != nil {
		r.JSON(t, v)
	}
	return r
}

// pct is part/whole*100 to two decimals, computed independently with float formatting of exact
// integers (the amounts in this test are small enough for float64 to hold exactly).
func pct(part, whole int64) float64 {
	if whole == 0 {
		return 0
	}
	var v float64
	fmt.Sscanf(fmt.Sprintf("%.2f", float64(part)*100/float64(whole)), "%g", &v)
	return v
}

func TestKPIs(t *testing.T) {
	h := serve(t, build(t), identity.Owner)
	want := reports.KPIs{TotalUnits: 5, OccupiedUnits: 3, VacantUnits: 2, OccupancyRate: 60, ActiveTenants: 3}
	var mrr money.Amount
	for _, r := range h.rents {
		mrr += r
	}
	want.MonthlyRecurringRevenue = reports.Num(mrr)
	want.AverageRent = reports.Num(money.MustParse("33333.58")) // 100000.75 / 3 = 33333.5833...
	var outstanding, overdue, revenue, paid money.Amount
	for _, v := range h.invs {
		if v.status == "draft" || v.status == "sent" || v.status == "overdue" {
			outstanding += v.total - v.paid
			if v.due.Before(today) {
				want.OverdueInvoices++
				overdue += v.total - v.paid
			}
		}
		if v.status != "cancelled" {
			revenue += v.total
			paid += v.paid
		}
	}
	want.OutstandingAmount, want.OverdueAmount, want.TotalRevenue = reports.Num(outstanding), reports.Num(overdue), reports.Num(revenue)
	want.CollectionRate = pct(int64(paid), int64(revenue))
	var got reports.KPIs
	h.get(t, "/reports/kpis", &got)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("kpis\n got %+v\nwant %+v", got, want)
	}
}

func TestRevenueWithinARange(t *testing.T) {
	h := serve(t, build(t), identity.Admin)
	from, to := dbtypes.NewDate(2026, 2, 1), dbtypes.NewDate(2026, 4, 30)
	months := map[string]*reports.MonthRevenue{}
	var order []string
	var revenue, paid, outstanding money.Amount
	for _, v := range h.invs {
		if v.status == "cancelled" || v.date.Before(from) || v.date.After(to) {
			continue
		}
		key := v.date.String()[:7]
		m, ok := months[key]
		if !ok {
			m = &reports.MonthRevenue{Month: key}
			months[key] = m
			order = append(order, key)
		}
		m.Revenue += reports.Num(v.total)
		m.Collected += reports.Num(v.paid)
		m.Outstanding += reports.Num(v.total - v.paid)
		revenue, paid, outstanding = revenue+v.total, paid+v.paid, outstanding+v.total-v.paid
	}
	byMethod := map[string]money.Amount{}
	var all money.Amount
	for _, p := range h.pays {
		if p.at.Before(from.Time()) || !p.at.Before(to.AddDays(1).Time()) {
			continue
		}
		byMethod[p.method] += p.amount
		all += p.amount
	}
	want := reports.Revenue{TotalRevenue: reports.Num(revenue), TotalPaid: reports.Num(paid), TotalOutstanding: reports.Num(outstanding),
		CollectionRate: pct(int64(paid), int64(revenue))}
	for _, k := range order {
		want.MonthlyTrend = append(want.MonthlyTrend, *months[k])
	}
	for _, m := range []string{"CASH", "BANK", "MOBILE"} { // the enum's order
		if a, ok := byMethod[m]; ok {
			want.ByPaymentMethod = append(want.ByPaymentMethod, reports.MethodRevenue{Method: m, Amount: reports.Num(a), Percentage: pct(int64(a), int64(all))})
		}
	}
	avg := (int64(revenue)*10/int64(len(order)) + 5) / 10
	want.AverageMonthlyRevenue = reports.Num(avg)
	var got reports.Revenue
	h.get(t, "/reports/revenue?startDate=2026-02-01&endDate=2026-04-30", &got)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("revenue\n got %+v\nwant %+v", got, want)
	}
	if len(got.MonthlyTrend) != 3 {
		t.Fatalf("months %v", got.MonthlyTrend)
	}
}

func TestOccupancyAndAging(t *testing.T) {
	h := serve(t, build(t), identity.Owner)
	var occ reports.Occupancy
	h.get(t, "/reports/occupancy", &occ)
	if occ.TotalUnits != 5 || occ.OccupiedUnits != 3 || occ.CurrentOccupancyRate != 60 || occ.AverageLeaseDuration != 9.1 ||
		occ.TurnoverRate != 60 || occ.AverageDaysToFill != nil || len(occ.MonthlyTrend) != 1 {
		t.Fatalf("occupancy %+v", occ)
	}
	if len(occ.ByCompound) != 2 || occ.ByCompound[0].CompoundName != "Alpha" || occ.ByCompound[0].OccupancyRate != 66.67 ||
		occ.ByCompound[1].TotalUnits != 2 || occ.ByCompound[1].OccupancyRate != 50 {
		t.Fatalf("by compound %+v", occ.ByCompound)
	}

	want := map[string]reports.AgingBucket{}
	var total money.Amount
	count := 0
	for _, v := range h.invs {
		if (v.status != "sent" && v.status != "overdue") || v.paid >= v.total {
			continue
		}
		days := int(today.Time().Sub(v.due.Time()).Hours() / 24)
		bucket := "90+"
		switch {
		case days <= 30:
			bucket = "0-30"
		case days <= 60:
			bucket = "31-60"
		case days <= 90:
			bucket = "61-90"
		}
		b := want[bucket]
		b.Bucket, b.Invoices, b.Amount = bucket, b.Invoices+1, b.Amount+reports.Num(v.total-v.paid)
		want[bucket] = b
		total += v.total - v.paid
		count++
	}
	var aging reports.Aging
	h.get(t, "/reports/aging", &aging)
	if aging.AsOf != "2026-06-15" || aging.TotalInvoices != count || aging.TotalOutstanding != reports.Num(total) || len(aging.Buckets) != 4 {
		t.Fatalf("aging %+v", aging)
	}
	for _, b := range aging.Buckets {
		w := want[b.Bucket]
		w.Bucket = b.Bucket
		if b != w {
			t.Errorf("bucket %s: got %+v want %+v", b.Bucket, b, w)
		}
	}
}

func TestCSVCacheAndAccess(t *testing.T) {
	f := build(t)
	h := serve(t, f, identity.Owner)
	r := servertest.Do(t, h.base, servertest.Request{Method: http.MethodGet, Path: "/reports/aging", Header: http.Header{"Accept": {"text/csv"}}})
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(string(r.Body), "bucket,invoices,amount\n0-30,") {
		t.Fatalf("csv by Accept: %d %q %s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	kcsv := h.get(t, "/reports/kpis?format=csv", nil)
	if !strings.Contains(string(kcsv.Body), "monthlyRecurringRevenue,100000.75\n") {
		t.Fatalf("kpi csv: %s", kcsv.Body)
	}
	if r := servertest.Do(t, h.base, servertest.Request{Method: http.MethodGet, Path: "/reports/kpis?format=xml"}); r.Status != 400 {
		t.Fatalf("bad format: %d", r.Status)
	}

	var before, cached, after reports.KPIs
	h.get(t, "/reports/kpis", &before)
	exec(t, f.db, `UPDATE apartments SET status = 'occupied' WHERE company_id = ? AND unit_number = 'A3'`, f.company)
	h.get(t, "/reports/kpis", &cached)
	if cached.OccupiedUnits != before.OccupiedUnits {
		t.Fatal("a second read within the TTL was recomputed")
	}
	if r := servertest.Do(t, h.base, servertest.Request{Method: http.MethodDelete, Path: "/reports/cache"}); r.Status != http.StatusNoContent {
		t.Fatalf("clear: %d", r.Status)
	}
	h.get(t, "/reports/kpis", &after)
	if after.OccupiedUnits != 4 {
		t.Fatalf("after clearing the cache: occupied %d, want 4", after.OccupiedUnits)
	}

	staff := serve(t, f, identity.Staff)
	if r := servertest.Do(t, staff.base, servertest.Request{Method: http.MethodGet, Path: "/reports/kpis"}); r.Status != 403 {
		t.Fatalf("staff: %d, want 403", r.Status)
	}
}

func TestReportsWithoutRedisStillAnswer(t *testing.T) {
	f := build(t)
	svc := reports.NewService(f.db, nil, "", 0, nil)
	k, err := svc.KPIs(context.Background(), f.company, reports.Range{})
	if err != nil || k.TotalUnits != 5 {
		t.Fatalf("%+v %v", k, err)
	}
	proxy := testenv.NewProxy(t, testenv.RedisAddr(t))
	proxy.Break()
	rdb := redis.NewClient(&redis.Options{Addr: proxy.Addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer rdb.Close()
	broken := reports.NewService(f.db, rdb, "x:", 0, nil)
	if k, err := broken.KPIs(context.Background(), f.company, reports.Range{}); err != nil || k.TotalUnits != 5 {
		t.Fatalf("with Redis down: %+v %v", k, err)
	}
}

// TestReportQueriesRejectUnknownKeys: every report refuses query keys its DTO does not declare, as
// TernantApp's ValidationPipe does, listing them in the query's order with the date failures after.
func TestReportQueriesRejectUnknownKeys(t *testing.T) {
	f := build(t)
	h := serve(t, f, identity.Owner)
	for _, path := range []string{"/reports/kpis", "/reports/revenue", "/reports/occupancy", "/reports/aging"} {
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"?startDate=2026-01-01&endDate=2026-03-31&period=monthly", []string{"property period should not exist"}},
			{"?zeta=1&alpha=2&zeta=3&filter[x]=1", []string{"property zeta should not exist", "property alpha should not exist", "property filter should not exist"}},
			{"?b=1&2=x&a=1&10=y", []string{"property 2 should not exist", "property 10 should not exist", "property b should not exist", "property a should not exist"}},
			{"?period=monthly&startDate=soon", []string{"property period should not exist", "startDate must be a valid ISO 8601 date string"}},
		} {
			r := servertest.Do(t, h.base, servertest.Request{Method: http.MethodGet, Path: path + tc.query})
			var body struct {
				Message []string `json:"message"`
			}
			if r.Status != http.StatusBadRequest {
				t.Errorf("%s%s = %d %s, want 400", path, tc.query, r.Status, r.Body)
				continue
			}
			r.JSON(t, &body)
			if !slices.Equal(body.Message, tc.want) {
				t.Errorf("%s%s: message %q, want %q", path, tc.query, body.Message, tc.want)
			}
		}
		if r := servertest.Do(t, h.base, servertest.Request{Method: http.MethodGet, Path: path + "?startDate=2026-01-01&endDate=2026-03-31&format=json"}); r.Status != http.StatusOK {
			t.Errorf("%s with known keys = %d %s", path, r.Status, r.Body)
		}
	}
}
