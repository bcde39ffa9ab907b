package backup

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ternant/ternant/internal/s3test"
	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/migrations"
	"github.com/ternant/ternant/server/dashboard"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/seed"
)

func TestMain(m *testing.M) {
	s3test.Main()
	os.Exit(m.Run())
}

// source is a migrated database seeded with the demo data plus a table of awkward values.
type source struct {
	dsn string
	app *db.DB  // the API's handle (parsed times)
	raw *sql.DB // the backup's handle
}

func newSource(t *testing.T) source {
	t.Helper()
	dsn := testenv.MySQL(t)
	m, err := db.NewMigrator(dsn, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Up(); err != nil {
		t.Fatal(err)
	}
	m.Close()
	ctx := context.Background()
	app, err := db.Open(ctx, dsn, db.Options{PoolSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Close() })
	if _, err := seed.Demo(ctx, app, seed.Options{Seed: 7, BcryptCost: 4}); err != nil {
		t.Fatalf("seed demo data: %v", err)
	}
	addAwkwardValues(t, app)
	raw, err := OpenDB(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return source{dsn: dsn, app: app, raw: raw}
}

// addAwkwardValues adds a table whose values a dump must copy byte for byte: every byte value in
// binary columns, quotes, backslashes, NUL, newlines and what looks like the file's own syntax in
// text, 65-digit decimals, microsecond times, JSON, a generated column, NULLs; and enough rows
// for several INSERT batches.
func addAwkwardValues(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := d.Exec(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec("CREATE TABLE zz_awkward (" +
		"id int NOT NULL AUTO_INCREMENT PRIMARY KEY, s varchar(200) NULL, b varbinary(300) NULL, bl longblob NULL," +
		"ts timestamp(6) NULL, dt datetime(6) NULL, d date NULL, amount decimal(65,30) NULL, j json NULL," +
		"bits bit(8) NULL, e enum('a','b''c') NULL, s_len int AS (CHAR_LENGTH(s)) STORED, note longtext NULL" +
		") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci")
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	texts := []string{
		"it's \"quoted\" \\ back\\slash", "nul\x00byte", "line\nbreak\r\nand ;\n", "DELIMITER ;;\nEND;;",
		"\n-- ternant-backup-end {\"rows\":0}\n", "ümlaut 😀 漢字", "/* not a comment */ # nor this -- or this", "\x1a", "",
	}
	for i, s := range texts {
		exec("INSERT INTO zz_awkward (s, b, bl, ts, dt, d, amount, j, bits, e, note) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
			s, all[i:i+40], all, "2026-03-29 01:30:00.123456", "9999-12-31 23:59:59.999999", "1000-01-01",
			"12345678901234567890123456789012345.123456789012345678901234567891", `{"k": "v\n", "n": [1, 2.50, null]}`,
			i, "b'c", strings.Repeat(s, 3))
	}
	exec("INSERT INTO zz_awkward (s) VALUES (NULL)")
	// About 3 MB of text: several INSERT statements.
	big := strings.Repeat("x", 1000)
	for i := 0; i < 30; i++ {
		var sb strings.Builder
		sb.WriteString("INSERT INTO zz_awkward (note) VALUES ")
		for j := 0; j < 100; j++ {
			if j > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, "('%d %s')", i*100+j, big)
		}
		exec(sb.String())
	}
}

// emptyDB is a new database with nothing in it.
func emptyDB(t *testing.T) (string, *sql.DB) {
	t.Helper()
	dsn := testenv.MySQL(t)
	raw, err := OpenDB(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return dsn, raw
}

// dumpBytes returns a gzip-compressed backup of src.
func dumpBytes(t *testing.T, src *sql.DB) ([]byte, Manifest) {
	t.Helper()
	st := &dirStore{dir: t.TempDir()}
	res, err := Create(context.Background(), src, st, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	r, err := st.Get(context.Background(), res.Name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b, res.Manifest
}

func queryStrings(t *testing.T, d *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := d.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// assertSameDatabase compares two databases table by table and row by row, byte for byte, and
// their table definitions and triggers.
func assertSameDatabase(t *testing.T, want, got *sql.DB) {
	t.Helper()
	tablesQ := "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME"
	wt, gt := queryStrings(t, want, tablesQ), queryStrings(t, got, tablesQ)
	if strings.Join(wt, ",") != strings.Join(gt, ",") {
		t.Fatalf("tables differ:\nwant %v\n got %v", wt, gt)
	}
	for _, table := range wt {
		if table == migrationsTable {
			continue
		}
		if a, b := showCreate(t, want, table), showCreate(t, got, table); a != b {
			t.Errorf("table %s defined differently:\nwant %s\n got %s", table, a, b)
		}
		n := compareRows(t, want, got, table)
		t.Logf("%s: %d rows equal", table, n)
	}
	trigQ := "SELECT CONCAT(TRIGGER_NAME, ' ', ACTION_TIMING, ' ', EVENT_MANIPULATION, ' ', EVENT_OBJECT_TABLE, ' ', ACTION_ORDER, ' ', SQL_MODE, ' ', CHARACTER_SET_CLIENT, ' ', COLLATION_CONNECTION, ' ', DATABASE_COLLATION, '\n', ACTION_STATEMENT) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY TRIGGER_NAME"
	if a, b := queryStrings(t, want, trigQ), queryStrings(t, got, trigQ); strings.Join(a, "\n") != strings.Join(b, "\n") || len(a) == 0 {
		t.Errorf("triggers differ:\nwant %v\n got %v", a, b)
	}
}

func showCreate(t *testing.T, d *sql.DB, table string) string {
	t.Helper()
	var name, ddl string
	if err := d.QueryRow("SHOW CREATE TABLE "+quoteIdent(table)).Scan(&name, &ddl); err != nil {
		t.Fatal(err)
	}
	return ddl
}

func compareRows(t *testing.T, want, got *sql.DB, table string) int {
	t.Helper()
	cols := queryStrings(t, want, "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION", table)
	order := make([]string, len(cols))
	for i := range cols {
		order[i] = fmt.Sprint(i + 1)
	}
	// HEX() makes every value comparable as bytes, whatever its type.
	sel := make([]string, len(cols))
	for i, c := range cols {
		sel[i] = "HEX(" + quoteIdent(c) + ") IS NULL, HEX(" + quoteIdent(c) + ")"
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + quoteIdent(table) + " ORDER BY " + strings.Join(order, ", ")
	wr, err := want.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer wr.Close()
	gr, err := got.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer gr.Close()
	vals := func(r *sql.Rows) []sql.RawBytes {
		v := make([]sql.RawBytes, 2*len(cols))
		p := make([]any, len(v))
		for i := range v {
			p[i] = &v[i]
		}
		if err := r.Scan(p...); err != nil {
			t.Fatal(err)
		}
		return v
	}
	n := 0
	for wr.Next() {
		if !gr.Next() {
			t.Fatalf("%s: restored copy has only %d rows", table, n)
		}
		a, b := vals(wr), vals(gr)
		for i := range a {
			if !bytes.Equal(a[i], b[i]) || (a[i] == nil) != (b[i] == nil) {
				t.Fatalf("%s row %d column %s: want %q, got %q", table, n+1, cols[i/2], a[i], b[i])
			}
		}
		n++
	}
	if gr.Next() {
		t.Fatalf("%s: restored copy has more than %d rows", table, n)
	}
	return n
}

// assertSameDashboards checks every company's dashboard figures on both databases.
func assertSameDashboards(t *testing.T, wantDSN, gotDSN string) {
	t.Helper()
	ctx := context.Background()
	open := func(dsn string) *db.DB {
		d, err := db.Open(ctx, dsn, db.Options{PoolSize: 2})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	want, got := open(wantDSN), open(gotDSN)
	var ids []string
	if err := want.Select(ctx, &ids, "SELECT id FROM companies ORDER BY id"); err != nil {
		t.Fatal(err)
	}
	if len(ids) == 0 {
		t.Fatal("no companies")
	}
	for _, id := range ids {
		a, err := dashboard.NewService(want, nil, 0).Compute(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		b, err := dashboard.NewService(got, nil, 0).Compute(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if a != b {
			t.Errorf("company %s dashboard:\nwant %+v\n got %+v", id, a, b)
		}
		if a.TotalUnits == 0 {
			t.Errorf("company %s: no units in the demo data?", id)
		}
	}
}
