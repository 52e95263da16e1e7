/* Kernel-side decision cache: fanotify ignore marks on the inodes of binaries that were allowed,
 * so their next execs raise no permission event at all (no round trip through this helper). */
#ifndef DLP_KERNEL_CACHE_H
#define DLP_KERNEL_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* Every ignore mark pins its inode in memory, so their number is bounded; past it all are flushed. */
#define KERNEL_CACHE_LIMIT 8192

struct kernel_cache {
    int fanotify_fd;
    size_t marked;   /* ignore marks in place since the last flush */
    uint64_t added;  /* ignore marks placed since start */
    uint64_t flushes;
    int disabled;    /* set when the kernel refuses ignore marks: every exec keeps coming to us */
    uint64_t mask;   /* FAN_OPEN_EXEC_PERM, plus FAN_OPEN_PERM once opens are judged */
};

/* Whether an allowed exec of this file may skip future permission events. Only regular files owned by
 * root and writable by nobody else, in directories that are root's and closed to others (or sticky)
 * all the way up: other users can neither change their content (a write clears the mark) nor hardlink
 * (protected_hardlinks) or rename them to a path another rule would judge differently. */
int kernel_cache_eligible(const struct stat *st, const char *path);

/* Places an ignore mark for `mask` (exec, and open once opens are judged) on the file open at `fd` (an event's fd). */
void kernel_cache_add(struct kernel_cache *kc, int fd);

/* Removes every ignore mark (rules changed: each file must be judged again). */
void kernel_cache_flush(struct kernel_cache *kc);

#endif
