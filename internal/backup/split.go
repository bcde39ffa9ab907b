package backup

import (
	"bytes"
	"strings"
)

// splitter cuts a stream of SQL text, fed line by line, into statements. It follows quotes
// ('…', "…", `…` with backslash escapes in the first two), comments (-- , #, /* */) and the mysql
// client's DELIMITER command, so a trigger body's semicolons stay inside its statement.
type splitter struct {
	delim   string
	buf     []byte
	quote   byte // the open quote character, 0 outside quotes
	escape  bool // the previous byte was a backslash inside '…' or "…"
	block   bool // inside /* … */
	stmts   []string
	pending bool // buf holds something other than white space
}

func newSplitter() *splitter { return &splitter{delim: ";"} }

// idle reports whether the splitter is between statements, so a line can be read as a comment
// or a command of its own.
func (s *splitter) idle() bool { return !s.pending && s.quote == 0 && !s.block }

// feed adds one line (with its newline) and returns the statements it completed.
func (s *splitter) feed(line []byte) []string {
	s.stmts = s.stmts[:0]
	if s.idle() {
		t := bytes.TrimSpace(line)
		switch {
		case len(t) == 0:
			return nil
		case bytes.HasPrefix(bytes.ToUpper(t), []byte("DELIMITER ")):
			s.delim = strings.TrimSpace(string(t[len("DELIMITER "):]))
			s.buf = s.buf[:0]
			return nil
		case bytes.HasPrefix(t, []byte("-- ")) || bytes.Equal(t, []byte("--")) || t[0] == '#':
			return nil
		}
	}
	d := []byte(s.delim)
	for i := 0; i < len(line); i++ {
		// Fast paths: copy runs of ordinary bytes at once (rows are mostly quoted text).
		if s.quote != 0 && !s.escape {
			j := i
			for j < len(line) && line[j] != s.quote && (line[j] != '\\' || s.quote == '`') {
				j++
			}
			s.buf = append(s.buf, line[i:j]...)
			if j == len(line) {
				return s.stmts
			}
			i = j
		} else if s.quote == 0 && !s.block {
			j := i
			for j < len(line) && !special(line[j], d[0]) {
				if line[j] != ' ' && line[j] != '\t' && line[j] != '\n' && line[j] != '\r' {
					s.pending = true
				}
				j++
			}
			s.buf = append(s.buf, line[i:j]...)
			if j == len(line) {
				return s.stmts
			}
			i = j
		}
		c := line[i]
		switch {
		case s.quote != 0:
			s.buf = append(s.buf, c)
			switch {
			case s.escape:
				s.escape = false
			case c == '\\' && s.quote != '`':
				s.escape = true
			case c == s.quote:
				s.quote = 0
			}
			continue
		case s.block:
			s.buf = append(s.buf, c)
			if c == '/' && len(s.buf) >= 2 && s.buf[len(s.buf)-2] == '*' {
				s.block = false
			}
			continue
		}
		if c == d[0] && bytes.HasPrefix(line[i:], d) {
			s.emit()
			i += len(d) - 1
			continue
		}
		switch {
		case c == '\'' || c == '"' || c == '`':
			s.quote = c
		case c == '/' && i+1 < len(line) && line[i+1] == '*':
			s.block = true
			s.buf = append(s.buf, c, '*')
			s.pending = true
			i++
			continue
		case c == '#' || (c == '-' && i+2 < len(line) && line[i+1] == '-' && (line[i+2] == ' ' || line[i+2] == '\t' || line[i+2] == '\n')):
			// A comment to the end of the line: keep the newline so tokens stay apart.
			s.buf = append(s.buf, '\n')
			return s.stmts
		}
		s.buf = append(s.buf, c)
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			s.pending = true
		}
	}
	return s.stmts
}

// special reports the bytes that can start a quote, a comment or the delimiter.
func special(c, delim0 byte) bool {
	switch c {
	case '\'', '"', '`', '/', '#', '-', delim0:
		return true
	}
	return false
}

func (s *splitter) emit() {
	if stmt := strings.TrimSpace(string(s.buf)); stmt != "" {
		s.stmts = append(s.stmts, stmt)
	}
	s.buf = s.buf[:0]
	s.pending = false
}

// rest is what is left after the last complete statement (white space when the input ended on a
// statement boundary).
func (s *splitter) rest() string { return strings.TrimSpace(string(s.buf)) }
