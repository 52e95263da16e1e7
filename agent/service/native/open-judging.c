#define _GNU_SOURCE
#include "open-judging.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard.h"

int open_judging_add_interpreter(struct open_judging *o, const char *path, char *error, size_t error_len) {
    struct stat st;
    if (path[0] != '/') {
        snprintf(error, error_len, "interpreter paths must be absolute");
        return -1;
    }
    if (stat(path, &st) != 0) {
        snprintf(error, error_len, "interpreter %s: %s", path, strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < o->interpreter_count; i++) {
        if (o->interpreters[i].device == (uint64_t)st.st_dev && o->interpreters[i].inode == (uint64_t)st.st_ino) return 0;
    }
    if (o->interpreter_count >= OPEN_MAX_INTERPRETERS) {
        snprintf(error, error_len, "too many interpreters");
        return -1;
    }
    struct known_interpreter *entry = &o->interpreters[o->interpreter_count++];
    entry->device = (uint64_t)st.st_dev;
    entry->inode = (uint64_t)st.st_ino;
    size_t keep = strlen(path) < sizeof(entry->path) - 1 ? strlen(path) : sizeof(entry->path) - 1;
    memcpy(entry->path, path, keep);
    entry->path[keep] = '\0';
    memset(o->classes, 0, sizeof(o->classes)); /* classifications made without it are stale */
    return 0;
}

void open_judging_note_exec(struct open_judging *o, pid_t pid, const struct stat *st) {
    if (!o->enabled) return;
    struct recent_exec *slot = &o->recent[o->recent_next++ % OPEN_RECENT_EXECS];
    slot->pid = pid;
    slot->device = (uint64_t)st->st_dev;
    slot->inode = (uint64_t)st->st_ino;
}

static int has_recent_exec(const struct open_judging *o, pid_t pid) {
    for (size_t i = 0; i < OPEN_RECENT_EXECS; i++) {
        if (o->recent[i].pid == pid) return 1;
    }
    return 0;
}

/* Consumes the remembered exec of this file by this pid, if any. */
static int is_exec_twin(struct open_judging *o, pid_t pid, const struct stat *st) {
    for (size_t i = 0; i < OPEN_RECENT_EXECS; i++) {
        struct recent_exec *r = &o->recent[i];
        if (r->pid == pid && r->device == (uint64_t)st->st_dev && r->inode == (uint64_t)st->st_ino) {
            r->pid = 0;
            return 1;
        }
    }
    return 0;
}

/* ld-linux-x86-64.so.2, ld-linux-aarch64.so.1, ld.so, ld-musl-x86_64.so.1, ld-2.31.so … */
static int is_loader_name(const char *name) {
    return strncmp(name, "ld-linux", 8) == 0 || strncmp(name, "ld.so", 5) == 0 || strncmp(name, "ld-musl", 7) == 0 ||
           (strncmp(name, "ld-", 3) == 0 && strstr(name, ".so") != NULL);
}

/* The class of the process's executable; `interpreter` gets its path for loaders and interpreters. */
static enum opener_class classify(struct open_judging *o, pid_t pid, char interpreter[128]) {
    char link[64];
    struct stat st;
    snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
    if (stat(link, &st) != 0) return OPENER_OTHER; /* gone, or a kernel thread */
    uint64_t device = (uint64_t)st.st_dev, inode = (uint64_t)st.st_ino;
    struct class_slot *slot = &o->classes[(inode * 0x9e3779b97f4a7c15ULL ^ device) % OPEN_CLASS_SLOTS];
    if (slot->inode != inode || slot->device != device) {
        char path[4096];
        ssize_t len = readlink(link, path, sizeof(path) - 1);
        if (len < 0) return OPENER_OTHER;
        path[len] = '\0';
        slot->device = device;
        slot->inode = inode;
        slot->kind = OPENER_OTHER;
        size_t keep = (size_t)len < sizeof(slot->path) - 1 ? (size_t)len : sizeof(slot->path) - 1; /* reports only */
        memcpy(slot->path, path, keep);
        slot->path[keep] = '\0';
        const char *slash = strrchr(path, '/');
        if (is_loader_name(slash ? slash + 1 : path)) slot->kind = OPENER_LOADER;
        for (size_t i = 0; i < o->interpreter_count && slot->kind == OPENER_OTHER; i++) {
            if (o->interpreters[i].device == device && o->interpreters[i].inode == inode) slot->kind = OPENER_INTERPRETER;
        }
    }
    snprintf(interpreter, 128, "%s", slot->path);
    return slot->kind;
}

int looks_like_script(int fd, const char *path, mode_t mode) {
    static const char *const extensions[] = {".sh", ".bash", ".zsh", ".ksh", ".py", ".pyc", ".pyo", ".pl", ".pm", ".rb",
                                             ".js", ".mjs", ".cjs", ".php", ".lua", ".tcl", ".awk", ".so", NULL};
    if (mode & (S_IXUSR | S_IXGRP | S_IXOTH)) return 1;
    const char *name = strrchr(path, '/');
    const char *dot = name ? strrchr(name, '.') : NULL;
    for (int i = 0; dot && extensions[i]; i++) {
        if (strcmp(dot, extensions[i]) == 0 || strncmp(dot, ".so.", 4) == 0) return 1;
    }
    unsigned char magic[4] = {0};
    ssize_t got = pread(fd, magic, sizeof(magic), 0);
    if (got >= 2 && magic[0] == '#' && magic[1] == '!') return 1;
    return got == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
}

void guard_handle_open(struct guard *g, const struct fanotify_event_metadata *meta) {
    int fd = meta->fd;
    pid_t pid = meta->pid;
    if (pid == g->self_pid || (g->agent_pid > 0 && pid == g->agent_pid)) {
        g->stats.opens_fast++;
        guard_respond(g, fd, 1);
        return;
    }
    /* The twin of an exec just judged (the same open, seen again as FAN_OPEN_PERM) is recognised
     * first, by inode, without reading /proc: an exec of a script or of a user's program comes
     * back here once, and costs no more than the exec's own decision. */
    int untrusted = -1; /* not yet known */
    struct stat st;
    int have_stat = 0;
    if (has_recent_exec(&g->opens, pid)) {
        untrusted = mount_untrusted(&g->mount_trust, fd, pid);
        have_stat = !untrusted && fstat(fd, &st) == 0;
        if (have_stat && S_ISREG(st.st_mode) && is_exec_twin(&g->opens, pid, &st)) {
            g->stats.opens_fast++;
            guard_respond(g, fd, 1);
            return;
        }
    }
    /* Who opens next (only /proc is read): most opens are answered without touching the file. */
    struct opener opener = {"script", "", 0, 0};
    enum opener_class kind = classify(&g->opens, pid, opener.interpreter);
    if (kind == OPENER_OTHER) {
        g->stats.opens_fast++;
        guard_respond(g, fd, 1);
        return;
    }
    /* Never a call into a FUSE or network file system on this thread (mount-trust.c). */
    if (untrusted < 0) {
        untrusted = mount_untrusted(&g->mount_trust, fd, pid);
        have_stat = !untrusted && fstat(fd, &st) == 0;
    }
    unsigned char magic[4];
    /* Interpreters do not run ELF files (the loader and exec do, and both are judged): an
     * interpreter reading a program as data (a copy in Python or Node) is let be. It could still
     * map the code itself: where the BPF LSM runs, the file is judged without refusing the read,
     * and a refused one is handed to the LSM (opener.note_only). */
    int interpreter_reads_elf = !untrusted && kind == OPENER_INTERPRETER && pread(fd, magic, sizeof(magic), 0) == 4 &&
                                memcmp(magic, "\x7f" "ELF", 4) == 0;
    int lsm_judges_mappings = g->lsm.ring_fd >= 0 && g->lsm.active;
    /* (The exec twin was looked for above: a pid with no recent exec has none.) */
    if (!untrusted && (!have_stat || !S_ISREG(st.st_mode) ||
                       (interpreter_reads_elf && !lsm_judges_mappings))) {
        g->stats.opens_fast++;
        guard_respond(g, fd, 1);
        return;
    }
    opener.note_only = interpreter_reads_elf;
    g->stats.opens_judged++;
    opener.via = kind == OPENER_LOADER ? "loader" : "script";
    opener.untrusted_fs = untrusted;
    guard_judge(g, fd, pid, &opener, have_stat ? &st : NULL);
}
