package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/platform/money"
)

// gen is a deterministic source of ids and fake values.
type gen struct {
	r   *rand.Rand
	now time.Time
}

func newGen(o Options, stream uint64) *gen {
	return &gen{r: rand.New(rand.NewPCG(o.Seed, stream)), now: o.Now}
}

// id is a v4-shaped UUID drawn from the generator, so the same seed yields the same ids.
func (g *gen) id() string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := g.r.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return uuid.UUID(b).String()
}

func (g *gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

var (
	firstNames = []string{"Amina", "Brian", "Caroline", "David", "Esther", "Faith", "George", "Hannah", "Isaac", "Joy", "Kevin", "Lilian", "Moses", "Naomi", "Otieno", "Peter", "Grace", "Samuel", "Tabitha", "Victor", "Wanjiru", "Yusuf", "Zawadi", "Mercy"}
	lastNames  = []string{"Achieng", "Barasa", "Cheruiyot", "Dlamini", "Effendi", "Gitau", "Hassan", "Imbugwa", "Juma", "Kamau", "Lagat", "Mwangi", "Njoroge", "Odhiambo", "Wafula", "Kariuki", "Mutua", "Nyambura", "Onyango", "Wambui"}
	streets    = []string{"Ngong Road", "Waiyaki Way", "Mombasa Road", "Kenyatta Avenue", "Limuru Road", "Thika Road", "Argwings Kodhek Road", "Riverside Drive"}
	compoundNm = []string{"Sunset Gardens", "Palm Court", "Riverside Heights", "Acacia Villas", "Jacaranda Place", "Baobab Residences", "Kilimani Towers", "Lavington Greens", "Savannah Park", "Cedar Homes"}
	amenities  = []string{"parking", "wifi", "gym", "pool", "security", "backup generator", "borehole", "balcony", "elevator"}
	methods    = []string{"CASH", "BANK", "MOBILE", "CARD"}
)

// baseRent by bedrooms, as TernantApp's seeder: 25k/45k/65k/95k, then -5k..+10k.
var baseRent = []int64{25000, 45000, 65000, 95000}

// writeCompany generates and writes one company in one transaction. The generator is seeded from
// the company's index, so a retried transaction writes exactly the same rows.
func writeCompany(ctx context.Context, d *db.DB, o Options, c company, passwordHash string) (Summary, error) {
	var sum Summary
	err := d.InTx(ctx, func(tx *db.Tx) error {
		sum = Summary{}
		g := newGen(o, uint64(c.index))
		return g.company(ctx, tx, o, c, passwordHash, &sum)
	})
	if err != nil {
		return Summary{}, fmt.Errorf("seed company %s: %w", c.slug, err)
	}
	return sum, nil
}

func (g *gen) company(ctx context.Context, tx *db.Tx, o Options, c company, passwordHash string, sum *Summary) error {
	ins := func(table string, cols ...string) *inserter { return newInserter(tx, table, o.Progress, cols...) }
	companies := ins("companies", "id", "name", "slug", "email", "phone", "currency", "timezone", "reminder_preferences")
	users := ins("users", "id", "company_id", "first_name", "last_name", "email", "password_hash", "role", "status", "profile")
	compounds := ins("compounds", "id", "company_id", "name", "address_line", "city", "region", "country", "geo_lat", "geo_lng")
	apartments := ins("apartments", "id", "company_id", "compound_id", "unit_number", "floor", "bedrooms", "bathrooms", "area_sqm", "monthly_rent", "status", "amenities")
	tenants := ins("tenants", "id", "company_id", "first_name", "last_name", "email", "phone", "date_of_birth", "id_type", "id_number", "monthly_income", "status")
	occupancies := ins("occupancies", "id", "company_id", "tenant_id", "apartment_id", "lease_start_date", "lease_end_date", "monthly_rent", "security_deposit", "deposit_paid", "move_in_date", "status")
	invoices := ins("invoices", "id", "company_id", "invoice_number", "occupancy_id", "tenant_id", "invoice_date", "due_date", "status", "lineItems", "subtotal", "tax_amount", "total_amount", "amount_paid", "paid_date", "notes")
	payments := ins("payments", "id", "company_id", "invoice_id", "amount", "paid_at", "method", "reference")
	// Foreign keys: a batch is written only after the batches it references.
	users.parents = []*inserter{companies}
	apartments.parents = []*inserter{compounds}
	occupancies.parents = []*inserter{tenants, apartments}
	invoices.parents = []*inserter{occupancies}
	payments.parents = []*inserter{invoices}

	companyID := g.id()
	if err := companies.add(ctx, companyID, c.name, c.slug, "info@"+c.slug+".com", g.phone(), "USD", "UTC",
		`{"enabled":true,"daysBefore":7,"daysAfter":3,"sendTime":"09:00","ccEmails":[]}`); err != nil {
		return err
	}
	sum.Companies++
	if c.users {
		for _, role := range []string{"OWNER", "ADMIN", "STAFF", "AUDITOR"} {
			lower := strings.ToLower(role)
			if err := users.add(ctx, g.id(), companyID, g.pick(firstNames), g.pick(lastNames), lower+"@"+c.slug+".com",
				passwordHash, role, "ACTIVE", fmt.Sprintf(`{"phone":"%s"}`, g.phone())); err != nil {
				return err
			}
			sum.Users++
		}
	}

	type apt struct {
		id, compoundID    string
		unit              string
		floor, beds, bath int
		area              string
		rent              money.Amount
		amenities         string
	}
	var apts []apt
	for i := 0; i < c.compounds; i++ {
		cid := g.id()
		name := compoundNm[i%len(compoundNm)]
		if i >= len(compoundNm) {
			name = fmt.Sprintf("%s %d", name, i/len(compoundNm)+1)
		}
		if err := compounds.add(ctx, cid, companyID, name, fmt.Sprintf("%d %s", 1+g.r.IntN(400), g.pick(streets)), c.city, "Nairobi County", "Kenya",
			fmt.Sprintf("%.7f", -1.2+g.r.Float64()*0.2), fmt.Sprintf("%.7f", 36.7+g.r.Float64()*0.2)); err != nil {
			return err
		}
		sum.Compounds++
		n := c.aptsPerCmpd(g.r)
		for k := 0; k < n; k++ {
			beds := 1 + g.r.IntN(4)
			apts = append(apts, apt{
				id: g.id(), compoundID: cid, unit: fmt.Sprintf("%d%c", k/4+1, 'A'+k%4), floor: k/4 + 1, beds: beds,
				bath: 1 + g.r.IntN(beds), area: fmt.Sprintf("%d.00", 30+beds*25+g.r.IntN(20)),
				rent:      money.FromUnits(baseRent[beds-1] - 5000 + int64(g.r.IntN(16))*1000),
				amenities: `["` + g.pick(amenities) + `","` + g.pick(amenities) + `"]`,
			})
		}
	}
	occupied := int(float64(len(apts)) * c.occupiedFrac)
	if occupied > c.tenants {
		occupied = c.tenants
	}
	// The first `occupied` apartments of a shuffled order get leases.
	g.r.Shuffle(len(apts), func(i, j int) { apts[i], apts[j] = apts[j], apts[i] })
	for i, a := range apts {
		status := "available"
		switch {
		case i < occupied:
			status = "occupied"
		case i%10 == 0:
			status = "maintenance"
		case i%17 == 0:
			status = "reserved"
		}
		if err := apartments.add(ctx, a.id, companyID, a.compoundID, a.unit, a.floor, a.beds, a.bath, a.area, a.rent.String(), status, a.amenities); err != nil {
			return err
		}
		sum.Apartments++
	}

	invoiceSeq := 0
	stamp := g.now.UnixMilli()
	for t := 0; t < c.tenants; t++ {
		tid := g.id()
		first, last := g.pick(firstNames), g.pick(lastNames)
		email := fmt.Sprintf("%s.%s.%d@tenants.%s.com", strings.ToLower(first), strings.ToLower(last), t+1, c.slug)
		dob := g.now.AddDate(-(22 + g.r.IntN(40)), -g.r.IntN(12), -g.r.IntN(28)).Format(time.DateOnly)
		if err := tenants.add(ctx, tid, companyID, first, last, email, g.phone(), dob, "NATIONAL_ID",
			fmt.Sprintf("%08d", g.r.IntN(100_000_000)), fmt.Sprintf("%d.00", 40000+g.r.IntN(300)*1000), "active"); err != nil {
			return err
		}
		sum.Tenants++
		if t >= occupied {
			continue
		}
		a := apts[t]
		months := []int{6, 12, 24}[g.r.IntN(3)]
		elapsed := 1 + g.r.IntN(months-1) // months already run: the lease covers today
		n := c.invoices(g.r)
		if elapsed < n-1 { // long enough to have had n monthly invoices
			elapsed = n - 1
			months = elapsed + 1 + 1 + g.r.IntN(12)
		}
		start := firstOfMonth(g.now).AddDate(0, -elapsed, 0)
		end := start.AddDate(0, months, -1)
		oid := g.id()
		deposit := a.rent * 2
		if err := occupancies.add(ctx, oid, companyID, tid, a.id, day(start), day(end), a.rent.String(), deposit.String(), deposit.String(), day(start), "active"); err != nil {
			return err
		}
		sum.Occupancies++

		for k := elapsed + 1 - n; k <= elapsed; k++ {
			invoiceSeq++
			invDate := start.AddDate(0, k, 0)
			due := invDate.AddDate(0, 0, 7)
			total := a.rent
			lines := fmt.Sprintf(`[{"description":"Monthly Rent - %s","quantity":1,"unitPrice":%s,"amount":%s,"type":"rent"}`, invDate.Format("January 2006"), a.rent, a.rent)
			if g.r.IntN(10) < 3 {
				util := money.FromUnits(int64(2000 + g.r.IntN(3001)))
				total += util
				lines += fmt.Sprintf(`,{"description":"Utilities","quantity":1,"unitPrice":%s,"amount":%s,"type":"utility"}`, util, util)
			}
			lines += "]"
			iid := g.id()
			status, paid, paidDate := "sent", money.Amount(0), any(nil)
			switch {
			case g.r.IntN(10) < 7:
				status, paid = "paid", total
				paidDate = day(due.AddDate(0, 0, -g.r.IntN(7)))
			case due.Before(g.now):
				status = "overdue"
			}
			number := fmt.Sprintf("INV-%s-%d-%d", companyID[:8], stamp, invoiceSeq)
			if err := invoices.add(ctx, iid, companyID, number, oid, tid, day(invDate), day(due), status, lines,
				total.String(), "0.00", total.String(), paid.String(), paidDate, "Monthly rent invoice"); err != nil {
				return err
			}
			sum.Invoices++
			if status != "paid" {
				continue
			}
			parts := 1
			if g.r.IntN(2) == 0 {
				parts = 1 + g.r.IntN(3)
			}
			remaining := total
			for p := 0; p < parts; p++ {
				amt := remaining
				if p < parts-1 {
					amt = money.FromUnits(int64(remaining/100) / int64(parts-p))
				}
				remaining -= amt
				paidAt := invDate.Add(time.Duration(1+g.r.IntN(6*24)) * time.Hour)
				if err := payments.add(ctx, g.id(), companyID, iid, amt.String(), paidAt, g.pick(methods), fmt.Sprintf("PAY-%010d", g.r.IntN(1e10))); err != nil {
					return err
				}
				sum.Payments++
			}
		}
	}
	for _, b := range []*inserter{companies, users, compounds, apartments, tenants, occupancies, invoices, payments} {
		if err := b.flush(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) phone() string { return fmt.Sprintf("+2547%08d", g.r.IntN(100_000_000)) }

func firstOfMonth(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

func day(t time.Time) string { return t.Format(time.DateOnly) }
