#!/bin/busybox sh
# PID 1 of the BPF LSM bench VM (bench/bpf-lsm.ts): exec overhead of a user-owned program (never
# kernel-cached) as nobody with no helper, the helper with the BPF LSM off, and with it on, in turns.
. /guest-setup.sh
cp /harmless /marked/prog
chown 65534:65534 /marked/prog
chmod 755 /marked/prog
runs=$(cat /bench.runs)
for round in 1 2 3; do
  echo "@@ none $round"
  /attempts as-nobody /attempts exec-loop "$runs" /marked/prog
  for mode in off on; do
    mkfifo /tmp/cmd-$mode-$round
    exec 3<>/tmp/cmd-$mode-$round
    /dlp-exec-guard --bpf-lsm $mode --stats-interval-ms 0 <&3 >/tmp/out-$mode-$round 2>&1 &
    helper=$!
    printf 'BEGIN 1\nMODE enforce\nDEFAULT allow\nFAILMODE open\nTIMEOUT_MS 2000\nRULE r-blocked block sha256 %s\nEND\nMARK_ALL\n' "$sha" >&3
    tries=0
    until grep -q '"marked"' /tmp/out-$mode-$round 2>/dev/null || [ $tries -ge 100 ]; do sleep 0.1; tries=$((tries + 1)); done
    echo "@@ $mode $round"
    /attempts as-nobody /attempts exec-loop "$runs" /marked/prog
    grep '"type":"lsm"' /tmp/out-$mode-$round
    kill -9 $helper
    exec 3>&-
  done
done
echo "@@ end"
poweroff -f
