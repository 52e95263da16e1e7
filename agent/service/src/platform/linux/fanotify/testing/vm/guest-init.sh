#!/bin/busybox sh
# PID 1 of the BPF LSM test VM (bpf-lsm.vm.test.ts): runs the pre-exec helper with the BPF LSM on,
# then off, and each time the employee's attempts as nobody. /attempts is announced as an
# interpreter, so its opens are judged like those of python or node. Every section starts with
# "@@ " so the test can split the serial console's output; "@@ end" last.
. /guest-setup.sh
cp /blocked /marked/blocked
chmod 755 /marked/blocked /blocked
echo "@@ lsm $(cat /sys/kernel/security/lsm)"

# Starts the helper as in production (MARK_ALL: every file system of every mount namespace,
# followed by its scanner every $2 ms) with the LSM $1; waits for its marks.
start_helper() {
  name=$1-$2
  mkfifo /tmp/cmd-$name
  exec 3<>/tmp/cmd-$name
  /dlp-exec-guard --bpf-lsm $1 --stats-interval-ms 0 --report-interval-ms 0 --mount-scan-ms $2 <&3 >/tmp/out-$name 2>&1 &
  helper=$!
  printf 'BEGIN 1\nMODE enforce\nDEFAULT allow\nFAILMODE open\nTIMEOUT_MS 2000\nRULE r-blocked block sha256 %s\nEND\nINTERPRETER /attempts\nJUDGE_OPENS\nMARK_ALL\n' "$sha" >&3
  tries=0
  until grep -q '"marked"' /tmp/out-$name 2>/dev/null || [ $tries -ge 100 ]; do sleep 0.1; tries=$((tries + 1)); done
}

stop_helper() {
  printf 'STATS\n' >&3
  sleep 0.5
  kill -9 $helper
  exec 3>&-
}

for mode in on off; do
  # Phase 1: a scanner that never comes (60 s), so the user-namespace race is there to see.
  start_helper $mode 60000
  echo "@@ $mode exec"
  /attempts as-nobody /marked/blocked 2>&1
  echo "@@ $mode memfd"
  /attempts as-nobody /attempts memfd-exec /blocked 2>&1
  echo "@@ $mode map-code"
  /attempts as-nobody /attempts map-code /marked/blocked 2>&1
  # A copy never run or refused before, mapped as code by a program that reads files (an interpreter).
  cp /blocked /marked/fresh-$mode
  chmod 644 /marked/fresh-$mode
  echo "@@ $mode map-fresh"
  /attempts as-nobody /attempts map-code /marked/fresh-$mode 2>&1
  echo "@@ $mode userns"
  /attempts as-nobody /attempts userns-exec /blocked 2>&1
  echo "@@ $mode userns-harmless"
  /attempts as-nobody /attempts userns-exec /bin/busybox 2>&1 | head -1
  stop_helper
  echo "@@ $mode helper"
  cat /tmp/out-$mode-60000

  # Phase 2: the scanner every 200 ms; the blocked copies wait 3 s before their exec, the harmless
  # program is tried until the scanner has marked its file system (at most 10 s).
  start_helper $mode 200
  echo "@@ $mode userns-after-scan"
  /attempts as-nobody /attempts userns-exec-after 3000 /blocked 2>&1
  # The same again: the kernel gives the new namespace the dead one's inode number and the tmpfs its
  # device number, so the mountinfo is the same; it must be marked all the same.
  echo "@@ $mode userns-reuse-after-scan"
  /attempts as-nobody /attempts userns-exec-after 3000 /blocked 2>&1
  echo "@@ $mode userns-harmless-after-scan"
  /attempts as-nobody /attempts userns-exec-retry 10000 /bin/busybox 2>&1 | head -1
  stop_helper
  echo "@@ $mode helper-scan"
  cat /tmp/out-$mode-200
done
echo "@@ end"
poweroff -f
