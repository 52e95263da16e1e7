#!/bin/bash
# The agent package under a real systemd: the clean Debian root of install-in-debootstrap.sh, the
# .deb installed into it with a response file, then the root booted as a container
# (systemd-nspawn -b: systemd is PID 1 there, this machine's own PID 1 is not systemd). Checks what
# the unit promises and only a running systemd can show:
#   - enabled by the package, started at boot, active only once the agent said READY=1 (Type=notify),
#     and online at a console on this machine;
#   - a hung agent (SIGSTOP) is killed by systemd's watchdog and restarted; a killed one is restarted
#     (Restart=always); the watchdog period is shortened to 6 s by a drop-in for the test (the
#     unit's 60 s otherwise: the same mechanism, one minute longer);
#   - `systemctl stop` stops it cleanly and the console shows the stop event;
#   - a policy from the console blocks a program run as nobody in the container, under the unit's
#     hardening (CapabilityBoundingSet and the rest);
#   - `systemd-analyze security` of the unit: its exposure score, printed;
#   - where the kernel has the cap_capable tracepoint (6.14+): which capabilities the agent's
#     processes asked for in this run, granted or refused (lib/capability-trace.sh), printed.
#
# usage (root; needs systemd-container, and the kernel lock: it mounts and boots a container):
#   flock /tmp/dlp-kernel.lock installers/linux/test/install-under-systemd.sh [--make-root] [PACKAGE.deb]
# Exit: 0 passed, 1 failed, 77 skipped (no cached root and no --make-root).
set -euo pipefail

PACKAGE_NAME=dlp-agent
# shellcheck source=lib/clean-root.sh
. "$(dirname "$0")/lib/clean-root.sh"
# shellcheck source=lib/capability-trace.sh
. "$(dirname "$0")/lib/capability-trace.sh"
clean_root_args "$@"
[ "$FORMAT" = deb ] || fail "the .deb only (the container is a Debian root)"
command -v systemd-nspawn > /dev/null || fail "systemd-nspawn is needed: apt-get install systemd-container"
ADMIN="$REPO/installers/linux/test/console-admin.mjs"
ADMIN_PASSWORD='systemd test admin password 2026'
SECRET=systemd-test-secret-0123456789abcdef

CONSOLE_PID=
NSPAWN_PID=
TRACING=
cleanup() {
  status=$?
  [ -n "$TRACING" ] && cap_trace_stop /dev/null
  [ -n "$NSPAWN_PID" ] && kill "$NSPAWN_PID" 2>/dev/null && sleep 2
  [ -n "$CONSOLE_PID" ] && kill "$CONSOLE_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ -n "${WORK:-}" ]; then
    umount -l "$ROOT/proc" 2>/dev/null || true
    if [ "$status" != 0 ]; then mkdir -p "$WORK.logs" && find "$WORK" -maxdepth 1 -type f -exec cp {} "$WORK.logs/" \; && echo "logs of the failed run: $WORK.logs" >&2; fi
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

# --- the clean root (made once, shared with install-in-debootstrap.sh) and a console ---------------
[ -f "$PACKAGE_FILE" ] || fail "no package: build it first (npm run package) or pass it"
if [ ! -d "$CACHE" ]; then
  [ "$MAKE_ROOT" = yes ] || { echo "SKIP: no cached Debian root at $CACHE; make it once with: $0 --make-root"; exit 77; }
  debootstrap --variant=minbase --include=systemd "$SUITE" "$CACHE.tmp" && mv "$CACHE.tmp" "$CACHE"
fi
WORK=$(mktemp -d /tmp/dlp-systemd-test.XXXXXX)
ROOT=$WORK/root
cp -a "$CACHE" "$ROOT"

CONSOLE_JS=$REPO/dist/console/server.js
[ -f "$CONSOLE_JS" ] || fail "$CONSOLE_JS missing: run npm run build"
DLP_ADMIN_PASSWORD=$ADMIN_PASSWORD DLP_LOCAL_ENROLL_SECRET=$SECRET \
  "$HOST_NODE" "$CONSOLE_JS" --data-dir "$WORK/console" --port 0 --host 127.0.0.1 > "$WORK/console.out" 2> "$WORK/console.err" &
CONSOLE_PID=$!
for _ in $(seq 1 300); do grep -q DLP_CONSOLE_LISTENING "$WORK/console.out" && break; sleep 0.1; done
CONSOLE_URL=$(sed -n 's/^DLP_CONSOLE_LISTENING url=//p' "$WORK/console.out")
[ -n "$CONSOLE_URL" ] || { cat "$WORK/console.err"; fail "console did not start"; }
KEY_SHA256=$(grep -o '"signingKeySha256":"[0-9a-f]*"' "$WORK/console.err" | head -n 1 | cut -d'"' -f4)
pass "console at $CONSOLE_URL"

# --- install with a response file, as a software-distribution tool would (systemd not running yet) --
mkdir -p "$ROOT/etc/dlp"
printf 'CONSOLE_URL=ws://%s/agent\nENROLL_SECRET=%s\nCONSOLE_KEY_SHA256=%s\n' "${CONSOLE_URL#http://}" "$SECRET" "$KEY_SHA256" > "$ROOT/etc/dlp/agent.conf"
cp "$PACKAGE_FILE" "$ROOT/tmp/dlp-agent.deb"
mount -t proc proc "$ROOT/proc"
chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin dpkg -i /tmp/dlp-agent.deb > "$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; fail "dpkg -i"; }
umount "$ROOT/proc"
[ -L "$ROOT/etc/systemd/system/multi-user.target.wants/dlp-agent.service" ] || fail "the package did not enable the unit"
# The test's one change to the unit: a 6 s watchdog instead of 60 s.
mkdir -p "$ROOT/etc/systemd/system/dlp-agent.service.d"
printf '[Service]\nWatchdogSec=6s\n' > "$ROOT/etc/systemd/system/dlp-agent.service.d/test-watchdog.conf"
pass "installed with the response file, unit enabled"

# --- boot: systemd as PID 1 of the container, this machine's network (the console is on loopback) ---
# A program for the policy to block, with a SHA-256 of its own (random bytes at the end).
mkdir -p "$ROOT/srv"
cp "$ROOT/bin/sleep" "$ROOT/srv/dlp-systemd-test-tool"
head -c 32 /dev/urandom >> "$ROOT/srv/dlp-systemd-test-tool"
TOOL_SHA256=$(sha256sum "$ROOT/srv/dlp-systemd-test-tool" | cut -d' ' -f1)

started=$(now_ms)
if cap_trace_available; then TRACING=yes; fi
# The subshell traces itself from before it becomes systemd-nspawn: every task of the container.
( [ -z "$TRACING" ] || cap_trace_start "$BASHPID"; exec systemd-nspawn --register=no --keep-unit --capability=all --system-call-filter="fanotify_init fanotify_mark bpf" -D "$ROOT" -b ) > "$WORK/boot.log" 2>&1 &
NSPAWN_PID=$!
INIT=
for _ in $(seq 1 100); do
  for pid in $(pgrep -P "$NSPAWN_PID" || true); do [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = systemd ] && INIT=$pid; done
  [ -n "$INIT" ] && break
  sleep 0.1
done
[ -n "$INIT" ] || { tail -n 20 "$WORK/boot.log"; fail "the container's systemd did not start"; }
IN() { nsenter -t "$INIT" -m -u -i -n -p -- "$@"; }
state=
for _ in $(seq 1 600); do
  state=$(IN systemctl is-active dlp-agent 2>/dev/null || true)
  [ "$state" = active ] && break
  sleep 0.1
done
[ "$state" = active ] || { IN systemctl status dlp-agent --no-pager > "$WORK/status.log" 2>&1 || true; cat "$WORK/status.log"; fail "dlp-agent is $state after boot"; }
ACTIVE_MS=$(elapsed "$started")
show() { IN systemctl show dlp-agent -p "$1" --value; }
[ "$(show Type)" = notify ] || fail "Type=$(show Type)"
[ "$(show WatchdogUSec)" = 6s ] || fail "WatchdogUSec=$(show WatchdogUSec)"
MAIN=$(show MainPID)
AGENT_ID=
for _ in $(seq 1 300); do
  AGENT_ID=$(grep -o '"agentId": *"[0-9a-f-]*"' "$ROOT/var/lib/dlp-agent/credentials.json" 2>/dev/null | cut -d'"' -f4 || true)
  [ -n "$AGENT_ID" ] && break
  sleep 0.1
done
[ -n "$AGENT_ID" ] || fail "the agent did not enroll"
ONLINE=$("$HOST_NODE" "$ADMIN" "$CONSOLE_URL" "$ADMIN_PASSWORD" online "$AGENT_ID")
case $ONLINE in *'"online":true'*) ;; *) fail "agent $AGENT_ID not online at the console: $ONLINE" ;; esac
pass "boot → unit active (READY=1 from the agent, Type=notify) in $ACTIVE_MS ms; main pid $MAIN; online at the console"

# --- a policy blocks a program run as nobody, under the unit's hardening ---------------------------
BLOCK=$("$HOST_NODE" "$ADMIN" "$CONSOLE_URL" "$ADMIN_PASSWORD" block "$AGENT_ID" "$TOOL_SHA256") || fail "policy not applied: $BLOCK"
if IN setpriv --reuid=65534 --regid=65534 --clear-groups /srv/dlp-systemd-test-tool 0.1 2> "$WORK/tool.err"; then IN journalctl -u dlp-agent --no-pager | tail -n 30; IN dlp-agent status --json | head -c 3000; fail "the blocked program ran under systemd"; fi
grep -q 'Operation not permitted' "$WORK/tool.err" || { cat "$WORK/tool.err"; IN journalctl -u dlp-agent --no-pager | tail -n 30; fail "the program failed for another reason than the block"; }
EVENT=$("$HOST_NODE" "$ADMIN" "$CONSOLE_URL" "$ADMIN_PASSWORD" blocked-event "$AGENT_ID" "$TOOL_SHA256") || fail "no blocked event: $EVENT"
pass "policy applied ($BLOCK), program refused by the kernel as nobody, event at the console: $EVENT"

# --- a hung agent: systemd's watchdog kills it, Restart=always starts it again ---------------------
wait_restarted() { # OLD_PID EXPECTED_RESTARTS → prints the new main pid
  local pid restarts
  for _ in $(seq 1 400); do
    pid=$(show MainPID); restarts=$(show NRestarts)
    if [ "$(IN systemctl is-active dlp-agent)" = active ] && [ "$pid" != "$1" ] && [ "$pid" != 0 ] && [ "$restarts" = "$2" ]; then echo "$pid"; return 0; fi
    sleep 0.1
  done
  return 1
}
started=$(now_ms)
IN /bin/sh -c "kill -STOP $MAIN" # (the root has no /bin/kill: the shell's)
NEW=$(wait_restarted "$MAIN" 1) || { IN journalctl -u dlp-agent --no-pager | tail -n 20; fail "no restart after the agent hung"; }
IN journalctl -u dlp-agent --no-pager > "$WORK/journal.log" 2>&1 || true
grep -q 'Watchdog timeout' "$WORK/journal.log" || { tail -n 20 "$WORK/journal.log"; fail "the restart was not the watchdog's"; }
pass "hung agent (SIGSTOP): watchdog timeout, restarted as pid $NEW $(elapsed "$started") ms later (6 s watchdog + 5 s RestartSec)"

started=$(now_ms)
IN /bin/sh -c "kill -KILL $NEW"
NEWER=$(wait_restarted "$NEW" 2) || fail "no restart after SIGKILL"
pass "killed agent (SIGKILL): restarted as pid $NEWER $(elapsed "$started") ms later"

# --- a clean stop: the console shows it -----------------------------------------------------------
IN systemctl stop dlp-agent
[ "$(IN systemctl is-active dlp-agent || true)" = inactive ] || fail "not inactive after systemctl stop"
STOPPED=$("$HOST_NODE" "$ADMIN" "$CONSOLE_URL" "$ADMIN_PASSWORD" agent-event "$AGENT_ID" 'agent stopping (SIGTERM)') || fail "no stop event: $STOPPED"
pass "systemctl stop: inactive, and the console shows $STOPPED"

SECURITY=$(IN systemd-analyze security dlp-agent --no-pager 2>&1 | tail -n 1)
pass "systemd-analyze security: $SECURITY"
if [ -n "$TRACING" ]; then
  cap_trace_stop "$WORK/cap-trace.txt"
  TRACING=
  cap_trace_report "$WORK/cap-trace.txt" /usr/lib/dlp-agent/node > "$WORK/caps.txt"
  [ -s "$WORK/caps.txt" ] || fail "no capability check of the agent was traced"
  pass "capabilities the agent's processes asked for in this run (cap_capable tracepoint):"
  sed 's/^/    /' "$WORK/caps.txt"
  # A capability asked for and refused that the unit does not keep: the bounding set is too narrow.
  KEPT=" $(show CapabilityBoundingSet | tr 'a-z' 'A-Z') "
  while read -r cap counts; do
    case $counts in *' refused=0 '*) continue ;; esac
    case $KEPT in *" $cap "*) ;; *) fail "the agent asked for $cap, which the unit's CapabilityBoundingSet takes away ($counts)" ;; esac
  done < "$WORK/caps.txt"
else
  echo "SKIP: capability measurement (no capability:cap_capable tracepoint in this kernel)"
fi
echo "PASS: $(basename "$PACKAGE_FILE") under systemd $(IN systemctl --version | head -n 1 | cut -d' ' -f2)"
