package server_test

// Property routes that validate their body before looking the id up get a valid body in the
// cross-company check, so it reaches the lookup.
func init() {
	for route, body := range map[string]any{
		"PATCH /apartments/{id}/status":          map[string]any{"status": "reserved"},
		"PATCH /tenants/{id}/status":             map[string]any{"status": "inactive"},
		"POST /tenants/{id}/documents":           map[string]any{"type": "ID", "fileName": "id.pdf", "fileUrl": "/id.pdf"},
		"POST /tenants/{id}/references":          map[string]any{"name": "R", "phone": "1", "relationship": "friend"},
		"PATCH /occupancies/{id}/status":         map[string]any{"status": "active"},
		"POST /occupancies/{id}/deposit-payment": map[string]any{"amount": 1},
	} {
		crossTenantBodies[route] = body
	}
}
