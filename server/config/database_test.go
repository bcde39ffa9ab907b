package config

import (
	"strings"
	"testing"
)

func TestLoadDatabaseReadsOnlyTheDatabase(t *testing.T) {
	for _, tc := range []struct {
		env     map[string]string
		dsn     string
		errText string
	}{
		// Production without any API secret: a backup job still gets its database.
		{map[string]string{"NODE_ENV": "production", "DATABASE_HOST": "db", "DATABASE_PASSWORD": "pw"}, "root:pw@tcp(db:3306)/ternant", ""},
		{map[string]string{"DB_DSN": "u:p@tcp(h:1)/x", "DATABASE_HOST": "ignored"}, "u:p@tcp(h:1)/x", ""},
		{map[string]string{}, "", ""},
		{map[string]string{"DATABASE_HOST": "db", "DATABASE_NAME": "a/b"}, "", `DATABASE_NAME="a/b": not a database name`},
		{map[string]string{"DATABASE_HOST": "db", "DATABASE_PORT": "x"}, "", "DATABASE_PORT"},
	} {
		d, err := LoadDatabase(func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
		switch {
		case tc.errText != "" && (err == nil || !strings.Contains(err.Error(), tc.errText)):
			t.Errorf("%v: err = %v, want %q", tc.env, err, tc.errText)
		case tc.errText == "" && (err != nil || d.DSN != tc.dsn):
			t.Errorf("%v: dsn = %q, %v; want %q", tc.env, d.DSN, err, tc.dsn)
		}
	}
}
