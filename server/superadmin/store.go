package superadmin

import (
	"context"
	"fmt"
	"strings"

	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/users"
)

// These are the only queries in the server that are not scoped to one company.

// likePattern escapes s for a LIKE '%s%' match.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

type countRow struct {
	Key string `db:"k"`
	N   int    `db:"n"`
}

func countBy(ctx context.Context, q db.Queryer, sq string) (map[string]int, error) {
	var rows []countRow
	if err := q.Select(ctx, &rows, sq); err != nil {
		return nil, fmt.Errorf("count: %w", err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Key] = r.N
	}
	return out, nil
}

func platformStats(ctx context.Context, q db.Queryer) (*PlatformStats, error) {
	act, err := countBy(ctx, q, `SELECT CAST(is_active AS CHAR) AS k, COUNT(*) AS n FROM companies GROUP BY is_active`)
	if err != nil {
		return nil, err
	}
	byStatus, err := countBy(ctx, q, `SELECT status AS k, COUNT(*) AS n FROM users GROUP BY status`)
	if err != nil {
		return nil, err
	}
	byRole, err := countBy(ctx, q, `SELECT role AS k, COUNT(*) AS n FROM users GROUP BY role`)
	if err != nil {
		return nil, err
	}
	s := &PlatformStats{ActiveCompanies: act["1"], InactiveCompanies: act["0"], UsersByRole: byRole,
		ActiveUsers: byStatus[users.StatusActive]}
	s.TotalCompanies = s.ActiveCompanies + s.InactiveCompanies
	for _, n := range byStatus {
		s.TotalUsers += n
	}
	return s, nil
}

func companyStats(ctx context.Context, q db.Queryer, id string) (*CompanyStats, error) {
	const sq = `SELECT
		(SELECT COUNT(*) FROM users WHERE company_id = ?) AS total_users,
		(SELECT COUNT(*) FROM users WHERE company_id = ? AND status = 'ACTIVE') AS active_users,
		(SELECT COUNT(*) FROM compounds WHERE company_id = ? AND is_active = 1) AS total_compounds,
		(SELECT COUNT(*) FROM apartments WHERE company_id = ? AND is_active = 1) AS total_apartments,
		(SELECT COUNT(*) FROM tenants WHERE company_id = ? AND is_active = 1) AS total_tenants,
		(SELECT COUNT(*) FROM occupancies WHERE company_id = ? AND is_active = 1 AND status = 'active') AS active_occupancies,
		(SELECT COUNT(*) FROM invoices WHERE company_id = ? AND is_active = 1) AS total_invoices`
	var s CompanyStats
	if err := q.Get(ctx, &s, sq, id, id, id, id, id, id, id); err != nil {
		return nil, fmt.Errorf("company stats %s: %w", id, err)
	}
	s.CompanyID = id
	return &s, nil
}

func userStats(ctx context.Context, q db.Queryer) (*UserStats, error) {
	byStatus, err := countBy(ctx, q, `SELECT status AS k, COUNT(*) AS n FROM users GROUP BY status`)
	if err != nil {
		return nil, err
	}
	byRole, err := countBy(ctx, q, `SELECT role AS k, COUNT(*) AS n FROM users GROUP BY role`)
	if err != nil {
		return nil, err
	}
	var supers int
	if err := q.Get(ctx, &supers, `SELECT COUNT(*) FROM users WHERE is_super_admin = 1`); err != nil {
		return nil, fmt.Errorf("count super admins: %w", err)
	}
	s := &UserStats{Active: byStatus[users.StatusActive], Inactive: byStatus[users.StatusInactive],
		Suspended: byStatus[users.StatusSuspended], Pending: byStatus[users.StatusPending], SuperAdmins: supers, ByRole: byRole}
	for _, n := range byStatus {
		s.Total += n
	}
	return s, nil
}
