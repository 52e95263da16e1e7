# Sourced first by the guest's PID 1 scripts (guest-init.sh, guest-bench.sh): busybox's commands,
# the kernel's file systems, and the tmpfs /marked the programs are run from.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t securityfs securityfs /sys/kernel/security
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o mode=1777 tmp /tmp
mkdir -p /mnt /marked
mount -t tmpfs -o mode=0755 marked /marked
sha=$(/bin/busybox cat /blocked.sha)
