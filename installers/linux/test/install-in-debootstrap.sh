#!/bin/bash
# Installs the agent .deb into a clean Debian root (debootstrap, no compiler, no Node) and runs the
# installed agent there with its unit's ExecStart against a console started from this checkout: it
# must enroll and show online at the console. Also: bad response files stop the install with the
# exact reason and leave nothing behind; a reinstall keeps the enrollment; a downgrade is refused;
# purge removes the data.
#
# usage (root; it mounts /proc, /sys, /dev into the root, hence the kernel lock):
#   flock /tmp/dlp-kernel.lock installers/linux/test/install-in-debootstrap.sh [--make-root] [DEB]
# The clean root is cached in /var/cache/dlp-debootstrap/bookworm-minbase (made once with
# --make-root: about 1 minute and 240 MB here); each run works on a copy of it.
# Exit: 0 passed, 1 failed, 77 skipped (no cached root and no --make-root).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../../.." && pwd)
CACHE=/var/cache/dlp-debootstrap/bookworm-minbase
MAKE_ROOT=no
if [ "${1:-}" = --make-root ]; then MAKE_ROOT=yes; shift; fi
DEB=${1:-$(ls "$REPO"/dist/packages/dlp-agent_*_amd64.deb 2>/dev/null | head -n 1)}
HOST_NODE=$(command -v node)

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }
elapsed() { echo "$(( $(date +%s%N) / 1000000 - $1 ))"; }
now_ms() { echo "$(( $(date +%s%N) / 1000000 ))"; }

[ "$(id -u)" = 0 ] || fail "must run as root (dpkg and chroot)"
[ -f "$DEB" ] || fail "no package: run npm run package first (or pass the .deb)"
if [ ! -d "$CACHE" ]; then
  if [ "$MAKE_ROOT" = no ]; then
    echo "SKIP: no cached Debian root at $CACHE; make it once with: $0 --make-root (about 1 min, 240 MB download)"
    exit 77
  fi
  # The default mirror of debootstrap; minbase + systemd (for systemd-analyze), no compiler.
  started=$(now_ms)
  debootstrap --variant=minbase --include=systemd bookworm "$CACHE.tmp"
  mv "$CACHE.tmp" "$CACHE"
  echo "made $CACHE in $(elapsed "$started") ms"
fi

WORK=$(mktemp -d /tmp/dlp-install-test.XXXXXX)
ROOT=$WORK/root
CONSOLE_PID=
AGENT_PID=
cleanup() {
  [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null || true
  [ -n "$CONSOLE_PID" ] && kill "$CONSOLE_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  for mount in dev sys proc; do umount -l "$ROOT/$mount" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

cp -a "$CACHE" "$ROOT"
mount -t proc proc "$ROOT/proc"
mount -t sysfs sysfs "$ROOT/sys"
mount --bind /dev "$ROOT/dev"
in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
cp "$DEB" "$ROOT/tmp/dlp-agent.deb"

for tool in cc gcc make node nodejs; do
  if in_root sh -c "command -v $tool" >/dev/null; then fail "the clean root has $tool"; fi
done
pass "clean root without a compiler or Node"

# --- bad response files: the exact message, and nothing installed or written ---------------------
expect_refused() { # NAME RESPONSE EXPECTED_MESSAGE
  mkdir -p "$ROOT/etc/dlp"
  printf '%s\n' "$2" > "$ROOT/etc/dlp/agent.conf"
  if in_root dpkg -i /tmp/dlp-agent.deb > "$WORK/refused.log" 2>&1; then fail "$1: install accepted"; fi
  grep -qF -- "$3" "$WORK/refused.log" || { cat "$WORK/refused.log"; fail "$1: message not found: $3"; }
  status=$(in_root dpkg-query -W -f '${db:Status-Status}' dlp-agent 2>/dev/null || echo unknown)
  case $status in not-installed | unknown) ;; *) fail "$1: dpkg status is $status" ;; esac
  [ ! -e "$ROOT/etc/dlp/agent.json" ] && [ ! -e "$ROOT/usr/lib/dlp-agent" ] && [ ! -e "$ROOT/var/lib/dlp-agent" ] || fail "$1: files left behind"
  pass "$1 refused: $3"
}
GOOD_SECRET=install-test-secret-0123456789abcdef
expect_refused "wrong URL" "CONSOLE_URL=http://console.example:8080/agent
ENROLL_SECRET=$GOOD_SECRET" '/etc/dlp/agent.conf: CONSOLE_URL "http://console.example:8080/agent" is not a ws:// or wss:// URL'
expect_refused "malformed fingerprint" "CONSOLE_URL=ws://127.0.0.1:1/agent
ENROLL_SECRET=$GOOD_SECRET
CONSOLE_KEY_SHA256=abc123" '/etc/dlp/agent.conf: CONSOLE_KEY_SHA256 must be 64 hexadecimal digits'
expect_refused "group on the workstation" "CONSOLE_URL=ws://127.0.0.1:1/agent
ENROLL_SECRET=$GOOD_SECRET
GROUP=floor-3" 'GROUP cannot be set on the workstation'

# --- a console from this checkout, with an enroll secret for the default group -------------------
CONSOLE_JS=$REPO/dist/console/server.js
[ -f "$CONSOLE_JS" ] || fail "$CONSOLE_JS missing: run npm run build"
DLP_ADMIN_PASSWORD='install test admin password 2026' DLP_LOCAL_ENROLL_SECRET=$GOOD_SECRET \
  "$HOST_NODE" "$CONSOLE_JS" --data-dir "$WORK/console" --port 0 --host 127.0.0.1 > "$WORK/console.out" 2> "$WORK/console.err" &
CONSOLE_PID=$!
for _ in $(seq 1 300); do grep -q DLP_CONSOLE_LISTENING "$WORK/console.out" && break; sleep 0.1; done
CONSOLE_URL=$(sed -n 's/^DLP_CONSOLE_LISTENING url=//p' "$WORK/console.out")
[ -n "$CONSOLE_URL" ] || { cat "$WORK/console.err"; fail "console did not start"; }
KEY_SHA256=$(grep -o '"signingKeySha256":"[0-9a-f]*"' "$WORK/console.err" | head -n 1 | cut -d'"' -f4)
[ ${#KEY_SHA256} = 64 ] || fail "no signingKeySha256 in the console log"
pass "console at $CONSOLE_URL, signing key $KEY_SHA256"

# --- install with a good response file (fingerprint as tools print it: upper case with colons) ----
KEY_WITH_COLONS=$(printf '%s' "$KEY_SHA256" | tr 'a-f' 'A-F' | sed 's/../&:/g; s/:$//')
cat > "$ROOT/etc/dlp/agent.conf" <<EOF
# written by install-in-debootstrap.sh
CONSOLE_URL=${CONSOLE_URL/http:/ws:}/agent
ENROLL_SECRET="$GOOD_SECRET"
CONSOLE_KEY_SHA256=$KEY_WITH_COLONS
EOF
started=$(now_ms)
in_root dpkg -i /tmp/dlp-agent.deb > "$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; fail "install"; }
INSTALL_MS=$(elapsed "$started")
grep -q 'configured from /etc/dlp/agent.conf' "$WORK/install.log" || fail "postinst did not configure"
[ "$(stat -c %a "$ROOT/etc/dlp/agent.json")" = 600 ] || fail "agent.json is not 0600"
[ "$(stat -c %a "$ROOT/var/lib/dlp-agent")" = 700 ] || fail "data dir is not 0700"
grep -q "\"consoleSigningKeySha256\": \"$KEY_SHA256\"" "$ROOT/etc/dlp/agent.json" || fail "fingerprint not normalized into agent.json"
[ -L "$ROOT/etc/systemd/system/multi-user.target.wants/dlp-agent.service" ] || fail "unit not enabled"
pass "installed in $INSTALL_MS ms, agent.json 0600, data dir 0700, unit enabled"

in_root systemd-analyze verify /lib/systemd/system/dlp-agent.service > "$WORK/verify.log" 2>&1 || { cat "$WORK/verify.log"; fail "systemd-analyze verify"; }
[ ! -s "$WORK/verify.log" ] || { cat "$WORK/verify.log"; fail "systemd-analyze verify printed warnings"; }
pass "systemd-analyze verify: clean"

# --- the unit's command line, in the root, with the bundled Node ---------------------------------
EXEC_START=$(sed -n 's/^ExecStart=//p' "$ROOT/lib/systemd/system/dlp-agent.service")
started=$(now_ms)
# shellcheck disable=SC2086 # the unit's command line is split into words as systemd does (no quotes in it)
chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin $EXEC_START > "$WORK/agent.out" 2> "$WORK/agent.err" &
AGENT_PID=$!
for _ in $(seq 1 300); do grep -q DLP_AGENT_READY "$WORK/agent.out" && break; sleep 0.1; done
grep -q DLP_AGENT_ENROLLED "$WORK/agent.out" || { tail -n 20 "$WORK/agent.err"; fail "agent did not enroll"; }
grep -q DLP_AGENT_READY "$WORK/agent.out" || { tail -n 20 "$WORK/agent.err"; fail "agent not ready"; }
AGENT_ID=$(sed -n 's/^DLP_AGENT_ENROLLED agentId=//p' "$WORK/agent.out")
ONLINE=$("$HOST_NODE" -e '
const [base, password, id] = process.argv.slice(1);
(async () => {
  const login = await fetch(`${base}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password }) });
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0];
  for (let i = 0; i < 100; i++) {
    const agents = await (await fetch(`${base}/api/v1/agents`, { headers: { cookie } })).json();
    const agent = (agents.items ?? []).find((a) => a.id === id);
    if (agent?.online) { console.log(JSON.stringify({ online: true, hostname: agent.hostname ?? agent.name })); return; }
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log(JSON.stringify({ online: false, status: login.status }));
})();' "$CONSOLE_URL" 'install test admin password 2026' "$AGENT_ID")
case $ONLINE in *'"online":true'*) ;; *) fail "agent $AGENT_ID not online at the console: $ONLINE" ;; esac
pass "agent $AGENT_ID enrolled and online at the console $(elapsed "$started") ms after start ($ONLINE)"
grep -q '"consoleSigningKeySha256"' "$ROOT/etc/dlp/agent.json" && grep -q 'trust' "$WORK/agent.err" || true

in_root dlp-agent status > "$WORK/status.out" || { cat "$WORK/status.out"; fail "dlp-agent status"; }
grep -q "enrolled: yes (agent $AGENT_ID" "$WORK/status.out" && grep -q 'running: yes' "$WORK/status.out" || { cat "$WORK/status.out"; fail "status output"; }
pass "dlp-agent status: $(tr '\n' ';' < "$WORK/status.out")"

kill -TERM "$AGENT_PID"
wait "$AGENT_PID" && AGENT_STATUS=0 || AGENT_STATUS=$?
AGENT_PID=
[ "$AGENT_STATUS" = 0 ] || { tail -n 20 "$WORK/agent.err"; fail "agent exit code $AGENT_STATUS after SIGTERM"; }
pass "agent stopped cleanly on SIGTERM"

# --- reinstall (upgrade path) keeps the enrollment; a downgrade is refused; purge removes data ------
in_root dpkg -i /tmp/dlp-agent.deb > "$WORK/reinstall.log" 2>&1 || { cat "$WORK/reinstall.log"; fail "reinstall"; }
grep -q "\"agentId\": *\"$AGENT_ID\"" "$ROOT/var/lib/dlp-agent/credentials.json" || fail "reinstall lost the enrollment"
pass "reinstall kept the enrollment ($AGENT_ID)"

mkdir -p "$WORK/older"
dpkg-deb -R "$DEB" "$WORK/older/tree"
sed -i 's/^Version: .*/Version: 0.0.1/' "$WORK/older/tree/DEBIAN/control"
sed -i "s/^package_version='.*'/package_version='0.0.1'/" "$WORK/older/tree/DEBIAN/preinst"
dpkg-deb -Znone --root-owner-group -b "$WORK/older/tree" "$ROOT/tmp/older.deb" > /dev/null
if in_root dpkg -i /tmp/older.deb > "$WORK/downgrade.log" 2>&1; then fail "downgrade accepted"; fi
grep -q 'refusing to downgrade from 0.1.0 to 0.0.1' "$WORK/downgrade.log" || { cat "$WORK/downgrade.log"; fail "downgrade message"; }
in_root dpkg-query -W -f '${Version} ${Status}\n' dlp-agent | grep -q '^0.1.0 install ok installed' || fail "downgrade attempt broke the installed package"
pass "downgrade to 0.0.1 refused, 0.1.0 still installed"

in_root dpkg --purge dlp-agent > "$WORK/purge.log" 2>&1 || { cat "$WORK/purge.log"; fail "purge"; }
[ ! -e "$ROOT/var/lib/dlp-agent" ] && [ ! -e "$ROOT/etc/dlp/agent.json" ] && [ -e "$ROOT/etc/dlp/agent.conf" ] || fail "purge left data or removed the admin's response file"
pass "purge removed data and agent.json, kept /etc/dlp/agent.conf"

echo "PASS: $(basename "$DEB") ($(stat -c %s "$DEB") bytes), install ${INSTALL_MS} ms"
