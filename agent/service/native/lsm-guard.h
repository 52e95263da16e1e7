/* The BPF LSM half of the helper (bpf/dlp-lsm.bpf.c says what it judges and why). Loaded at start
 * when asked (`--bpf-lsm on`) and the kernel runs the BPF LSM; otherwise fanotify alone decides and
 * the agent's capability report says so. Built only where the BPF toolchain was found
 * (DLP_WITH_BPF_LSM); without it every call below is a no-op and start reports "not built". */
#ifndef DLP_LSM_GUARD_H
#define DLP_LSM_GUARD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define LSM_GUARD_SLOTS 1024
#define LSM_GUARD_RULE_ID_MAX 64

/* What the helper knew when it refused an inode, for the reports of later refusals by the LSM. */
struct lsm_guard_slot {
    uint64_t dev, ino;
    char rule_id[LSM_GUARD_RULE_ID_MAX + 1];
    char digest_hex[65]; /* "" when none */
    char *path;
};

/* One refusal (or would-refuse) the LSM reported, ready for the decision report. */
struct lsm_guard_refusal {
    pid_t pid;
    int64_t uid;
    int denied;
    const char *reason; /* "anonymous-exec", "unmarked-user-namespace-filesystem", "unmarked-fuse", "known-blocked" */
    const char *via;    /* "exec" or "mapped" */
    const char *rule_id; /* "-" when the refusal is the LSM's own (no policy rule) */
    const char *digest_hex; /* NULL when none */
    char path[512];
};

struct lsm_guard {
    void *skeleton; /* struct dlp_lsm * */
    void *ring;     /* struct ring_buffer * */
    int ring_fd;    /* for poll(); -1 when not loaded */
    int active, enforce;
    pid_t helper_tgid;
    char state[16]; /* "active", "off", "unavailable", "failed" */
    char message[400];
    uint64_t refusals, known_blocked_entries;
    struct lsm_guard_slot slots[LSM_GUARD_SLOTS];
    size_t next_slot;
    void (*on_refusal)(void *ctx, const struct lsm_guard_refusal *refusal);
    void *ctx;
};

/* Loads and attaches the programs (`wanted`), or records why not; never fails the helper. */
void lsm_guard_start(struct lsm_guard *lg, int wanted, pid_t helper_tgid);
/* Judging on/off (marks in force) and enforce/monitor. */
void lsm_guard_configure(struct lsm_guard *lg, int active, int enforce);
/* The helper refused this open file (by rule or content): mapping it as code is refused too until it changes. */
void lsm_guard_note_blocked(struct lsm_guard *lg, int fd, const char *rule_id, const char *digest_hex, const char *path);
/* The rules changed: what was refused before is judged again. */
void lsm_guard_forget_blocked(struct lsm_guard *lg);
/* Reads the ring buffer and calls on_refusal for each report. */
void lsm_guard_drain(struct lsm_guard *lg);
/* Reports the ring buffer had no room for. */
uint64_t lsm_guard_dropped(struct lsm_guard *lg);

#endif
