package config

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
