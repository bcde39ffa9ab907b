package servertest

import (
	"strings"
	"sync"
	"testing"

	"github.com/ternant/ternant/server/identity"
)

// Fixture creates a resource in a company and returns its id. token is the company owner's.
type Fixture func(t testing.TB, inst *Instance, companyID, token string) (id string)

var (
	fixturesMu sync.Mutex
	fixtures   = map[string]Fixture{}
)

// RegisterFixture declares how to make the resource an "{id}" route under prefix names: for
// /compounds/{id} and /compounds/{id}/stats the prefix is "/compounds"; for /invoices/tenant/{id}
// it is "/invoices/tenant". The authorization matrix uses it to prove that another company's id
// is 404 on every such route; a route whose prefix has no fixture fails that test. Call it from an
// init function in a servertest file of the domain.
func RegisterFixture(prefix string, f Fixture) {
	fixturesMu.Lock()
	defer fixturesMu.Unlock()
	fixtures[prefix] = f
}

// FixtureFor returns the fixture for a route pattern containing "/{id}" (false when none).
func FixtureFor(pattern string) (prefix string, f Fixture, ok bool) {
	prefix, _, found := strings.Cut(pattern, "/{id}")
	if !found {
		return "", nil, false
	}
	fixturesMu.Lock()
	defer fixturesMu.Unlock()
	f, ok = fixtures[prefix]
	return prefix, f, ok
}

func init() {
	RegisterFixture("/companies", func(_ testing.TB, _ *Instance, companyID, _ string) string { return companyID })
	RegisterFixture("/users", func(t testing.TB, inst *Instance, companyID, _ string) string {
		_, id := inst.CreateUser(t, companyID, identity.Staff)
		return id
	})
}
