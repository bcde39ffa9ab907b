package auth_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ternant/ternant/server/auth"
	"github.com/ternant/ternant/server/servertest"
)

func refresh(t *testing.T, inst *servertest.Instance, token string) *servertest.Response {
	t.Helper()
	return inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/auth/refresh",
		Body: map[string]string{"refreshToken": token}})
}

// TestSessionCap logs in six times: the first session is evicted, the other five live.
func TestSessionCap(t *testing.T) {
	inst := servertest.Start(t, nil)
	inst.RegisterCompany(t, "cap-co") // the registration itself is one session
	email := servertest.OwnerEmail("cap-co")
	var logins []auth.Tokens
	for range auth.MaxSessions + 1 {
		logins = append(logins, inst.LoginTokens(t, email, servertest.Password))
	}
	for i, tok := range logins {
		want := http.StatusOK
		if i == 0 {
			want = http.StatusUnauthorized
		}
		assert.Equal(t, want, inst.Get(t, "/api/v1/auth/me", tok.AccessToken).Status, "login %d", i+1)
	}
	assert.Equal(t, http.StatusUnauthorized, refresh(t, inst, logins[0].RefreshToken).Status,
		"the evicted session's refresh token is dead too")

	resp := inst.Get(t, "/api/v1/auth/sessions", logins[5].AccessToken)
	require.Equal(t, http.StatusOK, resp.Status)
	var list struct {
		SessionCount int
		Sessions     []struct {
			SessionID string
			Current   bool
		}
	}
	resp.JSON(t, &list)
	assert.Equal(t, auth.MaxSessions, list.SessionCount)
	require.Len(t, list.Sessions, auth.MaxSessions)
	assert.True(t, list.Sessions[auth.MaxSessions-1].Current, "the newest session is the caller's")
}

// TestRefreshLivesPastTheAccessSession deletes the access session (as its 15-minute TTL would)
// and refreshes: TernantApp answered 401 "Original session not found"; Ternant rotates.
func TestRefreshLivesPastTheAccessSession(t *testing.T) {
	inst := servertest.Start(t, nil)
	inst.RegisterCompany(t, "long-co")
	tok := inst.LoginTokens(t, servertest.OwnerEmail("long-co"), servertest.Password)
	keys, err := inst.Redis.Keys(t.Context(), inst.KeyPrefix+"session:access:*").Result()
	require.NoError(t, err)
	require.NotEmpty(t, keys)
	require.NoError(t, inst.Redis.Del(t.Context(), keys...).Err())
	assert.Equal(t, http.StatusUnauthorized, inst.Get(t, "/api/v1/auth/me", tok.AccessToken).Status)

	resp := refresh(t, inst, tok.RefreshToken)
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	var out struct {
		Message string
		Tokens  auth.Tokens
	}
	resp.JSON(t, &out)
	assert.Equal(t, "Token refreshed successfully", out.Message)
	assert.Equal(t, http.StatusOK, inst.Get(t, "/api/v1/auth/me", out.Tokens.AccessToken).Status)
}

// TestRefreshReuseRevokesFamily presents a refresh token twice: the second use is treated as
// theft and ends the session the first use created, while other logins survive.
func TestRefreshReuseRevokesFamily(t *testing.T) {
	inst := servertest.Start(t, nil)
	inst.RegisterCompany(t, "reuse-co")
	email := servertest.OwnerEmail("reuse-co")
	other := inst.LoginTokens(t, email, servertest.Password)
	first := inst.LoginTokens(t, email, servertest.Password)

	resp := refresh(t, inst, first.RefreshToken)
	require.Equal(t, http.StatusOK, resp.Status)
	var rotated struct{ Tokens auth.Tokens }
	resp.JSON(t, &rotated)
	require.Equal(t, http.StatusOK, inst.Get(t, "/api/v1/auth/me", rotated.Tokens.AccessToken).Status)

	reuse := refresh(t, inst, first.RefreshToken)
	assert.Equal(t, http.StatusUnauthorized, reuse.Status)
	assert.Equal(t, auth.MsgRevoked, reuse.Map(t)["message"])

	assert.Equal(t, http.StatusUnauthorized, inst.Get(t, "/api/v1/auth/me", rotated.Tokens.AccessToken).Status,
		"the family's current access token is revoked")
	assert.Equal(t, http.StatusUnauthorized, refresh(t, inst, rotated.Tokens.RefreshToken).Status,
		"the family's current refresh token is revoked")
	assert.Equal(t, http.StatusOK, inst.Get(t, "/api/v1/auth/me", other.AccessToken).Status,
		"an unrelated login survives")
}

// TestLogoutAll ends every session of the user.
func TestLogoutAll(t *testing.T) {
	inst := servertest.Start(t, nil)
	inst.RegisterCompany(t, "all-co")
	email := servertest.OwnerEmail("all-co")
	a := inst.LoginTokens(t, email, servertest.Password)
	b := inst.LoginTokens(t, email, servertest.Password)
	resp := inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/auth/logout-all", Token: a.AccessToken})
	require.Equal(t, http.StatusNoContent, resp.Status)
	for _, tok := range []auth.Tokens{a, b} {
		assert.Equal(t, http.StatusUnauthorized, inst.Get(t, "/api/v1/auth/me", tok.AccessToken).Status)
		assert.Equal(t, http.StatusUnauthorized, refresh(t, inst, tok.RefreshToken).Status)
	}
}

// TestRedisKeys checks the session keys TernantApp's tooling reads, behind the prefix.
func TestRedisKeys(t *testing.T) {
	inst := servertest.Start(t, nil)
	inst.RegisterCompany(t, "keys-co")
	for _, pattern := range []string{"session:access:*", "session:refresh:*", "user:sessions:*"} {
		keys, err := inst.Redis.Keys(t.Context(), inst.KeyPrefix+pattern).Result()
		require.NoError(t, err)
		assert.Len(t, keys, 1, pattern)
		ttl, err := inst.Redis.TTL(t.Context(), keys[0]).Result()
		require.NoError(t, err)
		assert.Positive(t, ttl, pattern)
	}
	keys, err := inst.Redis.Keys(t.Context(), inst.KeyPrefix+"session:access:*").Result()
	require.NoError(t, err)
	ttl, err := inst.Redis.TTL(t.Context(), keys[0]).Result()
	require.NoError(t, err)
	// A generous delta: the test machine may be busy between login and this read.
	assert.InDelta(t, auth.AccessTTL.Seconds(), ttl.Seconds(), 60)
	assert.LessOrEqual(t, ttl, auth.AccessTTL)
}

// TestConcurrentRefreshRedeemsOnce fires one refresh token several times at once: exactly one
// redemption succeeds, every other is seen as reuse.
func TestConcurrentRefreshRedeemsOnce(t *testing.T) {
	inst := servertest.Start(t, nil)
	inst.RegisterCompany(t, "race-co")
	tok := inst.LoginTokens(t, servertest.OwnerEmail("race-co"), servertest.Password)
	const n = 5
	statuses := make([]int, n)
	messages := make([]any, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			resp := refresh(t, inst, tok.RefreshToken)
			statuses[i] = resp.Status
			if resp.Status != http.StatusOK {
				messages[i] = resp.Map(t)["message"]
			}
		})
	}
	wg.Wait()
	ok := 0
	for i, s := range statuses {
		if s == http.StatusOK {
			ok++
			continue
		}
		assert.Equal(t, http.StatusUnauthorized, s)
		assert.Equal(t, auth.MsgRevoked, messages[i])
	}
	assert.Equal(t, 1, ok, "%v", statuses)
}
