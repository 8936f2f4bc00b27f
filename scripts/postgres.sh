#!/usr/bin/env bash
# Starts a local PostgreSQL for development and tests of the PostgreSQL
# store (crates/parallax-store-pg), creates the role `parallax_test` and a
# fresh, empty database `parallax_test` (dropped and created again on each
# run), and prints the URL to use as the last line:
#
#   PARALLAX_PG_URL=postgres://parallax_test:parallax_test@localhost:PORT/parallax_test
#
# Use:  eval "export $(bash scripts/postgres.sh | tail -1)"
#       cargo test -p parallax-store-pg
#
# Installs PostgreSQL with apt-get when it is missing (Debian, Ubuntu).
# Needs root or sudo. The password is for local tests only.
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  echo "postgres.sh: installing PostgreSQL" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
  as_root pg_createcluster "$version" main >/dev/null
fi
status=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" { print $4 }')
if [ "$status" != "online" ]; then
  as_root pg_ctlcluster "$version" main start
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" { print $3 }')
for _ in $(seq 1 30); do
  pg_isready -q -h localhost -p "$port" && break
  sleep 1
done
pg_isready -h localhost -p "$port" >&2

psql_admin() { as_postgres env PGOPTIONS="-c client_min_messages=warning" psql -p "$port" -v ON_ERROR_STOP=1 -qAt "$@"; }
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'parallax_test'")" != 1 ]; then
  psql_admin -c "CREATE ROLE parallax_test LOGIN PASSWORD 'parallax_test'"
fi
psql_admin -c "DROP DATABASE IF EXISTS parallax_test WITH (FORCE)"
psql_admin -c "CREATE DATABASE parallax_test OWNER parallax_test"
echo "PARALLAX_PG_URL=postgres://parallax_test:parallax_test@localhost:$port/parallax_test"
