#!/bin/sh
# Entrypoint of the MariaDB image that hack/kind-images.sh builds from Debian's packages. It honours
# the part of the official MySQL/MariaDB images' contract the operator relies on: on an empty data
# directory (/var/lib/mysql, the mounted volume) it creates the system tables, sets the root password
# from MYSQL_ROOT_PASSWORD (for root@localhost and root@%), and creates MYSQL_DATABASE and MYSQL_USER
# with MYSQL_PASSWORD and all privileges on that database; then it runs the server. Arguments that
# start with "-" are server options, as with the official images.
set -eu

if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then
  set -- mariadbd "$@"
fi
if [ "$1" = mysqld ]; then
  shift
  set -- mariadbd "$@"
fi

datadir=/var/lib/mysql

# sql_string quotes a value for a single-quoted SQL string literal.
sql_string() { printf "'%s'" "$(printf '%s' "$1" | sed "s/\\\\/\\\\\\\\/g; s/'/''/g")"; }
# sql_name quotes a value as an identifier.
sql_name() { printf '`%s`' "$(printf '%s' "$1" | sed 's/`/``/g')"; }

if [ "$1" = mariadbd ] && [ ! -d "$datadir/mysql" ]; then
  : "${MYSQL_ROOT_PASSWORD:?MYSQL_ROOT_PASSWORD must be set to initialise the database}"
  echo "entrypoint: initialising $datadir"
  mariadb-install-db --datadir="$datadir" --auth-root-authentication-method=normal \
    --skip-test-db --skip-name-resolve >/dev/null
  sock=/run/mysqld/init.sock
  mariadbd --datadir="$datadir" --skip-networking --socket="$sock" &
  pid=$!
  i=0
  until mariadb-admin --socket="$sock" -uroot ping --silent >/dev/null 2>&1; do
    i=$((i + 1))
    [ "$i" -lt 60 ] || { echo "entrypoint: the initialising server did not start" >&2; exit 1; }
    sleep 1
  done
  root_pw=$(sql_string "$MYSQL_ROOT_PASSWORD")
  {
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $root_pw;"
    echo "CREATE USER 'root'@'%' IDENTIFIED BY $root_pw;"
    echo "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    if [ -n "${MYSQL_DATABASE:-}" ]; then
      echo "CREATE DATABASE IF NOT EXISTS $(sql_name "$MYSQL_DATABASE");"
    fi
    if [ -n "${MYSQL_USER:-}" ] && [ -n "${MYSQL_PASSWORD:-}" ]; then
      echo "CREATE USER $(sql_string "$MYSQL_USER")@'%' IDENTIFIED BY $(sql_string "$MYSQL_PASSWORD");"
      if [ -n "${MYSQL_DATABASE:-}" ]; then
        echo "GRANT ALL PRIVILEGES ON $(sql_name "$MYSQL_DATABASE").* TO $(sql_string "$MYSQL_USER")@'%';"
      fi
    fi
    echo "FLUSH PRIVILEGES;"
  } | mariadb --socket="$sock" -uroot
  kill "$pid"
  wait "$pid" || true
  echo "entrypoint: $datadir initialised"
fi

exec "$@"
