#!/usr/bin/env bash
# Start a local PostgreSQL server for the tests and print its SQLAlchemy URL (root only).
# Prints nothing when PostgreSQL cannot be started here; the PostgreSQL tests then skip,
# except under CI where ./test requires them.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || exit 0
command -v pg_lsclusters >/dev/null || exit 0
cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
[ -n "$cluster" ] || exit 0
# shellcheck disable=SC2086
pg_ctlcluster $cluster start >/dev/null 2>&1 || true
for _ in $(seq 1 50); do
  su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 && break
  sleep 0.2
done
su postgres -c "psql -qtAc \"select 1 from pg_roles where rolname='marquee'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"create role marquee login superuser password 'marquee'\"" >/dev/null
port=$(su postgres -c "psql -qtAc 'show port'")
echo "postgresql://marquee:marquee@127.0.0.1:${port}/postgres"
