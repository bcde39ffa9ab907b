package backup

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// ErrNotEmpty is returned when the target database already holds tables and Force is not set.
var ErrNotEmpty = errors.New("database is not empty")

// ErrCorrupt marks a backup that is truncated, damaged, or not a Ternant backup at all.
var ErrCorrupt = errors.New("backup is corrupt or truncated")

// RestoreOptions tune Restore.
type RestoreOptions struct {
	// Force drops every table and view of the target database before loading.
	Force bool
	// Check, when set, sees the backup's header before anything is written and can refuse it.
	Check func(Header) error
}

// Restore loads the gzip-compressed backup r into the (empty) database db is connected to:
// tables, then their rows in batches, then triggers, through one connection with foreign-key
// checks off. The backup's last statement, which marks the schema version clean, runs only after
// the whole object has been read and its trailer's row counts and checksum match what was loaded.
// Any failure before that leaves the database marked dirty (schema_migrations.dirty = 1), which
// `ternant migrate up` refuses; such a database must be dropped or restored again with Force.
func Restore(ctx context.Context, db *sql.DB, r io.Reader, opts RestoreOptions) (Manifest, error) {
	var m Manifest
	gz, err := gzip.NewReader(r)
	if err != nil {
		return m, fmt.Errorf("%w: not gzip data: %w", ErrCorrupt, err)
	}
	br := bufio.NewReaderSize(gz, 256<<10)
	h := sha256.New()

	first, err := readLine(br)
	if err != nil && len(first) == 0 {
		return m, fmt.Errorf("%w: reading the header: %w", ErrCorrupt, err)
	}
	if err := parseLine(first, headerPrefix, &m.Header); err != nil {
		return m, fmt.Errorf("%w: not a Ternant backup (%w)", ErrCorrupt, err)
	}
	if m.Format != FormatVersion {
		return m, fmt.Errorf("backup format %d: this version reads format %d", m.Format, FormatVersion)
	}
	if opts.Check != nil {
		if err := opts.Check(m.Header); err != nil {
			return m, err
		}
	}
	h.Write(first)

	conn, err := db.Conn(ctx)
	if err != nil {
		return m, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	if err := prepareTarget(ctx, conn, opts.Force); err != nil {
		return m, err
	}

	sp := newSplitter()
	counted := map[string]int64{}
	var pending string
	var executed int
	exec := func(stmt string) error {
		res, err := conn.ExecContext(ctx, stmt)
		if err != nil {
			return fmt.Errorf("statement %d (%s): %w", executed+1, abbreviate(stmt), err)
		}
		executed++
		if t, ok := insertTable(stmt); ok {
			n, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("statement %d: %w", executed, err)
			}
			counted[t] += n
		}
		return nil
	}
	var trailerLine []byte
	for {
		line, err := readLine(br)
		if len(line) > 0 {
			if sp.idle() && strings.HasPrefix(string(line), trailerPrefix) {
				trailerLine = line
				break
			}
			h.Write(line)
			for _, stmt := range sp.feed(line) {
				if pending != "" {
					if err := exec(pending); err != nil {
						return m, err
					}
				}
				pending = stmt
			}
		}
		if errors.Is(err, io.EOF) {
			return m, fmt.Errorf("%w: it ends before its trailer (after %d statements)", ErrCorrupt, executed)
		}
		if err != nil {
			return m, fmt.Errorf("%w: %w (after %d statements)", ErrCorrupt, err, executed)
		}
	}
	if err := parseLine(trailerLine, trailerPrefix, &m.Trailer); err != nil {
		return m, fmt.Errorf("%w: unreadable trailer: %w", ErrCorrupt, err)
	}
	// Read to the end: gzip checks its CRC and length only there.
	rest, err := io.ReadAll(br)
	if err != nil {
		return m, fmt.Errorf("%w: after the trailer: %w", ErrCorrupt, err)
	}
	if len(strings.TrimSpace(string(rest))) > 0 {
		return m, fmt.Errorf("%w: %d bytes after the trailer", ErrCorrupt, len(rest))
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != m.SHA256 {
		return m, fmt.Errorf("%w: checksum %s, trailer says %s", ErrCorrupt, sum, m.SHA256)
	}
	if err := compareCounts(counted, m.Tables); err != nil {
		return m, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if sp.rest() != "" || pending == "" {
		return m, fmt.Errorf("%w: no final statement", ErrCorrupt)
	}
	if err := exec(pending); err != nil {
		return m, err
	}
	return m, nil
}

// prepareTarget refuses a database that holds tables or views, or with force drops them.
func prepareTarget(ctx context.Context, conn *sql.Conn, force bool) error {
	var name sql.NullString
	if err := conn.QueryRowContext(ctx, "SELECT DATABASE()").Scan(&name); err != nil {
		return fmt.Errorf("read database name: %w", err)
	}
	if !name.Valid || name.String == "" {
		return errors.New("the DSN names no database")
	}
	rows, err := conn.QueryContext(ctx, "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME")
	if err != nil {
		return fmt.Errorf("list tables: %w", err)
	}
	var tables, views []string
	for rows.Next() {
		var n, typ string
		if err := rows.Scan(&n, &typ); err != nil {
			rows.Close() //nolint:sqlclosecheck // closed before the next query on this one connection
			return fmt.Errorf("list tables: %w", err)
		}
		if typ == "VIEW" {
			views = append(views, n)
		} else {
			tables = append(tables, n)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list tables: %w", err)
	}
	all := append(append([]string{}, tables...), views...)
	if len(all) == 0 {
		return nil
	}
	if !force {
		shown := all
		if len(shown) > 5 {
			shown = append(shown[:5:5], "…")
		}
		return fmt.Errorf("%w: %s holds %d tables (%s); restore needs an empty database, or --force to drop them first",
			ErrNotEmpty, name.String, len(all), strings.Join(shown, ", "))
	}
	if _, err := conn.ExecContext(ctx, "SET SESSION foreign_key_checks = 0"); err != nil {
		return err
	}
	for _, v := range views {
		if _, err := conn.ExecContext(ctx, "DROP VIEW IF EXISTS "+quoteIdent(v)); err != nil {
			return fmt.Errorf("drop view %s: %w", v, err)
		}
	}
	for _, t := range tables {
		if _, err := conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+quoteIdent(t)); err != nil {
			return fmt.Errorf("drop table %s: %w", t, err)
		}
	}
	return nil
}

func compareCounts(got, want map[string]int64) error {
	names := map[string]bool{}
	for t := range got {
		names[t] = true
	}
	for t := range want {
		names[t] = true
	}
	var diffs []string
	for t := range names {
		if got[t] != want[t] {
			diffs = append(diffs, fmt.Sprintf("%s: loaded %d rows, backup holds %d", t, got[t], want[t]))
		}
	}
	if len(diffs) > 0 {
		sort.Strings(diffs)
		return errors.New(strings.Join(diffs, "; "))
	}
	return nil
}

// insertTable names the table of an INSERT statement as this package writes them.
func insertTable(stmt string) (string, bool) {
	const p = "INSERT INTO `"
	if !strings.HasPrefix(stmt, p) {
		return "", false
	}
	var b strings.Builder
	for i := len(p); i < len(stmt); i++ {
		if stmt[i] == '`' {
			if i+1 < len(stmt) && stmt[i+1] == '`' {
				b.WriteByte('`')
				i++
				continue
			}
			return b.String(), true
		}
		b.WriteByte(stmt[i])
	}
	return "", false
}

// readLine returns the next line with its newline; the last line of the input may lack one.
func readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if !errors.Is(err, bufio.ErrBufferFull) {
		return append([]byte(nil), line...), err
	}
	out := append([]byte(nil), line...)
	for errors.Is(err, bufio.ErrBufferFull) {
		line, err = br.ReadSlice('\n')
		out = append(out, line...)
	}
	return out, err
}

func abbreviate(stmt string) string {
	s := strings.Join(strings.Fields(stmt), " ")
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return s
}
