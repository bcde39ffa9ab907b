package server_test

import (
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/ternant/ternant/server/httpx"
	"github.com/ternant/ternant/server/servertest"
)

// missing lists the messages of an absent required string field with a maximum length: MaxLength,
// (MinLength,) IsString, IsNotEmpty, in decorator order.
func missing(path string, max int, min ...int) []string {
	out := []string{path + " must be shorter than or equal to " + strconv.Itoa(max) + " characters"}
	for _, m := range min {
		out = append(out, path+" must be longer than or equal to "+strconv.Itoa(m)+" characters")
	}
	return append(out, path+" must be a string", path+" should not be empty")
}

func missingEmail(path string) []string {
	return []string{path + " must be shorter than or equal to 255 characters", path + " must be an email", path + " should not be empty"}
}

func missingPassword(path string) []string {
	return []string{httpx.PasswordMessage, path + " must be shorter than or equal to 100 characters",
		path + " must be longer than or equal to 8 characters", path + " must be a string"}
}

func join(parts ...[]string) []string { return slices.Concat(parts...) }

// TestValidationMessagesMatchClassValidator pins the exact `message` arrays TernantApp's
// ValidationPipe (class-validator) answers for representative bodies on every write route family:
// unknown properties in the body's order beside the known fields' failures, one message per
// failing decorator of a missing field in decorator order, wrong types, nested paths and several
// failures at once.
func TestValidationMessagesMatchClassValidator(t *testing.T) {
	inst := servertest.Start(t, nil)
	owner, company := inst.RegisterCompany(t, "pinned")
	sa := inst.SuperAdminToken(t)
	const someID = "0190a5c4-0000-7000-8000-000000000000"
	for _, tc := range []struct {
		name, method, path, token, body string
		want                            []string
	}{
		{"auth: login with an unknown property and a bad email", http.MethodPost, "/api/v1/auth/login", "",
			`{"email":"not-an-email","zzz":1}`,
			[]string{"property zzz should not exist", "email must be an email",
				"password must be longer than or equal to 8 characters", "password must be a string", "password should not be empty"}},
		{"auth: refresh without a token", http.MethodPost, "/api/v1/auth/refresh", "", `{}`,
			[]string{"refreshToken must be a string", "refreshToken should not be empty"}},
		{"companies: register with nested failures", http.MethodPost, "/api/v1/companies/register", "",
			`{"company":{"name":"A","slug":"Bad Slug"},"owner":{},"extra":1}`,
			join([]string{"property extra should not exist",
				"company.name must be longer than or equal to 2 characters",
				"company.slug must match /^[a-z0-9-]+$/ regular expression"},
				missingEmail("company.email"), missing("company.phone", 50), missing("company.currency", 10), missing("company.timezone", 50),
				missing("owner.firstName", 100, 2), missing("owner.lastName", 100, 2), missingEmail("owner.email"),
				missingPassword("owner.password"), missing("owner.phone", 50))},
		{"companies: update with a wrong type", http.MethodPatch, "/api/v1/companies/" + company, owner,
			`{"name":5,"email":"x","smtp":1}`,
			[]string{"property smtp should not exist", "name must be shorter than or equal to 255 characters",
				"name must be longer than or equal to 2 characters", "name must be a string", "email must be an email"}},
		{"users: create", http.MethodPost, "/api/v1/users", owner, `{"role":"SUPER_ADMIN","firstName":"A"}`,
			join([]string{"firstName must be longer than or equal to 2 characters"}, missing("lastName", 100, 2),
				missingEmail("email"), missingPassword("password"),
				[]string{"role must be one of the following values: OWNER, ADMIN, STAFF, AUDITOR, TENANT_PORTAL"})},
		{"compounds: create with nothing", http.MethodPost, "/api/v1/compounds", owner, `{}`,
			join(missing("name", 255, 2), []string{"addressLine must be longer than or equal to 5 characters", "addressLine must be a string", "addressLine should not be empty"}, missing("city", 100, 2), missing("country", 100, 2))},
		{"compounds: coordinates and notes of the wrong kind", http.MethodPost, "/api/v1/compounds", owner,
			`{"name":"Court","addressLine":"1 Road","city":"Nairobi","country":"Kenya","geoLat":91,"geoLng":"x","notes":5}`,
			[]string{"geoLat must not be greater than 90", "geoLng must not be less than -180", "geoLng must not be greater than 180",
				"geoLng must be a number conforming to the specified constraints", "notes must be a string"}},
		{"apartments: several failures at once", http.MethodPost, "/api/v1/apartments", owner,
			`{"compoundId":"x","floor":-1,"bedrooms":"two","status":"empty","amenities":[1]}`,
			join([]string{"compoundId must be a UUID"}, missing("unitNumber", 50), []string{
				"floor must not be less than 0",
				"bedrooms must not be greater than 20", "bedrooms must not be less than 0", "bedrooms must be an integer number",
				"status must be one of the following values: available, occupied, maintenance, reserved",
				"each value in amenities must be a string"})},
		{"tenants: required names, nested references and documents", http.MethodPost, "/api/v1/tenants", owner,
			`{"email":"nope","references":[{"name":"A"}],"documents":"x","status":"gone"}`,
			[]string{"firstName must be shorter than or equal to 100 characters", "firstName must be a string",
				"lastName must be shorter than or equal to 100 characters", "lastName must be a string",
				"email must be an email",
				"references.0.phone must be a string", "references.0.phone should not be empty",
				"references.0.relationship must be a string", "references.0.relationship should not be empty",
				"nested property documents must be either object or array",
				"status must be one of the following values: active, inactive, blacklisted"}},
		{"occupancies: create with nothing", http.MethodPost, "/api/v1/occupancies", owner, `{}`,
			[]string{"tenantId must be a UUID", "tenantId should not be empty", "apartmentId must be a UUID", "apartmentId should not be empty",
				"leaseStartDate must be a valid ISO 8601 date string (YYYY-MM-DD)", "leaseStartDate should not be empty",
				"leaseEndDate must be a valid ISO 8601 date string (YYYY-MM-DD)", "leaseEndDate should not be empty",
				"monthlyRent must not be less than 0", "monthlyRent must be a number conforming to the specified constraints"}},
		{"invoices: line item failures under their path", http.MethodPost, "/api/v1/invoices", owner,
			`{"lineItems":[{"description":"Rent","quantity":-1,"unitPrice":"abc","amount":1,"type":"fee"}]}`,
			join(missing("invoiceNumber", 50), []string{
				"occupancyId must be a string", "occupancyId should not be empty", "tenantId must be a string", "tenantId should not be empty",
				"invoiceDate must be a valid ISO 8601 date string (YYYY-MM-DD)", "invoiceDate should not be empty",
				"dueDate must be a valid ISO 8601 date string (YYYY-MM-DD)", "dueDate should not be empty",
				"lineItems.0.quantity must not be less than 0",
				"lineItems.0.unitPrice must not be less than 0", "lineItems.0.unitPrice must be a number conforming to the specified constraints",
				"lineItems.0.type must be one of the following values: rent, utility, maintenance, other",
				"subtotal must not be less than 0", "subtotal must be a number conforming to the specified constraints",
				"totalAmount must not be less than 0", "totalAmount must be a number conforming to the specified constraints"})},
		{"payments: create", http.MethodPost, "/api/v1/payments", owner,
			`{"invoiceId":"","amount":0,"paidAt":"yesterday","method":"cash"}`,
			[]string{"invoiceId should not be empty", "amount must not be less than 0.01", "paidAt must be a valid ISO 8601 date string",
				"method must be one of the following values: CASH, BANK, MOBILE, CARD, OTHER"}},
		{"reminders: create", http.MethodPost, "/api/v1/reminders", owner,
			`{"type":"SMS","tenantId":"abc","subject":"","scheduledFor":"2026-13-01","zzz":true}`,
			[]string{"property zzz should not exist", "type must be one of the following values: DUE_SOON, OVERDUE, RECEIPT, WELCOME",
				"tenantId must be a UUID", "subject should not be empty", "message must be a string", "message should not be empty",
				"scheduledFor must be a valid ISO 8601 date string"}},
		{"super-admin: create a company and owner", http.MethodPost, "/api/v1/super-admin/companies", sa,
			`{"name":"X","slug":"ok","ownerEmail":"bad","ownerPassword":"weak"}`,
			join([]string{"name must be longer than or equal to 2 characters"}, missing("ownerFirstName", 100, 2), missing("ownerLastName", 100, 2),
				[]string{"ownerEmail must be an email", httpx.PasswordMessage, "ownerPassword must be longer than or equal to 8 characters"})},
		{"super-admin: update a user, unknown keys in body order", http.MethodPatch, "/api/v1/super-admin/users/" + someID, sa,
			`{"zzz":1,"role":"KING","aaa":2,"status":"X"}`,
			[]string{"property zzz should not exist", "property aaa should not exist",
				"role must be one of the following values: SUPER_ADMIN, OWNER, ADMIN, STAFF, AUDITOR, TENANT_PORTAL",
				"status must be one of the following values: ACTIVE, INACTIVE, SUSPENDED, PENDING"}},
		{"super-admin: reset a password with nothing", http.MethodPatch, "/api/v1/super-admin/users/" + someID + "/reset-password", sa, `{}`,
			missingPassword("newPassword")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := inst.Do(t, servertest.Request{Method: tc.method, Path: tc.path, Token: tc.token, Body: tc.body})
			var got struct {
				Message    []string `json:"message"`
				Error      string   `json:"error"`
				StatusCode int      `json:"statusCode"`
			}
			if r.Status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", r.Status, r.Body)
			}
			r.JSON(t, &got)
			if got.Error != "Bad Request" || got.StatusCode != 400 || !slices.Equal(got.Message, tc.want) {
				t.Errorf("body %s\n got %q\nwant %q", r.Body, got.Message, tc.want)
			}
		})
	}
}
