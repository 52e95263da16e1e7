#define _GNU_SOURCE
#include "marks.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <unistd.h>

#define MOUNTINFO "/proc/self/mountinfo"

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

int mountinfo_each(const char *mountinfo_path, void (*visit)(const char *mount_point, void *ctx), void *ctx) {
    FILE *f = fopen(mountinfo_path, "re");
    if (!f) return -1;
    char *line = NULL;
    size_t cap = 0;
    int count = 0;
    while (getline(&line, &cap, f) >= 0) {
        /* Fields: id parent major:minor root mount-point options ... */
        char *field = line;
        for (int i = 0; i < 4 && field; i++) {
            field = strchr(field, ' ');
            if (field) field++;
        }
        if (!field) continue;
        char *end = strpbrk(field, " \n");
        if (end) *end = '\0';
        unescape_octal(field);
        visit(field, ctx);
        count++;
    }
    free(line);
    fclose(f);
    return count;
}

struct find_mount {
    const char *wanted;
    int found;
};

static void match_mount_point(const char *mount_point, void *ctx) {
    struct find_mount *find = ctx;
    if (strcmp(mount_point, find->wanted) == 0) find->found = 1;
}

/* Resolves `path` and checks it is a mount point, so a typo can never mark the root filesystem. */
static int resolve_mount_point(const char *path, char resolved[PATH_MAX], char *error, size_t error_len) {
    if (!realpath(path, resolved)) {
        snprintf(error, error_len, "cannot resolve mount point: %s", strerror(errno));
        return -1;
    }
    struct find_mount find = {resolved, 0};
    if (mountinfo_each(MOUNTINFO, match_mount_point, &find) < 0) {
        snprintf(error, error_len, "cannot read mountinfo: %s", strerror(errno));
        return -1;
    }
    if (!find.found) {
        snprintf(error, error_len, "not a mount point");
        return -1;
    }
    return 0;
}

int marks_add_mount(struct mount_marks *marks, const char *path, char *error, size_t error_len) {
    char resolved[PATH_MAX];
    if (resolve_mount_point(path, resolved, error, error_len) != 0) return -1;
    if (fanotify_mark(marks->fanotify_fd, FAN_MARK_ADD | FAN_MARK_MOUNT, FAN_OPEN_EXEC_PERM, AT_FDCWD, resolved) != 0) {
        snprintf(error, error_len, "fanotify_mark: %s", strerror(errno));
        return -1;
    }
    return 0;
}

int marks_remove_mount(struct mount_marks *marks, const char *path, char *error, size_t error_len) {
    char resolved[PATH_MAX];
    if (resolve_mount_point(path, resolved, error, error_len) != 0) return -1;
    if (fanotify_mark(marks->fanotify_fd, FAN_MARK_REMOVE | FAN_MARK_MOUNT, FAN_OPEN_EXEC_PERM, AT_FDCWD, resolved) != 0) {
        snprintf(error, error_len, "fanotify_mark: %s", strerror(errno));
        return -1;
    }
    return 0;
}

struct mark_visit {
    struct mount_marks *marks;
    struct mark_result *result;
};

static void mark_one(const char *mount_point, void *ctx) {
    struct mark_visit *visit = ctx;
    /* Pseudo file systems (proc, sysfs, ...) refuse permission marks; nothing executes from them. */
    if (fanotify_mark(visit->marks->fanotify_fd, FAN_MARK_ADD | FAN_MARK_MOUNT, FAN_OPEN_EXEC_PERM, AT_FDCWD,
                      mount_point) == 0) {
        visit->result->marked++;
    } else {
        visit->result->failed++;
    }
}

static void mark_every_mount(struct mount_marks *marks, struct mark_result *result) {
    struct mark_visit visit = {marks, result};
    result->marked = result->failed = 0;
    mountinfo_each(MOUNTINFO, mark_one, &visit);
}

int marks_add_all(struct mount_marks *marks, struct mark_result *result, char *error, size_t error_len) {
    if (marks->mountinfo_fd < 0) {
        marks->mountinfo_fd = open(MOUNTINFO, O_RDONLY | O_CLOEXEC);
        if (marks->mountinfo_fd < 0) {
            snprintf(error, error_len, "cannot watch mountinfo: %s", strerror(errno));
            return -1;
        }
    }
    marks->all = 1;
    marks_rescan(marks, result);
    return 0;
}

void marks_rescan(struct mount_marks *marks, struct mark_result *result) {
    /* Reading the watched fd to its end re-arms POLLPRI for the next change. */
    char sink[4096];
    lseek(marks->mountinfo_fd, 0, SEEK_SET);
    while (read(marks->mountinfo_fd, sink, sizeof(sink)) > 0) {
    }
    /* Marking an already marked mount only ORs the same mask in again, so a full pass is safe. */
    mark_every_mount(marks, result);
}

int marks_remove_all(struct mount_marks *marks, char *error, size_t error_len) {
    marks->all = 0;
    if (marks->mountinfo_fd >= 0) {
        close(marks->mountinfo_fd);
        marks->mountinfo_fd = -1;
    }
    if (fanotify_mark(marks->fanotify_fd, FAN_MARK_FLUSH | FAN_MARK_MOUNT, 0, AT_FDCWD, NULL) != 0) {
        snprintf(error, error_len, "fanotify_mark flush: %s", strerror(errno));
        return -1;
    }
    return 0;
}
