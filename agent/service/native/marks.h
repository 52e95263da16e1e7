/* Which file systems the helper watches. Marks are filesystem (superblock) marks
 * (FAN_MARK_FILESYSTEM): every mount of a marked file system, in every mount namespace (bind
 * mounts, `unshare -m` copies, containers), raises the same events.
 *
 * MARK takes only a mount point (never "the mount that happens to contain this directory", which
 * could silently be /) and marks its file system. MARK_ALL marks the file system of every mount in
 * every mount namespace on the host, and keeps following: a scanner thread re-reads the
 * mountinfo of every mount namespace it finds in /proc when its own mountinfo changes and on a
 * low-rate timer, and marks new superblocks through /proc/PID/root/<mount point>. A file system
 * mounted inside a fresh user+mount namespace can be used before the next scan sees it: that race
 * is closed on the host by restricting unprivileged user namespaces (the policy's hardening). */
#ifndef DLP_MARKS_H
#define DLP_MARKS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* One superblock the helper tried to mark. */
struct superblock_mark {
    unsigned major, minor;
    char fstype[32];
    char mount_point[256]; /* where it was first seen (truncated), in the namespace of `pid` */
    int pid;               /* 0 for the helper's own namespace */
    int marked;            /* 1: marked; 0: the kernel refused (pseudo file systems) */
    int error;             /* errno of the refusal */
    int explicit_mark;     /* placed by MARK: kept until UNMARK */
    int seen;              /* scratch for the scanner */
};

struct mount_namespace_seen {
    uint64_t inode;
    uint64_t mountinfo_hash;
    /* The process it was read through, and that process's start time: namespace inode numbers are
     * reused, so a new namespace can show the old one's inode and, with a tmpfs given the old one's
     * device number, the same mountinfo. It is the same namespace only while that process still is. */
    int holder_pid;
    uint64_t holder_start;
    int seen;
};

struct mount_marks {
    int fanotify_fd;
    uint64_t mask;           /* FAN_OPEN_EXEC_PERM, plus FAN_OPEN_PERM when scripts are judged */
    const char *only_source; /* test-only: MARK_ALL marks only mounts whose source starts with this */
    unsigned scan_interval_ms;

    pthread_mutex_t lock; /* guards everything below */
    int all;              /* MARK_ALL in force (the scanner runs) */
    int scanner_started;
    int stop_eventfd;
    pthread_t scanner;
    struct superblock_mark *superblocks;
    size_t superblock_count, superblock_capacity;
    struct mount_namespace_seen *namespaces;
    size_t namespace_count, namespace_capacity;
    uint64_t scans;
    /* Copies of the counts, published at each unlock that may change them: the decision thread's
     * stats read these and never wait for the lock. The scanner holds the lock through a whole scan
     * of /proc, and at normal priority on a CPU-starved machine (an employee's hundreds of busy
     * processes) a scan can take seconds: stats waiting on it stalled the decision loop, and its
     * heartbeat, until the watchdog replaced the helper and the waiting execs ran unchecked. */
    _Atomic uint64_t published_marked, published_refused, published_namespaces, published_scans;
};

struct mark_result {
    unsigned marked, failed;
};

/* Calls visit(mount_point) for each mount in a mountinfo file (octal escapes decoded). Returns the
 * number of mounts, or -1 when the file cannot be read. */
int mountinfo_each(const char *mountinfo_path, void (*visit)(const char *mount_point, void *ctx), void *ctx);

void marks_init(struct mount_marks *marks, int fanotify_fd, uint64_t mask);
int marks_add_mount(struct mount_marks *marks, const char *path, char *error, size_t error_len);
int marks_remove_mount(struct mount_marks *marks, const char *path, char *error, size_t error_len);
/* Marks every file system of every mount namespace now and starts the scanner thread. */
int marks_add_all(struct mount_marks *marks, struct mark_result *result, char *error, size_t error_len);
/* Removes every filesystem mark and stops the scanner. */
int marks_remove_all(struct mount_marks *marks, char *error, size_t error_len);
/* Adds event bits (e.g. FAN_OPEN_PERM) to every mark placed so far and to later ones. */
void marks_widen(struct mount_marks *marks, uint64_t extra_mask);
/* Counters for stats, as published at the last change: never waits for the lock. */
void marks_counts(struct mount_marks *marks, uint64_t *marked, uint64_t *refused, uint64_t *namespaces,
                  uint64_t *scans);
/* Calls visit for each superblock entry, under the lock (keep visit short). On the decision thread
 * (MARKS) this can wait for a scan in progress; only tests and diagnostics ask for MARKS. */
void marks_each(struct mount_marks *marks, void (*visit)(const struct superblock_mark *mark, void *ctx), void *ctx);

#endif
