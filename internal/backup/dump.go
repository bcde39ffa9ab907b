package backup

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"
)

// batchBytes bounds one INSERT statement (a row larger than this gets a statement of its own);
// well under the smallest max_allowed_packet in use (4 MiB on MySQL 5.7, 16 MiB on MariaDB).
const batchBytes = 1 << 20

// loadSQLMode is the session sql_mode of a restore: strict (a value that does not fit fails
// instead of being truncated) and zero kept as a value in AUTO_INCREMENT columns.
const loadSQLMode = "NO_AUTO_VALUE_ON_ZERO,STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION"

// Dump writes a consistent logical dump of the database db is connected to into w, as
// uncompressed SQL text (the caller compresses). It reads through one connection inside one
// REPEATABLE READ transaction WITH CONSISTENT SNAPSHOT, so every table is seen at the same instant
// while the API keeps writing; rows stream from the server to w without a table ever being held
// in memory. db's DSN must not set parseTime (values are copied as the server prints them).
func Dump(ctx context.Context, db *sql.DB, w io.Writer, startedAt time.Time) (Manifest, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return Manifest{}, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	for _, q := range []string{
		"SET SESSION time_zone = '+00:00'",
		"SET SESSION sql_mode = ''",
		// The server waits this long for the client to read: uploads can stall the stream.
		"SET SESSION net_write_timeout = 3600",
		"SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
		"START TRANSACTION WITH CONSISTENT SNAPSHOT",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return Manifest{}, fmt.Errorf("%s: %w", q, err)
		}
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK") //nolint:errcheck // read-only transaction

	d := &dumper{ctx: ctx, conn: conn, h: sha256.New(), out: w}
	d.w = bufio.NewWriterSize(io.MultiWriter(d.h, w), 256<<10)
	m, err := d.run(startedAt.UTC())
	if err != nil {
		return Manifest{}, err
	}
	return m, nil
}

type dumper struct {
	ctx  context.Context
	conn *sql.Conn
	h    hash.Hash
	w    *bufio.Writer // hashed, buffered writes to out
	out  io.Writer
}

// printf writes to the buffered output. bufio keeps the first write error and Flush returns it,
// and the row loop checks each statement's write, so a dead stream stops the dump.
func (d *dumper) printf(format string, args ...any) {
	_, _ = fmt.Fprintf(d.w, format, args...)
}

func (d *dumper) run(startedAt time.Time) (Manifest, error) {
	var m Manifest
	m.Format = FormatVersion
	m.StartedAt = startedAt
	m.Tables = map[string]int64{}
	if err := d.conn.QueryRowContext(d.ctx, "SELECT DATABASE(), VERSION()").Scan(&m.Database, &m.Server); err != nil {
		return m, fmt.Errorf("read database name: %w", err)
	}
	if m.Database == "" {
		return m, errors.New("the DSN names no database")
	}
	tables, err := d.tables()
	if err != nil {
		return m, err
	}
	if !contains(tables, migrationsTable) {
		return m, fmt.Errorf("database %s has no %s table: not a migrated Ternant database (run `ternant migrate up` first)", m.Database, migrationsTable)
	}
	if err := d.conn.QueryRowContext(d.ctx, "SELECT version, dirty FROM "+quoteIdent(migrationsTable)).Scan(&m.SchemaVersion, &m.Dirty); err != nil {
		return m, fmt.Errorf("read schema version: %w", err)
	}

	header, err := marshalLine(headerPrefix, m.Header)
	if err != nil {
		return m, err
	}
	d.printf("%s", header)
	d.printf("SET NAMES utf8mb4;\nSET SESSION time_zone = '+00:00';\nSET SESSION sql_mode = '%s';\n", loadSQLMode)
	d.printf("SET SESSION foreign_key_checks = 0;\nSET SESSION unique_checks = 0;\n\n")

	// The version table first, marked dirty until the file's last statement.
	if err := d.createTable(migrationsTable); err != nil {
		return m, err
	}
	d.printf("INSERT INTO %s (`version`, `dirty`) VALUES (%d, 1);\n\n", quoteIdent(migrationsTable), m.SchemaVersion)
	m.Tables[migrationsTable] = 1

	for _, t := range tables {
		if t == migrationsTable {
			continue
		}
		if err := d.createTable(t); err != nil {
			return m, err
		}
		n, err := d.rows(t)
		if err != nil {
			return m, err
		}
		m.Tables[t] = n
	}
	if err := d.triggers(); err != nil {
		return m, err
	}
	dirty := 0
	if m.Dirty {
		dirty = 1
	}
	d.printf("UPDATE %s SET `dirty` = %d;\n", quoteIdent(migrationsTable), dirty)
	if err := d.w.Flush(); err != nil {
		return m, fmt.Errorf("write: %w", err)
	}

	for _, n := range m.Tables {
		m.Rows += n
	}
	m.SHA256 = hex.EncodeToString(d.h.Sum(nil))
	trailer, err := marshalLine(trailerPrefix, m.Trailer)
	if err != nil {
		return m, err
	}
	// The trailer is outside the checksum it carries: write it past the hash.
	if _, err := d.out.Write(trailer); err != nil {
		return m, fmt.Errorf("write: %w", err)
	}
	return m, nil
}

// tables lists the database's base tables by name.
func (d *dumper) tables() ([]string, error) {
	rows, err := d.conn.QueryContext(d.ctx, "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()")
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	var out, other []string
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, fmt.Errorf("list tables: %w", err)
		}
		if typ == "BASE TABLE" {
			out = append(out, name)
		} else {
			other = append(other, name+" ("+typ+")")
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	if len(other) > 0 {
		// Ternant's schema has none; dumping one silently would hide that it is not restored.
		return nil, fmt.Errorf("database holds objects a backup does not cover: %s", strings.Join(other, ", "))
	}
	sort.Strings(out)
	return out, nil
}

func (d *dumper) createTable(t string) error {
	var name, ddl string
	if err := d.conn.QueryRowContext(d.ctx, "SHOW CREATE TABLE "+quoteIdent(t)).Scan(&name, &ddl); err != nil {
		return fmt.Errorf("SHOW CREATE TABLE %s: %w", t, err)
	}
	d.printf("%s;\n", ddl)
	return nil
}

// column kinds decide how a value is written.
const (
	kindString = iota // quoted and escaped
	kindNumber        // as the server printed it (DECIMAL keeps every digit)
	kindBinary        // hex literal, byte for byte
)

func columnKind(dbType string) int {
	t := strings.TrimPrefix(dbType, "UNSIGNED ")
	switch t {
	case "TINYINT", "SMALLINT", "MEDIUMINT", "INT", "BIGINT", "DECIMAL", "FLOAT", "DOUBLE", "YEAR":
		return kindNumber
	case "BINARY", "VARBINARY", "BLOB", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB", "BIT", "GEOMETRY":
		return kindBinary
	}
	return kindString
}

// rows streams t's rows as INSERT statements of at most batchBytes each. Generated columns are
// left out: the server computes them again.
func (d *dumper) rows(t string) (int64, error) {
	cols, err := d.insertableColumns(t)
	if err != nil {
		return 0, err
	}
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quoteIdent(c)
	}
	list := strings.Join(quoted, ", ")
	// #nosec G202 -- names from information_schema, quoted as identifiers
	rows, err := d.conn.QueryContext(d.ctx, "SELECT "+list+" FROM "+quoteIdent(t))
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", t, err)
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", t, err)
	}
	kinds := make([]int, len(types))
	for i, ct := range types {
		kinds[i] = columnKind(ct.DatabaseTypeName())
	}
	vals := make([]sql.RawBytes, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	prefix := "INSERT INTO " + quoteIdent(t) + " (" + list + ") VALUES\n"
	var n int64
	var stmt []byte
	flush := func() error {
		if len(stmt) == 0 {
			return nil
		}
		stmt = append(stmt, ";\n"...)
		_, err := d.w.Write(stmt)
		stmt = stmt[:0]
		if err != nil {
			return fmt.Errorf("write: %w", err)
		}
		return nil
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, fmt.Errorf("read %s: %w", t, err)
		}
		if len(stmt) == 0 {
			stmt = append(stmt, prefix...)
		} else {
			stmt = append(stmt, ",\n"...)
		}
		stmt = append(stmt, '(')
		for i, v := range vals {
			if i > 0 {
				stmt = append(stmt, ',')
			}
			stmt = appendValue(stmt, v, kinds[i])
		}
		stmt = append(stmt, ')')
		n++
		if len(stmt) >= batchBytes {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("read %s: %w", t, err)
	}
	if err := flush(); err != nil {
		return n, err
	}
	d.printf("\n")
	return n, nil
}

func (d *dumper) insertableColumns(t string) ([]string, error) {
	rows, err := d.conn.QueryContext(d.ctx, `SELECT COLUMN_NAME, EXTRA FROM information_schema.COLUMNS
		WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`, t)
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", t, err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var name, extra string
		if err := rows.Scan(&name, &extra); err != nil {
			return nil, fmt.Errorf("columns of %s: %w", t, err)
		}
		if strings.Contains(strings.ToUpper(extra), "GENERATED") {
			continue
		}
		cols = append(cols, name)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("columns of %s: %w", t, err)
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("columns of %s: none found", t)
	}
	return cols, nil
}

var definer = regexp.MustCompile("^CREATE\\s+DEFINER\\s*=\\s*(`[^`]*`|'[^']*'|[^@\\s]+)@(`[^`]*`|'[^']*'|[^\\s]+)\\s+")

// triggers writes every trigger after the data (so loading the rows never fires them), in the
// order the server runs them, each under the sql_mode it was created with and without its
// DEFINER (the restoring account becomes the definer; it may not be allowed to name another).
func (d *dumper) triggers() error {
	rows, err := d.conn.QueryContext(d.ctx, `SELECT TRIGGER_NAME FROM information_schema.TRIGGERS
		WHERE TRIGGER_SCHEMA = DATABASE()
		ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER`)
	if err != nil {
		return fmt.Errorf("list triggers: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close() //nolint:sqlclosecheck // closed before the next query on this one connection
			return fmt.Errorf("list triggers: %w", err)
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list triggers: %w", err)
	}
	if len(names) == 0 {
		return nil
	}
	d.printf("DELIMITER ;;\n")
	for _, n := range names {
		r, err := d.conn.QueryContext(d.ctx, "SHOW CREATE TRIGGER "+quoteIdent(n))
		if err != nil {
			return fmt.Errorf("SHOW CREATE TRIGGER %s: %w", n, err)
		}
		cols, _ := r.Columns()
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if !r.Next() {
			r.Close()
			return fmt.Errorf("SHOW CREATE TRIGGER %s: no row", n)
		}
		err = r.Scan(ptrs...)
		r.Close() //nolint:sqlclosecheck // closed before the next query on this one connection
		if err != nil {
			return fmt.Errorf("SHOW CREATE TRIGGER %s: %w", n, err)
		}
		var mode, stmt, charset, collation string
		for i, c := range cols {
			switch strings.ToLower(c) {
			case "sql_mode":
				mode = vals[i].String
			case "sql original statement":
				stmt = vals[i].String
			case "character_set_client":
				charset = vals[i].String
			case "collation_connection":
				collation = vals[i].String
			}
		}
		if stmt == "" || charset == "" || collation == "" {
			return fmt.Errorf("SHOW CREATE TRIGGER %s: no statement or character set", n)
		}
		stmt = definer.ReplaceAllString(stmt, "CREATE ")
		// The trigger keeps the settings it is created under: the original ones.
		d.printf("SET SESSION sql_mode = %s, character_set_client = %s, collation_connection = %s;;\n%s;;\n",
			quoteString(mode), quoteString(charset), quoteString(collation), stmt)
	}
	d.printf("DELIMITER ;\nSET NAMES utf8mb4;\nSET SESSION sql_mode = '%s';\n", loadSQLMode)
	return nil
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func quoteIdent(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

func quoteString(s string) string { return string(appendValue(nil, []byte(s), kindString)) }

const hexDigits = "0123456789abcdef"

// appendValue writes v as a SQL literal: NULL, a number as printed, a hex literal for binary
// data, or a string with the mysql client's escapes (no raw newline ever reaches the file).
func appendValue(b []byte, v sql.RawBytes, kind int) []byte {
	if v == nil {
		return append(b, "NULL"...)
	}
	switch kind {
	case kindNumber:
		return append(b, v...)
	case kindBinary:
		b = append(b, "X'"...)
		for _, c := range v {
			b = append(b, hexDigits[c>>4], hexDigits[c&0x0f])
		}
		return append(b, '\'')
	}
	b = append(b, '\'')
	for _, c := range v {
		switch c {
		case 0:
			b = append(b, '\\', '0')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\\':
			b = append(b, '\\', '\\')
		case '\'':
			b = append(b, '\\', '\'')
		case '"':
			b = append(b, '\\', '"')
		case 0x1a:
			b = append(b, '\\', 'Z')
		default:
			b = append(b, c)
		}
	}
	return append(b, '\'')
}
