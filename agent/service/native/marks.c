#define _GNU_SOURCE
#include "marks.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define MOUNTINFO "/proc/self/mountinfo"
#define MAX_SUPERBLOCKS 4096
#define MAX_NAMESPACES 4096

/* mountinfo writes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s) {
    char *out = s;
    for (char *in = s; *in; in++) {
        if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7' && in[3] >= '0' && in[3] <= '7') {
            *out++ = (char)(((in[1] - '0') << 6) | ((in[2] - '0') << 3) | (in[3] - '0'));
            in += 3;
        } else {
            *out++ = *in;
        }
    }
    *out = '\0';
}

/* One mountinfo line: id parent major:minor root mount-point options [optional...] - fstype source super-options */
struct mount_line {
    unsigned major, minor;
    char *mount_point, *fstype, *source;
};

/* Splits `line` in place; returns 0, or -1 for a line it cannot read. */
static int parse_mount_line(char *line, struct mount_line *out) {
    char *fields[6];
    char *cursor = line;
    for (int i = 0; i < 6; i++) {
        fields[i] = cursor;
        char *space = cursor ? strchr(cursor, ' ') : NULL;
        if (!space) return -1;
        *space = '\0';
        cursor = space + 1;
    }
    if (sscanf(fields[2], "%u:%u", &out->major, &out->minor) != 2) return -1;
    out->mount_point = fields[4];
    unescape_octal(out->mount_point);
    char *separator = strncmp(cursor, "- ", 2) == 0 ? cursor - 1 : strstr(cursor, " - ");
    if (!separator) return -1;
    out->fstype = separator + 3;
    char *space = strchr(out->fstype, ' ');
    if (!space) return -1;
    *space = '\0';
    out->source = space + 1;
    space = strpbrk(out->source, " \n");
    if (space) *space = '\0';
    unescape_octal(out->source);
    return 0;
}

int mountinfo_each(const char *mountinfo_path, void (*visit)(const char *mount_point, void *ctx), void *ctx) {
    FILE *f = fopen(mountinfo_path, "re");
    if (!f) return -1;
    char *line = NULL;
    size_t cap = 0;
    int count = 0;
    while (getline(&line, &cap, f) >= 0) {
        struct mount_line mount;
        if (parse_mount_line(line, &mount) != 0) continue;
        visit(mount.mount_point, ctx);
        count++;
    }
    free(line);
    fclose(f);
    return count;
}

void marks_init(struct mount_marks *marks, int fanotify_fd, uint64_t mask) {
    memset(marks, 0, sizeof(*marks));
    marks->fanotify_fd = fanotify_fd;
    marks->mask = mask;
    marks->scan_interval_ms = 1000;
    marks->stop_eventfd = -1;
    /* Priority inheritance: the real-time decision thread waiting here (MARK, MARKS) lends its
     * priority to the scanner holding the lock, which would otherwise finish its scan at whatever
     * pace a CPU-starved machine leaves an ordinary thread. */
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setprotocol(&attr, PTHREAD_PRIO_INHERIT);
    pthread_mutex_init(&marks->lock, &attr);
    pthread_mutexattr_destroy(&attr);
}

static struct superblock_mark *find_superblock(struct mount_marks *marks, unsigned major, unsigned minor) {
    for (size_t i = 0; i < marks->superblock_count; i++) {
        if (marks->superblocks[i].major == major && marks->superblocks[i].minor == minor) return &marks->superblocks[i];
    }
    return NULL;
}

/* Publishes the counters stats read without the lock (marks_counts), then unlocks. */
static void unlock_and_publish(struct mount_marks *marks) {
    uint64_t marked = 0;
    for (size_t i = 0; i < marks->superblock_count; i++) marked += marks->superblocks[i].marked ? 1 : 0;
    atomic_store(&marks->published_marked, marked);
    atomic_store(&marks->published_refused, marks->superblock_count - marked);
    atomic_store(&marks->published_namespaces, marks->namespace_count);
    atomic_store(&marks->published_scans, marks->scans);
    pthread_mutex_unlock(&marks->lock);
}

/* The entry for (major, minor), added if new; NULL when the table is full or out of memory. */
static struct superblock_mark *claim_superblock(struct mount_marks *marks, unsigned major, unsigned minor) {
    struct superblock_mark *found = find_superblock(marks, major, minor);
    if (found) return found;
    if (marks->superblock_count >= MAX_SUPERBLOCKS) return NULL;
    if (marks->superblock_count == marks->superblock_capacity) {
        size_t capacity = marks->superblock_capacity ? marks->superblock_capacity * 2 : 64;
        struct superblock_mark *grown = realloc(marks->superblocks, capacity * sizeof(*grown));
        if (!grown) return NULL;
        marks->superblocks = grown;
        marks->superblock_capacity = capacity;
    }
    struct superblock_mark *entry = &marks->superblocks[marks->superblock_count++];
    memset(entry, 0, sizeof(*entry));
    entry->major = major;
    entry->minor = minor;
    return entry;
}

static void record(struct superblock_mark *entry, const struct mount_line *mount, int pid, int rc, int err) {
    snprintf(entry->fstype, sizeof(entry->fstype), "%s", mount->fstype);
    snprintf(entry->mount_point, sizeof(entry->mount_point), "%s", mount->mount_point);
    entry->pid = pid;
    entry->marked = rc == 0;
    entry->error = rc == 0 ? 0 : err;
    entry->seen = 1;
}

/* Kernel interfaces: nothing is executed from them (an exec through /proc/self/fd/N reaches the
 * target's own file system), and the helper reads /proc and /sys itself on its decision thread, so
 * a permission mark there would make it wait on its own answer. Kernels from about 6.8 refuse such
 * marks anyway; older ones (Debian 12's 6.1) accept some (sysfs). */
static int is_kernel_interface_fs(const char *fstype) {
    static const char *const types[] = {"proc",     "sysfs",  "cgroup", "cgroup2", "debugfs",     "tracefs", "securityfs", "bpf",
                                        "configfs", "pstore", "efivarfs", "devpts", "mqueue", "fusectl", "binfmt_misc", "nsfs",
                                        "selinuxfs", "autofs", "rpc_pipefs"};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcmp(fstype, types[i]) == 0) return 1;
    }
    return 0;
}

/* Marks the file system mounted at `mount->mount_point` in the mount namespace of `pid` (0: ours).
 * The path is opened O_PATH and the mark placed through that fd: what was checked is what is marked. */
static int mark_filesystem_at(struct mount_marks *marks, const struct mount_line *mount, int pid, int *err) {
    if (is_kernel_interface_fs(mount->fstype)) {
        *err = EOPNOTSUPP;
        return -1;
    }
    char path[PATH_MAX];
    int n = pid ? snprintf(path, sizeof(path), "/proc/%d/root%s", pid, mount->mount_point)
                : snprintf(path, sizeof(path), "%s", mount->mount_point);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        *err = ENAMETOOLONG;
        return -1;
    }
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0) {
        *err = errno;
        return -1;
    }
    struct stat st;
    /* Another file system now sits there (a user replaced a directory in their namespace): do not
     * count a mark on the wrong superblock as this one. */
    /* (fstat can fail where root may not look, e.g. another user's FUSE mount: mark it all the same.) */
    if (fstat(fd, &st) == 0 && (major(st.st_dev) != mount->major || minor(st.st_dev) != mount->minor)) {
        /* btrfs subvolumes report a per-subvolume st_dev: mark anyway, the superblock is the same. */
        if (strcmp(mount->fstype, "btrfs") != 0) {
            close(fd);
            *err = ESTALE;
            return -1;
        }
    }
    /* fanotify_mark takes no O_PATH fd, but follows its /proc/self/fd link to the same object. */
    char fd_link[64];
    snprintf(fd_link, sizeof(fd_link), "/proc/self/fd/%d", fd);
    int rc = fanotify_mark(marks->fanotify_fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, marks->mask, AT_FDCWD, fd_link);
    *err = rc == 0 ? 0 : errno;
    close(fd);
    return rc;
}

/* Resolves `path`, checks it is a mount point (so a typo can never mark the root file system), and
 * returns its mountinfo line's numbers. */
static int resolve_mount_point(const char *path, struct mount_line *found_out, char fstype[32], char resolved[PATH_MAX],
                               char *error, size_t error_len) {
    if (!realpath(path, resolved)) {
        snprintf(error, error_len, "cannot resolve mount point: %s", strerror(errno));
        return -1;
    }
    FILE *f = fopen(MOUNTINFO, "re");
    if (!f) {
        snprintf(error, error_len, "cannot read mountinfo: %s", strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    int found = 0;
    while (getline(&line, &cap, f) >= 0) {
        struct mount_line mount;
        if (parse_mount_line(line, &mount) != 0 || strcmp(mount.mount_point, resolved) != 0) continue;
        found = 1; /* the last line wins: it is the mount on top */
        found_out->major = mount.major;
        found_out->minor = mount.minor;
        snprintf(fstype, 32, "%s", mount.fstype);
    }
    free(line);
    fclose(f);
    if (!found) {
        snprintf(error, error_len, "not a mount point");
        return -1;
    }
    found_out->mount_point = resolved;
    found_out->fstype = fstype;
    found_out->source = (char *)"";
    return 0;
}

int marks_add_mount(struct mount_marks *marks, const char *path, char *error, size_t error_len) {
    char resolved[PATH_MAX], fstype[32];
    struct mount_line mount;
    if (resolve_mount_point(path, &mount, fstype, resolved, error, error_len) != 0) return -1;
    int err = 0;
    pthread_mutex_lock(&marks->lock);
    int rc = mark_filesystem_at(marks, &mount, 0, &err);
    if (rc == 0) {
        struct superblock_mark *entry = claim_superblock(marks, mount.major, mount.minor);
        if (entry) {
            record(entry, &mount, 0, 0, 0);
            entry->explicit_mark = 1;
        }
    }
    unlock_and_publish(marks);
    if (rc != 0) {
        snprintf(error, error_len, "fanotify_mark: %s", strerror(err));
        return -1;
    }
    return 0;
}

int marks_remove_mount(struct mount_marks *marks, const char *path, char *error, size_t error_len) {
    char resolved[PATH_MAX], fstype[32];
    struct mount_line mount;
    if (resolve_mount_point(path, &mount, fstype, resolved, error, error_len) != 0) return -1;
    pthread_mutex_lock(&marks->lock);
    int rc = fanotify_mark(marks->fanotify_fd, FAN_MARK_REMOVE | FAN_MARK_FILESYSTEM, marks->mask, AT_FDCWD, resolved);
    int err = errno;
    struct superblock_mark *entry = find_superblock(marks, mount.major, mount.minor);
    if (rc == 0 && entry) *entry = marks->superblocks[--marks->superblock_count];
    unlock_and_publish(marks);
    if (rc != 0) {
        snprintf(error, error_len, "fanotify_mark: %s", strerror(err));
        return -1;
    }
    return 0;
}

/* FNV-1a over a mountinfo text: an unchanged namespace is not marked again. */
static uint64_t hash_text(const char *text, size_t len) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)text[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static char *read_whole(const char *path, size_t *len_out) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    size_t cap = 16384, len = 0;
    char *text = malloc(cap + 1);
    while (text) {
        if (len == cap) {
            char *grown = cap < (16u << 20) ? realloc(text, cap * 2 + 1) : NULL;
            if (!grown) {
                free(text);
                text = NULL;
                break;
            }
            text = grown;
            cap *= 2;
        }
        ssize_t got = read(fd, text + len, cap - len);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        len += (size_t)got;
    }
    close(fd);
    if (text) text[len] = '\0';
    *len_out = len;
    return text;
}

static struct mount_namespace_seen *namespace_entry(struct mount_marks *marks, uint64_t inode, int *is_new) {
    for (size_t i = 0; i < marks->namespace_count; i++) {
        if (marks->namespaces[i].inode == inode) {
            *is_new = 0;
            return &marks->namespaces[i];
        }
    }
    if (marks->namespace_count >= MAX_NAMESPACES) return NULL;
    if (marks->namespace_count == marks->namespace_capacity) {
        size_t capacity = marks->namespace_capacity ? marks->namespace_capacity * 2 : 32;
        struct mount_namespace_seen *grown = realloc(marks->namespaces, capacity * sizeof(*grown));
        if (!grown) return NULL;
        marks->namespaces = grown;
        marks->namespace_capacity = capacity;
    }
    struct mount_namespace_seen *entry = &marks->namespaces[marks->namespace_count++];
    memset(entry, 0, sizeof(*entry));
    entry->inode = inode;
    *is_new = 1;
    return entry;
}

/* Start time of a process (clock ticks after boot, /proc/PID/stat field 22); 0 if unknown. */
static uint64_t process_start_time(int pid) {
    char path[64];
    snprintf(path, sizeof(path), pid ? "/proc/%d/stat" : "/proc/self/stat", pid);
    size_t len = 0;
    char *text = read_whole(path, &len);
    if (!text) return 0;
    uint64_t start = 0;
    char *field = strrchr(text, ')'); /* the name (field 2) may hold spaces and parentheses */
    for (int index = 2; field && index < 22; index++) field = strchr(field + 1, ' ');
    if (field) start = strtoull(field + 1, NULL, 10);
    free(text);
    return start;
}

/* Is the namespace seen before still the one `pid` shows (see mount_namespace_seen)? */
static int same_namespace(const struct mount_namespace_seen *seen, int pid, uint64_t inode, uint64_t start) {
    if (seen->holder_pid == pid) return seen->holder_start == start;
    char path[64];
    struct stat ns;
    snprintf(path, sizeof(path), seen->holder_pid ? "/proc/%d/ns/mnt" : "/proc/self/ns/mnt", seen->holder_pid);
    return stat(path, &ns) == 0 && (uint64_t)ns.st_ino == inode && process_start_time(seen->holder_pid) == seen->holder_start;
}

/* Marks the file systems of one mount namespace (seen through `pid`; 0 for ours). When its
 * mountinfo is unchanged since the last pass only superblocks not known yet are marked; when it
 * changed, all of them are marked again (a new tmpfs can reuse an unmounted one's device number). */
static void scan_namespace(struct mount_marks *marks, int pid, struct mark_result *result) {
    char path[64];
    struct stat ns;
    snprintf(path, sizeof(path), pid ? "/proc/%d/ns/mnt" : "/proc/self/ns/mnt", pid);
    if (stat(path, &ns) != 0) return;
    int is_new = 0;
    struct mount_namespace_seen *seen = namespace_entry(marks, (uint64_t)ns.st_ino, &is_new);
    if (!seen || (seen->seen && !is_new)) return; /* this pass already read it (through another process) */
    seen->seen = 1;
    snprintf(path, sizeof(path), pid ? "/proc/%d/mountinfo" : "/proc/self/mountinfo", pid);
    size_t len = 0;
    char *text = read_whole(path, &len);
    if (!text) return;
    uint64_t h = hash_text(text, len);
    uint64_t start = process_start_time(pid);
    int reused = !is_new && !same_namespace(seen, pid, (uint64_t)ns.st_ino, start);
    int changed = is_new || reused || h != seen->mountinfo_hash;
    seen->mountinfo_hash = h;
    if (is_new || reused || seen->holder_pid != pid) {
        seen->holder_pid = pid;
        seen->holder_start = start;
    }
    for (char *line = text; line && *line;) {
        char *next = strchr(line, '\n');
        if (next) *next++ = '\0';
        struct mount_line mount;
        if (parse_mount_line(line, &mount) == 0 &&
            (!marks->only_source || strncmp(mount.source, marks->only_source, strlen(marks->only_source)) == 0)) {
            struct superblock_mark *entry = find_superblock(marks, mount.major, mount.minor);
            int already = entry && entry->seen;
            if (entry) entry->seen = 1;
            if (!already && (changed || !entry)) {
                int err = 0;
                int rc = mark_filesystem_at(marks, &mount, pid, &err);
                /* ESTALE/ENOENT: gone or replaced meanwhile; the next pass sees the new state. */
                if (rc == 0 || (err != ESTALE && err != ENOENT)) {
                    if (!entry) entry = claim_superblock(marks, mount.major, mount.minor);
                    if (entry) record(entry, &mount, pid, rc, err);
                }
                if (rc == 0) result->marked++;
                else result->failed++;
            }
        }
        line = next;
    }
    free(text);
}

/* One pass over every mount namespace on the host. Caller holds the lock. */
static void scan_all_namespaces(struct mount_marks *marks, struct mark_result *result) {
    result->marked = result->failed = 0;
    for (size_t i = 0; i < marks->superblock_count; i++) marks->superblocks[i].seen = marks->superblocks[i].explicit_mark;
    for (size_t i = 0; i < marks->namespace_count; i++) marks->namespaces[i].seen = 0;
    scan_namespace(marks, 0, result);
    DIR *proc = opendir("/proc");
    if (proc) {
        struct dirent *d;
        while ((d = readdir(proc))) {
            char *end = NULL;
            long pid = strtol(d->d_name, &end, 10);
            if (pid > 0 && end && *end == '\0') scan_namespace(marks, (int)pid, result);
        }
        closedir(proc);
    }
    /* Forget namespaces and superblocks nobody shows any more (their marks died with them). */
    size_t kept = 0;
    for (size_t i = 0; i < marks->namespace_count; i++) {
        if (marks->namespaces[i].seen) marks->namespaces[kept++] = marks->namespaces[i];
    }
    marks->namespace_count = kept;
    kept = 0;
    for (size_t i = 0; i < marks->superblock_count; i++) {
        if (marks->superblocks[i].seen) marks->superblocks[kept++] = marks->superblocks[i];
    }
    marks->superblock_count = kept;
    marks->scans++;
}

static void *scanner_main(void *arg) {
    struct mount_marks *marks = arg;
    int mountinfo_fd = open(MOUNTINFO, O_RDONLY | O_CLOEXEC);
    for (;;) {
        /* Our own namespace's changes wake us at once; other namespaces are seen at the next tick. */
        struct pollfd fds[2] = {{marks->stop_eventfd, POLLIN, 0}, {mountinfo_fd, POLLPRI, 0}};
        int ready = poll(fds, 2, (int)marks->scan_interval_ms);
        if (ready < 0 && errno != EINTR) break;
        if (fds[0].revents) break;
        if (fds[1].revents) {
            char sink[4096];
            lseek(mountinfo_fd, 0, SEEK_SET);
            while (read(mountinfo_fd, sink, sizeof(sink)) > 0) {
            }
        }
        struct mark_result result;
        pthread_mutex_lock(&marks->lock);
        int all = marks->all;
        if (all) scan_all_namespaces(marks, &result);
        unlock_and_publish(marks);
        if (!all) break;
    }
    if (mountinfo_fd >= 0) close(mountinfo_fd);
    return NULL;
}

int marks_add_all(struct mount_marks *marks, struct mark_result *result, char *error, size_t error_len) {
    pthread_mutex_lock(&marks->lock);
    marks->all = 1;
    scan_all_namespaces(marks, result);
    int start = !marks->scanner_started;
    unlock_and_publish(marks);
    if (!start) return 0;
    marks->stop_eventfd = eventfd(0, EFD_CLOEXEC);
    int err = marks->stop_eventfd < 0 ? errno : pthread_create(&marks->scanner, NULL, scanner_main, marks);
    if (err) {
        snprintf(error, error_len, "cannot start the mount scanner: %s", strerror(err));
        return -1;
    }
    marks->scanner_started = 1;
    return 0;
}

int marks_remove_all(struct mount_marks *marks, char *error, size_t error_len) {
    pthread_mutex_lock(&marks->lock);
    marks->all = 0;
    pthread_mutex_unlock(&marks->lock);
    if (marks->scanner_started) {
        uint64_t one = 1;
        ssize_t ignored = write(marks->stop_eventfd, &one, sizeof(one));
        (void)ignored;
        pthread_join(marks->scanner, NULL);
        close(marks->stop_eventfd);
        marks->stop_eventfd = -1;
        marks->scanner_started = 0;
    }
    pthread_mutex_lock(&marks->lock);
    int rc = fanotify_mark(marks->fanotify_fd, FAN_MARK_FLUSH | FAN_MARK_FILESYSTEM, 0, AT_FDCWD, NULL);
    int err = errno;
    marks->superblock_count = 0;
    marks->namespace_count = 0;
    unlock_and_publish(marks);
    if (rc != 0) {
        snprintf(error, error_len, "fanotify_mark flush: %s", strerror(err));
        return -1;
    }
    return 0;
}

void marks_widen(struct mount_marks *marks, uint64_t extra_mask) {
    pthread_mutex_lock(&marks->lock);
    marks->mask |= extra_mask;
    for (size_t i = 0; i < marks->superblock_count; i++) {
        struct superblock_mark *entry = &marks->superblocks[i];
        if (!entry->marked) continue;
        struct mount_line mount = {entry->major, entry->minor, entry->mount_point, entry->fstype, (char *)""};
        int err = 0;
        mark_filesystem_at(marks, &mount, entry->pid, &err);
    }
    pthread_mutex_unlock(&marks->lock);
}

void marks_counts(struct mount_marks *marks, uint64_t *marked, uint64_t *refused, uint64_t *namespaces, uint64_t *scans) {
    *marked = atomic_load(&marks->published_marked);
    *refused = atomic_load(&marks->published_refused);
    *namespaces = atomic_load(&marks->published_namespaces);
    *scans = atomic_load(&marks->published_scans);
}

void marks_each(struct mount_marks *marks, void (*visit)(const struct superblock_mark *mark, void *ctx), void *ctx) {
    pthread_mutex_lock(&marks->lock);
    for (size_t i = 0; i < marks->superblock_count; i++) visit(&marks->superblocks[i], ctx);
    pthread_mutex_unlock(&marks->lock);
}
