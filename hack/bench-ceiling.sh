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

export NODE_ENV=production REDIS_URL="redis://127.0.0.1:$redis_port/0" LOG_LEVEL=info \
  JWT_SECRET=bench-access-secret-0123456789abcdef0123 JWT_REFRESH_SECRET=bench-refresh-secret-0123456789abcdef012 \
  SESSION_SECRET=bench-session-secret-0123456789abcdef012 THROTTLE_LIMIT=1000000 THROTTLE_LOGIN_LIMIT=1000 \
  DB_POOL_SIZE=${BENCH_POOL:-40}

# All three servers run side by side, idle but for the one under load, and the runs alternate
# (ceiling, baseline, current for each endpoint), so a busy machine slows all three alike.
port=$(free_port)
"$out/ceiling" serve -addr "127.0.0.1:$port" -redis "127.0.0.1:$redis_port" -dsn "$DB_DSN" 2>"$tmp/ceiling.log" &
cpid=$!
pids+=($cpid)
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/nothing" >/dev/null && break; sleep 0.1; done
# start NAME BINARY REDIS_DB: a server on the demo data (access logs on, to a file, as in production).
declare -A sport spid
start() {
  local name=$1 bin=$2 redis_db=$3 p
  p=$(free_port)
  PORT=$p REDIS_URL="redis://127.0.0.1:$redis_port/$redis_db" "$bin" serve >"$out/$name.log" 2>&1 &
  spid[$name]=$!
  pids+=($!)
  sport[$name]=$p
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$p/readyz" >/dev/null && break; sleep 0.2; done
  # One pass to fill the caches.
  "$out/loadgen" -base "http://127.0.0.1:$p" -levels 1 -duration 1s -mixes "$mixes" >/dev/null
}
# Each server has its own Redis database: their rate-limit state is not kept in the same format.
start before "$out/ternant-base" 1
start after "$out/ternant" 2
# run NAME MIX LEVEL: one measured run, appended to $tmp/NAME-*.json.
n=0
run() {
  local name=$1 mix=$2 level=$3
  n=$((n + 1))
  local seq
  seq=$(printf %02d "$n")
  if [ "$name" = ceiling ]; then
    "$out/loadgen" -base "http://127.0.0.1:$port" -login=false -pid "$cpid" -levels "$level" -duration "$dur" \
      -mixes "$mix" -json "$tmp/$name-$seq.json" >/dev/null
  else
    "$out/loadgen" -base "http://127.0.0.1:${sport[$name]}" -pid "${spid[$name]}" -levels "$level" -duration "$dur" \
      -mixes "$mix" -json "$tmp/$name-$seq.json" >/dev/null
  fi
}
echo "bench-ceiling: measuring" >&2
run ceiling ceiling-nothing,ceiling-mysql "$clients"
for mix in ${mixes//,/ }; do
  run ceiling ceiling-redis "$clients"
  run before "$mix" "$clients"
  run after "$mix" "$clients"
done
run ceiling ceiling-redis "$rss_clients"
run before stats "$rss_clients"
run after stats "$rss_clients"
merge() { python3 -c 'import json,sys; print(json.dumps(sum((json.load(open(f)) for f in sys.argv[1:]), []), indent=2))' "$@"; }
for name in ceiling before after; do merge "$tmp/$name"-*.json >"$out/$name.json"; done

"$out/ceiling" report -ceiling "$out/ceiling.json" -before "$out/before.json" -after "$out/after.json" | tee "$out/table.md"
echo "bench-ceiling: table in $out/table.md (JSON beside it)" >&2
