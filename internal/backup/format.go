// Package backup makes and restores logical backups of the Ternant database: a consistent,
// streamed, gzip-compressed SQL dump written to S3-compatible object storage or a directory, and
// its restore into an empty database, verified to the last byte before the database is marked
// complete.
//
// A backup is one gzip-compressed SQL file (its format is described in docs/operations.md):
//
//	-- ternant-backup {"format":1,"schemaVersion":5,...}     header (JSON)
//	SET ...;                                                 session settings for the load
//	CREATE TABLE `schema_migrations` ...; INSERT ... (5,1);  the schema version, marked dirty
//	CREATE TABLE ...; INSERT ...;                            every table, then its rows in batches
//	DELIMITER ;; CREATE TRIGGER ...;; DELIMITER ;            the triggers, after the data
//	UPDATE `schema_migrations` SET `dirty` = 0;              the one statement that marks it complete
//	-- ternant-backup-end {"tables":{...},"rows":N,"sha256":"..."}
//
// The file is valid input for the mysql client too; a truncated copy never reaches its last
// statement, so the restored database stays marked dirty and `ternant migrate up` refuses it.
package backup

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// FormatVersion is the version of the file layout this package writes and reads.
const FormatVersion = 1

const (
	headerPrefix  = "-- ternant-backup "
	trailerPrefix = "-- ternant-backup-end "
	// migrationsTable is golang-migrate's version table; it is written first (dirty) and its
	// final state is set by the file's last statement.
	migrationsTable = "schema_migrations"
)

// Header is the first line of a backup: what was dumped, from where, when.
type Header struct {
	Format        int       `json:"format"`
	SchemaVersion uint      `json:"schemaVersion"`
	Dirty         bool      `json:"dirty"`
	Database      string    `json:"database"`
	Server        string    `json:"server"`
	StartedAt     time.Time `json:"startedAt"`
}

// Trailer is the last line of a backup. A restore that does not reach it, or whose counts or
// checksum differ from what it read, fails.
type Trailer struct {
	// Tables maps each table to the rows written for it.
	Tables map[string]int64 `json:"tables"`
	// Rows is the sum of Tables.
	Rows int64 `json:"rows"`
	// SHA256 is the hex digest of every (uncompressed) byte before the trailer line.
	SHA256 string `json:"sha256"`
}

// Manifest describes a finished dump or restore.
type Manifest struct {
	Header
	Trailer
}

func marshalLine(prefix string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(append([]byte(prefix), b...), '\n'), nil
}

func parseLine(line []byte, prefix string, v any) error {
	s := strings.TrimRight(string(line), "\r\n")
	if !strings.HasPrefix(s, prefix) {
		return fmt.Errorf("want a line starting %q", strings.TrimSpace(prefix))
	}
	return json.Unmarshal([]byte(s[len(prefix):]), v)
}

// nameLayout makes object names that sort by time: 20261203T183000.123Z.sql.gz.
const (
	nameLayout = "20060102T150405.000Z"
	nameSuffix = ".sql.gz"
)

var namePattern = regexp.MustCompile(`^\d{8}T\d{6}\.\d{3}Z\.sql\.gz$`)

// NameFor is the object name of a backup started at t.
func NameFor(t time.Time) string { return t.UTC().Format(nameLayout) + nameSuffix }

// TimeOf parses the start time out of a backup's object name; ok is false for any other name,
// which listing, selection and retention all ignore.
func TimeOf(name string) (t time.Time, ok bool) {
	if !namePattern.MatchString(name) {
		return time.Time{}, false
	}
	t, err := time.Parse(nameLayout, strings.TrimSuffix(name, nameSuffix))
	return t, err == nil
}
