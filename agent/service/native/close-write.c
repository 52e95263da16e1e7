/* Close-write notifications for the removable-media content channel (issue 16): a notification
 * group (it never holds anyone up) with a FAN_MARK_FILESYSTEM mark on the file system mounted at
 * MOUNT, so writes through any mount of it — another mount namespace, a bind mount — are seen.
 * One JSON line per regular file closed after writing:
 *   {"type":"closed","path":…,"pid":…,"uid":…,"size":…,"dev":…,"ino":…}
 * `path` is where this process sees the file (it may be outside MOUNT when the writer used another
 * mount of the same file system); `uid` is the writer's real uid read from /proc at the event, or
 * -1 when it already exited. Also {"type":"ready"}, {"type":"overflow"} (the kernel queue
 * overflowed: some files were not reported) and {"type":"error","message":…}. Ends when stdin
 * closes (the agent is done) or the agent dies. */
#define _GNU_SOURCE
#include "close-write.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"

static void emit(struct json *j) {
    if (json_end(j) == 0) {
        /* Blocking stdout: notifications may wait for the agent; nobody waits for us. */
        size_t off = 0;
        while (off < j->len) {
            ssize_t n = write(STDOUT_FILENO, j->text + off, j->len - off);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            off += (size_t)n;
        }
    }
    json_free(j);
}

static void emit_simple(const char *type, const char *message) {
    struct json j;
    json_begin(&j);
    json_string(&j, "type", type);
    if (message) json_string(&j, "message", message);
    emit(&j);
}

/* The writer's real uid, from /proc (the process may be gone by now: -1). */
static int64_t uid_of(pid_t pid) {
    char file[64], text[2048];
    snprintf(file, sizeof(file), "/proc/%d/status", (int)pid);
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, text, sizeof(text) - 1);
    close(fd);
    if (n <= 0) return -1;
    text[n] = '\0';
    const char *line = strstr(text, "\nUid:");
    long uid = -1;
    return line && sscanf(line, "\nUid:\t%ld", &uid) == 1 ? uid : -1;
}

static void report(const struct fanotify_event_metadata *meta) {
    struct stat st;
    char link[64], path[PATH_MAX];
    if (fstat(meta->fd, &st) != 0 || !S_ISREG(st.st_mode)) return;
    snprintf(link, sizeof(link), "/proc/self/fd/%d", meta->fd);
    ssize_t len = readlink(link, path, sizeof(path) - 1);
    if (len <= 0) return;
    path[len] = '\0';
    struct json j;
    json_begin(&j);
    json_string(&j, "type", "closed");
    json_string(&j, "path", path);
    json_i64(&j, "pid", meta->pid);
    json_i64(&j, "uid", uid_of(meta->pid));
    json_u64(&j, "size", (uint64_t)st.st_size);
    json_u64(&j, "dev", (uint64_t)st.st_dev);
    json_u64(&j, "ino", (uint64_t)st.st_ino);
    emit(&j);
}

int run_close_write_mode(const char *mount_point) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGPIPE, SIG_IGN);
    /* O_PATH-like use only (fstat, readlink): read-only, never following, never blocking. */
    int fan = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK, O_RDONLY | O_LARGEFILE | O_CLOEXEC | O_NONBLOCK);
    if (fan < 0) {
        emit_simple("error", strerror(errno));
        return 1;
    }
    if (fanotify_mark(fan, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_CLOSE_WRITE, AT_FDCWD, mount_point) != 0) {
        char message[PATH_MAX + 64];
        snprintf(message, sizeof(message), "cannot watch %s: %s", mount_point, strerror(errno));
        emit_simple("error", message);
        return 1;
    }
    emit_simple("ready", NULL);
    static char buffer[64 * 1024] __attribute__((aligned(8)));
    for (;;) {
        struct pollfd fds[2] = {{fan, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return 1;
        }
        if (fds[1].revents) {
            char discard[256];
            if (read(STDIN_FILENO, discard, sizeof(discard)) <= 0) return 0; /* the agent closed us */
        }
        if (!fds[0].revents) continue;
        ssize_t len;
        while ((len = read(fan, buffer, sizeof(buffer))) > 0) {
            const struct fanotify_event_metadata *meta = (const struct fanotify_event_metadata *)buffer;
            while (FAN_EVENT_OK(meta, len)) {
                if (meta->mask & FAN_Q_OVERFLOW) emit_simple("overflow", NULL);
                if (meta->fd >= 0) {
                    report(meta);
                    close(meta->fd);
                }
                meta = FAN_EVENT_NEXT(meta, len);
            }
        }
    }
}
