package auth_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ternant/ternant/server/auth"
	"github.com/ternant/ternant/server/config"
	"github.com/ternant/ternant/server/identity"
	"github.com/ternant/ternant/server/servertest"
)

func login(t *testing.T, inst *servertest.Instance, email, pw string, header http.Header) *servertest.Response {
	t.Helper()
	return inst.Do(t, servertest.Request{Method: http.MethodPost, Path: "/api/v1/auth/login",
		Body: map[string]string{"email": email, "password": pw}, Header: header})
}

func TestLoginFailures(t *testing.T) {
	inst := servertest.Start(t, nil)
	_, company := inst.RegisterCompany(t, "fail-co")
	inactive, id := inst.CreateUser(t, company, identity.Staff)
	_, err := inst.DB.Exec(t.Context(), `UPDATE users SET status = 'INACTIVE' WHERE id = ?`, id)
	require.NoError(t, err)

	cases := []struct {
		name, email, password string
		status                int
		message               any
	}{
		{"unknown email", "nobody@fail-co.test", servertest.Password, 401, auth.MsgInvalidCredentials},
		{"wrong password", servertest.OwnerEmail("fail-co"), "Wrong123!x", 401, auth.MsgInvalidCredentials},
		{"inactive", inactive, servertest.Password, 401, auth.MsgInactive},
		{"not an email", "nope", servertest.Password, 400, []any{"email must be an email"}},
		{"short password", "a@b.co", "short", 400, []any{"password must be longer than or equal to 8 characters"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := login(t, inst, c.email, c.password, nil)
			assert.Equal(t, c.status, resp.Status, "%s", resp.Body)
			assert.Equal(t, c.message, resp.Map(t)["message"])
		})
	}
}

// TestLockout: 3 failures lock the account for 5 minutes (even the right password is refused),
// 5 failures for 15; and the lock holds per IP across accounts.
func TestLockout(t *testing.T) {
	inst := servertest.Start(t, nil)
	inst.RegisterCompany(t, "lock-co")
	email := servertest.OwnerEmail("lock-co")
	locked := func() float64 { return value(t, auth.FailuresCounter(auth.ReasonLocked)) }
	before := locked()

	for i := range 3 {
		resp := login(t, inst, email, "Wrong123!x", nil)
		require.Equal(t, http.StatusUnauthorized, resp.Status, "failure %d", i+1)
	}
	resp := login(t, inst, email, servertest.Password, nil)
	require.Equal(t, http.StatusTooManyRequests, resp.Status, "%s", resp.Body)
	retry, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	require.NoError(t, err)
	assert.InDelta(t, 300, retry, 2)
	assert.Equal(t, before+1, locked())

	// Another client address (through a trusted proxy) is still locked out of the account.
	other := servertest.StartWith(t, inst.DSN, inst.Config.Redis.Addr, inst.KeyPrefix, false, func(c *config.Config) {
		c.TrustedProxies = mustPrefixes(t, "127.0.0.1/32")
	})
	xff := http.Header{"X-Forwarded-For": {"203.0.113.9"}}
	assert.Equal(t, http.StatusTooManyRequests, login(t, other, email, servertest.Password, xff).Status)

	// Two more failures after the lock runs out (five in all) lengthen it to 15 minutes. Attempts
	// during a lock are refused without being counted.
	for range 2 {
		lockKeys, err := inst.Redis.Keys(t.Context(), inst.KeyPrefix+"auth:lock:*").Result()
		require.NoError(t, err)
		require.NoError(t, inst.Redis.Del(t.Context(), lockKeys...).Err())
		require.Equal(t, http.StatusUnauthorized, login(t, inst, email, "Wrong123!x", nil).Status)
	}
	resp = login(t, inst, email, servertest.Password, nil)
	require.Equal(t, http.StatusTooManyRequests, resp.Status)
	retry, _ = strconv.Atoi(resp.Header.Get("Retry-After"))
	assert.InDelta(t, 900, retry, 2)

	// Five failures against one account do not lock the address out of other accounts: the honest
	// users behind one NAT keep logging in.
	inst.RegisterCompany(t, "lock-co-2")
	assert.Equal(t, http.StatusOK, login(t, inst, servertest.OwnerEmail("lock-co-2"), servertest.Password, nil).Status)
}

// TestLockoutPerIPCeiling: an address is locked only after 100 failures in the window (a guessing
// run over many accounts), and then for every account; another address is not.
func TestLockoutPerIPCeiling(t *testing.T) {
	inst := servertest.Start(t, nil)
	inst.RegisterCompany(t, "ceiling-co")
	for i := range 99 {
		require.Equal(t, http.StatusUnauthorized, login(t, inst, "guess"+strconv.Itoa(i)+"@ceiling.test", "Wrong123!x", nil).Status, "failure %d", i+1)
	}
	require.Equal(t, http.StatusOK, login(t, inst, servertest.OwnerEmail("ceiling-co"), servertest.Password, nil).Status, "99 failures lock the address")
	require.Equal(t, http.StatusUnauthorized, login(t, inst, "guess-last@ceiling.test", "Wrong123!x", nil).Status)
	resp := login(t, inst, servertest.OwnerEmail("ceiling-co"), servertest.Password, nil)
	require.Equal(t, http.StatusTooManyRequests, resp.Status, "the 100th failure must lock the address")
	retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	assert.InDelta(t, 900, retry, 2)
	other := servertest.StartWith(t, inst.DSN, inst.Config.Redis.Addr, inst.KeyPrefix, false, func(c *config.Config) {
		c.TrustedProxies = mustPrefixes(t, "127.0.0.1/32")
	})
	assert.Equal(t, http.StatusOK, login(t, other, servertest.OwnerEmail("ceiling-co"), servertest.Password,
		http.Header{"X-Forwarded-For": {"203.0.113.10"}}).Status)
}

// respell returns spellings of an ASCII email that MariaDB's utf8mb4_unicode_ci finds equal to it:
// upper case, accented vowels, full-width letters, and accents in upper case.
func respell(email string) []string {
	accent := strings.NewReplacer("i", "í", "e", "é", "o", "ó", "a", "á")
	fullWidth := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'ａ'
		}
		return r
	}, email)
	local, domain, _ := strings.Cut(email, "@")
	return []string{strings.ToUpper(email), accent.Replace(local) + "@" + domain, fullWidth, strings.ToUpper(accent.Replace(local)) + "@" + domain}
}

// TestLockoutCannotBeRespelled: every spelling the database's collation matches to the account
// counts against the same lockout and login limit, so respelling the email gains no attempts.
func TestLockoutCannotBeRespelled(t *testing.T) {
	inst := servertest.Start(t, nil)
	inst.RegisterCompany(t, "victim-co")
	email := servertest.OwnerEmail("victim-co")
	spellings := respell(email)
	// The database itself matches each spelling to the account: the right password logs in.
	for _, sp := range spellings {
		require.Equal(t, http.StatusOK, login(t, inst, sp, servertest.Password, nil).Status, "login as %q", sp)
	}
	for i, sp := range spellings[:3] {
		require.Equal(t, http.StatusUnauthorized, login(t, inst, sp, "Wrong123!x", nil).Status, "failure %d as %q", i+1, sp)
	}
	for _, sp := range append(spellings, email) {
		assert.Equal(t, http.StatusTooManyRequests, login(t, inst, sp, servertest.Password, nil).Status, "locked account as %q", sp)
	}

	// The login limit counts the account, not the spelling.
	limited := servertest.Start(t, func(c *config.Config) { c.LoginLimit = 3 })
	limited.RegisterCompany(t, "victim-co-2")
	email = servertest.OwnerEmail("victim-co-2")
	spellings = respell(email)
	for _, sp := range spellings[:3] {
		require.Equal(t, http.StatusOK, login(t, limited, sp, servertest.Password, nil).Status, "login as %q", sp)
	}
	assert.Equal(t, http.StatusTooManyRequests, login(t, limited, spellings[3], servertest.Password, nil).Status)
}

// TestLoginRateLimit: THROTTLE_LOGIN_LIMIT attempts per minute per IP and email, then 429.
func TestLoginRateLimit(t *testing.T) {
	inst := servertest.Start(t, func(c *config.Config) { c.LoginLimit = 5 })
	inst.RegisterCompany(t, "rate-co")
	email := servertest.OwnerEmail("rate-co")
	for i := range 5 {
		resp := login(t, inst, email, servertest.Password, nil)
		require.Equal(t, http.StatusOK, resp.Status, "attempt %d: %s", i+1, resp.Body)
	}
	resp := login(t, inst, email, servertest.Password, nil)
	require.Equal(t, http.StatusTooManyRequests, resp.Status)
	assert.NotEmpty(t, resp.Header.Get("Retry-After"))
	assert.Equal(t, "0", resp.Header.Get("X-RateLimit-Remaining"))
	assert.Equal(t, "5", resp.Header.Get("X-RateLimit-Limit"))
	// Another email from the same address has its own budget.
	inst.RegisterCompany(t, "rate-co-2")
	assert.Equal(t, http.StatusOK, login(t, inst, servertest.OwnerEmail("rate-co-2"), servertest.Password, nil).Status)
}

// TestAuthMetrics checks the counters move on a success and a failure.
func TestAuthMetrics(t *testing.T) {
	inst := servertest.Start(t, nil)
	inst.RegisterCompany(t, "metric-co")
	attempts, success := value(t, auth.AttemptsCounter()), value(t, auth.SuccessCounter())
	bad := value(t, auth.FailuresCounter(auth.ReasonInvalidCredentials))
	noToken := value(t, auth.FailuresCounter(auth.ReasonInvalidToken))

	login(t, inst, servertest.OwnerEmail("metric-co"), servertest.Password, nil)
	login(t, inst, servertest.OwnerEmail("metric-co"), "Wrong123!x", nil)
	inst.Get(t, "/api/v1/auth/me", "")

	assert.Equal(t, attempts+2, value(t, auth.AttemptsCounter()))
	assert.Equal(t, success+1, value(t, auth.SuccessCounter()))
	assert.Equal(t, bad+1, value(t, auth.FailuresCounter(auth.ReasonInvalidCredentials)))
	assert.Equal(t, noToken+1, value(t, auth.FailuresCounter(auth.ReasonInvalidToken)))
}
