#!/usr/bin/env bash
# Deploy smoke test: follows the README's "Deploying" section on this machine, on loopback only,
# with the files in deploy/ as shipped, then checks the running site from the outside.
#
#   sudo deploy/smoke.sh          (CI runs it from .ci/run; it needs root and takes a few minutes)
#
# Every command it takes from the README is looked up verbatim in the "Deploying" section (the log
# says which README line it ran, and how it was rewritten), so a README command that no longer
# matches fails the test. It rewrites only what one machine running CI needs:
#   - paths: /srv/bookmytoken, /var/{lib,log,backups}/bookmytoken, /var/www/letsencrypt,
#     /etc/nginx, /etc/systemd/system and /etc/{cron.d,logrotate.d} move below a scratch folder;
#   - names: a throwaway app user, MariaDB database/user and password instead of bookmytoken/booking;
#   - ports: gunicorn, nginx (HTTP and HTTPS), a private Redis and an SMTP sink on free loopback
#     ports; the certificate is self-signed (no ACME) and the domain stays bookmytoken.in
#     (curl --resolve);
#   - `sudo -u USER` runs as that user with a reset environment (setpriv), `systemctl` starts,
#     stops and restarts the units' ExecStart as parsed from the unit files, `nginx` runs a private
#     master with its own main config that includes the (rewritten) site.
# Not run: apt-get for certbot/git/gettext (it installs only what it needs), `createsuperuser`
# (interactive) and `certbot` (a self-signed certificate takes its place). The app's virtualenv
# is made as the README says (pip install -r requirements.txt, about a minute); the CI one only
# runs the SMTP sink (aiosmtpd). Everything it starts is stopped, and
# everything it creates removed, on exit, pass or fail.
set -Eeuo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
T0=$(date +%s)
DOMAIN=bookmytoken.in
POLL_SECONDS="${SMOKE_POLL_SECONDS:-180}"

say() { printf '%s [smoke +%ss] %s\n' "$(date -u +%T)" "$(($(date +%s) - T0))" "$*" >&2; }
fail() { say "FAIL: $*"; exit 1; }
[[ "$(id -u)" -eq 0 ]] || fail "run as root (it creates a user, a database and runs nginx)"

# Nothing from the caller's environment may reach the app: it must run on .env alone.
for var in $(compgen -e); do
  case "$var" in
    DJANGO_* | DATABASE_URL | REDIS_URL | CELERY_* | EMAIL_URL | SECRET_KEY | ALLOWED_HOSTS | \
      GUNICORN_* | SITE_URL | RAZORPAY_* | STATIC_ROOT | MEDIA_ROOT | DOCUMENTS_ROOT | \
      TRUSTED_PROXY_COUNT) unset "$var" ;;
  esac
done

# --- Scratch space, names, ports ------------------------------------------------------------
RUN_ID="$$"
WORK="$(mktemp -d /tmp/bmt-smoke.XXXXXX)"
chmod 0755 "$WORK"
APP="$WORK/srv/bookmytoken"
APP_USER="bmtsmoke$RUN_ID"
DB_NAME="bmt_smoke_$RUN_ID"
DB_PASS="$(openssl rand -hex 16 2>/dev/null || echo "pw$RUN_ID$RANDOM$RANDOM")"
ORIGIN="$WORK/origin.git"
NGX="$WORK/nginx"
LOGS="$WORK/logs"
MAILDIR="$WORK/mail"
read -r GUNICORN_PORT HTTP_PORT HTTPS_PORT REDIS_PORT SMTP_PORT < <(python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(5)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
PY
)
export APP_USER APP_DIR="$APP" STATE_DIR="$WORK/var/lib/bookmytoken" \
  BACKUP_DIR="$WORK/var/backups/bookmytoken" LOG_DIR="$WORK/var/log/bookmytoken" \
  ACME_DIR="$WORK/var/www/letsencrypt" ETC_DIR="$WORK/etc"
mkdir -p "$NGX"/{sites-available,sites-enabled,tmp} "$LOGS" "$MAILDIR"/{new,cur,tmp} \
  "$WORK/etc/systemd/system"

# --- Clean-up, whatever happens -------------------------------------------------------------
declare -A UNIT_PID=() UNIT_LOGPOS=()
PIDS=()
STARTED_MARIADB=0
CREATED_USER=0
cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  say "cleaning up"
  [[ -f "$NGX/nginx.pid" ]] && kill -QUIT "$(cat "$NGX/nginx.pid")" 2>/dev/null
  stop_pgroup "${UNIT_PID[@]}" "${PIDS[@]}"
  say "processes stopped; removing the database, user and files"
  mariadb -uroot -e "DROP DATABASE IF EXISTS \`$DB_NAME\`; DROP DATABASE IF EXISTS \`${DB_NAME}_restored\`;
    DROP USER IF EXISTS '$DB_NAME'@'127.0.0.1';" 2>/dev/null
  [[ $STARTED_MARIADB -eq 1 ]] && mariadb-admin -uroot shutdown 2>/dev/null
  [[ $CREATED_USER -eq 1 ]] && userdel "$APP_USER" 2>/dev/null
  if [[ $rc -ne 0 ]]; then
    for f in "$LOGS"/*.log "$NGX"/*.log; do
      [[ -s "$f" ]] && { echo "----- tail of $f"; tail -n 40 "$f"; }
    done
  fi
  rm -rf "$WORK"
  say "finished in $(($(date +%s) - T0)) s: $([[ $rc -eq 0 ]] && echo PASSED || echo "FAILED ($rc)")"
  exit "$rc"
}
stop_pgroup() { # stop_pgroup PID... : TERM each process group we started, KILL after 15 s
  local pid alive
  for pid in "$@"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 1 75); do
    alive=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [[ $alive -eq 0 ]] && return 0
    sleep 0.2
  done
  for pid in "$@"; do kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null; done
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Packages and services this test needs --------------------------------------------------
need=()
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || need+=(nginx)
command -v openssl >/dev/null || need+=(openssl)
command -v redis-server >/dev/null || need+=(redis-server)
command -v curl >/dev/null || need+=(curl)
command -v git >/dev/null || need+=(git)
command -v mariadbd >/dev/null || [[ -x /usr/sbin/mariadbd ]] || need+=(mariadb-server mariadb-client)
if [[ ${#need[@]} -gt 0 ]]; then
  say "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
NGINX_BIN="$(command -v nginx || echo /usr/sbin/nginx)"
if ! mariadb-admin -uroot ping >/dev/null 2>&1; then
  say "starting MariaDB"
  install -d -o mysql -g root -m 0755 /run/mysqld
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- \
    --user=mysql --bind-address=127.0.0.1 --port=3306
  for _ in $(seq 1 60); do mariadb-admin -uroot ping >/dev/null 2>&1 && break; sleep 1; done
  mariadb-admin -uroot ping >/dev/null 2>&1 || fail "MariaDB did not start"
  STARTED_MARIADB=1
fi
VENV="$(readlink -f "$REPO/.venv")"
[[ -x "$VENV/bin/python" ]] || fail "no virtualenv at $REPO/.venv for the SMTP sink (make install)"
[[ -z "$(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null)" ]] ||
  say "note: uncommitted changes are not tested: the checkout is cloned from HEAD"

# --- The README, and running its lines ------------------------------------------------------
README="$REPO/README.md"
README_FROM=0 # lines before this one are not searched (the upgrade part repeats commands)
readme_line() { # the line number of an exact line of the Deploying section, or failure
  WANT="$1" awk -v from="$README_FROM" '/^## Deploying/ {s = 1; next} /^## / {s = 0}
    s && NR > from && $0 == ENVIRON["WANT"] {print NR; found = 1; exit} END {exit !found}' "$README"
}
rewrite() { # the README's paths, names and ports -> this machine's
  sed -E \
    -e "s#/srv/bookmytoken#$APP#g" \
    -e "s#/var/lib/bookmytoken#$STATE_DIR#g; s#/var/backups/bookmytoken#$BACKUP_DIR#g" \
    -e "s#/var/log/bookmytoken#$LOG_DIR#g; s#/var/www/letsencrypt#$ACME_DIR#g" \
    -e "s#/etc/nginx/#$NGX/#g; s#/etc/systemd/system/#$WORK/etc/systemd/system/#g" \
    -e "s#<repository>#$ORIGIN#g" \
    -e "s#(^| )bookmytoken( |:|$)#\\1$APP_USER\\2#g; s#(^| )bookmytoken( |:|$)#\\1$APP_USER\\2#g" \
    -e "s#-u bookmytoken #-u $APP_USER #g; s#-g bookmytoken #-g $APP_USER #g" \
    -e "s#booking_restored#${DB_NAME}_restored#g; s#\\bbooking\\b#$DB_NAME#g" \
    -e "s#a-long-random-password#$DB_PASS#g" \
    -e "s#127\\.0\\.0\\.1:8001#127.0.0.1:$GUNICORN_PORT#g" \
    -e "s#$DOMAIN:443:127\\.0\\.0\\.1#$DOMAIN:$HTTPS_PORT:127.0.0.1#g" \
    -e "s#https://$DOMAIN/#https://$DOMAIN:$HTTPS_PORT/#g" \
    -e "s#^curl -s #curl -sS --max-time 20 --cacert $NGX/cert.pem #"
}
README_RAN=()
readme() { # readme 'exact line' : run one README command (rewritten, then EXTRA_SED) here
  local line cmd
  line="$(readme_line "$1")" || fail "the README's Deploying section has no line: $1"
  cmd="$(printf '%s\n' "$1" | rewrite | sed -e "${EXTRA_SED:-}")"
  say "README:$line  $1"
  [[ "$cmd" == "$1" ]] || say "        as: $cmd"
  README_RAN+=("$line")
  eval "$cmd"
}
readme_block() { # readme_block 'first line' 'last line' : the lines between, for a heredoc
  local from to
  from="$(readme_line "$1")" || fail "the README has no line: $1"
  to="$(awk -v from="$from" -v last="$2" 'NR > from && $0 == last {print NR; exit}' "$README")"
  [[ -n "$to" ]] || fail "no '$2' after README line $from"
  say "README:$from-$to  (heredoc)"
  sed -n "${from},${to}p" "$README" | rewrite
}

# sudo: as root here; `sudo -u USER` as USER with a reset environment, like sudo's env_reset.
as_user() {
  local user=$1
  shift
  env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$APP" USER="$user" LOGNAME="$user" \
    LANG=C.UTF-8 BACKUP_DIR="$BACKUP_DIR" \
    setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups "$@"
}
sudo() {
  if [[ "${1:-}" == "-u" ]]; then
    local user=$2
    shift 2
    as_user "$user" "$@"
  else
    "$@"
  fi
}
nginx() { "$NGINX_BIN" -c "$NGX/nginx.conf" -p "$NGX" "$@"; }

# systemctl: the units' own lines, parsed from the copies in (rewritten) /etc/systemd/system.
unit_value() { # unit_value FILE KEY : every value of KEY= in FILE, rewritten, one per line
  sed -n "s/^$2=//p" "$1" | rewrite
}
start_unit() {
  local name=$1 file="$WORK/etc/systemd/system/$1.service" user wd exec_start
  [[ -f "$file" ]] || fail "no unit $name.service in deploy/systemd"
  user="$(unit_value "$file" User)"
  wd="$(unit_value "$file" WorkingDirectory)"
  exec_start="$(unit_value "$file" ExecStart)"
  [[ "$user" == "$APP_USER" && "$wd" == "$APP" ]] ||
    fail "$name: User=$user WorkingDirectory=$wd, the README says bookmytoken in /srv/bookmytoken"
  local envs=()
  while IFS= read -r kv; do [[ -n "$kv" ]] && envs+=("$kv"); done < <(unit_value "$file" Environment)
  # What systemd would refuse to start without (status 226/NAMESPACE): these folders must exist.
  while IFS= read -r dir; do
    [[ -z "$dir" ]] && continue
    [[ -d "$dir" ]] || fail "$name: ReadWritePaths=$dir does not exist (deploy/install.sh makes it)"
    as_user "$APP_USER" test -w "$dir" || fail "$name: $dir is not writable by the app user"
  done < <(unit_value "$file" ReadWritePaths)
  while IFS= read -r dir; do
    [[ -z "$dir" ]] && continue
    # systemd creates /var/lib/<StateDirectory> owned by User=; install.sh does the same.
    [[ -d "$STATE_DIR" && "$(basename "$STATE_DIR")" == "$dir" ]] ||
      fail "$name: StateDirectory=$dir is not $STATE_DIR"
  done < <(sed -n 's/^StateDirectory=//p' "$file")
  # PrivateTmp=true: a /tmp of the unit's own (the mail queue's lock file lives there).
  local tmp=/tmp
  if [[ "$(sed -n 's/^PrivateTmp=//p' "$file")" == true ]]; then
    tmp="$WORK/tmp/$name"
    install -d -o "$user" -m 0700 "$tmp"
  fi
  say "start $name: $exec_start"
  touch "$LOGS/$name.log"
  UNIT_LOGPOS[$name]="$(wc -l <"$LOGS/$name.log")"
  # shellcheck disable=SC2086 # ExecStart is split on spaces, as systemd does
  (cd "$wd" && exec setsid env -i PATH=/usr/bin:/bin HOME="$APP" LANG=C.UTF-8 "${envs[@]}" \
    TMPDIR="$tmp" GUNICORN_BIND="127.0.0.1:$GUNICORN_PORT" GUNICORN_WORKERS=2 \
    setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups $exec_start \
    >>"$LOGS/$name.log" 2>&1) &
  UNIT_PID[$name]=$!
}
wait_for_units() {
  local deadline=$(($(date +%s) + 90))
  for name in "${!UNIT_PID[@]}"; do
    local ready
    case "$name" in
      bookmytoken-web) ready="Booting worker" ;;
      bookmytoken-worker) ready="ready." ;;
      bookmytoken-beat) ready="beat: Starting" ;;
      *) ready="" ;;
    esac
    until tail -n "+$((UNIT_LOGPOS[$name] + 1))" "$LOGS/$name.log" 2>/dev/null | grep -q "$ready"; do
      kill -0 "${UNIT_PID[$name]}" 2>/dev/null || fail "$name exited (see $name.log)"
      [[ $(date +%s) -lt $deadline ]] || fail "$name did not start within 90 s"
      sleep 0.5
    done
    say "$name is up"
  done
}
systemctl() {
  local verb=$1
  shift
  case "$verb" in
    daemon-reload) ;;
    enable) [[ "${1:-}" == "--now" ]] && shift && for u in "$@"; do start_unit "$u"; done ;;
    start) for u in "$@"; do start_unit "$u"; done ;;
    stop)
      local pids=()
      for u in "$@"; do
        [[ -n "${UNIT_PID[$u]:-}" ]] && pids+=("${UNIT_PID[$u]}")
        unset "UNIT_PID[$u]"
      done
      [[ ${#pids[@]} -eq 0 ]] || stop_pgroup "${pids[@]}" ;;
    restart) systemctl stop "$@" && systemctl start "$@" ;;
    reload)
      [[ "$1" == nginx ]] || fail "systemctl reload $1 is not emulated"
      if [[ -f "$NGX/nginx.pid" ]] && kill -0 "$(cat "$NGX/nginx.pid")" 2>/dev/null; then
        nginx -s reload && sleep 1
      else
        nginx && sleep 0.5
      fi ;;
    *) fail "systemctl $verb is not emulated" ;;
  esac
  if [[ "$verb" == enable || "$verb" == start ]]; then wait_for_units; fi
}

# Supporting processes: a private Redis and an SMTP sink that writes a Maildir.
background() { # background NAME CMD... : a process group of its own, logged, stopped on exit
  local name=$1
  shift
  (exec setsid "$@" >>"$LOGS/$name.log" 2>&1) &
  PIDS+=($!)
}
wait_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.2
  done
  fail "nothing listens on 127.0.0.1:$1 ($2)"
}
background redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
  --dir "$WORK"
background smtp "$VENV/bin/python" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" \
  -c aiosmtpd.handlers.Mailbox "$MAILDIR"
wait_port "$REDIS_PORT" redis
wait_port "$SMTP_PORT" "SMTP sink"

# === 1. System packages, user, checkout =====================================================
readme_line 'sudo apt-get install -y nginx mariadb-server redis-server certbot git python3-venv gettext' >/dev/null ||
  fail "README step 1's apt-get line changed: update this test"
readme 'sudo useradd --system --no-create-home --home-dir /srv/bookmytoken --shell /usr/sbin/nologin bookmytoken'
CREATED_USER=1
mkdir -p "$WORK/srv"
readme 'sudo install -d -o bookmytoken -g bookmytoken -m 0755 /srv/bookmytoken'
# <repository>: a bare copy of this checkout's HEAD, on a branch, owned by the app user.
COMMIT="$(git -C "$REPO" rev-parse HEAD)"
git -c safe.directory='*' clone -q --bare --no-local "$REPO" "$ORIGIN"
git -C "$ORIGIN" update-ref refs/heads/smoke "$COMMIT"
git -C "$ORIGIN" symbolic-ref HEAD refs/heads/smoke
chown -R "$APP_USER:" "$ORIGIN"
readme 'sudo -u bookmytoken git clone <repository> /srv/bookmytoken'
README="$APP/README.md" # from here on, the README and deploy/ of the commit under test
readme 'cd /srv/bookmytoken'
[[ "$(pwd)" == "$APP" ]] || fail "not in the checkout"
readme 'sudo bin/system-deps'
readme 'sudo -u bookmytoken python3 -m venv .venv'
readme 'sudo -u bookmytoken .venv/bin/pip install -r requirements.txt' >"$LOGS/pip.log" 2>&1
readme 'sudo deploy/install.sh'
[[ "$(stat -c %a "$APP")" == 755 ]] || fail "the checkout is not 0755: nginx could not read /static/"

# === 2. Database ============================================================================
sql="$(readme_block "sudo mariadb <<'SQL'" "SQL")"
say "        as: $(printf '%s' "$sql" | tr '\n' ' ')"
eval "$sql"
tz_line='mariadb-tzinfo-to-sql /usr/share/zoneinfo | sudo mariadb mysql'
if [[ "$(mariadb -uroot -N -e 'SELECT COUNT(*) FROM mysql.time_zone_name')" == 0 ]]; then
  readme "$tz_line" 2>/dev/null
else
  readme_line "$tz_line" >/dev/null || fail "the README has no line: $tz_line"
  say "time zone tables already loaded on this server"
fi

# === 3. Settings ============================================================================
readme 'sudo cp deploy/env.production .env'
# The mistake the README used to allow: chmod 600 without chown. It must stop the app, loudly.
chmod 600 .env
if out="$(as_user "$APP_USER" .venv/bin/python manage.py check 2>&1)"; then
  fail "manage.py ran with a .env it cannot read (fell back to other settings)"
fi
grep -q ".env exists but cannot be read" <<<"$out" || fail "unreadable .env: unexpected error: $out"
say "an unreadable .env stops manage.py: ok"
# Fill in every CHANGE block as the README says; any value this test does not know fails it.
SECRET_CMD="$(sed -n 's/^# CHANGE: \(python3 -c .*\)$/\1/p' .env)"
[[ -n "$SECRET_CMD" ]] || fail "deploy/env.production no longer says how to make SECRET_KEY"
declare -A FILL=(
  [SECRET_KEY]="$(eval "$SECRET_CMD")"
  [ALLOWED_HOSTS]=keep [CSRF_TRUSTED_ORIGINS]=keep [SITE_URL]=keep
  [DATABASE_URL]="mysql://$DB_NAME:$DB_PASS@127.0.0.1:3306/$DB_NAME"
  [EMAIL_URL]="smtp://127.0.0.1:$SMTP_PORT"
  [DEFAULT_FROM_EMAIL]=keep [ADMIN_EMAILS]=keep
  [RAZORPAY_KEY_ID]=rzp_test_smoke0000000 [RAZORPAY_KEY_SECRET]=smoke-secret-0000000
  [RAZORPAY_WEBHOOK_SECRET]=smoke-webhook-0000000
)
python3 - .env "$REDIS_PORT" "$APP" <<'PY' >"$WORK/change-keys"
import sys
path, redis_port, app = sys.argv[1:]
keys, lines, in_change = [], [], False
for line in open(path).read().splitlines():
    if line.startswith("# CHANGE"):
        in_change = True
    elif not line.strip():
        in_change = False
    elif in_change and not line.startswith("#") and "=" in line:
        keys.append(line.split("=", 1)[0])
    # Loopback rewrites outside the CHANGE blocks: the private Redis and the checkout's path.
    if line.startswith("REDIS_URL="):
        line = f"REDIS_URL=redis://127.0.0.1:{redis_port}/0"
    lines.append(line.replace("/srv/bookmytoken", app))
open(path, "w").write("\n".join(lines) + "\n")
print("\n".join(keys))
PY
while read -r key; do
  [[ -n "${FILL[$key]+x}" ]] || fail "env.production asks to CHANGE $key: teach this test its value"
  [[ "${FILL[$key]}" == keep ]] && continue
  value="${FILL[$key]}" key="$key" python3 - .env <<'PY'
import os, sys
key, value = os.environ["key"], os.environ["value"]
lines = open(sys.argv[1]).read().splitlines()
lines = [f"{key}={value}" if line.startswith(f"{key}=") else line for line in lines]
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
done <"$WORK/change-keys"
grep -qF 'then: sudo chown bookmytoken: .env && sudo chmod 600 .env' deploy/env.production ||
  fail "deploy/env.production and the README disagree on .env's owner and mode"
readme 'sudo chown bookmytoken: .env && sudo chmod 600 .env'
readme 'sudo -u bookmytoken .venv/bin/python manage.py check --deploy --fail-level WARNING'
readme 'sudo -u bookmytoken .venv/bin/python manage.py migrate' >"$LOGS/migrate.log"
readme 'sudo -u bookmytoken .venv/bin/python manage.py sync_site'
readme 'sudo -u bookmytoken .venv/bin/python manage.py collectstatic --noinput' >"$LOGS/collectstatic.log"
readme '[ ! -d locale ] || sudo -u bookmytoken .venv/bin/python manage.py compilemessages --ignore=.venv'
readme_line 'sudo -u bookmytoken .venv/bin/python manage.py createsuperuser' >/dev/null ||
  fail "README step 3 no longer creates a superuser"
site="$(mariadb -uroot -N -e "SELECT CONCAT(name, ' ', domain) FROM \`$DB_NAME\`.django_site")"
[[ "$site" == "BookMyToken $DOMAIN" ]] || fail "django_site is '$site', not 'BookMyToken $DOMAIN'"

# === 4. gunicorn, Celery worker and beat ====================================================
grep -q 'os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")' deploy/gunicorn.conf.py ||
  fail "gunicorn.conf.py does not bind 127.0.0.1:8001 as the README says"
readme 'sudo cp deploy/systemd/bookmytoken-*.service /etc/systemd/system/'
readme 'sudo systemctl daemon-reload'
readme 'sudo systemctl enable --now bookmytoken-web bookmytoken-worker bookmytoken-beat'
shipped="$(cd deploy/systemd && ls ./*.service | sed 's#^\./##; s#\.service$##' | sort | xargs)"
[[ "$shipped" == "bookmytoken-beat bookmytoken-web bookmytoken-worker" ]] ||
  fail "deploy/systemd has units the README does not start: $shipped"

# === 5. nginx and TLS =======================================================================
www_user=www-data
id "$www_user" >/dev/null 2>&1 || www_user=nobody
cat >"$NGX/nginx.conf" <<CONF
user $www_user;
worker_processes 1;
pid $NGX/nginx.pid;
error_log $NGX/error.log;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $NGX/access.log;
    client_body_temp_path $NGX/tmp/body;
    proxy_temp_path $NGX/tmp/proxy;
    fastcgi_temp_path $NGX/tmp/fastcgi;
    uwsgi_temp_path $NGX/tmp/uwsgi;
    scgi_temp_path $NGX/tmp/scgi;
    include $NGX/sites-enabled/*;
}
CONF
loopback_site() { # the shipped site with loopback ports, scratch paths and the test certificate
  local file=$1 before
  before="$(cat "$file")"
  sed -E -i \
    -e "s#^( +)listen 80;#\\1listen 127.0.0.1:$HTTP_PORT;#" \
    -e "s#^( +)listen 443 ssl http2;#\\1listen 127.0.0.1:$HTTPS_PORT ssl http2;#" \
    -e "/^ +listen \\[::\\]:(80|443)/d" \
    -e "s#/etc/letsencrypt/live/$DOMAIN/fullchain.pem#$NGX/cert.pem#" \
    -e "s#/etc/letsencrypt/live/$DOMAIN/privkey.pem#$NGX/key.pem#" \
    -e "s#/var/log/nginx/#$NGX/#g" \
    "$file"
  # Paths and the upstream port as every README command is rewritten.
  rewrite <"$file" >"$file.new" && mv "$file.new" "$file"
  say "nginx site rewritten for loopback:"
  diff <(printf '%s\n' "$before") "$file" | sed 's/^/        /' >&2 || true
}
readme 'sudo cp deploy/nginx/bookmytoken-acme.conf /etc/nginx/sites-available/bookmytoken'
loopback_site "$NGX/sites-available/bookmytoken"
readme 'sudo ln -sf /etc/nginx/sites-available/bookmytoken /etc/nginx/sites-enabled/bookmytoken'
readme 'sudo nginx -t && sudo systemctl reload nginx' 2>>"$LOGS/nginx-t.log"
# What certbot --webroot does: a challenge file below -w, fetched over plain HTTP.
certbot_line="sudo certbot certonly --webroot -w /var/www/letsencrypt -d $DOMAIN -d www.$DOMAIN --deploy-hook 'systemctl reload nginx'"
readme_line "$certbot_line" >/dev/null || fail "the README has no line: $certbot_line"
grep -q 'root /var/www/letsencrypt;' deploy/nginx/bookmytoken-acme.conf ||
  fail "bookmytoken-acme.conf does not serve certbot's -w folder"
token="smoke-$RUN_ID-$RANDOM"
mkdir -p "$ACME_DIR/.well-known/acme-challenge"
echo "$token" >"$ACME_DIR/.well-known/acme-challenge/$token"
got="$(curl -sS --max-time 10 -H "Host: $DOMAIN" "http://127.0.0.1:$HTTP_PORT/.well-known/acme-challenge/$token")"
[[ "$got" == "$token" ]] || fail "the ACME challenge is not served on port 80 (got: $got)"
say "first certificate: the challenge is served before the TLS site exists: ok"
# The port-80 block of the full site is the bootstrap site's, so renewals keep working.
port80() { awk '/^server \{/ {n++} n == want' want="$2" "$1" | sed '/^ *#/d; /^$/d'; }
[[ "$(port80 deploy/nginx/bookmytoken-acme.conf 1)" == "$(port80 deploy/nginx/bookmytoken.conf 1)" ]] ||
  fail "the port-80 server blocks of bookmytoken-acme.conf and bookmytoken.conf differ"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$DOMAIN" \
  -addext "subjectAltName=DNS:$DOMAIN,DNS:www.$DOMAIN" \
  -keyout "$NGX/key.pem" -out "$NGX/cert.pem" 2>/dev/null
readme 'sudo cp deploy/nginx/bookmytoken.conf /etc/nginx/sites-available/bookmytoken'
loopback_site "$NGX/sites-available/bookmytoken"
readme 'sudo nginx -t && sudo systemctl reload nginx' 2>>"$LOGS/nginx-t.log"
env_value() { sed -n "s/^$1=//p" "$APP/.env"; }
grep -q "alias $(env_value STATIC_ROOT)/;" "$NGX/sites-available/bookmytoken" ||
  fail "nginx's /static/ alias is not STATIC_ROOT from env.production"
grep -q "alias $(env_value MEDIA_ROOT)/;" "$NGX/sites-available/bookmytoken" ||
  fail "nginx's /media/ alias is not MEDIA_ROOT from env.production"

# === 6. Health ==============================================================================
check_health() {
  python3 -c 'import json, sys
body = json.loads(sys.argv[1])
assert body == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}, body' "$1" ||
    fail "/healthz answered: $1"
}
out="$(readme "curl -s -H 'Host: $DOMAIN' -H 'X-Forwarded-Proto: https' http://127.0.0.1:8001/healthz")"
check_health "$out"
out="$(readme "curl -s --resolve $DOMAIN:443:127.0.0.1 https://$DOMAIN/healthz")"
check_health "$out"
say "/healthz, both README commands: $out"

# === The site from the outside ==============================================================
BASE="https://$DOMAIN:$HTTPS_PORT"
CURL=(curl -sS --max-time 30 --cacert "$NGX/cert.pem" --resolve "$DOMAIN:$HTTPS_PORT:127.0.0.1")
header() { grep -i "^$1:" "$2" | head -n1 | cut -d' ' -f2- | tr -d '\r'; }
# HTTP -> HTTPS
code="$(curl -sS -o /dev/null -D "$WORK/h80" -w '%{http_code}' -H "Host: $DOMAIN" "http://127.0.0.1:$HTTP_PORT/providers/?q=x")"
[[ "$code" == 301 && "$(header Location "$WORK/h80")" == "https://$DOMAIN/providers/?q=x" ]] ||
  fail "HTTP did not redirect to HTTPS ($code $(header Location "$WORK/h80"))"
say "HTTP redirects to HTTPS: ok"
# Home over HTTPS with its security headers (HSTS once: nginx's, Django's hidden).
"${CURL[@]}" -o "$WORK/home.html" -D "$WORK/hhome" "$BASE/"
head -n1 "$WORK/hhome" | grep -q ' 200' || fail "home: $(head -n1 "$WORK/hhome")"
[[ "$(grep -ci '^strict-transport-security:' "$WORK/hhome")" == 1 ]] || fail "home: HSTS header missing or repeated"
for expect in "Strict-Transport-Security|max-age=31536000; includeSubDomains; preload" \
  "X-Content-Type-Options|nosniff" "X-Frame-Options|DENY" "Referrer-Policy|same-origin" \
  "Content-Security-Policy|default-src 'self'" "Content-Security-Policy|frame-ancestors 'none'"; do
  [[ "$(header "${expect%%|*}" "$WORK/hhome")" == *"${expect#*|}"* ]] ||
    fail "home: ${expect%%|*} does not say ${expect#*|}: $(cat "$WORK/hhome")"
done
grep -q "Book a slot, get a token" "$WORK/home.html" || fail "home page content missing"
say "home over HTTPS with HSTS, nosniff, X-Frame-Options, Referrer-Policy, CSP: ok"
# A static file, served by nginx from STATIC_ROOT (its Cache-Control, not whitenoise's).
static_path="$(python3 -c 'import json, sys; paths = json.load(open(sys.argv[1]))["paths"]
print(next(v for k, v in sorted(paths.items()) if k.endswith(".css")))' "$(env_value STATIC_ROOT)/staticfiles.json")"
"${CURL[@]}" -o "$WORK/static" -D "$WORK/hstatic" "$BASE/static/$static_path"
head -n1 "$WORK/hstatic" | grep -q ' 200' || fail "static: $(head -n1 "$WORK/hstatic")"
[[ "$(header Cache-Control "$WORK/hstatic")" == "public, max-age=31536000, immutable" ]] ||
  fail "static file not served by nginx (Cache-Control: $(header Cache-Control "$WORK/hstatic"))"
cmp -s "$WORK/static" "$(env_value STATIC_ROOT)/$static_path" || fail "static file content differs"
grep -q "/static/$static_path" "$LOGS/bookmytoken-web.log" && fail "the static file reached gunicorn"
say "static file /static/$static_path served by nginx: ok"

# Sign up; the verification email (sent by the web process or queued for the worker) names the site.
EMAIL="smoke-$RUN_ID@example.in"
PASSWORD="harbour-Lantern-$RANDOM-quill"
JAR="$WORK/cookies"
csrf_of() { sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' "$1" | head -n1; }
"${CURL[@]}" -c "$JAR" -b "$JAR" -o "$WORK/signup.html" "$BASE/accounts/signup/"
csrf="$(csrf_of "$WORK/signup.html")"
[[ -n "$csrf" ]] || fail "no CSRF token on the sign-up page"
# A browser on port 443 sends this Referer; nginx passes the Host without our test port.
code="$("${CURL[@]}" -c "$JAR" -b "$JAR" -o "$WORK/signup-post.html" -w '%{http_code}' \
  -H "Referer: https://$DOMAIN/accounts/signup/" \
  --data-urlencode "csrfmiddlewaretoken=$csrf" --data-urlencode "role=customer" \
  --data-urlencode "name=Smoke Test" --data-urlencode "email=$EMAIL" \
  --data-urlencode "password1=$PASSWORD" --data-urlencode "password2=$PASSWORD" \
  "$BASE/accounts/signup/")"
form_errors() { grep -o 'invalid-feedback[^<]*<[^<]*\|alert-[a-z]*"[^<]*<[^<]*' "$1" | head -n5 | xargs; }
[[ "$code" == 302 ]] || fail "sign-up answered $code: $(form_errors "$WORK/signup-post.html")"
say "signed up $EMAIL; waiting up to $POLL_SECONDS s for the email"
mail_file=""
deadline=$(($(date +%s) + POLL_SECONDS))
while [[ -z "$mail_file" ]]; do
  mail_file="$(grep -rl "$EMAIL" "$MAILDIR/new" 2>/dev/null | head -n1 || true)"
  [[ -n "$mail_file" ]] && break
  [[ $(date +%s) -lt $deadline ]] || fail "no email to $EMAIL within $POLL_SECONDS s"
  sleep 1
done
body="$(python3 -c 'import email, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"))
part = next(p for p in msg.walk() if p.get_content_type() == "text/plain")
print("Subject:", msg["Subject"]); print(part.get_payload(decode=True).decode())' "$mail_file")"
grep -q "Hello from BookMyToken!" <<<"$body" || fail "the email does not name the site: $body"
grep -q "an account on $DOMAIN" <<<"$body" || fail "the email does not name $DOMAIN: $body"
grep -q "example.com" <<<"$body" && fail "the email says example.com: $body"
confirm="$(grep -o "https://$DOMAIN/accounts/confirm-email/[^[:space:]]*" <<<"$body" | head -n1)"
[[ -n "$confirm" ]] || fail "no confirmation link in the email: $body"
say "verification email names BookMyToken and $DOMAIN: ok"
# Confirm the address (a POST, as the page asks), so the account can sign in.
confirm_path="/${confirm#https://"$DOMAIN"/}"
"${CURL[@]}" -c "$JAR" -b "$JAR" -o "$WORK/confirm.html" "$BASE$confirm_path"
csrf="$(csrf_of "$WORK/confirm.html")"
code="$("${CURL[@]}" -c "$JAR" -b "$JAR" -o /dev/null -w '%{http_code}' \
  -H "Referer: https://$DOMAIN$confirm_path" --data-urlencode "csrfmiddlewaretoken=$csrf" \
  "$BASE$confirm_path")"
[[ "$code" == 302 ]] || fail "email confirmation answered $code"
# Behind nginx, five failed sign-ins from five client addresses lock the account, and the page
# says until when (each loopback address is a different client to nginx).
login() { # login SOURCE_IP PASSWORD -> http code; page in $WORK/login.html
  local jar="$WORK/jar-$1"
  "${CURL[@]}" --interface "$1" -c "$jar" -b "$jar" -o "$WORK/login-get.html" "$BASE/accounts/login/"
  "${CURL[@]}" --interface "$1" -c "$jar" -b "$jar" -o "$WORK/login.html" -w '%{http_code}' \
    -H "Referer: https://$DOMAIN/accounts/login/" \
    --data-urlencode "csrfmiddlewaretoken=$(csrf_of "$WORK/login-get.html")" \
    --data-urlencode "login=$EMAIL" --data-urlencode "password=$2" "$BASE/accounts/login/"
}
for n in 2 3 4 5 6; do
  code="$(login "127.0.0.$n" wrong-password)"
  [[ "$code" == 200 || "$code" == 429 ]] || fail "failed sign-in $n answered $code"
done
code="$(login 127.0.0.7 "$PASSWORD")"
[[ "$code" == 429 ]] || fail "the right password after five failures answered $code, not 429"
grep -q "This account is locked" "$WORK/login.html" && grep -q "You can try again after" "$WORK/login.html" ||
  fail "the lockout page does not say until when"
ips="$(mariadb -uroot -N -e "SELECT COUNT(DISTINCT ip_address) FROM \`$DB_NAME\`.axes_accessattempt")"
[[ "$ips" -ge 5 ]] || fail "expected attempts from 5 addresses, axes saw $ips"
say "lockout behind nginx from $ips client addresses says 'locked until': ok"

# === 7. Backups =============================================================================
cron_readme='30 2 * * *  bookmytoken  cd /srv/bookmytoken && deploy/mysql-backup.sh /var/backups/bookmytoken >> /var/log/bookmytoken/backup.log 2>&1'
cron_line="$(readme_line "$cron_readme")" || fail "the README has no cron line: $cron_readme"
cron_installed="$(grep -v '^#' "$ETC_DIR/cron.d/bookmytoken" | grep '^30 ')"
[[ "$cron_installed" == "$(printf '%s\n' "$cron_readme" | rewrite)" ]] ||
  fail "/etc/cron.d/bookmytoken from install.sh differs from README line $cron_line: $cron_installed"
grep -q '^ *dir="${1:-${BACKUP_DIR:-/var/backups/bookmytoken}}"' deploy/mysql-backup.sh ||
  fail "mysql-backup.sh's default folder is not the README's /var/backups/bookmytoken"
say "README:$cron_line  the cron job, run as cron would: as the app user, with /bin/sh"
cron_cmd="$(awk '{ $1 = $2 = $3 = $4 = $5 = $6 = ""; sub(/^ +/, ""); print }' <<<"$cron_installed")"
as_user "$APP_USER" /bin/sh -c "$cron_cmd" || fail "the backup cron job failed: $(cat "$LOG_DIR/backup.log")"
dump="$(ls "$BACKUP_DIR"/"$DB_NAME"-*.sql.gz | head -n1)"
[[ -s "$dump" ]] || fail "no dump in $BACKUP_DIR"
grep -q "wrote $dump" "$LOG_DIR/backup.log" || fail "the backup log does not name the dump"
if command -v logrotate >/dev/null; then
  logrotate -d "$ETC_DIR/logrotate.d/bookmytoken" >"$LOGS/logrotate.log" 2>&1 ||
    fail "logrotate rejects $ETC_DIR/logrotate.d/bookmytoken"
  grep -qi "error" "$LOGS/logrotate.log" && fail "logrotate: $(grep -i error "$LOGS/logrotate.log")"
fi
say "backup: $(basename "$dump") ($(stat -c %s "$dump") bytes), cron line and log rotation: ok"
# Restore as the README says, into a fresh database, and run the site on it.
readme 'sudo systemctl stop bookmytoken-web bookmytoken-worker bookmytoken-beat'
readme "sudo mariadb -e \"CREATE DATABASE booking_restored CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; GRANT ALL ON booking_restored.* TO 'booking'@'127.0.0.1';\""
example_dump='gunzip -c /var/backups/bookmytoken/booking-20260101T023000Z.sql.gz | sudo mariadb booking_restored'
readme_line "$example_dump" >/dev/null || fail "the README has no line: $example_dump"
EXTRA_SED="s#$DB_NAME-20260101T023000Z.sql.gz#${dump##*/}#" readme "$example_dump"
restored="$(mariadb -uroot -N -e "SELECT COUNT(*) FROM \`${DB_NAME}_restored\`.users WHERE email = '$EMAIL'")"
[[ "$restored" == 1 ]] || fail "the restored database lacks the account signed up above"
readme_line '# point DATABASE_URL in .env at booking_restored, then:' >/dev/null ||
  fail "the README no longer says to point DATABASE_URL at the restored database"
sed -i "s#^DATABASE_URL=\(.*\)/$DB_NAME\$#DATABASE_URL=\1/${DB_NAME}_restored#" .env
readme 'sudo -u bookmytoken .venv/bin/python manage.py migrate --check'
readme 'sudo systemctl start bookmytoken-web bookmytoken-worker bookmytoken-beat'
out="$(readme "curl -s --resolve $DOMAIN:443:127.0.0.1 https://$DOMAIN/healthz")"
check_health "$out"
say "restored dump serves the site: ok"

# === Deploying a new version (install.sh a second time, restart, check) =====================
snapshot() {
  find "$APP/.env" "$APP/media" "$APP/documents" "$APP/staticfiles" "$STATE_DIR" "$BACKUP_DIR" "$LOG_DIR" \
    "$ACME_DIR" "$ETC_DIR/cron.d" "$ETC_DIR/logrotate.d" -maxdepth 0 -printf '%p %u %g %m\n'
  cat "$ETC_DIR/cron.d/bookmytoken" "$ETC_DIR/logrotate.d/bookmytoken"
}
before="$(snapshot)"
README_FROM="$(grep -n '^\*\*Deploying a new version\.\*\*' "$README" | cut -d: -f1)"
[[ -n "$README_FROM" ]] || fail "the README has no 'Deploying a new version' part"
readme 'cd /srv/bookmytoken'
readme 'sudo -u bookmytoken git rev-parse HEAD' >/dev/null
readme 'sudo -u bookmytoken deploy/mysql-backup.sh' >>"$LOGS/backup.log"
readme 'sudo -u bookmytoken git pull --ff-only' >/dev/null
readme 'sudo -u bookmytoken .venv/bin/pip install -r requirements.txt' >>"$LOGS/pip.log" 2>&1
readme 'sudo deploy/install.sh' >/dev/null
readme 'sudo -u bookmytoken .venv/bin/python manage.py check --deploy --fail-level WARNING'
[[ "$(snapshot)" == "$before" ]] || fail "a second deploy/install.sh changed owners, modes or files"
say "deploy/install.sh a second time changes nothing: ok"
readme 'sudo -u bookmytoken .venv/bin/python manage.py migrate' >>"$LOGS/migrate.log"
readme 'sudo -u bookmytoken .venv/bin/python manage.py sync_site'
readme 'sudo -u bookmytoken .venv/bin/python manage.py collectstatic --noinput' >>"$LOGS/collectstatic.log"
readme '[ ! -d locale ] || sudo -u bookmytoken .venv/bin/python manage.py compilemessages --ignore=.venv'
readme 'sudo systemctl restart bookmytoken-web bookmytoken-worker bookmytoken-beat'
out="$(readme "curl -s --resolve $DOMAIN:443:127.0.0.1 https://$DOMAIN/healthz")"
check_health "$out"
say "new version deployed and healthy: ok"

say "ran README lines: $(printf '%s\n' "${README_RAN[@]}" | sort -n | uniq | xargs)"
say "PASSED"
