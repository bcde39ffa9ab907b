package propertytest_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ternant/ternant/internal/propertytest"
	"github.com/ternant/ternant/server/seed"
	"github.com/ternant/ternant/server/servertest"
)

// TernantApp's clients log in to the demo data: every property list and figure must read it.
func TestPropertyEndpointsReadTheDemoSeed(t *testing.T) {
	inst := servertest.Start(t, nil)
	sum, err := seed.Demo(context.Background(), inst.DB, seed.Options{Seed: 7, BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	e := &propertytest.Env{Instance: inst, A: inst.Login(t, "owner@sunrise-pm.com", seed.DemoPassword)}
	total := 0
	for _, path := range []string{"/compounds", "/apartments", "/tenants", "/occupancies", "/occupancies/active", "/occupancies/expiring?days=3650"} {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		rows, n := e.List(t, e.A, path+sep+"limit=1000")
		if len(rows) == 0 || n != strconv.Itoa(len(rows)) {
			t.Errorf("GET %s: %d rows, X-Total-Count %s", path, len(rows), n)
		}
		if path == "/apartments" {
			total = len(rows)
		}
	}
	for _, path := range []string{"/compounds/count", "/apartments/stats", "/tenants/stats", "/occupancies/stats"} {
		e.Must(t, http.StatusOK, e.A, http.MethodGet, path, nil)
	}
	if total == 0 || total >= sum.Apartments {
		t.Errorf("sunrise-pm lists %d apartments of the %d seeded across three companies", total, sum.Apartments)
	}
}
