package config

// DatabaseVars lists the variables LoadDatabase reads, for --help output.
var DatabaseVars = []Var{
	{"DB_DSN", "", "MySQL DSN (user:pass@tcp(host:port)/db); overrides DATABASE_*"},
	{"DATABASE_HOST", "", "MySQL host (required unless DB_DSN is set)"},
	{"DATABASE_PORT", "3306", "MySQL port"},
	{"DATABASE_USERNAME", "root", "MySQL user"},
	{"DATABASE_PASSWORD", "", "MySQL password"},
	{"DATABASE_NAME", "ternant", "MySQL database"},
}

// LoadDatabase reads only the database settings (DB_DSN or DATABASE_*), the way Load does, for
// commands that need nothing else: a backup job must not fail on the API's secrets.
func LoadDatabase(lookup func(string) (string, bool)) (Database, error) {
	r := reader{lookup: lookup}
	d := Database{DSN: r.databaseDSN()}
	if r.err != nil {
		return Database{}, r.err
	}
	return d, nil
}
