#!/usr/bin/env bash
# Consistent online backup of the BookMyToken database with mysqldump, kept for 14 days.
#
#   deploy/mysql-backup.sh [backup-dir]        (default $BACKUP_DIR or /var/backups/bookmytoken)
#
# Reads the connection from DATABASE_URL (the app's .env), so it needs no password of its own.
# --single-transaction takes an InnoDB snapshot: the site keeps running, no table is locked.
# Every night at 02:30 as the bookmytoken user, from /etc/cron.d/bookmytoken (deploy/install.sh
# writes it and creates the backup and log folders this needs).
set -euo pipefail
cd "$(dirname "$0")/.."

dir="${1:-${BACKUP_DIR:-/var/backups/bookmytoken}}"
keep_days="${KEEP_DAYS:-14}"

url="${DATABASE_URL:-$(sed -n 's/^DATABASE_URL=//p' .env 2>/dev/null | tail -n1)}"
[[ "$url" == mysql://* ]] || { echo "DATABASE_URL is not a mysql:// URL" >&2; exit 1; }
eval "$(.venv/bin/python - "$url" <<'PY'
import shlex, sys
from urllib.parse import unquote, urlsplit
u = urlsplit(sys.argv[1])
for key, value in {"DB_USER": unquote(u.username or ""), "DB_PASS": unquote(u.password or ""),
                   "DB_HOST": u.hostname or "127.0.0.1", "DB_PORT": str(u.port or 3306),
                   "DB_NAME": u.path.lstrip("/")}.items():
    print(f"{key}={shlex.quote(value)}")
PY
)"

umask 077
mkdir -p "$dir"
chmod 700 "$dir"
file="$dir/${DB_NAME}-$(date -u +%Y%m%dT%H%M%SZ).sql.gz"
# The password goes through a private option file, never the command line (ps would show it).
cnf="$(mktemp)"
trap 'rm -f "$cnf"' EXIT
printf '[client]\nuser=%s\npassword=%s\nhost=%s\nport=%s\n' \
  "$DB_USER" "$DB_PASS" "$DB_HOST" "$DB_PORT" > "$cnf"

dump=$(command -v mariadb-dump || command -v mysqldump)
"$dump" --defaults-extra-file="$cnf" --single-transaction --quick --routines --triggers \
  --default-character-set=utf8mb4 --hex-blob --no-tablespaces "$DB_NAME" | gzip -6 > "$file.part"
mv "$file.part" "$file"
echo "$(date -u +%FT%TZ) wrote $file ($(du -h "$file" | cut -f1))"

find "$dir" -name "${DB_NAME}-*.sql.gz" -mtime +"$keep_days" -delete
