package backup

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/ternant/ternant/internal/s3test"
	"github.com/ternant/ternant/internal/testenv"
	"github.com/ternant/ternant/migrations"
	"github.com/ternant/ternant/server/platform/db"
)

// viaProxy rewrites dsn to reach MariaDB through a relay the test can cut.
func viaProxy(t *testing.T, dsn string) (string, *testenv.Proxy) {
	t.Helper()
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p := testenv.NewProxy(t, cfg.Addr)
	cfg.Addr = p.Addr
	return cfg.FormatDSN(), p
}

// breakAfter reads r and cuts the proxy once n bytes have gone through.
type breakAfter struct {
	r    io.Reader
	n    int64
	p    *testenv.Proxy
	once sync.Once
}

func (b *breakAfter) Read(buf []byte) (int, error) {
	k, err := b.r.Read(buf)
	b.n -= int64(k)
	if b.n <= 0 {
		b.once.Do(b.p.Break)
	}
	return k, err
}

// breakingStore cuts the database connection part way through an upload.
type breakingStore struct {
	Store
	p     *testenv.Proxy
	after int64
}

func (s breakingStore) Put(ctx context.Context, name string, r io.Reader) (int64, error) {
	return s.Store.Put(ctx, name, &breakAfter{r: r, n: s.after, p: s.p})
}

// The database connection lost in the middle of a dump, after the first 5 MiB part of the S3
// upload went through: create fails, and neither a directory nor an S3 bucket is left holding a
// partial object.
func TestCreateWithTheDatabaseLostMidwayLeavesNoObject(t *testing.T) {
	src := newSource(t)
	addNoise(t, src, 6<<20)
	old := partSize
	partSize = 5 << 20
	t.Cleanup(func() { partSize = old })
	srv := s3test.Start(t, "backups")
	s3, err := Open("s3://backups/p", S3Config{Endpoint: srv.Endpoint, Region: "us-east-1", AccessKey: "k", SecretKey: "s", PathStyle: "true"})
	if err != nil {
		t.Fatal(err)
	}
	for name, st := range map[string]Store{"directory": &dirStore{dir: t.TempDir()}, "s3": s3} {
		t.Run(name, func(t *testing.T) {
			dsn, proxy := viaProxy(t, src.dsn)
			conn, err := OpenDB(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_, err = Create(context.Background(), conn, breakingStore{Store: st, p: proxy, after: 11 << 19}, time.Now)
			if err == nil {
				t.Fatal("create succeeded with the database connection cut")
			}
			t.Logf("error: %v", err)
			objs, err := st.List(context.Background())
			if err != nil || len(objs) != 0 {
				t.Errorf("after the failed create the store holds %v (%v)", objs, err)
			}
		})
	}
}

// The database connection lost in the middle of a restore: restore fails, the database is marked
// dirty, migrations refuse it, and a forced restore repairs it.
func TestRestoreInterruptedLeavesADirtyDatabase(t *testing.T) {
	src := newSource(t)
	good, _ := dumpBytes(t, src.raw)
	dstDSN, dst := emptyDB(t)
	dsn, proxy := viaProxy(t, dstDSN)
	conn, err := OpenDB(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, err = Restore(context.Background(), conn, &breakAfter{r: bytes.NewReader(good), n: int64(len(good) / 2), p: proxy}, RestoreOptions{})
	if err == nil || errors.Is(err, ErrCorrupt) {
		t.Fatalf("restore with the connection cut: %v", err)
	}
	t.Logf("error: %v", err)
	var dirty int
	if err := dst.QueryRow("SELECT dirty FROM schema_migrations").Scan(&dirty); err != nil || dirty != 1 {
		t.Fatalf("schema_migrations.dirty = %d (%v), want 1", dirty, err)
	}
	m, err := db.NewMigrator(dstDSN, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Up(); !errors.Is(err, db.ErrDirty) {
		t.Errorf("migrate up on the interrupted restore: %v, want ErrDirty", err)
	}
	m.Close()
	if _, err := Restore(context.Background(), dst, bytes.NewReader(good), RestoreOptions{}); !errors.Is(err, ErrNotEmpty) || !strings.Contains(err.Error(), "--force") {
		t.Errorf("second restore without force: %v", err)
	}
	if _, err := Restore(context.Background(), dst, bytes.NewReader(good), RestoreOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	assertSameDatabase(t, src.raw, dst)
}

// addNoise adds n bytes of incompressible data to the source, so its backup spans several upload
// parts.
func addNoise(t *testing.T, src source, n int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 256<<10)
	for done := 0; done < n; done += len(noise) {
		for j := range noise {
			noise[j] = byte(rng.Uint32())
		}
		if _, err := src.app.Exec(context.Background(), "INSERT INTO zz_awkward (bl) VALUES (?)", noise); err != nil {
			t.Fatal(err)
		}
	}
}
