// Package migrations embeds the versioned SQL schema. `ternant migrate` and the operator's
// migration Job apply it with golang-migrate.
package migrations

import "embed"

// FS holds every NNNNNN_name.up.sql / .down.sql file.
//
//go:embed *.sql
var FS embed.FS
