/* See lsm-guard.h. */
#define _GNU_SOURCE
#include "lsm-guard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static void set_state(struct lsm_guard *lg, const char *state, const char *message) {
    snprintf(lg->state, sizeof(lg->state), "%s", state);
    snprintf(lg->message, sizeof(lg->message), "%s", message);
}

#ifndef DLP_WITH_BPF_LSM

void lsm_guard_start(struct lsm_guard *lg, int wanted, pid_t helper_tgid) {
    lg->ring_fd = -1;
    lg->helper_tgid = helper_tgid;
    if (wanted) set_state(lg, "unavailable", "this helper was built without BPF LSM support (clang, bpftool or libbpf missing at build time)");
    else set_state(lg, "off", "not requested");
}
void lsm_guard_configure(struct lsm_guard *lg, int active, int enforce) {
    lg->active = active;
    lg->enforce = enforce;
}
void lsm_guard_note_blocked(struct lsm_guard *lg, int fd, const char *rule_id, const char *digest_hex, const char *path) {
    (void)lg, (void)fd, (void)rule_id, (void)digest_hex, (void)path;
}
void lsm_guard_forget_blocked(struct lsm_guard *lg) { (void)lg; }
void lsm_guard_drain(struct lsm_guard *lg) { (void)lg; }
uint64_t lsm_guard_dropped(struct lsm_guard *lg) {
    (void)lg;
    return 0;
}

#else

#include <stdarg.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include "bpf/dlp-lsm.h"
#include "dlp-lsm.skel.h"

/* libbpf's own messages: the last warning is kept as the reason a load failed. */
static char libbpf_last_message[200];
static int libbpf_print(enum libbpf_print_level level, const char *format, va_list args) {
    if (level == LIBBPF_DEBUG) return 0;
    char line[sizeof(libbpf_last_message)];
    vsnprintf(line, sizeof(line), format, args);
    line[strcspn(line, "\n")] = '\0';
    if (line[0]) memcpy(libbpf_last_message, line, sizeof(line));
    return 0;
}

/* The kernel's BPF LSM is in the active LSM list (securityfs; mounted by the helper if needed). */
static int bpf_lsm_enabled(char *why, size_t why_len) {
    FILE *file = fopen("/sys/kernel/security/lsm", "r");
    /* systemd mounts securityfs at boot; a bare host or container may not have. */
    if (!file && errno == ENOENT &&
        mount("securityfs", "/sys/kernel/security", "securityfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0) {
        file = fopen("/sys/kernel/security/lsm", "r");
    }
    if (!file) {
        snprintf(why, why_len, "cannot read /sys/kernel/security/lsm: %s", strerror(errno));
        return 0;
    }
    char list[512] = "";
    if (!fgets(list, sizeof(list), file)) list[0] = '\0';
    fclose(file);
    list[strcspn(list, "\n")] = '\0';
    for (char *save = NULL, *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        if (strcmp(name, "bpf") == 0) return 1;
    }
    snprintf(why, why_len, "the kernel's active LSMs do not include bpf (boot with lsm=...,bpf)");
    return 0;
}

static const char *reason_name(__u32 reason) {
    switch (reason) {
    case LSM_REASON_ANONYMOUS: return "anonymous-exec";
    case LSM_REASON_USERNS_FILESYSTEM: return "unmarked-user-namespace-filesystem";
    case LSM_REASON_UNMARKED_FUSE: return "unmarked-fuse";
    default: return "known-blocked";
    }
}

static int on_ring_event(void *ctx, void *data, size_t size) {
    struct lsm_guard *lg = ctx;
    if (size < sizeof(struct dlp_lsm_event) || !lg->on_refusal) return 0;
    const struct dlp_lsm_event *e = data;
    struct lsm_guard_refusal r = {
        .pid = (pid_t)e->tgid,
        .uid = e->uid,
        .denied = (int)e->denied,
        .reason = reason_name(e->reason),
        .via = e->hook == LSM_HOOK_EXEC ? "exec" : "mapped",
        .rule_id = "-",
        .digest_hex = NULL,
    };
    char name[sizeof(e->name) + 1], fstype[sizeof(e->fstype) + 1];
    memcpy(name, e->name, sizeof(e->name));
    name[sizeof(e->name)] = '\0';
    memcpy(fstype, e->fstype, sizeof(e->fstype));
    fstype[sizeof(e->fstype)] = '\0';
    const struct lsm_guard_slot *slot = NULL;
    if (e->reason == LSM_REASON_KNOWN_BLOCKED && e->rule_slot < LSM_GUARD_SLOTS) {
        slot = &lg->slots[e->rule_slot];
        if (slot->dev != e->dev || slot->ino != e->ino || !slot->path) slot = NULL;
    }
    if (slot) {
        r.rule_id = slot->rule_id;
        r.digest_hex = slot->digest_hex[0] ? slot->digest_hex : NULL;
        snprintf(r.path, sizeof(r.path), "%s", slot->path);
    } else if (e->hook == LSM_HOOK_EXEC && name[0] == '/') {
        /* What execve was given (for memfd, /proc/self/fd/N); the kernel's own name follows. */
        snprintf(r.path, sizeof(r.path), "%s", name);
    } else {
        /* Only the file's own name is known: say on which kind of file system it was. */
        snprintf(r.path, sizeof(r.path), "/(%s %u:%u)/%s", fstype[0] ? fstype : "?", (unsigned)(e->dev >> 20),
                 (unsigned)(e->dev & 0xfffff), name[0] == '/' ? strrchr(name, '/') + 1 : name);
    }
    lg->refusals++;
    lg->on_refusal(lg->ctx, &r);
    return 0;
}

static void write_config(struct lsm_guard *lg) {
    struct dlp_lsm *skel = lg->skeleton;
    if (!skel) return;
    struct dlp_lsm_config cfg = {.helper_tgid = (__u32)lg->helper_tgid, .active = (__u32)lg->active, .enforce = (__u32)lg->enforce};
    __u32 zero = 0;
    bpf_map_update_elem(bpf_map__fd(skel->maps.dlp_config), &zero, &cfg, BPF_ANY);
}

void lsm_guard_start(struct lsm_guard *lg, int wanted, pid_t helper_tgid) {
    lg->ring_fd = -1;
    lg->helper_tgid = helper_tgid;
    if (!wanted) {
        set_state(lg, "off", "not requested");
        return;
    }
    char why[400];
    if (!bpf_lsm_enabled(why, sizeof(why))) {
        set_state(lg, "unavailable", why);
        return;
    }
    libbpf_set_print(libbpf_print);
    struct dlp_lsm *skel = dlp_lsm__open();
    int err = skel ? dlp_lsm__load(skel) : -errno;
    if (!err) err = dlp_lsm__attach(skel);
    if (err) {
        snprintf(why, sizeof(why), "cannot load the BPF LSM programs (%s)%s%s", strerror(err < 0 ? -err : err),
                 libbpf_last_message[0] ? ": " : "", libbpf_last_message);
        set_state(lg, "failed", why);
        if (skel) dlp_lsm__destroy(skel);
        return;
    }
    lg->skeleton = skel;
    write_config(lg); /* helper_tgid first: the marks that follow are learnt from it */
    struct ring_buffer *ring = ring_buffer__new(bpf_map__fd(skel->maps.dlp_events), on_ring_event, lg, NULL);
    if (!ring) {
        set_state(lg, "failed", "cannot open the BPF ring buffer");
        dlp_lsm__destroy(skel);
        lg->skeleton = NULL;
        return;
    }
    lg->ring = ring;
    lg->ring_fd = ring_buffer__epoll_fd(ring);
    set_state(lg, "active", "");
}

void lsm_guard_configure(struct lsm_guard *lg, int active, int enforce) {
    if (lg->active == active && lg->enforce == enforce) return;
    lg->active = active;
    lg->enforce = enforce;
    write_config(lg);
}

void lsm_guard_note_blocked(struct lsm_guard *lg, int fd, const char *rule_id, const char *digest_hex, const char *path) {
    struct dlp_lsm *skel = lg->skeleton;
    struct stat st;
    if (!skel || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return;
    struct dlp_lsm_inode_key key = {.dev = ((__u64)major(st.st_dev) << 20) | minor(st.st_dev), .ino = st.st_ino};
    size_t index = lg->next_slot++ % LSM_GUARD_SLOTS;
    struct lsm_guard_slot *slot = &lg->slots[index];
    free(slot->path);
    slot->path = strdup(path);
    slot->dev = key.dev;
    slot->ino = key.ino;
    snprintf(slot->rule_id, sizeof(slot->rule_id), "%s", rule_id ? rule_id : "-");
    snprintf(slot->digest_hex, sizeof(slot->digest_hex), "%s", digest_hex ? digest_hex : "");
    struct dlp_lsm_known_blocked value = {.ctime_sec = st.st_ctim.tv_sec, .ctime_nsec = (__u32)st.st_ctim.tv_nsec, .rule_slot = (__u32)index};
    if (bpf_map_update_elem(bpf_map__fd(skel->maps.dlp_known_blocked), &key, &value, BPF_ANY) == 0) lg->known_blocked_entries++;
}

void lsm_guard_forget_blocked(struct lsm_guard *lg) {
    struct dlp_lsm *skel = lg->skeleton;
    if (!skel) return;
    int map_fd = bpf_map__fd(skel->maps.dlp_known_blocked);
    struct dlp_lsm_inode_key key, next;
    /* Deleting while walking: always take the first remaining key. */
    while (bpf_map_get_next_key(map_fd, NULL, &next) == 0) {
        key = next;
        if (bpf_map_delete_elem(map_fd, &key) != 0) break;
    }
    lg->known_blocked_entries = 0;
}

void lsm_guard_drain(struct lsm_guard *lg) {
    if (lg->ring) ring_buffer__consume(lg->ring);
}

uint64_t lsm_guard_dropped(struct lsm_guard *lg) {
    struct dlp_lsm *skel = lg->skeleton;
    if (!skel) return 0;
    int cpus = libbpf_num_possible_cpus();
    if (cpus <= 0 || cpus > 4096) return 0;
    __u64 *values = calloc((size_t)cpus, sizeof(*values));
    __u32 zero = 0;
    uint64_t total = 0;
    if (values && bpf_map_lookup_elem(bpf_map__fd(skel->maps.dlp_dropped), &zero, values) == 0) {
        for (int i = 0; i < cpus; i++) total += values[i];
    }
    free(values);
    return total;
}

#endif
