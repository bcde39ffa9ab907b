package db

import (
	"slices"
	"testing"
)

func TestInCompanyAsksForEachIDOnce(t *testing.T) {
	q, args, err := InCompany(`SELECT id FROM t WHERE company_id = ? AND id IN (?)`, "co", []string{"b", "a", "b", "b", "a", "c"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `SELECT id FROM t WHERE company_id = ? AND id IN (?, ?, ?)`; q != want {
		t.Errorf("query = %s, want %s", q, want)
	}
	if !slices.Equal(args, []any{"co", "b", "a", "c"}) {
		t.Errorf("args = %v, want co then b, a, c once each", args)
	}
}
