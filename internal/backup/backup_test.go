package backup

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ternant/ternant/internal/s3test"
	"github.com/ternant/ternant/migrations"
	"github.com/ternant/ternant/server/platform/db"
)

// A backup of the demo data restores into a new database with every table, row, trigger and
// dashboard figure equal, and the restored triggers keep invoice_totals exact afterwards.
func TestBackupRestoresDemoDataExactly(t *testing.T) {
	src := newSource(t)
	ctx := context.Background()
	st := &dirStore{dir: t.TempDir()}
	res, err := Create(ctx, src.raw, st, time.Now)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if res.SchemaVersion == 0 || res.Size == 0 || res.Manifest.Tables["invoices"] == 0 || res.Manifest.Tables["zz_awkward"] < 3000 {
		t.Fatalf("result = %+v", res)
	}

	dstDSN, dst := emptyDB(t)
	r, err := st.Get(ctx, res.Name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	m, err := Restore(ctx, dst, r, RestoreOptions{})
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	if m.Rows != res.Manifest.Rows || m.SchemaVersion != res.SchemaVersion {
		t.Errorf("restored %+v, dumped %+v", m, res.Manifest)
	}
	assertSameDatabase(t, src.raw, dst)
	assertSameDashboards(t, src.dsn, dstDSN)

	var version, dirty int
	if err := dst.QueryRow("SELECT version, dirty FROM schema_migrations").Scan(&version, &dirty); err != nil {
		t.Fatal(err)
	}
	latest, _ := db.Latest(migrations.FS)
	if uint(version) != latest || dirty != 0 {
		t.Errorf("schema_migrations = (%d, %d), want (%d, 0)", version, dirty, latest)
	}
	mig, err := db.NewMigrator(dstDSN, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if err := mig.Up(); err != nil {
		t.Errorf("migrate up on the restored database: %v", err)
	}
	mig.Close()

	// The triggers came back: a new invoice (a copy of one with a new id and number) and a paid
	// one move invoice_totals exactly as the invoices say.
	if _, err := dst.Exec(copyInvoiceSQL(t, dst), "-copy"); err != nil {
		t.Fatalf("insert: %v", err)
	}
	if _, err := dst.Exec("UPDATE invoices SET amount_paid = total_amount, status = 'paid' WHERE status <> 'paid' AND is_active = 1 ORDER BY id LIMIT 1"); err != nil {
		t.Fatal(err)
	}
	assertTotalsMatchInvoices(t, dst, "after writes on the restored database")
}

// copyInvoiceSQL inserts a copy of one invoice with a new id and its number plus the one
// argument, so the invoice_totals triggers fire.
func copyInvoiceSQL(t *testing.T, d *sql.DB) string {
	t.Helper()
	cols := queryStrings(t, d, "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'invoices' ORDER BY ORDINAL_POSITION")
	sel := make([]string, len(cols))
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quoteIdent(c)
		switch c {
		case "id":
			sel[i] = "UUID()"
		case "invoice_number":
			sel[i] = "CONCAT(invoice_number, ?)"
		case "is_active":
			sel[i] = "1"
		default:
			sel[i] = quoteIdent(c)
		}
	}
	return "INSERT INTO invoices (" + strings.Join(quoted, ",") + ") SELECT " + strings.Join(sel, ",") + " FROM invoices ORDER BY id LIMIT 1"
}

// assertTotalsMatchInvoices checks invoice_totals against the invoices it sums.
func assertTotalsMatchInvoices(t *testing.T, d *sql.DB, when string) {
	t.Helper()
	const totalsQ = "SELECT CONCAT_WS('|', company_id, status, due_date, invoices, total_amount, amount_paid) FROM invoice_totals WHERE invoices > 0 ORDER BY 1"
	const fromInvoicesQ = "SELECT CONCAT_WS('|', company_id, status, due_date, COUNT(*), SUM(total_amount), SUM(amount_paid)) FROM invoices WHERE is_active = 1 GROUP BY company_id, status, due_date ORDER BY 1"
	got, want := queryStrings(t, d, totalsQ), queryStrings(t, d, fromInvoicesQ)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("invoice_totals %s:\n got %v\nwant %v", when, got, want)
	}
}

// A backup taken while invoices are being written is one instant of the database: the
// restored invoice_totals (dumped before invoices) agree with the restored invoices, and every
// write is either wholly in the backup or wholly absent.
func TestBackupIsConsistentUnderWrites(t *testing.T) {
	src := newSource(t)
	ins := copyInvoiceSQL(t, src.raw)
	// Written with every transaction below: dumped first (aa_) and last (zz_), so a dump that is
	// not one snapshot holds more rows in the second.
	if _, err := src.raw.Exec("CREATE TABLE aa_markers (n int PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	writer, err := OpenDB(context.Background(), src.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	stop := make(chan struct{})
	var writes atomic.Int64
	done := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			// One transaction: a new invoice and a payment on another, both through the triggers.
			tx, err := writer.Begin()
			if err == nil {
				_, err = tx.Exec(ins, fmt.Sprintf("-w%d", i))
			}
			if err == nil {
				_, err = tx.Exec("UPDATE invoices SET amount_paid = amount_paid + 1.00 WHERE is_active = 1 AND amount_paid + 1.00 <= total_amount ORDER BY id LIMIT 1")
			}
			if err == nil {
				_, err = tx.Exec("INSERT INTO aa_markers VALUES (?)", i)
			}
			if err == nil {
				_, err = tx.Exec("INSERT INTO zz_awkward (s) VALUES (?)", fmt.Sprintf("marker %d", i))
			}
			if err == nil {
				err = tx.Commit()
			}
			if err != nil {
				done <- err
				return
			}
			writes.Add(1)
		}
	}()
	for writes.Load() < 5 {
		time.Sleep(time.Millisecond)
	}
	before := writes.Load()
	good, m := dumpBytes(t, src.raw)
	during := writes.Load() - before
	close(stop)
	if err := <-done; err != nil {
		t.Fatalf("writer: %v", err)
	}
	if during == 0 {
		t.Fatal("no write happened during the backup; the test proves nothing")
	}
	t.Logf("%d write transactions committed during the backup; %d invoices in it", during, m.Tables["invoices"])
	_, dst := emptyDB(t)
	if _, err := Restore(context.Background(), dst, bytes.NewReader(good), RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	assertTotalsMatchInvoices(t, dst, "in a backup taken under writes")
	var copies int64
	if err := dst.QueryRow("SELECT COUNT(*) FROM invoices WHERE invoice_number LIKE '%-w%'").Scan(&copies); err != nil {
		t.Fatal(err)
	}
	if copies < before || copies > before+during {
		t.Errorf("backup holds %d written invoices, want between %d and %d", copies, before, before+during)
	}
	var first, last int64
	if err := dst.QueryRow("SELECT (SELECT COUNT(*) FROM aa_markers), (SELECT COUNT(*) FROM zz_awkward WHERE s LIKE 'marker %')").Scan(&first, &last); err != nil {
		t.Fatal(err)
	}
	if first != last || first != copies {
		t.Errorf("one transaction's rows split by the backup: %d in the first table, %d in the last, %d invoices", first, last, copies)
	}
}

// damage describes a way a stored backup can be broken.
type damage struct {
	name string
	// fn breaks a good backup, given compressed and plain bytes.
	fn func(gz, plain []byte) []byte
}

func recompress(plain []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(plain)
	w.Close()
	return b.Bytes()
}

// lastStatementEnd is the offset just past the last statement before the trailer.
func trailerStart(plain []byte) int { return bytes.LastIndex(plain, []byte("\n"+trailerPrefix)) + 1 }

// A truncated or damaged backup fails restore with ErrCorrupt, and the database it was loaded
// into never looks restored: its schema version is missing or dirty, which `migrate up` refuses.
// A restore with Force into the same database then succeeds.
func TestRestoreRefusesDamagedBackups(t *testing.T) {
	src := newSource(t)
	good, _ := dumpBytes(t, src.raw)
	plain := gunzip(t, good)
	ts := trailerStart(plain)
	if ts <= 0 {
		t.Fatal("no trailer in the dump")
	}
	cases := []damage{
		{"not gzip", func(gz, p []byte) []byte { return p[:1000] }},
		{"compressed file cut in half", func(gz, p []byte) []byte { return gz[:len(gz)/2] }},
		{"compressed file missing its last 8 bytes", func(gz, p []byte) []byte { return gz[:len(gz)-8] }},
		{"cut inside a statement", func(gz, p []byte) []byte { return recompress(p[:len(p)*2/3]) }},
		{"cut before the final statement", func(gz, p []byte) []byte {
			return recompress(p[:bytes.LastIndex(p[:ts], []byte("UPDATE `schema_migrations`"))])
		}},
		{"cut before the trailer", func(gz, p []byte) []byte { return recompress(p[:ts]) }},
		{"one byte of data changed", func(gz, p []byte) []byte {
			q := bytes.Clone(p)
			i := bytes.Index(q, []byte("Sunrise"))
			q[i] = 'T'
			return recompress(q)
		}},
		{"a batch of rows removed, checksum recomputed", func(gz, p []byte) []byte {
			start := bytes.Index(p, []byte("INSERT INTO `zz_awkward`"))
			end := start + bytes.Index(p[start:], []byte(";\n")) + 2
			q := append(bytes.Clone(p[:start]), p[end:]...)
			tsq := trailerStart(q)
			var tr Trailer
			if err := parseLine(q[tsq:], trailerPrefix, &tr); err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(q[:tsq])
			tr.SHA256 = hex.EncodeToString(sum[:])
			line, _ := marshalLine(trailerPrefix, tr)
			return recompress(append(q[:tsq:tsq], line...))
		}},
		{"garbage after the trailer", func(gz, p []byte) []byte { return recompress(append(bytes.Clone(p), "DROP TABLE companies;\n"...)) }},
	}
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dstDSN, dst := emptyDB(t)
			_, err := Restore(ctx, dst, bytes.NewReader(tc.fn(good, plain)), RestoreOptions{})
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("restore error = %v, want ErrCorrupt", err)
			}
			t.Logf("error: %v", err)
			var dirty int
			err = dst.QueryRow("SELECT dirty FROM schema_migrations").Scan(&dirty)
			switch {
			case err == nil && dirty != 1:
				t.Errorf("schema_migrations.dirty = %d after a failed restore, want 1", dirty)
			case err != nil && !strings.Contains(err.Error(), "doesn't exist"):
				t.Fatal(err)
			}
			// Nothing written at all is fine (an empty database is not mistaken for a restored
			// one); anything written must be refused by the migrations.
			if tables := queryStrings(t, dst, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"); len(tables) > 0 {
				m, err := db.NewMigrator(dstDSN, migrations.FS)
				if err != nil {
					t.Fatal(err)
				}
				if err := m.Up(); err == nil {
					t.Error("migrate up accepted a half-restored database")
				} else {
					t.Logf("migrate up: %v", err)
				}
				m.Close()
			}
			// The way out: restore again over it.
			if _, err := Restore(ctx, dst, bytes.NewReader(good), RestoreOptions{Force: true}); err != nil {
				t.Fatalf("forced restore of the good backup: %v", err)
			}
			if err := dst.QueryRow("SELECT dirty FROM schema_migrations").Scan(&dirty); err != nil || dirty != 0 {
				t.Errorf("after the forced restore dirty = %d, %v", dirty, err)
			}
		})
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Restore refuses a database that already holds tables and leaves it untouched; Force replaces it.
func TestRestoreRefusesNonEmptyDatabase(t *testing.T) {
	src := newSource(t)
	good, m := dumpBytes(t, src.raw)
	ctx := context.Background()
	_, dst := emptyDB(t)
	if _, err := dst.Exec("CREATE TABLE companies (id int PRIMARY KEY, name varchar(10))"); err != nil {
		t.Fatal(err)
	}
	if _, err := dst.Exec("INSERT INTO companies VALUES (1, 'keep me')"); err != nil {
		t.Fatal(err)
	}
	_, err := Restore(ctx, dst, bytes.NewReader(good), RestoreOptions{})
	if !errors.Is(err, ErrNotEmpty) || !strings.Contains(err.Error(), "companies") {
		t.Fatalf("restore into a non-empty database: %v, want ErrNotEmpty naming the table", err)
	}
	var name string
	if err := dst.QueryRow("SELECT name FROM companies WHERE id = 1").Scan(&name); err != nil || name != "keep me" {
		t.Fatalf("existing row after the refusal: %q, %v", name, err)
	}
	if _, err := Restore(ctx, dst, bytes.NewReader(good), RestoreOptions{Force: true}); err != nil {
		t.Fatalf("forced restore: %v", err)
	}
	var n int64
	if err := dst.QueryRow("SELECT COUNT(*) FROM companies").Scan(&n); err != nil || n != m.Tables["companies"] {
		t.Errorf("companies after the forced restore: %d (%v), want %d", n, err, m.Tables["companies"])
	}
}

// A header check can refuse a backup before anything is written.
func TestRestoreCheckSeesHeaderFirst(t *testing.T) {
	src := newSource(t)
	good, _ := dumpBytes(t, src.raw)
	_, dst := emptyDB(t)
	refuse := errors.New("too new")
	var seen Header
	_, err := Restore(context.Background(), dst, bytes.NewReader(good), RestoreOptions{Check: func(h Header) error { seen = h; return refuse }})
	if !errors.Is(err, refuse) || seen.SchemaVersion == 0 || seen.Database == "" {
		t.Fatalf("err = %v, header = %+v", err, seen)
	}
	if tables := queryStrings(t, dst, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"); len(tables) != 0 {
		t.Errorf("tables written before the check: %v", tables)
	}
}

// A dump that fails (here: a database that was never migrated) leaves no object in the store.
func TestCreateFailureLeavesNoObject(t *testing.T) {
	_, empty := emptyDB(t)
	dir := t.TempDir()
	st := &dirStore{dir: dir}
	if _, err := Create(context.Background(), empty, st, time.Now); err == nil || !strings.Contains(err.Error(), "schema_migrations") {
		t.Fatalf("create on an unmigrated database: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("files left behind: %v", entries)
	}
}

// The backup engine against a real S3-compatible server in its own process: create (as a
// multipart upload), list, restore, retention, and an upload to a dead server that fails cleanly.
func TestS3BackupAndRestore(t *testing.T) {
	old := partSize
	partSize = 5 << 20 // S3's minimum: the 6 MB of random bytes below take two parts
	t.Cleanup(func() { partSize = old })
	srv := s3test.Start(t, "backups")
	st, err := Open("s3://backups/ternant/prod", S3Config{Endpoint: srv.Endpoint, Region: "us-east-1", AccessKey: "key", SecretKey: "secret", PathStyle: "true"})
	if err != nil {
		t.Fatal(err)
	}
	src := newSource(t)
	addNoise(t, src, 6<<20)
	ctx := context.Background()
	clock := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	res, err := Create(ctx, src.raw, st, now)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if res.Location != "s3://backups/ternant/prod/20261201T020000.000Z.sql.gz" || res.Size < 5<<20 {
		t.Fatalf("result = %+v", res)
	}
	// The object is a file under the server's directory, exactly as uploaded.
	onDisk, err := os.Stat(filepath.Join(srv.Dir, "buckets", "backups", "ternant", "prod", res.Name))
	if err != nil || onDisk.Size() != res.Size {
		t.Fatalf("object on the server's disk: %v, %v (want %d bytes)", onDisk, err, res.Size)
	}
	objs, err := st.List(ctx)
	if err != nil || len(objs) != 1 || objs[0].Name != res.Name || objs[0].Size != res.Size || !objs[0].Time.Equal(clock) {
		t.Fatalf("list = %+v, %v", objs, err)
	}

	dstDSN, dst := emptyDB(t)
	r, err := st.Get(ctx, res.Name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(ctx, dst, r, RestoreOptions{}); err != nil {
		t.Fatalf("restore from S3: %v", err)
	}
	r.Close()
	assertSameDatabase(t, src.raw, dst)
	assertSameDashboards(t, src.dsn, dstDSN)

	// Two more backups a day apart, then retention keeps the newest two.
	for i := 0; i < 2; i++ {
		clock = clock.Add(24 * time.Hour)
		if res, err = Create(ctx, src.raw, st, now); err != nil {
			t.Fatal(err)
		}
	}
	deleted, err := Prune(ctx, st, Retention{KeepLast: 2}, res.Name, clock)
	if err != nil || len(deleted) != 1 || deleted[0].Name != "20261201T020000.000Z.sql.gz" {
		t.Fatalf("prune = %+v, %v", deleted, err)
	}
	if objs, _ := st.List(ctx); len(objs) != 2 {
		t.Errorf("after retention: %+v", objs)
	}
	if _, err := st.Get(ctx, "20261201T020000.000Z.sql.gz"); !errors.Is(err, ErrNoBackup) {
		t.Errorf("get of a deleted backup: %v", err)
	}

	// The server dies: create fails and says so.
	srv.Stop()
	clock = clock.Add(time.Hour)
	if _, err := Create(ctx, src.raw, st, now); err == nil {
		t.Fatal("create succeeded with the object store down")
	}
}

func TestOpenLocation(t *testing.T) {
	for _, tc := range []struct {
		loc, want string
	}{
		{"file:///var/backups/ternant", "file:///var/backups/ternant/x"},
		{"s3://bucket", "s3://bucket/x"},
		{"s3://bucket/a/b/", "s3://bucket/a/b/x"},
		{"file://relative/dir", "error"},
		{"file:relative", "error"},
		{"s3:///prefix", "error"},
		{"ftp://host/dir", "error"},
		{"/var/backups", "error"},
	} {
		st, err := Open(tc.loc, S3Config{Endpoint: "http://127.0.0.1:1"})
		got := "error"
		if err == nil {
			got = st.Location("x")
		}
		if got != tc.want {
			t.Errorf("Open(%q) location = %q (%v), want %q", tc.loc, got, err, tc.want)
		}
	}
	if _, err := Open("s3://b/p", S3Config{PathStyle: "yes"}); err == nil {
		t.Error("BACKUP_S3_PATH_STYLE=yes accepted")
	}
}
