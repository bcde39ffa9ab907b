// Package superadmin is the platform operator's view: /super-admin/companies and
// /super-admin/users, the only queries that cross companies.
package superadmin

import (
	"context"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/platform/db"
	"github.com/ternant/ternant/server/users"
)

// Sessions ends a user's sessions.
type Sessions interface {
	RevokeUser(ctx context.Context, userID string) error
}

// Service holds the super-admin operations.
type Service struct {
	DB       *db.DB
	Users    *users.Service
	Sessions Sessions
}

// Routes are the /super-admin endpoints.
func (s *Service) Routes() []httpx.Route { return nil }
