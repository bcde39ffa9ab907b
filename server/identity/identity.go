// Package identity says who is calling: the authenticated principal carried in a request's context,
// the roles TernantApp knows, and the access rule each route declares. It has no dependencies, so the
// router, the auth package and every domain can share it.
package identity

import (
	"context"
	"slices"
)

// Role is a user's role (the users.role enum).
type Role string

// The roles, as TernantApp spells them.
const (
	SuperAdmin   Role = "SUPER_ADMIN"
	Owner        Role = "OWNER"
	Admin        Role = "ADMIN"
	Staff        Role = "STAFF"
	Auditor      Role = "AUDITOR"
	TenantPortal Role = "TENANT_PORTAL"
)

// AllRoles lists every role in enum order.
var AllRoles = []Role{SuperAdmin, Owner, Admin, Staff, Auditor, TenantPortal}

// Valid reports whether r is one of the enum values.
func (r Role) Valid() bool { return slices.Contains(AllRoles, r) }

// Principal is the authenticated caller (TernantApp's req.user).
type Principal struct {
	UserID       string  `json:"userId"`
	CompanyID    *string `json:"companyId"`
	Email        string  `json:"email"`
	Role         Role    `json:"role"`
	IsSuperAdmin bool    `json:"isSuperAdmin"`
	SessionID    string  `json:"-"`
}

// Company returns the caller's company id, or "" for a super admin without one.
func (p *Principal) Company() string {
	if p == nil || p.CompanyID == nil {
		return ""
	}
	return *p.CompanyID
}

type ctxKey struct{}

// With returns ctx carrying p.
func With(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// From returns the principal in ctx, or nil on a public route.
func From(ctx context.Context) *Principal {
	p, _ := ctx.Value(ctxKey{}).(*Principal)
	return p
}

// Access is the rule a route declares: public, super admin only, any authenticated user, or one of
// a set of roles. There is no super-admin bypass of role lists (as in TernantApp).
type Access struct {
	Public     bool
	SuperAdmin bool
	// CompanyOnly admits only callers that belong to a company (not a super admin without one):
	// the route's data always belongs to one company.
	CompanyOnly bool
	Roles       []Role
	// Self marks a route about the caller's own login (me, sessions, logout): every role may use
	// it, whatever Effective would otherwise take away.
	Self bool
	// Portal admits TENANT_PORTAL to a read of one tenant's data; the server checks that the
	// tenant in the path is the caller's own (see Effective).
	Portal bool
}

// Common access rules (R4 is the four company roles; OA is OWNER and ADMIN).
var (
	Public  = Access{Public: true}
	AnyUser = Access{}
	// CompanyUser is any authenticated user of a company.
	CompanyUser    = Access{CompanyOnly: true}
	SuperAdminOnly = Access{SuperAdmin: true}
	// OwnTenant is any user, and a TENANT_PORTAL user for its own tenant's data only.
	OwnTenant = Access{Portal: true}
	// Self is any authenticated user acting on their own login.
	Self = Access{Self: true}
	// R4 is OWNER/ADMIN/STAFF/AUDITOR.
	R4 = Roles(Owner, Admin, Staff, Auditor)
	// OA is OWNER/ADMIN.
	OA = Roles(Owner, Admin)
)

// Roles allows the listed roles only.
func Roles(r ...Role) Access { return Access{Roles: r} }

// Allows reports whether p passes the rule (p is non-nil for non-public rules).
func (a Access) Allows(p *Principal) bool {
	switch {
	case a.Public:
		return true
	case p == nil:
		return false
	case a.SuperAdmin:
		return p.IsSuperAdmin
	case a.Self:
		return true
	case a.CompanyOnly && p.CompanyID == nil:
		return false
	case len(a.Roles) == 0:
		return true
	}
	return slices.Contains(a.Roles, p.Role)
}

// Effective is the rule a route enforces once the least-privilege roles are applied to what it
// declares: AUDITOR only reads; TENANT_PORTAL only reads, and only on Portal routes (its own
// tenant's data); OWNER, ADMIN, STAFF and the super admin keep what the route grants. Public,
// super-admin and Self routes are unchanged. The server mounts every route with its effective
// rule, so the route table (and the authorization matrix that walks it) states who gets in.
func (a Access) Effective(method string) Access {
	if a.Public || a.SuperAdmin || a.Self {
		return a
	}
	roles := a.Roles
	if len(roles) == 0 {
		roles = []Role{Owner, Admin, Staff, Auditor, TenantPortal}
		if !a.CompanyOnly {
			roles = append([]Role{SuperAdmin}, roles...)
		}
	}
	read := method == "GET" || method == "HEAD"
	out := a
	out.Roles = slices.DeleteFunc(slices.Clone(roles), func(r Role) bool {
		switch r {
		case Auditor:
			return !read
		case TenantPortal:
			return !read || !a.Portal
		}
		return false
	})
	if len(out.Roles) == 0 {
		out.Roles = []Role{nobody} // an empty list would admit everyone
	}
	return out
}

// nobody is a role no user holds.
const nobody Role = "-"
