package auth_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ternant/ternant/server/auth"
	"github.com/ternant/ternant/server/servertest"
)

func TestRegisterLoginMeRefreshLogout(t *testing.T) {
	inst := servertest.Start(t, nil)
	_, companyID := inst.RegisterCompany(t, "flow-co")

	login := inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/auth/login",
		Body: map[string]string{"email": servertest.OwnerEmail("flow-co"), "password": servertest.Password}})
	require.Equal(t, http.StatusOK, login.Status, "%s", login.Body)
	var body struct {
		Message string
		User    struct {
			ID, Role, Status string
			CompanyID        string
			Company          struct{ ID string }
		}
		Company struct{ ID, Slug string }
		Tokens  auth.Tokens
	}
	login.JSON(t, &body)
	assert.Equal(t, "Login successful", body.Message)
	assert.Equal(t, "OWNER", body.User.Role)
	assert.Equal(t, companyID, body.User.CompanyID)
	assert.Equal(t, companyID, body.User.Company.ID)
	assert.Equal(t, "flow-co", body.Company.Slug)

	me := inst.Get(t, "/api/v1/auth/me", body.Tokens.AccessToken)
	require.Equal(t, http.StatusOK, me.Status, "%s", me.Body)
	assert.JSONEq(t, `{"userId":"`+body.User.ID+`","companyId":"`+companyID+`","email":"owner@flow-co.test","role":"OWNER","isSuperAdmin":false}`, string(me.Body))

	ref := inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/auth/refresh",
		Body: map[string]string{"refreshToken": body.Tokens.RefreshToken}})
	require.Equal(t, http.StatusOK, ref.Status, "%s", ref.Body)
	var refreshed struct {
		Message string
		Tokens  auth.Tokens
	}
	ref.JSON(t, &refreshed)
	require.NotEmpty(t, refreshed.Tokens.AccessToken)
	assert.NotEqual(t, body.Tokens.RefreshToken, refreshed.Tokens.RefreshToken, "refresh rotates the token")

	// The access token of the rotated-out session no longer works; the new one does.
	assert.Equal(t, http.StatusUnauthorized, inst.Get(t, "/api/v1/auth/me", body.Tokens.AccessToken).Status)
	assert.Equal(t, http.StatusOK, inst.Get(t, "/api/v1/auth/me", refreshed.Tokens.AccessToken).Status)

	out := inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/auth/logout", Token: refreshed.Tokens.AccessToken})
	require.Equal(t, http.StatusNoContent, out.Status, "%s", out.Body)

	after := inst.Get(t, "/api/v1/auth/me", refreshed.Tokens.AccessToken)
	assert.Equal(t, http.StatusUnauthorized, after.Status)
	assert.Equal(t, auth.MsgRevoked, after.Map(t)["message"])

	again := inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/auth/refresh",
		Body: map[string]string{"refreshToken": refreshed.Tokens.RefreshToken}})
	assert.Equal(t, http.StatusUnauthorized, again.Status)
	assert.Equal(t, auth.MsgInvalidRefresh, again.Map(t)["message"])
}
