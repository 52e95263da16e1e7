#!/bin/busybox sh
# PID 1 of the BPF LSM test VM (bpf-lsm.vm.test.ts): runs the pre-exec helper with the BPF LSM on,
# then off, and each time the employee's attempts as nobody. /attempts is announced as an
# interpreter, so its opens are judged like those of python or node. Every section starts with "@@ " so
# the test can split the serial console's output; "@@ end" last.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t securityfs securityfs /sys/kernel/security
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o mode=1777 tmp /tmp
mkdir -p /mnt /marked
mount -t tmpfs -o mode=0755 marked /marked
cp /blocked /marked/blocked
chmod 755 /marked/blocked /blocked
echo "@@ lsm $(cat /sys/kernel/security/lsm)"
sha=$(cat /blocked.sha)
for mode in on off; do
  mkfifo /tmp/cmd-$mode
  exec 3<>/tmp/cmd-$mode
  # MARK_ALL as in production: every file system of every mount namespace, followed by the scanner.
  /dlp-exec-guard --bpf-lsm $mode --stats-interval-ms 0 --report-interval-ms 0 --mount-scan-ms 200 <&3 >/tmp/out-$mode 2>&1 &
  helper=$!
  printf 'BEGIN 1\nMODE enforce\nDEFAULT allow\nFAILMODE open\nTIMEOUT_MS 2000\nRULE r-blocked block sha256 %s\nEND\nINTERPRETER /attempts\nJUDGE_OPENS\nMARK_ALL\n' "$sha" >&3
  tries=0
  until grep -q '"marked"' /tmp/out-$mode 2>/dev/null || [ $tries -ge 100 ]; do sleep 0.1; tries=$((tries + 1)); done
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
  echo "@@ $mode userns-after-scan"
  /attempts as-nobody /attempts userns-exec-after 3000 /blocked 2>&1
  # The same again: the kernel gives the new namespace the dead one's inode number and the tmpfs its
  # device number, so the mountinfo is the same; it must be marked all the same.
  echo "@@ $mode userns-reuse-after-scan"
  /attempts as-nobody /attempts userns-exec-after 3000 /blocked 2>&1
  echo "@@ $mode userns-harmless-after-scan"
  /attempts as-nobody /attempts userns-exec-after 3000 /bin/busybox 2>&1 | head -1
  printf 'STATS\n' >&3
  sleep 0.5
  echo "@@ $mode helper"
  cat /tmp/out-$mode
  kill -9 $helper
  exec 3>&-
done
echo "@@ end"
poweroff -f
