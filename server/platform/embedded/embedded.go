//go:build !noembed

// Package embedded runs the development stores in process: a MySQL-compatible engine
// (go-mysql-server, in memory) and a Redis-protocol server (miniredis). `ternant serve` uses them when
// no database is configured, so `make run` needs nothing but Go. Nothing here is durable.
//
// Build with -tags noembed to leave both out of production images.
package embedded

import (
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/alicebob/miniredis/v2"
	sqle "github.com/dolthub/go-mysql-server"
	"github.com/dolthub/go-mysql-server/memory"
	"github.com/dolthub/go-mysql-server/server"
	"github.com/dolthub/go-mysql-server/sql"
	"github.com/sirupsen/logrus"
)

// Available reports whether this binary includes the embedded stores.
const Available = true

// Stores are the running in-process servers.
type Stores struct {
	// DSN connects go-sql-driver/mysql to the in-memory engine.
	DSN string
	// RedisAddr is the host:port of the in-process Redis.
	RedisAddr string

	sqlServer *server.Server
	redis     *miniredis.Miniredis
}

// Start launches both stores on random loopback ports. The database is named dbName.
func Start(_ context.Context, dbName string) (*Stores, error) {
	// The engine logs every connection through logrus; only its errors matter here. The in-memory
	// engine has no savepoints, which it reports as an error around every trigger it runs (the
	// triggers of invoice_totals still apply): that one is not news.
	logrus.SetLevel(logrus.ErrorLevel)
	if _, quiet := logrus.StandardLogger().Formatter.(quietFormatter); !quiet {
		logrus.SetFormatter(quietFormatter{logrus.StandardLogger().Formatter})
	}
	db := memory.NewDatabase(dbName)
	db.BaseDatabase.EnablePrimaryKeyIndexes()
	pro := memory.NewDBProvider(db)
	engine := sqle.NewDefault(pro)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("embedded sql: listen: %w", err)
	}
	srv, err := server.NewServer(server.Config{Protocol: "tcp", Listener: l}, engine, sql.NewContext, memory.NewSessionBuilder(pro), nil)
	if err != nil {
		l.Close()
		return nil, fmt.Errorf("embedded sql: %w", err)
	}
	go func() { _ = srv.Start() }()

	mr := miniredis.NewMiniRedis()
	if err := mr.StartAddr("127.0.0.1:0"); err != nil {
		srv.Close()
		return nil, fmt.Errorf("embedded redis: %w", err)
	}
	return &Stores{
		DSN:       fmt.Sprintf("root@tcp(%s)/%s", l.Addr().String(), dbName),
		RedisAddr: mr.Addr(),
		sqlServer: srv,
		redis:     mr,
	}, nil
}

// Close stops both stores; their data is gone.
func (s *Stores) Close() error {
	s.redis.Close()
	return s.sqlServer.Close()
}

// quietFormatter drops the engine's "savepoints are not supported" reports and formats the rest
// with next.
type quietFormatter struct{ next logrus.Formatter }

// Format implements logrus.Formatter.
func (f quietFormatter) Format(e *logrus.Entry) ([]byte, error) {
	if err, ok := e.Data[logrus.ErrorKey].(error); ok && strings.Contains(err.Error(), "savepoints are not supported") {
		return nil, nil
	}
	return f.next.Format(e)
}
