package db_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/migrations"
	"github.com/ternant/ternant/server/platform/db"
)

// expectedColumns lists, per table, every column with its information_schema COLUMN_TYPE
// (TernantApp's schema, migration 1). JSON columns are longtext on MariaDB.
var expectedColumns = map[string]map[string]string{
	"companies": {
		"id": "varchar(36)", "name": "varchar(255)", "slug": "varchar(100)", "email": "varchar(255)", "phone": "varchar(50)",
		"currency": "varchar(10)", "timezone": "varchar(50)", "email_settings": "json", "reminder_preferences": "json",
		"branding": "json", "is_active": "tinyint(4)", "created_at": "timestamp(6)", "updated_at": "timestamp(6)",
	},
	"users": {
		"id": "varchar(36)", "company_id": "varchar(36)", "first_name": "varchar(100)", "last_name": "varchar(100)",
		"email": "varchar(255)", "password_hash": "varchar(255)",
		"role":           "enum('SUPER_ADMIN','OWNER','ADMIN','STAFF','AUDITOR','TENANT_PORTAL')",
		"is_super_admin": "tinyint(4)", "status": "enum('ACTIVE','INACTIVE','SUSPENDED','PENDING')", "profile": "json",
		"last_login_at": "timestamp", "last_login_ip": "varchar(45)", "email_verified_at": "timestamp",
		"verification_token": "varchar(255)", "reset_token": "varchar(255)", "reset_token_expires_at": "timestamp",
		"created_at": "timestamp(6)", "updated_at": "timestamp(6)",
	},
	"compounds": {
		"id": "varchar(36)", "company_id": "varchar(36)", "name": "varchar(255)", "address_line": "varchar(500)",
		"city": "varchar(100)", "region": "varchar(100)", "country": "varchar(100)", "geo_lat": "decimal(10,7)",
		"geo_lng": "decimal(10,7)", "notes": "text", "is_active": "tinyint(4)", "created_at": "timestamp(6)", "updated_at": "timestamp(6)",
	},
	"apartments": {
		"id": "varchar(36)", "company_id": "varchar(36)", "compound_id": "varchar(36)", "unit_number": "varchar(50)",
		"floor": "int(11)", "bedrooms": "int(11)", "bathrooms": "int(11)", "area_sqm": "decimal(10,2)",
		"monthly_rent": "decimal(15,2)", "status": "enum('available','occupied','maintenance','reserved')",
		"amenities": "json", "notes": "text", "is_active": "tinyint(4)", "created_at": "timestamp(6)", "updated_at": "timestamp(6)",
	},
	"tenants": {
		"id": "varchar(36)", "company_id": "varchar(36)", "first_name": "varchar(100)", "last_name": "varchar(100)",
		"email": "varchar(255)", "phone": "varchar(50)", "alternate_phone": "varchar(50)", "date_of_birth": "date",
		"id_type": "varchar(50)", "id_number": "varchar(100)", "current_address": "text",
		"emergency_contact_name": "varchar(255)", "emergency_contact_phone": "varchar(50)",
		"emergency_contact_relationship": "varchar(100)", "employer_name": "varchar(255)", "employer_phone": "varchar(100)",
		"monthly_income": "decimal(15,2)", "references": "json", "documents": "json", "notes": "text",
		"status": "enum('active','inactive','blacklisted')", "is_active": "tinyint(4)", "created_at": "timestamp(6)", "updated_at": "timestamp(6)",
	},
	"occupancies": {
		"id": "varchar(36)", "company_id": "varchar(36)", "tenant_id": "varchar(36)", "apartment_id": "varchar(36)",
		"lease_start_date": "date", "lease_end_date": "date", "monthly_rent": "decimal(15,2)",
		"security_deposit": "decimal(15,2)", "deposit_paid": "decimal(15,2)", "move_in_date": "date", "move_out_date": "date",
		"status": "enum('pending','active','ended','cancelled')", "notes": "text", "is_active": "tinyint(4)",
		"created_at": "timestamp(6)", "updated_at": "timestamp(6)",
	},
	"invoices": {
		"id": "varchar(36)", "company_id": "varchar(36)", "invoice_number": "varchar(50)", "occupancy_id": "varchar(36)",
		"tenant_id": "varchar(36)", "invoice_date": "date", "due_date": "date",
		"status": "enum('draft','sent','paid','overdue','cancelled')", "lineItems": "json", "subtotal": "decimal(15,2)",
		"tax_amount": "decimal(15,2)", "total_amount": "decimal(15,2)", "amount_paid": "decimal(15,2)", "notes": "text",
		"paid_date": "date", "is_active": "tinyint(4)", "created_at": "timestamp(6)", "updated_at": "timestamp(6)",
	},
	"payments": {
		"id": "varchar(36)", "company_id": "varchar(36)", "invoice_id": "varchar(36)", "amount": "decimal(15,2)",
		"paid_at": "timestamp", "method": "enum('CASH','BANK','MOBILE','CARD','OTHER')", "reference": "varchar(255)",
		"metadata": "json", "notes": "text", "is_active": "tinyint(4)", "created_at": "timestamp(6)", "updated_at": "timestamp(6)",
	},
	"reminders": {
		"id": "varchar(36)", "company_id": "varchar(36)", "type": "enum('DUE_SOON','OVERDUE','RECEIPT','WELCOME')",
		"tenant_id": "varchar(36)", "invoice_id": "varchar(36)", "subject": "varchar(255)", "message": "text",
		"recipient": "varchar(255)", "status": "enum('PENDING','SENT','FAILED')", "scheduled_for": "timestamp",
		"sent_at": "timestamp", "error_message": "text", "retry_count": "int(11)", "metadata": "json",
		"is_active": "tinyint(4)", "created_at": "timestamp(6)", "updated_at": "timestamp(6)",
	},
	"invoice_totals": {
		"company_id": "varchar(36)", "status": "enum('draft','sent','paid','overdue','cancelled')", "due_date": "date",
		"invoices": "int(11)", "total_amount": "decimal(20,2)", "amount_paid": "decimal(20,2)",
	},
	"idempotency_keys": {
		"company_id": "varchar(36)", "idempotency_key": "varchar(255)", "scope": "varchar(100)", "request_hash": "char(64)",
		"status_code": "int(11)", "response_body": "longtext", "created_at": "timestamp(6)",
	},
}

// expectedIndexes lists indexes by name: columns in order, and whether unique.
var expectedIndexes = map[string]map[string]string{
	"companies":   {"uq_companies_slug": "unique slug"},
	"users":       {"uq_users_company_email": "unique company_id,email", "idx_users_company_status": "company_id,status", "idx_users_role": "role", "idx_users_email": "email"},
	"compounds":   {"idx_compounds_company_name": "company_id,name"},
	"apartments":  {"uq_apartments_company_compound_unit": "unique company_id,compound_id,unit_number", "idx_apartments_company_active": "company_id,is_active", "idx_apartments_compound_status": "compound_id,status"},
	"tenants":     {"uq_tenants_company_email": "unique company_id,email", "idx_tenants_company_phone": "company_id,phone"},
	"occupancies": {"idx_occupancies_company_apartment_status": "company_id,apartment_id,status", "idx_occupancies_company_tenant_status": "company_id,tenant_id,status", "idx_occupancies_company_lease_end": "company_id,lease_end_date", "idx_occupancies_company_status": "company_id,status"},
	"invoices":    {"uq_invoices_company_number": "unique company_id,invoice_number", "idx_invoices_company_occupancy_status": "company_id,occupancy_id,status", "idx_invoices_company_tenant_status": "company_id,tenant_id,status", "idx_invoices_company_due": "company_id,due_date", "idx_invoices_company_status": "company_id,status", "idx_invoices_occupancy_date": "occupancy_id,invoice_date"},
	"payments":    {"idx_payments_company_invoice": "company_id,invoice_id", "idx_payments_company_paid_at": "company_id,paid_at"},
}

// expectedForeignKeys: constraint name -> "column -> table.column [rule]".
var expectedForeignKeys = map[string]string{
	"fk_users_company":         "users.company_id -> companies.id CASCADE",
	"fk_apartments_compound":   "apartments.compound_id -> compounds.id RESTRICT",
	"fk_occupancies_tenant":    "occupancies.tenant_id -> tenants.id RESTRICT",
	"fk_occupancies_apartment": "occupancies.apartment_id -> apartments.id RESTRICT",
	"fk_invoices_occupancy":    "invoices.occupancy_id -> occupancies.id RESTRICT",
	"fk_invoices_tenant":       "invoices.tenant_id -> tenants.id RESTRICT",
	"fk_payments_invoice":      "payments.invoice_id -> invoices.id RESTRICT",
	"fk_reminders_tenant":      "reminders.tenant_id -> tenants.id RESTRICT",
	"fk_reminders_invoice":     "reminders.invoice_id -> invoices.id RESTRICT",
}

func migrator(t *testing.T, dsn string) *db.Migrator {
	t.Helper()
	m, err := db.NewMigrator(dsn, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func TestMigrationsUpDownUpAndSchema(t *testing.T) {
	dsn := testenv.MySQL(t)
	m := migrator(t, dsn)
	latest, err := db.Latest(migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 2; round++ {
		if err := m.Up(); err != nil {
			t.Fatalf("round %d up: %v", round, err)
		}
		if err := m.Up(); err != nil { // idempotent
			t.Fatalf("round %d second up: %v", round, err)
		}
		v, dirty, err := m.Version()
		if err != nil || dirty || v != latest {
			t.Fatalf("version = %d dirty=%v err=%v, want %d", v, dirty, err, latest)
		}
		checkSchema(t, dsn)
		if err := m.Down(int(latest)); err != nil {
			t.Fatalf("round %d down: %v", round, err)
		}
		if v, _, _ := m.Version(); v != 0 {
			t.Fatalf("after down version = %d", v)
		}
		if n := tableCount(t, dsn); n != 1 { // only schema_migrations remains
			t.Fatalf("after down %d tables remain", n)
		}
	}
	if err := m.Up(); err != nil {
		t.Fatal(err)
	}
	checkSchema(t, dsn)
}

func open(t *testing.T, dsn string) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), dsn, db.Options{PoolSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func tableCount(t *testing.T, dsn string) int {
	var n int
	if err := open(t, dsn).Get(context.Background(), &n, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"); err != nil {
		t.Fatal(err)
	}
	return n
}

func checkSchema(t *testing.T, dsn string) {
	t.Helper()
	ctx := context.Background()
	d := open(t, dsn)

	var cols []struct {
		Table string `db:"TABLE_NAME"`
		Name  string `db:"COLUMN_NAME"`
		Type  string `db:"COLUMN_TYPE"`
		Check string `db:"CHECK_CLAUSE"`
	}
	// MariaDB stores JSON as longtext with a json_valid() check; report those as json.
	if err := d.Select(ctx, &cols, `
		SELECT c.TABLE_NAME, c.COLUMN_NAME, c.COLUMN_TYPE, COALESCE(cc.CHECK_CLAUSE, '') AS CHECK_CLAUSE
		FROM information_schema.COLUMNS c
		LEFT JOIN information_schema.CHECK_CONSTRAINTS cc
		  ON cc.CONSTRAINT_SCHEMA = c.TABLE_SCHEMA AND cc.TABLE_NAME = c.TABLE_NAME AND cc.CONSTRAINT_NAME = c.COLUMN_NAME
		WHERE c.TABLE_SCHEMA = DATABASE() AND c.TABLE_NAME <> 'schema_migrations'`); err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]string{}
	for _, c := range cols {
		if got[c.Table] == nil {
			got[c.Table] = map[string]string{}
		}
		typ := c.Type
		if typ == "longtext" && strings.Contains(c.Check, "json_valid") {
			typ = "json"
		}
		got[c.Table][c.Name] = typ
	}
	for table, want := range expectedColumns {
		for col, typ := range want {
			if got[table][col] != typ {
				t.Errorf("%s.%s: type %q, want %q", table, col, got[table][col], typ)
			}
		}
		for col := range got[table] {
			if _, ok := want[col]; !ok {
				t.Errorf("%s.%s: unexpected column", table, col)
			}
		}
	}
	for table := range got {
		if _, ok := expectedColumns[table]; !ok {
			t.Errorf("unexpected table %s", table)
		}
	}

	var idx []struct {
		Table     string `db:"TABLE_NAME"`
		Name      string `db:"INDEX_NAME"`
		NonUnique int    `db:"NON_UNIQUE"`
		Columns   string `db:"COLS"`
	}
	if err := d.Select(ctx, &idx, `
		SELECT TABLE_NAME, INDEX_NAME, MAX(NON_UNIQUE) AS NON_UNIQUE,
		       GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX SEPARATOR ',') AS COLS
		FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
		GROUP BY TABLE_NAME, INDEX_NAME`); err != nil {
		t.Fatal(err)
	}
	gotIdx := map[string]string{}
	for _, i := range idx {
		desc := i.Columns
		if i.NonUnique == 0 {
			desc = "unique " + desc
		}
		gotIdx[i.Table+"."+i.Name] = desc
	}
	for table, want := range expectedIndexes {
		for name, desc := range want {
			if gotIdx[table+"."+name] != desc {
				t.Errorf("index %s.%s = %q, want %q", table, name, gotIdx[table+"."+name], desc)
			}
		}
	}

	var triggers []string
	if err := d.Select(ctx, &triggers, `SELECT CONCAT(TRIGGER_NAME, ' ', ACTION_TIMING, ' ', EVENT_MANIPULATION, ' ', EVENT_OBJECT_TABLE)
		FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY TRIGGER_NAME`); err != nil {
		t.Fatal(err)
	}
	wantTriggers := []string{"invoices_totals_delete AFTER DELETE invoices", "invoices_totals_insert AFTER INSERT invoices", "invoices_totals_update AFTER UPDATE invoices"}
	if strings.Join(triggers, "; ") != strings.Join(wantTriggers, "; ") {
		t.Errorf("triggers = %q, want %q", triggers, wantTriggers)
	}

	var fks []struct {
		Name     string `db:"CONSTRAINT_NAME"`
		Table    string `db:"TABLE_NAME"`
		Column   string `db:"COLUMN_NAME"`
		RefTable string `db:"REFERENCED_TABLE_NAME"`
		RefCol   string `db:"REFERENCED_COLUMN_NAME"`
		Rule     string `db:"DELETE_RULE"`
	}
	if err := d.Select(ctx, &fks, `
		SELECT k.CONSTRAINT_NAME, k.TABLE_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.DELETE_RULE
		FROM information_schema.KEY_COLUMN_USAGE k
		JOIN information_schema.REFERENTIAL_CONSTRAINTS r
		  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
		WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	gotFK := map[string]string{}
	for _, f := range fks {
		gotFK[f.Name] = f.Table + "." + f.Column + " -> " + f.RefTable + "." + f.RefCol + " " + f.Rule
	}
	var names []string
	for n := range gotFK {
		names = append(names, n)
	}
	sort.Strings(names)
	for name, want := range expectedForeignKeys {
		if gotFK[name] != want {
			t.Errorf("foreign key %s = %q, want %q", name, gotFK[name], want)
		}
	}
	if len(gotFK) != len(expectedForeignKeys) {
		t.Errorf("foreign keys %v, want exactly %d", names, len(expectedForeignKeys))
	}
}

// Several migrators starting at once (replicas, a re-run Job) must leave one consistent schema.
func TestConcurrentMigrateUp(t *testing.T) {
	dsn := testenv.MySQL(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := db.NewMigrator(dsn, migrations.FS)
			if err != nil {
				errs <- err
				return
			}
			defer m.Close()
			errs <- m.Up()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent up: %v", err)
		}
	}
	checkSchema(t, dsn)
}

func TestDirtyStateNamesTheFix(t *testing.T) {
	dsn := testenv.MySQL(t)
	m := migrator(t, dsn)
	if err := m.Up(); err != nil {
		t.Fatal(err)
	}
	d := open(t, dsn)
	if _, err := d.Exec(context.Background(), "UPDATE schema_migrations SET dirty = 1"); err != nil {
		t.Fatal(err)
	}
	latest, _ := db.Latest(migrations.FS)
	want := fmt.Sprintf("ternant migrate force %d", latest-1)
	err := m.Up()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want it to name `%s`", err, want)
	}
	if err := m.Force(int(latest)); err != nil {
		t.Fatal(err)
	}
	if err := m.Up(); err != nil {
		t.Fatalf("after force: %v", err)
	}
}
