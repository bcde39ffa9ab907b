package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// loginIdentity names the account a login attempt is against, for the lockout and the login rate
// limit. The database finds accounts by email under the column's collation (utf8mb4_unicode_ci:
// case-, accent- and width-insensitive, trailing spaces ignored), so "víctim@…" and full-width
// letters reach the same account as "victim@…". Counting by the account the database selected
// makes every spelling that logs into an account share its counters, exactly as the collation
// decides; an email that matches no account is counted by its looseEmailKey.
func loginIdentity(acct *Account, email string) string {
	if acct != nil {
		return "user:" + acct.ID
	}
	return "email:" + looseEmailKey(email)
}

var (
	looseMu       sync.Mutex
	looseCollator = collate.New(language.Und, collate.Loose)
	looseBuf      collate.Buffer
)

// looseEmailKey folds case, accents and width as the Unicode collation algorithm's primary level
// does (the level utf8mb4_unicode_ci compares at), ignores trailing spaces (PAD SPACE) and weighs
// every character beyond the BMP alike (as MariaDB's UCA 4.0.0 collations do), then hashes the
// sort key into a short Redis key part.
func looseEmailKey(email string) string {
	email = strings.TrimRight(email, " ")
	var b strings.Builder
	for _, r := range email {
		if r > 0xFFFF {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	looseMu.Lock()
	looseBuf.Reset()
	sum := sha256.Sum256(looseCollator.KeyFromString(&looseBuf, b.String()))
	looseMu.Unlock()
	return hex.EncodeToString(sum[:16])
}
