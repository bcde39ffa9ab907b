package billingtest

import (
	"bufio"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Mail is one message an SMTPSink accepted.
type Mail struct {
	From string
	To   []string
	Data string
}

// SMTPSink is a tiny SMTP server on a loopback port that keeps what it receives. It can refuse
// the first N transactions, or all of them, with a temporary 451 reply.
type SMTPSink struct {
	Host string
	Port int

	mu        sync.Mutex
	failFirst int
	failAll   bool
	attempts  int
	received  []Mail
}

// NewSMTPSink starts a sink that stops when the test ends.
func NewSMTPSink(t testing.TB) *SMTPSink {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	addr := l.Addr().(*net.TCPAddr)
	s := &SMTPSink{Host: "127.0.0.1", Port: addr.Port}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

// FailFirst makes the next n transactions fail with 451.
func (s *SMTPSink) FailFirst(n int) { s.mu.Lock(); s.failFirst = n; s.mu.Unlock() }

// FailAll makes every transaction fail (true) or none (false).
func (s *SMTPSink) FailAll(on bool) { s.mu.Lock(); s.failAll = on; s.mu.Unlock() }

// Received returns the accepted messages.
func (s *SMTPSink) Received() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.received...)
}

// Attempts is the number of MAIL FROM commands seen (accepted or refused).
func (s *SMTPSink) Attempts() int { s.mu.Lock(); defer s.mu.Unlock(); return s.attempts }

// Addr is host:port.
func (s *SMTPSink) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

func (s *SMTPSink) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	reply := func(line string) bool { _, err := c.Write([]byte(line + "\r\n")); return err == nil }
	if !reply("220 sink ESMTP ready") {
		return
	}
	var cur Mail
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(line)
		switch {
		case strings.HasPrefix(verb, "EHLO"):
			reply("250-sink greets you")
			reply("250 8BITMIME")
		case strings.HasPrefix(verb, "HELO"):
			reply("250 sink")
		case strings.HasPrefix(verb, "MAIL FROM:"):
			s.mu.Lock()
			s.attempts++
			fail := s.failAll || s.failFirst > 0
			if s.failFirst > 0 {
				s.failFirst--
			}
			s.mu.Unlock()
			if fail {
				reply("451 4.3.0 Mailbox temporarily unavailable")
				continue
			}
			cur = Mail{From: address(line[len("MAIL FROM:"):])}
			reply("250 OK")
		case strings.HasPrefix(verb, "RCPT TO:"):
			cur.To = append(cur.To, address(line[len("RCPT TO:"):]))
			reply("250 OK")
		case verb == "DATA":
			reply("354 End data with <CR><LF>.<CR><LF>")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			cur.Data = b.String()
			s.mu.Lock()
			s.received = append(s.received, cur)
			s.mu.Unlock()
			cur = Mail{}
			reply("250 OK queued")
		case verb == "RSET", verb == "NOOP":
			reply("250 OK")
		case verb == "QUIT":
			reply("221 Bye")
			return
		default:
			reply("502 Command not implemented")
		}
	}
}

// address takes the <path> out of a MAIL or RCPT argument ("<a@b> BODY=8BITMIME").
func address(arg string) string {
	if i := strings.Index(arg, "<"); i >= 0 {
		if j := strings.Index(arg[i:], ">"); j > 0 {
			return arg[i+1 : i+j]
		}
	}
	return strings.TrimSpace(arg)
}
