#!/usr/bin/env bash
# Creates what the systemd units, nginx and the nightly backup need, with owners and modes that
# work on Debian 12 and Ubuntu 24.04. Run as root from the checkout after step 1 of the README's
# "Deploying" section, and again whenever you like: every action is idempotent.
#
#   sudo deploy/install.sh
#
# Paths and the user can be overridden from the environment (defaults as in the README):
#   APP_USER=bookmytoken APP_DIR=/srv/bookmytoken STATE_DIR=/var/lib/bookmytoken
#   BACKUP_DIR=/var/backups/bookmytoken LOG_DIR=/var/log/bookmytoken ACME_DIR=/var/www/letsencrypt
#   ETC_DIR=/etc (where cron.d/ and logrotate.d/ are)
set -euo pipefail

APP_USER="${APP_USER:-bookmytoken}"
APP_DIR="${APP_DIR:-/srv/bookmytoken}"
STATE_DIR="${STATE_DIR:-/var/lib/bookmytoken}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/bookmytoken}"
LOG_DIR="${LOG_DIR:-/var/log/bookmytoken}"
ACME_DIR="${ACME_DIR:-/var/www/letsencrypt}"
ETC_DIR="${ETC_DIR:-/etc}"

die() { echo "install.sh: $*" >&2; exit 1; }
[[ "$(id -u)" -eq 0 ]] || die "run as root (sudo deploy/install.sh)"
id "$APP_USER" >/dev/null 2>&1 || die "no user $APP_USER: create it first (README step 1)"
[[ -f "$APP_DIR/manage.py" ]] || die "no checkout in $APP_DIR (README step 1)"
group="$(id -gn "$APP_USER")"
log_group=adm
getent group "$log_group" >/dev/null || log_group="$group"

# The checkout: owned by the app user, and 0755 so nginx (www-data) can reach /static/ and
# /media/ below it. Ubuntu 21.04+ creates home folders 0750, which makes nginx answer 403.
chown "$APP_USER:$group" "$APP_DIR"
chmod 0755 "$APP_DIR"
# STATIC_ROOT (collectstatic writes, nginx reads) and MEDIA_ROOT (uploads; the units'
# ReadWritePaths, which systemd refuses to start without: status 226/NAMESPACE).
install -d -o "$APP_USER" -g "$group" -m 0755 "$APP_DIR/staticfiles" "$APP_DIR/media"
# DOCUMENTS_ROOT (stored invoice PDFs, the web unit's ReadWritePaths): the app user's only; the
# views that check who may read a document serve it, never nginx.
install -d -o "$APP_USER" -g "$group" -m 0700 "$APP_DIR/documents"

# The settings hold every secret: readable by the app user only. An unreadable .env stops the
# app rather than letting it fall back to local settings, so the owner matters as much as the mode.
if [[ -e "$APP_DIR/.env" ]]; then
  chown "$APP_USER:$group" "$APP_DIR/.env"
  chmod 0600 "$APP_DIR/.env"
else
  echo "install.sh: no $APP_DIR/.env yet: copy deploy/env.production there (README step 3)"
fi

# Celery beat's schedule file (the beat unit's StateDirectory creates the same folder).
install -d -o "$APP_USER" -g "$group" -m 0750 "$STATE_DIR"
# Nightly database dumps (deploy/mysql-backup.sh) and their log.
install -d -o "$APP_USER" -g "$group" -m 0700 "$BACKUP_DIR"
install -d -o "$APP_USER" -g "$log_group" -m 0750 "$LOG_DIR"
# certbot --webroot writes the ACME challenge here; nginx serves it on port 80.
install -d -o root -g root -m 0755 "$ACME_DIR"

# Nightly backup at 02:30 as the app user (cron.d files must be root-owned, 0644, no dot in name).
install -d -m 0755 "$ETC_DIR/cron.d" "$ETC_DIR/logrotate.d"
cron_tmp="$(mktemp)"
cat > "$cron_tmp" <<CRON
# Installed by deploy/install.sh: nightly database dump, kept 14 days (deploy/mysql-backup.sh).
SHELL=/bin/sh
PATH=/usr/local/bin:/usr/bin:/bin
30 2 * * *  $APP_USER  cd $APP_DIR && deploy/mysql-backup.sh $BACKUP_DIR >> $LOG_DIR/backup.log 2>&1
CRON
install -o root -g root -m 0644 "$cron_tmp" "$ETC_DIR/cron.d/bookmytoken"
rm -f "$cron_tmp"

# Weekly rotation of the backup log. The folder belongs to the app user, so logrotate must
# switch to it ("su") or it refuses to touch the folder.
logrotate_tmp="$(mktemp)"
cat > "$logrotate_tmp" <<ROTATE
# Installed by deploy/install.sh.
$LOG_DIR/*.log {
    su $APP_USER $log_group
    weekly
    rotate 12
    compress
    delaycompress
    missingok
    notifempty
    create 0640 $APP_USER $log_group
}
ROTATE
install -o root -g root -m 0644 "$logrotate_tmp" "$ETC_DIR/logrotate.d/bookmytoken"
rm -f "$logrotate_tmp"

echo "install.sh: $APP_DIR, $STATE_DIR, $BACKUP_DIR, $LOG_DIR, $ACME_DIR ready for $APP_USER;"
echo "install.sh: wrote $ETC_DIR/cron.d/bookmytoken and $ETC_DIR/logrotate.d/bookmytoken"
