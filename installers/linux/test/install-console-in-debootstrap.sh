#!/bin/bash
# Installs the console package into a clean Debian root (debootstrap, no compiler, no Node) and runs
# the installed console there as systemd would, without systemd: the unit's ExecStart, as the unit's
# User=, with its EnvironmentFile= and UMask=. Checks: the service user and folders (least
# privilege), `systemd-analyze verify` (and the offline `security` exposure score), HTTPS health,
# readiness (the packaged healthcheck), the web UI and an admin login over the console's own
# self-signed certificate; `dlp --help`, `dlp reset-password` as root while the console runs (the data
# dir stays the service user's), refused for an ordinary user; TLS from the admin's own certificate
# (an unreadable key is refused with the fix); an upgrade keeps the data and the admin's console.env
# (conffile); a downgrade is refused; remove keeps the data, purge deletes it. With --rpm the .rpm is
# installed into the same root with `rpm --root` (--nodeps; scriptlets run inside the root):
# install, run, upgrade (reinstall), erase keeps the data.
#
# usage (root; it mounts /proc, /sys, /dev into the root, hence the kernel lock):
#   npm run package:console
#   flock /tmp/dlp-kernel.lock installers/linux/test/install-console-in-debootstrap.sh [--make-root] [--rpm] [PACKAGE]
# Exit: 0 passed, 1 failed, 77 skipped (no cached root and no --make-root).
set -euo pipefail

PACKAGE_NAME=dlp-console
# shellcheck source=lib/clean-root.sh
. "$(dirname "$0")/lib/clean-root.sh"
clean_root_args "$@"
HTTP="$REPO/installers/linux/test/console-http.mjs"
ADMIN_PASSWORD='console install test password 2026'
UNIT=/lib/systemd/system/dlp-console.service
command -v openssl > /dev/null || fail "openssl is needed on this machine (it makes the admin's own certificate)"

CONSOLE_PID=
cleanup() {
  status=$?
  [ -n "$CONSOLE_PID" ] && kill "$CONSOLE_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  clean_root_cleanup "$status"
}
trap cleanup EXIT
clean_root_prepare

# --- install ------------------------------------------------------------------------------------
started=$(now_ms)
pkg_install "/tmp/dlp-console.$FORMAT" > "$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; fail "install"; }
INSTALL_MS=$(elapsed "$started")
grep -q "journalctl -u dlp-console | grep 'First admin'" "$WORK/install.log" || { cat "$WORK/install.log"; fail "no first steps after the install"; }
SERVICE_UID=$(in_root id -u dlp-console) || fail "no user dlp-console"
SERVICE_GID=$(in_root id -g dlp-console)
[ "$SERVICE_UID" -lt 1000 ] || fail "dlp-console is not a system user (uid $SERVICE_UID)"
case $(in_root getent passwd dlp-console) in *:/var/lib/dlp-console:/usr/sbin/nologin) ;; *) fail "dlp-console: home or shell: $(in_root getent passwd dlp-console)" ;; esac
mode_of() { stat -c '%a %U %G' "$ROOT$1"; }
# Owners as the root's own names (the host may not know dlp-console): compare numeric ids.
ids_of() { stat -c '%a %u %g' "$ROOT$1"; }
[ "$(ids_of /var/lib/dlp-console)" = "700 $SERVICE_UID $SERVICE_GID" ] || fail "data dir: $(ids_of /var/lib/dlp-console)"
[ "$(ids_of /etc/dlp/console-tls)" = "750 0 $SERVICE_GID" ] || fail "console-tls: $(ids_of /etc/dlp/console-tls)"
[ "$(mode_of /etc/dlp/console.env)" = "600 root root" ] || fail "console.env: $(mode_of /etc/dlp/console.env)"
[ "$(mode_of /usr/bin/dlp)" = "755 root root" ] || fail "/usr/bin/dlp: $(mode_of /usr/bin/dlp)"
if [ $FORMAT = deb ]; then
  [ -L "$ROOT/etc/systemd/system/multi-user.target.wants/dlp-console.service" ] || fail "unit not enabled"
  UNIT=/lib/systemd/system/dlp-console.service
  in_root dpkg-query -W -f '${Conffiles}\n' dlp-console | grep -q '/etc/dlp/console.env' || fail "console.env is not a conffile"
else
  UNIT=/usr/lib/systemd/system/dlp-console.service
  rpm --root "$ROOT" -qc dlp-console | grep -qx /etc/dlp/console.env || fail "console.env is not a %config file"
fi
pass "installed in $INSTALL_MS ms: user dlp-console (uid $SERVICE_UID, nologin), data dir 0700 dlp-console, console-tls 0750 root:dlp-console, console.env 0600 root (conffile)"

in_root systemd-analyze verify "$UNIT" > "$WORK/verify.log" 2>&1 || { cat "$WORK/verify.log"; fail "systemd-analyze verify"; }
[ ! -s "$WORK/verify.log" ] || { cat "$WORK/verify.log"; fail "systemd-analyze verify printed warnings"; }
EXPOSURE=$(in_root systemd-analyze security --offline=yes "$UNIT" 2>&1 | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) \(.*\)/\1 \2/p')
[ -n "$EXPOSURE" ] || fail "systemd-analyze security gave no exposure level"
pass "systemd-analyze verify: clean; security (offline): exposure $EXPOSURE"

# --- the unit's command line, as the unit's user, with its environment file ------------------------
unit_value() { sed -n "s/^$1=//p" "$ROOT$UNIT" | head -n 1; }
SERVICE_USER=$(unit_value User)
EXEC_START=$(unit_value ExecStart)
ENV_FILE=$(unit_value EnvironmentFile)
[ "$SERVICE_USER" = dlp-console ] && [ "$(unit_value UMask)" = 0077 ] && [ "$ENV_FILE" = /etc/dlp/console.env ] || fail "unit: User=$SERVICE_USER UMask=$(unit_value UMask) EnvironmentFile=$ENV_FILE"
PORT=$("$HOST_NODE" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
# The admin's settings: this machine only, a port of the test's own, a first admin password.
set_setting() { # KEY VALUE: replaces (or adds) one line of console.env, as an admin would edit it
  sed -i "/^#\?$1=/d" "$ROOT/etc/dlp/console.env"
  printf '%s=%s\n' "$1" "$2" >> "$ROOT/etc/dlp/console.env"
}
set_setting DLP_HOST 127.0.0.1
set_setting DLP_PORT "$PORT"
set_setting DLP_ADMIN_PASSWORD "\"$ADMIN_PASSWORD\""
BASE_URL=https://127.0.0.1:$PORT
SELF_SIGNED=$ROOT/var/lib/dlp-console/tls/console-cert.pem

start_console() { # as systemd would: KEY=VALUE lines of the environment file (one pair of quotes removed)
  local -a service_env
  mapfile -t service_env < <(grep -E '^[A-Za-z_][A-Za-z0-9_]*=' "$ROOT$ENV_FILE" | sed -E 's/^([^=]+)="(.*)"$/\1=\2/')
  : > "$WORK/console.out"
  local previous_umask
  previous_umask=$(umask)
  umask 0077
  # shellcheck disable=SC2086 # the unit's command line is split into words as systemd does (no quotes in it)
  chroot --userspec="$SERVICE_UID:$SERVICE_GID" --groups="$SERVICE_GID" "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/var/lib/dlp-console "${service_env[@]}" $EXEC_START > "$WORK/console.out" 2>> "$WORK/console.err" &
  CONSOLE_PID=$!
  umask "$previous_umask"
}
wait_listening() {
  for _ in $(seq 1 300); do grep -q DLP_CONSOLE_LISTENING "$WORK/console.out" && return 0; kill -0 "$CONSOLE_PID" 2>/dev/null || break; sleep 0.1; done
  tail -n 5 "$WORK/console.err"; fail "the console did not start"
}
stop_console() {
  kill -TERM "$CONSOLE_PID"
  local code=0
  wait "$CONSOLE_PID" || code=$?
  CONSOLE_PID=
  [ "$code" = 0 ] || { tail -n 5 "$WORK/console.err"; fail "console exit code $code after SIGTERM"; }
}
not_service_owned() { find "$ROOT/var/lib/dlp-console" ! -uid "$SERVICE_UID" -printf '%p %u\n'; }
in_service_user() { chroot --userspec="$SERVICE_UID:$SERVICE_GID" --groups="$SERVICE_GID" "$ROOT" /usr/bin/env -i PATH=/usr/bin:/bin "$@"; }

started=$(now_ms)
start_console
wait_listening
[ "$(sed -n 's/^DLP_CONSOLE_LISTENING url=//p' "$WORK/console.out")" = "$BASE_URL" ] || fail "listening on $(cat "$WORK/console.out"), not $BASE_URL"
HEALTH=$("$HOST_NODE" "$HTTP" get "$BASE_URL/healthz" "$SELF_SIGNED") || fail "healthz: $HEALTH"
pass "console started as $SERVICE_USER from its ExecStart in $(elapsed "$started") ms on the bundled Node; $BASE_URL/healthz over its self-signed certificate: $HEALTH"
in_service_user DLP_PORT="$PORT" DLP_TLS=self-signed /usr/lib/dlp-console/node /usr/lib/dlp-console/healthcheck.js 2> "$WORK/ready.err" || { cat "$WORK/ready.err"; fail "healthcheck.js (readyz)"; }
UI=$("$HOST_NODE" "$HTTP" get "$BASE_URL/" "$SELF_SIGNED") || fail "web UI: $UI"
case $UI in *text/html*) ;; *) fail "web UI is not HTML: $UI" ;; esac
LOGIN=$("$HOST_NODE" "$HTTP" login "$BASE_URL" "$SELF_SIGNED" "$ADMIN_PASSWORD") || fail "login with DLP_ADMIN_PASSWORD from console.env: $LOGIN"
pass "readyz (packaged healthcheck.js) 200, web UI $UI, admin login $LOGIN"
[ -z "$(not_service_owned)" ] || fail "files in the data dir not owned by dlp-console: $(not_service_owned)"
[ "$(ids_of /var/lib/dlp-console/console.sqlite | cut -d' ' -f1)" = 600 ] || fail "console.sqlite mode $(ids_of /var/lib/dlp-console/console.sqlite) (UMask=0077)"
KEY_SHA=$(sha256sum "$ROOT/var/lib/dlp-console/keys/signing.pem" | cut -d' ' -f1)

# --- the dlp command -----------------------------------------------------------------------------
in_root dlp --help > "$WORK/help.out" 2>&1 || { cat "$WORK/help.out"; fail "dlp --help exit code"; }
grep -q 'reset-password <username>' "$WORK/help.out" && grep -q '^Usage: dlp ' "$WORK/help.out" || { cat "$WORK/help.out"; fail "dlp --help text"; }
NEW_PASSWORD='console install test password, reset'
in_root DLP_NEW_PASSWORD="$NEW_PASSWORD" dlp reset-password admin > "$WORK/reset.out" 2>&1 || { cat "$WORK/reset.out"; fail "dlp reset-password as root"; }
[ -z "$(not_service_owned)" ] || fail "dlp as root left files the service cannot write: $(not_service_owned)"
LOGIN=$("$HOST_NODE" "$HTTP" login "$BASE_URL" "$SELF_SIGNED" "$NEW_PASSWORD") || fail "login with the password dlp set: $LOGIN"
case $LOGIN in *'"mustChangePassword":true'*) ;; *) fail "a password set by dlp must be changed at next login: $LOGIN" ;; esac
in_root dlp audit-verify > "$WORK/audit.out" 2>&1 || { cat "$WORK/audit.out"; fail "dlp audit-verify"; }
if chroot --userspec=nobody:nogroup "$ROOT" /usr/bin/env -i PATH=/usr/bin:/bin dlp audit-verify > "$WORK/nobody.out" 2>&1; then fail "dlp audit-verify worked for nobody"; else code=$?; fi
[ "$code" = 4 ] && grep -q 'readable only by root and dlp-console: run sudo dlp audit-verify' "$WORK/nobody.out" || { cat "$WORK/nobody.out"; fail "dlp as nobody: exit $code"; }
pass "dlp --help; dlp reset-password as root while the console runs (data dir stays dlp-console's; login $LOGIN); audit-verify: $(head -n 1 "$WORK/audit.out"); as nobody: exit 4 with the fix"

# --- TLS from the admin's own certificate ----------------------------------------------------------
stop_console
TLS_DIR=$ROOT/etc/dlp/console-tls
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$TLS_DIR/console.key" -out "$TLS_DIR/console.crt" 2> "$WORK/openssl.err" || { cat "$WORK/openssl.err"; fail "openssl"; }
chmod 0600 "$TLS_DIR/console.key"
chmod 0644 "$TLS_DIR/console.crt"
sed -i '/^DLP_TLS=/d' "$ROOT/etc/dlp/console.env"
set_setting DLP_TLS_CERT /etc/dlp/console-tls/console.crt
set_setting DLP_TLS_KEY /etc/dlp/console-tls/console.key
start_console
code=0
wait "$CONSOLE_PID" || code=$?
CONSOLE_PID=
[ "$code" = 2 ] && grep -q 'DLP_TLS_KEY=/etc/dlp/console-tls/console.key cannot be read by user dlp-console: make it readable by the service.s group (chgrp dlp-console' "$WORK/console.err" || { tail -n 3 "$WORK/console.err"; fail "an unreadable key: exit $code"; }
chgrp "$SERVICE_GID" "$TLS_DIR/console.key"
chmod 0640 "$TLS_DIR/console.key"
start_console
wait_listening
OWN=$("$HOST_NODE" "$HTTP" get "$BASE_URL/healthz" "$TLS_DIR/console.crt") || fail "healthz over the admin's certificate: $OWN"
pass "own certificate: an unreadable key is refused with the fix (exit 2); key 0640 root:dlp-console serves it ($OWN)"
stop_console
echo "# the admin's own line, kept on upgrade" >> "$ROOT/etc/dlp/console.env"

# --- upgrade: data and the admin's console.env kept -------------------------------------------------
PKG_VERSION=$(cat "$ROOT/usr/lib/dlp-console/VERSION")
NEWER_VERSION=$PKG_VERSION+1
UPGRADE=/tmp/dlp-console.$FORMAT
if [ $FORMAT = deb ]; then
  UPGRADE=/tmp/newer.deb
  # The newer package changes console.env's default too: dpkg must keep the admin's (confold).
  REPACK_EDIT='echo "# a new default of the newer package" >> etc/dlp/console.env' repack_deb "$NEWER_VERSION" "$UPGRADE"
fi
started=$(now_ms)
pkg_install "$UPGRADE" --force-confold > "$WORK/upgrade.log" 2>&1 || { cat "$WORK/upgrade.log"; fail "upgrade"; }
UPGRADE_MS=$(elapsed "$started")
grep -q "the admin's own line, kept on upgrade" "$ROOT/etc/dlp/console.env" && grep -q "^DLP_PORT=$PORT$" "$ROOT/etc/dlp/console.env" || fail "the upgrade replaced the admin's console.env"
[ "$(sha256sum "$ROOT/var/lib/dlp-console/keys/signing.pem" | cut -d' ' -f1)" = "$KEY_SHA" ] || fail "the upgrade changed the signing key"
start_console
wait_listening
LOGIN=$("$HOST_NODE" "$HTTP" login "$BASE_URL" "$TLS_DIR/console.crt" "$NEW_PASSWORD") || fail "after the upgrade: $LOGIN"
stop_console
if [ $FORMAT = deb ]; then
  [ -e "$ROOT/etc/dlp/console.env.dpkg-dist" ] || fail "no console.env.dpkg-dist: the newer default was not set aside"
  [ "$(in_root dpkg-query -W -f '${Version}' dlp-console)" = "$NEWER_VERSION" ] || fail "not upgraded"
fi
pass "upgrade to $(basename "$UPGRADE") in $UPGRADE_MS ms kept the data (signing key, users: login $LOGIN) and the admin's console.env"

if [ $FORMAT = rpm ]; then
  rpm --root "$ROOT" -e dlp-console > "$WORK/erase.log" 2>&1 || { cat "$WORK/erase.log"; fail "rpm -e"; }
  [ -e "$ROOT/var/lib/dlp-console/console.sqlite" ] && [ ! -e "$ROOT/usr/lib/dlp-console" ] && in_root id -u dlp-console > /dev/null || fail "rpm -e: program left, or data or user lost"
  [ -e "$ROOT/etc/dlp/console.env.rpmsave" ] || [ -e "$ROOT/etc/dlp/console.env" ] || fail "rpm -e dropped the admin's console.env"
  pass "rpm -e removed the program, kept the data, the user and the admin's settings (RPM has no purge)"
  report_passed "$INSTALL_MS"
  exit 0
fi

# --- downgrade refused, remove keeps the data, purge deletes it -------------------------------------
expect_downgrade_refused "$NEWER_VERSION" "$PKG_VERSION"

in_root dpkg -r dlp-console > "$WORK/remove.log" 2>&1 || { cat "$WORK/remove.log"; fail "remove"; }
[ ! -e "$ROOT/usr/lib/dlp-console" ] && [ ! -e "$ROOT/usr/bin/dlp" ] || fail "remove left the program"
[ -e "$ROOT/var/lib/dlp-console/console.sqlite" ] && [ -e "$ROOT/etc/dlp/console.env" ] || fail "remove deleted the data or the settings"
pass "remove: program gone, data and console.env kept"

in_root dpkg --purge dlp-console > "$WORK/purge.log" 2>&1 || { cat "$WORK/purge.log"; fail "purge"; }
[ ! -e "$ROOT/var/lib/dlp-console" ] && [ ! -e "$ROOT/etc/dlp/console.env" ] || fail "purge left the data or console.env"
[ -e "$TLS_DIR/console.key" ] || fail "purge deleted the admin's own key"
in_root id -u dlp-console > /dev/null || fail "purge removed the user (Debian policy: it stays)"
pass "purge: data and console.env deleted; the admin's key in console-tls and the user dlp-console stay"

report_passed "$INSTALL_MS"
