#!/usr/bin/env bash
# make bench: seed (once) a bulk data set into the local MariaDB, start a fresh `ternant serve` on
# it with the local Redis, run the load harness, and write the table to bin/bench/.
#
# Sizes and levels come from the environment (defaults: the issue's 100k apartments / 1M invoices):
#   BENCH_COMPANIES=10 BENCH_COMPOUNDS=1000 BENCH_APARTMENTS=100000 BENCH_TENANTS=8334
#   BENCH_INVOICES_PER_LEASE=12 BENCH_LEVELS=1,50,100,200,500 BENCH_DURATION=15s BENCH_MIXES=...
set -euo pipefail
cd "$(dirname "$0")/.."

db=${BENCH_DB:-ternant_bench}
mysql_dsn=${BENCH_MYSQL:-root@tcp(127.0.0.1:3306)}
redis=${BENCH_REDIS:-127.0.0.1:6379}
port=${BENCH_PORT:-3900}
seed=${BENCH_SEED:-1}
out=bin/bench
mkdir -p "$out"

go build -o bin/ternant ./cmd/ternant
go build -o bin/loadgen ./test/load/cmd/loadgen

# MariaDB's Debian default buffer pool (128 MB) cannot hold a 1M-invoice working set; the figures
# in docs/benchmarks.md were taken with 4 GB (dynamic, reverts when MariaDB restarts).
mysql -uroot -h127.0.0.1 -e "SET GLOBAL innodb_buffer_pool_size = ${BENCH_BUFFER_POOL:-4294967296}"
mysql -uroot -h127.0.0.1 -e "CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
export DB_DSN="$mysql_dsn/$db"
have=$(mysql -uroot -h127.0.0.1 -N -e "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='$db' AND table_name='companies'")
seeded=0
if [ "$have" = 1 ]; then
  seeded=$(mysql -uroot -h127.0.0.1 -N "$db" -e "SELECT COUNT(*) FROM companies WHERE slug = 'bulk-$seed-1'")
fi
if [ "$seeded" = 0 ]; then
  ./bin/ternant seed --bulk --seed "$seed" --bcrypt-cost 10 \
    --companies "${BENCH_COMPANIES:-10}" --compounds "${BENCH_COMPOUNDS:-1000}" \
    --apartments "${BENCH_APARTMENTS:-100000}" --tenants "${BENCH_TENANTS:-8334}" \
    --invoices-per-lease "${BENCH_INVOICES_PER_LEASE:-12}"
  mysql -uroot -h127.0.0.1 "$db" -e "ANALYZE TABLE companies, users, compounds, apartments, tenants, occupancies, invoices, payments" >/dev/null
fi

export NODE_ENV=production PORT=$port REDIS_URL="redis://$redis/0" LOG_LEVEL=warn \
  JWT_SECRET=bench-access-secret-0123456789abcdef0123 JWT_REFRESH_SECRET=bench-refresh-secret-0123456789abcdef012 \
  SESSION_SECRET=bench-session-secret-0123456789abcdef012 THROTTLE_LIMIT=1000000 THROTTLE_LOGIN_LIMIT=1000 \
  DB_POOL_SIZE=${BENCH_POOL:-40}
# Cached figures of an earlier run (or an earlier seed) would skew the cold measurements.
for pattern in 'dashboard:*' 'totals:*' 'compound:*' 'cache:version:*'; do
  redis-cli -h "${redis%:*}" -p "${redis#*:}" --scan --pattern "$pattern" | xargs -r redis-cli -h "${redis%:*}" -p "${redis#*:}" del >/dev/null
done
./bin/ternant serve >"$out/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  kill -0 $pid 2>/dev/null || { echo "bench: the server exited:" >&2; cat "$out/server.log" >&2; exit 1; }
  sleep 0.2
done

./bin/loadgen -base "http://127.0.0.1:$port" -email "owner@bulk-$seed-1.com" -pid "$pid" \
  -levels "${BENCH_LEVELS:-1,50,100,200,500}" -duration "${BENCH_DURATION:-15s}" \
  ${BENCH_MIXES:+-mixes "$BENCH_MIXES"} -json "$out/results.json" | tee "$out/results.md"
echo "bench: results in $out/results.md and $out/results.json"
