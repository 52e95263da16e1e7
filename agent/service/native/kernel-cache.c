#define _GNU_SOURCE
#include "kernel-cache.h"

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/fanotify.h>

/* Every directory above the file must be root's and closed to others (or sticky, like /tmp): otherwise
 * its owner could rename a directory on the way and move the file under a path other rules judge. */
static int ancestors_root_controlled(const char *path) {
    char dir[PATH_MAX];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof(dir) || path[0] != '/') return 0;
    memcpy(dir, path, len + 1);
    for (;;) {
        char *slash = strrchr(dir, '/');
        if (!slash) return 0;
        if (slash == dir) dir[1] = '\0';
        else *slash = '\0';
        struct stat st;
        if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0) return 0;
        if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (st.st_mode & S_ISVTX) == 0) return 0;
        if (dir[1] == '\0') return 1;
    }
}

int kernel_cache_eligible(const struct stat *st, const char *path) {
    static const char deleted[] = " (deleted)";
    size_t len = strlen(path);
    if (len >= sizeof(deleted) - 1 && strcmp(path + len - (sizeof(deleted) - 1), deleted) == 0) return 0;
    if (!S_ISREG(st->st_mode) || st->st_uid != 0 || (st->st_mode & (S_IWGRP | S_IWOTH)) != 0) return 0;
    return ancestors_root_controlled(path);
}

void kernel_cache_add(struct kernel_cache *kc, int fd) {
    if (kc->disabled) return;
    if (kc->marked >= KERNEL_CACHE_LIMIT) kernel_cache_flush(kc);
    /* Without FAN_MARK_IGNORED_SURV_MODIFY the kernel drops the ignore mask on the first write to the
     * file, so modified content always comes back to the rules. */
    if (fanotify_mark(kc->fanotify_fd, FAN_MARK_ADD | FAN_MARK_IGNORED_MASK, kc->mask, fd, NULL) != 0) {
        kc->disabled = 1;
        return;
    }
    kc->marked++;
    kc->added++;
}

void kernel_cache_flush(struct kernel_cache *kc) {
    /* Without FAN_MARK_MOUNT or FAN_MARK_FILESYSTEM, a flush removes only inode marks: the mount
     * marks that raise the events stay. */
    if (kc->marked > 0) fanotify_mark(kc->fanotify_fd, FAN_MARK_FLUSH, 0, AT_FDCWD, NULL);
    kc->marked = 0;
    kc->flushes++;
}
