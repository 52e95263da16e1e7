/* FUSE and network file systems: their stat fields are chosen by a user-run server or a remote
 * host, and their calls can stall. See mount-trust.c. */
#ifndef DLP_MOUNT_TRUST_H
#define DLP_MOUNT_TRUST_H

#include <stddef.h>
#include <sys/types.h>

#define MOUNT_TRUST_MAX 4096

struct mount_trust {
    struct {
        int mount_id;
        int untrusted;
    } entries[MOUNT_TRUST_MAX];
    size_t count;
};

/* 1 when the mount of the file open at `fd` (an event fd of `pid`) is FUSE, a network file system
 * or unknown; 0 for a local one. Reads only /proc. */
int mount_untrusted(struct mount_trust *t, int fd, pid_t pid);

#endif
