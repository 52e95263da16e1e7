#!/bin/bash
# Installs the agent package into a clean Debian root (debootstrap, no compiler, no Node) and runs the
# installed agent there with its unit's ExecStart against a console started from this checkout: it
# must enroll, show online, apply a published policy and block a program before it starts, with the
# event at the console. Also: bad response files stop the install with the
# exact reason and leave nothing behind; a reinstall keeps the enrollment; a downgrade is refused;
# purge removes the data. The agent runs with a NOTIFY_SOCKET (a datagram socket of the host's
# python3, standing in for systemd): READY=1 and WATCHDOG=1 must come from its pid; its stop events
# (one queued while the console was away, one for the package removal) must reach the console. With --rpm the .rpm is installed into the same root with `rpm --root`
# (--nodeps: the root's libraries are dpkg's); its scriptlets run inside the root.
#
# usage (root; it mounts /proc, /sys, /dev into the root, hence the kernel lock):
#   flock /tmp/dlp-kernel.lock installers/linux/test/install-in-debootstrap.sh [--make-root] [--rpm] [PACKAGE]
# The clean root is cached in /var/cache/dlp-debootstrap/bookworm-minbase (made once with
# --make-root: 1 to 1.5 minutes and 240 MB here); each run works on a copy of it.
# Exit: 0 passed, 1 failed, 77 skipped (no cached root and no --make-root).
set -euo pipefail

PACKAGE_NAME=dlp-agent
# shellcheck source=lib/clean-root.sh
. "$(dirname "$0")/lib/clean-root.sh"
clean_root_args "$@"
DEB=$PACKAGE_FILE
ADMIN="$REPO/installers/linux/test/console-admin.mjs"
ADMIN_PASSWORD='install test admin password 2026'
command -v python3 > /dev/null || fail "python3 is needed on this machine (it plays systemd's notification socket)"

CONSOLE_PID=
AGENT_PID=
NOTIFY_PID=
cleanup() {
  status=$?
  [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null || true
  [ -n "$NOTIFY_PID" ] && kill "$NOTIFY_PID" 2>/dev/null || true
  [ -n "$CONSOLE_PID" ] && kill "$CONSOLE_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  clean_root_cleanup "$status" srv/dlp-test
}
trap cleanup EXIT
clean_root_prepare

# --- bad response files: the exact message, and nothing installed or written ---------------------
expect_refused() { # NAME RESPONSE EXPECTED_MESSAGE
  mkdir -p "$ROOT/etc/dlp"
  printf '%s\n' "$2" > "$ROOT/etc/dlp/agent.conf"
  if pkg_install "/tmp/dlp-agent.$FORMAT" > "$WORK/refused.log" 2>&1; then fail "$1: install accepted"; fi
  grep -qF -- "$3" "$WORK/refused.log" || { cat "$WORK/refused.log"; fail "$1: message not found: $3"; }
  [ "$(pkg_status)" = not-installed ] || fail "$1: the package manager says installed"
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
start_console() { # PORT (0: any)
  DLP_ADMIN_PASSWORD=$ADMIN_PASSWORD DLP_LOCAL_ENROLL_SECRET=$GOOD_SECRET \
    "$HOST_NODE" "$CONSOLE_JS" --data-dir "$WORK/console" --port "$1" --host 127.0.0.1 > "$WORK/console.out" 2>> "$WORK/console.err" &
  CONSOLE_PID=$!
  for _ in $(seq 1 300); do grep -q DLP_CONSOLE_LISTENING "$WORK/console.out" && break; sleep 0.1; done
}
# systemd's notification socket, played by the host's python3 (the root has none): one JSON line per
# datagram with the sender pid the kernel vouches for (SCM_CREDENTIALS), as systemd reads it.
start_notify_receiver() {
  python3 -c '
import json, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind(sys.argv[1])
while True:
    data, anc, _f, _a = s.recvmsg(4096, socket.CMSG_SPACE(12))
    pid = [struct.unpack("iII", d[:12])[0] for (l, t, d) in anc if l == socket.SOL_SOCKET and t == socket.SCM_CREDENTIALS]
    print(json.dumps({"state": data.decode(), "pid": pid[0] if pid else None}), flush=True)
' "$ROOT/run/dlp-notify.sock" > "$WORK/notify.log" 2>&1 &
  NOTIFY_PID=$!
  for _ in $(seq 1 50); do [ -S "$ROOT/run/dlp-notify.sock" ] && break; sleep 0.1; done
}
start_agent() {
  # As systemd starts it: NOTIFY_SOCKET, and WATCHDOG_USEC of 2 s here (pings every second).
  # shellcheck disable=SC2086 # the unit's command line is split into words as systemd does (no quotes in it)
  chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin NOTIFY_SOCKET=/run/dlp-notify.sock WATCHDOG_USEC=2000000 $EXEC_START > "$WORK/agent.out" 2>> "$WORK/agent.err" &
  AGENT_PID=$!
}
agent_event() { # MESSAGE: waits for the agent event with this message at the console, prints it
  "$HOST_NODE" "$ADMIN" "$CONSOLE_URL" "$ADMIN_PASSWORD" agent-event "$AGENT_ID" "$1"
}
stop_agent() {
  kill -TERM "$AGENT_PID"
  wait "$AGENT_PID" && AGENT_STATUS=0 || AGENT_STATUS=$?
  AGENT_PID=
  [ "$AGENT_STATUS" = 0 ] || { tail -n 20 "$WORK/agent.err"; fail "agent exit code $AGENT_STATUS after SIGTERM"; }
}
start_console 0
CONSOLE_URL=$(sed -n 's/^DLP_CONSOLE_LISTENING url=//p' "$WORK/console.out")
[ -n "$CONSOLE_URL" ] || { cat "$WORK/console.err"; fail "console did not start"; }
KEY_SHA256=$(grep -o '"signingKeySha256":"[0-9a-f]*"' "$WORK/console.err" | head -n 1 | cut -d'"' -f4)
[ ${#KEY_SHA256} = 64 ] || fail "no signingKeySha256 in the console log"
pass "console at $CONSOLE_URL, signing key $KEY_SHA256"

# --- a secret the console refuses fails the install with the console's words; nothing starts ----
printf 'CONSOLE_URL=%s/agent\nENROLL_SECRET=%s\n' "${CONSOLE_URL/http:/ws:}" refused-secret-0123456789abcdef > "$ROOT/etc/dlp/agent.conf"
if pkg_install "/tmp/dlp-agent.$FORMAT" > "$WORK/refused-secret.log" 2>&1; then
  # rpm cannot fail an install once the files are in place: a failed %post is a warning, exit 0.
  [ "$FORMAT" = rpm ] && grep -q '%post(dlp-agent.*) scriptlet failed, exit status 1' "$WORK/refused-secret.log" || { cat "$WORK/refused-secret.log"; fail "install with a refused enroll secret succeeded"; }
fi
grep -qF 'the console refused the enrollment (bad_enroll_secret): the enroll secret is not valid' "$WORK/refused-secret.log" || { cat "$WORK/refused-secret.log"; fail "the console's refusal is not in the install output"; }
[ ! -e "$ROOT/etc/dlp/agent.json" ] && [ ! -e "$ROOT/var/lib/dlp-agent/credentials.json" ] || fail "a refused enrollment left agent.json or credentials"
[ ! -L "$ROOT/etc/systemd/system/multi-user.target.wants/dlp-agent.service" ] || fail "a refused enrollment enabled the unit"
pass "a refused enroll secret fails the install ($(pkg_status)) with: $(grep -F 'the console refused' "$WORK/refused-secret.log" | head -n 1)"

# --- install with a good response file (fingerprint as tools print it: upper case with colons) ----
KEY_WITH_COLONS=$(printf '%s' "$KEY_SHA256" | tr 'a-f' 'A-F' | sed 's/../&:/g; s/:$//')
cat > "$ROOT/etc/dlp/agent.conf" <<EOF
# written by install-in-debootstrap.sh
CONSOLE_URL=${CONSOLE_URL/http:/ws:}/agent
ENROLL_SECRET="$GOOD_SECRET"
CONSOLE_KEY_SHA256=$KEY_WITH_COLONS
EOF
started=$(now_ms)
pkg_install "/tmp/dlp-agent.$FORMAT" > "$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; fail "install"; }
INSTALL_MS=$(elapsed "$started")
grep -q 'configured from /etc/dlp/agent.conf' "$WORK/install.log" || fail "postinst did not configure"
AGENT_ID=$(sed -n 's/^enrolled with the console as agent //p' "$WORK/install.log")
[ -n "$AGENT_ID" ] || { cat "$WORK/install.log"; fail "the configure step did not enroll"; }
grep -q "\"agentId\": *\"$AGENT_ID\"" "$ROOT/var/lib/dlp-agent/credentials.json" || fail "credentials.json does not name $AGENT_ID"
[ "$(stat -c %a "$ROOT/etc/dlp/agent.json")" = 600 ] || fail "agent.json is not 0600"
[ "$(stat -c %a "$ROOT/var/lib/dlp-agent")" = 700 ] || fail "data dir is not 0700"
grep -q "\"consoleSigningKeySha256\": \"$KEY_SHA256\"" "$ROOT/etc/dlp/agent.json" || fail "fingerprint not normalized into agent.json"
[ -L "$ROOT/etc/systemd/system/multi-user.target.wants/dlp-agent.service" ] || fail "unit not enabled"
pass "installed and enrolled (agent $AGENT_ID) in $INSTALL_MS ms, agent.json 0600, data dir 0700, unit enabled"

if in_root systemd-analyze verify /lib/systemd/system/dlp-agent.service > "$WORK/verify.log" 2>&1; then
  [ ! -s "$WORK/verify.log" ] || { cat "$WORK/verify.log"; fail "systemd-analyze verify printed warnings"; }
  pass "systemd-analyze verify: clean"
elif [ "$SUITE" != bookworm ] && grep -q 'Failed to initialize manager' "$WORK/verify.log"; then
  # systemd 247 (bullseye) cannot start its verifier in a chroot without a cgroup of its own; the
  # same unit file is verified in the bookworm root (systemd 252).
  pass "systemd-analyze verify: not possible in a $SUITE chroot ($(head -n 1 "$WORK/verify.log" | tr -d '\033' | sed 's/\[[0-9;]*m//g')); verified in the bookworm root"
else
  cat "$WORK/verify.log"
  fail "systemd-analyze verify"
fi

# --- the unit's command line, in the root, with the bundled Node ---------------------------------
mkdir -p "$ROOT/srv/dlp-test"
mount -t tmpfs -o size=16m tmpfs "$ROOT/srv/dlp-test"
cp "$ROOT/bin/sleep" "$ROOT/srv/dlp-test/dlp-install-test-tool"
# Random bytes at the end give the copy a SHA-256 of its own: the agent shares this machine's /proc,
# and its second line kills every running process with the blocked content, on the host too.
head -c 32 /dev/urandom >> "$ROOT/srv/dlp-test/dlp-install-test-tool"
TOOL_SHA256=$(sha256sum "$ROOT/srv/dlp-test/dlp-install-test-tool" | cut -d' ' -f1)
EXEC_START=$(sed -n 's/^ExecStart=//p' "$ROOT/lib/systemd/system/dlp-agent.service")
mkdir -p "$ROOT/run"
start_notify_receiver
started=$(now_ms)
start_agent
# Enrolled by the package's configure step already (dlp-agent enroll); READY: enforcing from disk.
for _ in $(seq 1 300); do grep -q DLP_AGENT_READY "$WORK/agent.out" && break; sleep 0.1; done
grep -q DLP_AGENT_READY "$WORK/agent.out" || { tail -n 20 "$WORK/agent.err"; fail "agent not ready"; }
ONLINE=$("$HOST_NODE" "$ADMIN" "$CONSOLE_URL" "$ADMIN_PASSWORD" online "$AGENT_ID")
case $ONLINE in *'"online":true'*) ;; *) fail "agent $AGENT_ID not online at the console: $ONLINE" ;; esac
pass "agent $AGENT_ID online at the console $(elapsed "$started") ms after start ($ONLINE)"
for _ in $(seq 1 50); do grep -q "\"WATCHDOG=1\", \"pid\": $AGENT_PID}" "$WORK/notify.log" && break; sleep 0.1; done
grep -q "\"READY=1\", \"pid\": $AGENT_PID}" "$WORK/notify.log" && grep -q "\"WATCHDOG=1\", \"pid\": $AGENT_PID}" "$WORK/notify.log" || { cat "$WORK/notify.log"; fail "no READY=1 and WATCHDOG=1 from the agent (pid $AGENT_PID) on NOTIFY_SOCKET"; }
pass "sd_notify: READY=1 and WATCHDOG=1 from the agent's pid through the packaged helper"

# --- a policy from the console blocks a program in the root, before it starts --------------------
# The program lives on a tmpfs of the test's own: inside the chroot the agent's "all mounts" are that
# tmpfs, /proc, /sys and /dev (the host's root file system is not visible there), so no other exec
# on this machine is judged.
started=$(now_ms)
BLOCK=$("$HOST_NODE" "$ADMIN" "$CONSOLE_URL" "$ADMIN_PASSWORD" block "$AGENT_ID" "$TOOL_SHA256") || fail "policy not applied: $BLOCK"
if in_root /srv/dlp-test/dlp-install-test-tool 0.1 2> "$WORK/tool.err"; then fail "the blocked program ran"; fi
grep -q 'Operation not permitted\|Permission denied' "$WORK/tool.err" || { cat "$WORK/tool.err"; fail "the program was not refused by the kernel"; }
EVENT=$("$HOST_NODE" "$ADMIN" "$CONSOLE_URL" "$ADMIN_PASSWORD" blocked-event "$AGENT_ID" "$TOOL_SHA256") || fail "no blocked event: $EVENT"
pass "policy applied ($BLOCK), program refused by the kernel, event at the console $(elapsed "$started") ms after publishing ($EVENT)"

in_root dlp-agent diagnose > "$WORK/status.out" || { cat "$WORK/status.out"; fail "dlp-agent diagnose"; }
grep -q "enrolled: yes (agent $AGENT_ID" "$WORK/status.out" && grep -q 'running: yes' "$WORK/status.out" || { cat "$WORK/status.out"; fail "diagnose output"; }
pass "dlp-agent diagnose: $(tr '\n' ';' < "$WORK/status.out")"
# An ordinary user asks the running agent over /run/dlp-agent/agent.sock, in Chinese.
chroot --userspec=nobody:nogroup "$ROOT" /usr/bin/env -i PATH=/usr/bin:/bin LANG=zh_CN.UTF-8 dlp-agent status > "$WORK/user-status.out" 2>&1 || { cat "$WORK/user-status.out"; fail "dlp-agent status as nobody"; }
grep -q '保护状态' "$WORK/user-status.out" && grep -q '当前用户: nobody' "$WORK/user-status.out" || { cat "$WORK/user-status.out"; fail "status as nobody"; }
pass "dlp-agent status as nobody: $(tr '\n' ';' < "$WORK/user-status.out")"

# --- upgrade with events queued in the outbox: none lost, none twice ------------------------------
# The console goes away; three blocked execs queue in the agent's outbox; the agent stops (as the
# package manager's upgrade stops it), the package is upgraded (.deb: to the same package repacked as
# version <version>+1; .rpm: reinstalled over itself), the console comes back on its port and the agent
# starts: exactly 1 + 3 blocked execs at the console, no event twice.
UPGRADE=/tmp/dlp-agent.$FORMAT
PKG_VERSION=$(cat "$ROOT/usr/lib/dlp-agent/VERSION")
NEWER_VERSION=$PKG_VERSION+1
if [ $FORMAT = deb ]; then UPGRADE=/tmp/newer.deb; repack_deb "$NEWER_VERSION" "$UPGRADE"; fi
CONSOLE_PORT=${CONSOLE_URL##*:}
kill "$CONSOLE_PID"; wait "$CONSOLE_PID" 2>/dev/null || true; CONSOLE_PID=
for _ in 1 2 3; do
  if in_root /srv/dlp-test/dlp-install-test-tool 0.1 2>/dev/null; then fail "the blocked program ran while the console was away"; fi
done
stop_agent
pass "agent stopped cleanly on SIGTERM, 3 blocked execs queued while the console was away"
pkg_install "$UPGRADE" > "$WORK/upgrade.log" 2>&1 || { cat "$WORK/upgrade.log"; fail "upgrade"; }
grep -q "\"agentId\": *\"$AGENT_ID\"" "$ROOT/var/lib/dlp-agent/credentials.json" || fail "upgrade lost the enrollment"
: > "$WORK/console.out"
start_console "$CONSOLE_PORT"
grep -q "DLP_CONSOLE_LISTENING url=$CONSOLE_URL" "$WORK/console.out" || fail "console did not come back on port $CONSOLE_PORT"
start_agent
COUNT=$("$HOST_NODE" "$ADMIN" "$CONSOLE_URL" "$ADMIN_PASSWORD" blocked-count "$AGENT_ID" "$TOOL_SHA256" 4) || fail "after the upgrade: $COUNT"
pass "upgrade ($(basename "$UPGRADE")) kept the enrollment ($AGENT_ID) and the outbox: $COUNT"
STOPPED=$(agent_event 'agent stopping (SIGTERM)') || fail "the stop while the console was away: $STOPPED"
pass "the stop while the console was away reached it from the outbox: $STOPPED"

# --- removal: the package's own removal script runs with the agent running, then SIGTERM (as its
# systemctl stop does under systemd, which does not run here); the console learns it was a removal.
# The agent enforces a policy, so the script first refuses without an uninstall code from the console.
remove_script() {
  if [ $FORMAT = deb ]; then
    in_root /var/lib/dpkg/info/dlp-agent.prerm remove
  else
    rpm --root "$ROOT" -q --queryformat '%{PREUN}' dlp-agent > "$ROOT/tmp/preun.sh"
    in_root sh /tmp/preun.sh 0
  fi
}
# Writes a fresh uninstall code from the console where the removal script looks for it.
uninstall_code() {
  local issued
  issued=$("$HOST_NODE" "$ADMIN" "$CONSOLE_URL" "$ADMIN_PASSWORD" uninstall-code "$AGENT_ID") || fail "no uninstall code: $issued"
  (umask 077 && printf '%s\n' "$issued" | sed 's/.*"code":"\([^"]*\)".*/\1/' > "$ROOT/etc/dlp/uninstall-code")
}
if remove_script > "$WORK/refused.log" 2>&1; then fail "the removal script let an enforcing agent go without an uninstall code"; fi
grep -q 'removal refused: this agent enforces a policy' "$WORK/refused.log" || { cat "$WORK/refused.log"; fail "no reason for the refusal"; }
[ ! -e "$ROOT/var/lib/dlp-agent/stop-reason" ] && kill -0 "$AGENT_PID" || fail "a refused removal still stopped the agent or marked it as removed"
pass "removal without an uninstall code refused in enforce mode: $(head -1 "$WORK/refused.log")"
uninstall_code
remove_script > "$WORK/removal.log" 2>&1 || { cat "$WORK/removal.log"; fail "removal script with the console's uninstall code"; }
stop_agent
grep -q "\"STOPPING=1\", \"pid\": " "$WORK/notify.log" || { cat "$WORK/notify.log"; fail "no STOPPING=1"; }
REMOVED=$(agent_event 'agent stopping for package removal allowed by an uninstall code (SIGTERM)') || fail "no removal event: $REMOVED"
pass "removal script with the console's uninstall code + stop: STOPPING=1, and the console shows $REMOVED"
# The code worked once; the real removal below runs the script again and needs a new one.
uninstall_code

if [ $FORMAT = rpm ]; then
  # rpm itself refuses an older package without --oldpackage; %pre's own check is not exercised here.
  rpm --root "$ROOT" -e dlp-agent > "$WORK/erase.log" 2>&1 || { cat "$WORK/erase.log"; fail "rpm -e"; }
  [ -e "$ROOT/var/lib/dlp-agent/credentials.json" ] && [ -e "$ROOT/etc/dlp/agent.json" ] && [ ! -e "$ROOT/usr/lib/dlp-agent" ] || fail "rpm -e: program files left, or enrollment lost"
  pass "rpm -e removed the program and kept the enrollment (RPM has no purge)"
  report_passed "$INSTALL_MS"
  exit 0
fi
# The package under test over the upgraded <version>+1: refused, the newer one stays configured.
expect_downgrade_refused "$NEWER_VERSION" "$PKG_VERSION"

in_root dpkg --purge dlp-agent > "$WORK/purge.log" 2>&1 || { cat "$WORK/purge.log"; fail "purge"; }
[ ! -e "$ROOT/var/lib/dlp-agent" ] && [ ! -e "$ROOT/etc/dlp/agent.json" ] && [ -e "$ROOT/etc/dlp/agent.conf" ] || fail "purge left data or removed the admin's response file"
pass "purge removed data and agent.json, kept /etc/dlp/agent.conf"

report_passed "$INSTALL_MS"
