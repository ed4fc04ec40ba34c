#!/bin/bash
# Run once by the postgres:15 image when it creates the primary's cluster
# (/docker-entrypoint-initdb.d): a role for the streaming replica, allowed to
# replicate (and nothing else) from the compose network. wal_level replica
# and max_wal_senders 10 are PostgreSQL 15's defaults.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d postgres -v pw="$REPLICATION_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE replicator LOGIN REPLICATION PASSWORD %L', :'pw') \gexec
SQL
echo "host replication replicator samenet scram-sha-256" >> "$PGDATA/pg_hba.conf"
