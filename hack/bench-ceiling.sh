#!/usr/bin/env bash
# make bench-ceiling: in one run, measure the minimal Go server's ceilings (a) nothing, (b) one Redis
# GET, (c) one MariaDB primary-key read, a baseline Ternant built from BENCH_BASE and the current
# tree, all under the same load generator on the demo data, and print the before/after table with
# every Ternant figure beside its ceiling (bin/ceiling/table.md).
#
# Environment: BENCH_BASE (git ref of the baseline, default main) or BENCH_BASE_BIN (a binary of it), BENCH_DURATION (per run, 10s),
# BENCH_CLIENTS (50), BENCH_MIXES (stats,compounds,apartments,tenants,invoices,payments),
# BENCH_RSS_CLIENTS (500: a stats run at this level reports RSS), BENCH_MYSQL, BENCH_DB.
# Redis is a private redis-server on a free port (the machine's shared Redis is left alone).
set -euo pipefail
cd "$(dirname "$0")/.."

base_ref=${BENCH_BASE:-main}
dur=${BENCH_DURATION:-10s}
clients=${BENCH_CLIENTS:-50}
rss_clients=${BENCH_RSS_CLIENTS:-500}
mixes=${BENCH_MIXES:-stats,compounds,apartments,tenants,invoices,payments}
db=${BENCH_DB:-ternant_ceiling}
mysql_dsn=${BENCH_MYSQL:-root@tcp(127.0.0.1:3306)}
out=bin/ceiling
mkdir -p "$out"
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "bench-ceiling: building current, baseline ($base_ref), ceiling server and load generator" >&2
go build -tags noembed -trimpath -ldflags '-s -w' -o "$out/ternant" ./cmd/ternant
go build -o "$out/loadgen" ./test/load/cmd/loadgen
go build -o "$out/ceiling" ./test/load/cmd/ceiling
if [ -n "${BENCH_BASE_BIN:-}" ]; then
  cp "$BENCH_BASE_BIN" "$out/ternant-base"
else
  mkdir -p "$tmp/base"
  git archive "$base_ref" | tar -x -C "$tmp/base"
  (cd "$tmp/base" && go build -tags noembed -trimpath -ldflags '-s -w' -o "$OLDPWD/$out/ternant-base" ./cmd/ternant)
fi

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" >"$tmp/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

mysql -uroot -h127.0.0.1 -e "CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
export DB_DSN="$mysql_dsn/$db"
have=$(mysql -uroot -h127.0.0.1 -N -e "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='$db' AND table_name='companies'")
if [ "$have" = 0 ] || [ "$(mysql -uroot -h127.0.0.1 -N "$db" -e 'SELECT COUNT(*) FROM companies')" = 0 ]; then
  "$out/ternant" seed --demo --bcrypt-cost 10
fi

loadgen() { "$out/loadgen" -levels "$clients" -duration "$dur" "$@"; }

port=$(free_port)
"$out/ceiling" serve -addr "127.0.0.1:$port" -redis "127.0.0.1:$redis_port" -dsn "$DB_DSN" 2>"$tmp/ceiling.log" &
cpid=$!
pids+=($cpid)
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/nothing" >/dev/null && break; sleep 0.1; done
loadgen -base "http://127.0.0.1:$port" -login=false -pid "$cpid" \
  -mixes ceiling-nothing,ceiling-redis,ceiling-mysql -json "$out/ceiling.json" >/dev/null
kill "$cpid"

export NODE_ENV=production REDIS_URL="redis://127.0.0.1:$redis_port/0" LOG_LEVEL=info \
  JWT_SECRET=bench-access-secret-0123456789abcdef0123 JWT_REFRESH_SECRET=bench-refresh-secret-0123456789abcdef012 \
  SESSION_SECRET=bench-session-secret-0123456789abcdef012 THROTTLE_LIMIT=1000000 THROTTLE_LOGIN_LIMIT=1000 \
  DB_POOL_SIZE=${BENCH_POOL:-40}
# measure NAME BINARY: start the binary on the demo data and run every mix, then stats at
# BENCH_RSS_CLIENTS for the RSS. Logs go to a file: access logs stay on, as in production.
measure() {
  local name=$1 bin=$2 sport spid
  redis-cli -p "$redis_port" flushall >/dev/null # the private Redis: a cold start for each server
  sport=$(free_port)
  PORT=$sport "$bin" serve >"$out/$name.log" 2>&1 &
  spid=$!
  pids+=($spid)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$sport/readyz" >/dev/null && break; sleep 0.2; done
  # One pass to warm the caches, then the measured runs.
  "$out/loadgen" -base "http://127.0.0.1:$sport" -levels 1 -duration 1s -mixes "$mixes" >/dev/null
  loadgen -base "http://127.0.0.1:$sport" -pid "$spid" -mixes "$mixes" -json "$tmp/$name-a.json" >/dev/null
  "$out/loadgen" -base "http://127.0.0.1:$sport" -pid "$spid" -levels "$rss_clients" -duration "$dur" -mixes stats -json "$tmp/$name-b.json" >/dev/null
  kill "$spid"
  wait "$spid" 2>/dev/null || true
  python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))+json.load(open(sys.argv[2])), indent=2))' \
    "$tmp/$name-a.json" "$tmp/$name-b.json" >"$out/$name.json"
}
echo "bench-ceiling: measuring the baseline" >&2
measure before "$out/ternant-base"
echo "bench-ceiling: measuring the current tree" >&2
measure after "$out/ternant"

"$out/ceiling" report -ceiling "$out/ceiling.json" -before "$out/before.json" -after "$out/after.json" | tee "$out/table.md"
echo "bench-ceiling: table in $out/table.md (JSON beside it)" >&2
