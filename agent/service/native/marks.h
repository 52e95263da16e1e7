/* Which mounts the helper watches. MARK takes only a mount point (never "the mount that happens to
 * contain this directory", which could silently be /); MARK_ALL marks every mount in this mount
 * namespace and marks new ones as /proc/self/mountinfo reports them. */
#ifndef DLP_MARKS_H
#define DLP_MARKS_H

#include <stddef.h>

struct mount_marks {
    int fanotify_fd;
    int all;            /* MARK_ALL in force */
    int mountinfo_fd;   /* polled for POLLPRI while `all`; -1 otherwise */
};

struct mark_result {
    unsigned marked, failed;
};

/* Calls visit(mount_point) for each mount in a mountinfo file (octal escapes decoded). Returns the
 * number of mounts, or -1 when the file cannot be read. */
int mountinfo_each(const char *mountinfo_path, void (*visit)(const char *mount_point, void *ctx), void *ctx);

int marks_add_mount(struct mount_marks *marks, const char *path, char *error, size_t error_len);
int marks_remove_mount(struct mount_marks *marks, const char *path, char *error, size_t error_len);
/* Marks every mount now and keeps watching mountinfo. */
int marks_add_all(struct mount_marks *marks, struct mark_result *result, char *error, size_t error_len);
/* Called when mountinfo changed: marks mounts that appeared. */
void marks_rescan(struct mount_marks *marks, struct mark_result *result);
/* Removes every mount mark and stops watching. */
int marks_remove_all(struct mount_marks *marks, char *error, size_t error_len);

#endif
