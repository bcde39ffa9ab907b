package occupancies_test

import (
	"net/http"
	"testing"

	"github.com/ternant/ternant/internal/propertytest"
)

// TestDepositRuleOnEveryWrite: depositPaid stays between 0 and the security deposit on create and
// PATCH too, not only through POST /occupancies/:id/deposit-payment; a refused write changes
// nothing.
func TestDepositRuleOnEveryWrite(t *testing.T) {
	e := propertytest.Start(t)
	tenant := propertytest.ID(t, e.Tenant(t, e.A, "Deposit"))
	_, apt := e.Property(t, e.A)
	base := map[string]any{"tenantId": tenant, "apartmentId": apt, "leaseStartDate": "2032-01-01",
		"leaseEndDate": "2032-12-31", "monthlyRent": 1000, "securityDeposit": 2000}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for bk, bv := range base {
			m[bk] = bv
		}
		m[k] = v
		return m
	}
	propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPost, "/occupancies", with("depositPaid", 2000.01)),
		http.StatusBadRequest, "Deposit payment exceeds required security deposit")
	id := propertytest.ID(t, e.Must(t, http.StatusCreated, e.A, http.MethodPost, "/occupancies", with("depositPaid", 500)))

	for _, tc := range []struct {
		body map[string]any
		msg  string
	}{
		{map[string]any{"depositPaid": 999999}, "Deposit payment exceeds required security deposit"},
		{map[string]any{"depositPaid": -1}, "depositPaid must not be less than 0"},
		{map[string]any{"securityDeposit": 100}, "Deposit payment exceeds required security deposit"},
	} {
		propertytest.ExpectError(t, e.Call(t, e.A, http.MethodPatch, "/occupancies/"+id, tc.body), http.StatusBadRequest, tc.msg)
	}
	got := e.Must(t, http.StatusOK, e.A, http.MethodPatch, "/occupancies/"+id, map[string]any{"depositPaid": 2000})
	if got["depositPaid"] != "2000.00" || got["securityDeposit"] != "2000.00" {
		t.Errorf("after a valid PATCH: depositPaid %v, securityDeposit %v", got["depositPaid"], got["securityDeposit"])
	}
}
