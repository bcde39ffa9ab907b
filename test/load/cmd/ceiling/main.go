// Command ceiling is the load harness's yardstick. `ceiling serve` runs the minimal Go server the
// ceiling runs measure: GET /nothing answers a fixed body, /redis one Redis GET, /mysql one MariaDB
// primary-key read. `ceiling report` turns the loadgen JSON of the ceiling, of a baseline Ternant and
// of the current Ternant into the Markdown table of docs/benchmarks.md, each Ternant figure beside
// the matching ceiling.
//
//	ceiling serve -addr 127.0.0.1:3901 -redis 127.0.0.1:6379 -dsn 'root@tcp(127.0.0.1:3306)/ternant_ceiling'
//	ceiling report -ceiling c.json -before before.json -after after.json
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"

	_ "github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"

	"github.com/ternant/ternant/test/load"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: ceiling serve|report [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2:])
	case "report":
		err = report(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: want serve or report", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ceiling:", err)
		os.Exit(1)
	}
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:3901", "listen address")
	redisAddr := fs.String("redis", "127.0.0.1:6379", "Redis address")
	dsn := fs.String("dsn", "root@tcp(127.0.0.1:3306)/ternant_ceiling", "MariaDB DSN of a migrated Ternant database with at least one company")
	pool := fs.Int("pool", 40, "MariaDB pool size (Ternant's DB_POOL_SIZE in the run)")
	_ = fs.Parse(args) // ExitOnError: a bad flag has already exited

	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: *redisAddr, PoolSize: 2 * *pool})
	defer rdb.Close()
	db, err := sql.Open("mysql", *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(*pool)
	db.SetMaxIdleConns(*pool)
	var id string
	if err := db.QueryRowContext(ctx, `SELECT id FROM companies ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		return fmt.Errorf("pick a company: %w", err)
	}
	h, err := load.CeilingHandler(ctx, rdb, db, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "ceiling: serving on %s\n", *addr)
	s := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	return s.ListenAndServe()
}

func report(args []string) error {
	fs := flag.NewFlagSet("report", flag.ExitOnError)
	ceilingFile := fs.String("ceiling", "", "loadgen JSON of the ceiling mixes")
	beforeFile := fs.String("before", "", "loadgen JSON of the baseline server")
	afterFile := fs.String("after", "", "loadgen JSON of the current server")
	_ = fs.Parse(args) // ExitOnError: a bad flag has already exited
	var c, b, a []load.Result
	for _, f := range []struct {
		name string
		into *[]load.Result
	}{{*ceilingFile, &c}, {*beforeFile, &b}, {*afterFile, &a}} {
		if f.name == "" {
			continue
		}
		raw, err := os.ReadFile(f.name)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(raw, f.into); err != nil {
			return fmt.Errorf("read %s: %w", f.name, err)
		}
	}
	fmt.Print(load.CeilingTable(c, b, a))
	return nil
}
