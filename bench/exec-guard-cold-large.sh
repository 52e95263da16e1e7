#!/bin/bash
# Cold decision (first exec: hashing included) for a 1 MB and a 400 MB unknown program on a tmpfs the helper marks, against
# sha256sum of the same file, and the helper's peak RSS (VmHWM) while hashing 400 MB. Root; marks only its own tmpfs.
# Usage: flock /tmp/dlp-kernel.lock bench/exec-guard-cold-large.sh   (from the repository root, after the build)
H=agent/service/native/build/dlp-exec-guard
D=$(mktemp -d /tmp/dlp-cold-XXXX); chmod 755 $D; mkdir $D/mnt
mount -t tmpfs -o mode=0755,size=1g dlp-cold $D/mnt
cp /bin/true $D/mnt/one; head -c 1048576 /dev/urandom >> $D/mnt/one
cp /bin/true $D/mnt/four; head -c 419430400 /dev/urandom >> $D/mnt/four; chmod 755 $D/mnt/*
mkfifo $D/in
( $H --stats-interval-ms 0 --report-interval-ms 0 < $D/in > $D/out 2>&1 & echo $! > $D/pid )
exec 7>$D/in
printf 'BEGIN 1\nMODE enforce\nDEFAULT allow\nFAILMODE open\nRULE x block sha256 %s\nEND\nMARK %s\n' $(printf 'ab%.0s' {1..32}) $D/mnt >&7
sleep 0.5
json() { awk -v n="$1" -v v="$2" -v u="$3" -v b="$4" 'BEGIN { printf "{\"name\":\"%s\",\"value\":%s,\"unit\":\"%s\",\"baseline\":%s,\"ratio\":%s}\n", n, v, u, b, (b > 0 ? sprintf("%.3f", v / b) : "null") }'; }
for f in one four; do
  # The first exec of the file is the cold one (later ones are cached: root-owned files in the kernel).
  s=$(date +%s%N); $D/mnt/$f; e=$(date +%s%N)
  s2=$(date +%s%N); sha256sum $D/mnt/$f >/dev/null; e2=$(date +%s%N)
  json "exec-guard.cold-$([ $f = one ] && echo 1mb || echo 400mb).decision" $(( (e-s)/1000 )) us $(( (e2-s2)/1000 ))
done
# Peak RSS has no same-run baseline: the figure to watch is that it does not grow with the file.
printf '{"name":"exec-guard.hashing-400mb.peak-rss","value":%s,"unit":"KiB","baseline":null,"ratio":null}\n' "$(awk '/VmHWM/ { print $2 }' /proc/$(cat $D/pid)/status)"
exec 7>&-; sleep 0.3
umount $D/mnt; rm -rf $D
