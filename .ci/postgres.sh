#!/usr/bin/env bash
# Starts a PostgreSQL server for the lake tests (JDBC catalog): listening on 127.0.0.1:5432, role
# `spool` (password `spool`, may create databases), database `lake` owned by it.
# Installs Debian's `postgresql` when it is missing. Idempotent: a second run finds it all in place.
# Run as root (CI is); the server itself runs as the `postgres` user.
set -euo pipefail
# initdb refuses a locale that is not generated on the machine; C.UTF-8 always is on Debian.
export LANG=C.UTF-8 LC_ALL=C.UTF-8

if [ "$(id -u)" -ne 0 ]; then
  echo "postgres.sh: run as root (it may install packages and runs the server as the postgres user)" >&2
  exit 1
fi

server_version() {
  ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1
}

if [ -z "$(server_version)" ] || [ ! -x "/usr/lib/postgresql/$(server_version)/bin/postgres" ] \
    || ! command -v pg_ctlcluster >/dev/null; then
  echo "postgres.sh: installing Debian's postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends postgresql >&2
fi

version="$(server_version)"
cluster=main
as_postgres() { runuser -u postgres -- "$@"; }

if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version $cluster"; then
  pg_createcluster --locale C.UTF-8 "$version" "$cluster" >&2
fi

# Loopback only, on the port the tests and the docs use. Debian's postgresql.conf reads conf.d/.
conf_dir="/etc/postgresql/$version/$cluster/conf.d"
mkdir -p "$conf_dir"
cat > "$conf_dir/spool.conf" <<'EOF'
# Written by Spool's .ci/postgres.sh
listen_addresses = '127.0.0.1'
port = 5432
EOF
chown -R postgres:postgres "$conf_dir"

# The socket folder is a tmpfs entry on a booted system; in a container nobody made it.
mkdir -p /var/run/postgresql
chown postgres:postgres /var/run/postgresql
chmod 2775 /var/run/postgresql

status="$(pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1==v && $2==c {print $4}')"
if [ "$status" != "online" ]; then
  pg_ctlcluster "$version" "$cluster" start >&2
fi

deadline=$((SECONDS + 60))
until pg_isready -q -h 127.0.0.1 -p 5432; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "postgres.sh: the server is not accepting connections on 127.0.0.1:5432 after 60 s" >&2
    tail -n 30 "/var/log/postgresql/postgresql-$version-$cluster.log" >&2 || true
    exit 1
  fi
  sleep 0.2
done

as_postgres psql -q -v ON_ERROR_STOP=1 -p 5432 -d postgres <<'EOF'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'spool') THEN
    CREATE ROLE spool LOGIN CREATEDB PASSWORD 'spool';
  ELSE
    ALTER ROLE spool LOGIN CREATEDB PASSWORD 'spool';
  END IF;
END
$$;
SELECT 'CREATE DATABASE lake OWNER spool' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'lake')
\gexec
EOF

echo "postgres.sh: PostgreSQL $version on 127.0.0.1:5432, database lake, role spool" >&2
