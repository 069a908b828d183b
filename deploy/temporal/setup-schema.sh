#!/bin/sh
# One-shot schema set-up of the Temporal databases on PostgreSQL, run by the `temporal-schema`
# service (temporalio/admin-tools). Idempotent: `create` ignores an existing database,
# `setup-schema -v 0.0` keeps a newer version, and `update-schema` applies only the versioned
# migrations the database does not have yet, so the same run also upgrades the schema after the
# Temporal images are bumped. The password comes from SQL_PASSWORD.
set -eu

: "${POSTGRES_SEEDS:?set POSTGRES_SEEDS to the PostgreSQL host, e.g. postgresql}"
: "${POSTGRES_USER:?set POSTGRES_USER, e.g. temporal}"
: "${SQL_PASSWORD:?set SQL_PASSWORD to the PostgreSQL password}"
PORT="${DB_PORT:-5432}"
SCHEMA_DIR=/etc/temporal/schema/postgresql/v12

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$PORT" -u "$POSTGRES_USER" "$@"
}

for attempt in 1 2 3 4 5 6 7 8 9 10; do
  if nc -z -w 5 "$POSTGRES_SEEDS" "$PORT"; then break; fi
  echo "waiting for PostgreSQL at $POSTGRES_SEEDS:$PORT (attempt $attempt)"
  sleep 3
done

for pair in "${DBNAME:-temporal}:temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:visibility"; do
  db="${pair%%:*}"
  dir="$SCHEMA_DIR/${pair##*:}/versioned"
  echo "schema of $db from $dir"
  sql_tool --db "$db" create
  sql_tool --db "$db" setup-schema -v 0.0
  sql_tool --db "$db" update-schema -d "$dir"
done
echo "Temporal schema is up to date"
