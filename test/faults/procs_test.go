package faults

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// proc is a private server process the suite can stop, freeze and start again on the same port
// and data directory.
type proc struct {
	t    testing.TB
	name string
	port int
	args func() []string
	ping func(ctx context.Context) error
	log  string

	cmd    *exec.Cmd
	exited chan struct{}
	frozen bool
}

// freePort asks the kernel for an unused loopback port.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func (p *proc) addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(p.port)) }

// start runs the process and waits until it answers.
func (p *proc) start() {
	p.t.Helper()
	args := p.args()
	logf, err := os.OpenFile(p.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		p.t.Fatal(err)
	}
	defer logf.Close()
	p.cmd = exec.Command(args[0], args[1:]...)
	p.cmd.Stdout, p.cmd.Stderr = logf, logf
	if err := p.cmd.Start(); err != nil {
		p.t.Fatalf("start %s: %v", p.name, err)
	}
	p.exited = make(chan struct{})
	go func(c *exec.Cmd, done chan struct{}) { _ = c.Wait(); close(done) }(p.cmd, p.exited)
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := p.ping(ctx)
		cancel()
		if err == nil {
			return
		}
		select {
		case <-p.exited:
			p.t.Fatalf("%s exited at start (log %s)", p.name, p.log)
		default:
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s did not answer within 30s: %v (log %s)", p.name, err, p.log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop ends the process with SIGTERM (a clean shutdown, as Kubernetes does) and waits for it.
func (p *proc) stop() {
	p.t.Helper()
	p.signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		p.t.Fatalf("%s did not stop within 30s", p.name)
	}
}

// freeze stops the process with SIGSTOP: its sockets stay open, nothing answers.
func (p *proc) freeze() { p.signal(syscall.SIGSTOP); p.frozen = true }

// thaw resumes a frozen process.
func (p *proc) thaw() { p.signal(syscall.SIGCONT); p.frozen = false }

func (p *proc) signal(s syscall.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(s); err != nil {
		p.t.Fatalf("signal %s %v: %v", p.name, s, err)
	}
}

// kill ends the process whatever its state (test cleanup).
func (p *proc) kill() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGCONT)
	_ = p.cmd.Process.Kill()
	<-p.exited
}

// startRedis runs a private redis-server configured as the managed Redis is: AOF on its data
// directory (appendfsync everysec), maxmemory with noeviction.
func startRedis(t testing.TB, maxmemory string) *proc {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("the fault suite needs redis-server (Debian package redis-server): %v", err)
	}
	dir := t.TempDir()
	p := &proc{t: t, name: "redis-server", port: freePort(t), log: filepath.Join(dir, "redis.log")}
	p.args = func() []string {
		return []string{bin, "--port", strconv.Itoa(p.port), "--bind", "127.0.0.1", "--dir", dir,
			"--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
			"--maxmemory", maxmemory, "--maxmemory-policy", "noeviction", "--daemonize", "no"}
	}
	client := redis.NewClient(&redis.Options{Addr: p.addr(), MaxRetries: -1})
	p.ping = func(ctx context.Context) error { return client.Ping(ctx).Err() }
	t.Cleanup(func() { client.Close(); p.kill() })
	p.start()
	return p
}

// startMariaDB initialises a private data directory with mariadb-install-db and runs mariadbd on
// it (root over TCP, no password).
func startMariaDB(t testing.TB) *proc {
	t.Helper()
	install, err := exec.LookPath("mariadb-install-db")
	if err != nil {
		t.Fatalf("the fault suite needs mariadb-install-db (Debian package mariadb-server): %v", err)
	}
	bin := "/usr/sbin/mariadbd"
	if _, err := os.Stat(bin); err != nil {
		if bin, err = exec.LookPath("mariadbd"); err != nil {
			t.Fatalf("the fault suite needs mariadbd (Debian package mariadb-server): %v", err)
		}
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	out, err := exec.Command(install, "--no-defaults", "--datadir="+data, "--user="+currentUser(),
		"--auth-root-authentication-method=normal", "--skip-test-db").CombinedOutput()
	if err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}
	p := &proc{t: t, name: "mariadbd", port: freePort(t), log: filepath.Join(dir, "mariadbd.log")}
	p.args = func() []string {
		return []string{bin, "--no-defaults", "--datadir=" + data, "--socket=" + filepath.Join(dir, "sock"),
			"--port=" + strconv.Itoa(p.port), "--bind-address=127.0.0.1", "--user=" + currentUser(),
			"--skip-log-bin", "--innodb-buffer-pool-size=64M", "--max-connections=200",
			"--pid-file=" + filepath.Join(dir, "pid"), "--log-error=" + p.log}
	}
	admin, err := sql.Open("mysql", p.dsn(""))
	if err != nil {
		t.Fatal(err)
	}
	admin.SetMaxIdleConns(0)
	p.ping = func(ctx context.Context) error { return admin.PingContext(ctx) }
	t.Cleanup(func() { admin.Close(); p.kill() })
	p.start()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE ternant CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		t.Fatalf("create database: %v", err)
	}
	return p
}

func (p *proc) dsn(db string) string { return fmt.Sprintf("root@tcp(%s)/%s", p.addr(), db) }

// currentUser names the account mariadbd runs as (it refuses root unless told so).
func currentUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "root"
}
