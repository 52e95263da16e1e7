/* State of the running helper. One thread (the main loop) owns all of it; hash workers only see
 * their jobs. */
#ifndef DLP_GUARD_H
#define DLP_GUARD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "decision-cache.h"
#include "decision-priority.h"
#include "hash-pool.h"
#include "kernel-cache.h"
#include "lsm-guard.h"
#include "marks.h"
#include "mount-trust.h"
#include "open-judging.h"
#include "output.h"
#include "reports.h"
#include "rule-protocol.h"
#include "rules.h"

#define GUARD_MAX_PENDING 4096
#define GUARD_STDIN_BUFFER (64 * 1024)

struct inflight_hash;

/* Who opened the file: the exec itself, or a loader/interpreter process reading it (FAN_OPEN_PERM). */
struct opener {
    const char *via;       /* "exec", "loader", "script" */
    char interpreter[128]; /* the opener's executable for loader/script; "" for exec */
    int untrusted_fs;      /* set by guard_judge: FUSE/network, never read on the decision thread */
    /* An interpreter reading an ELF file while the BPF LSM runs: the read is always allowed (a copy
     * in Python is no run), but a refused file is handed to the LSM, which then refuses mapping it
     * as code (an ELF loader written in Python). Never reported, never denied. */
    int note_only;
};

/* A permission event waiting for a content hash. The kernel holds the exec until we answer. */
struct pending_exec {
    struct pending_exec *prev, *next; /* all pending events, oldest first */
    struct pending_exec *next_waiter; /* events waiting on the same hash */
    struct inflight_hash *waiting_on;
    int fd;
    pid_t pid;
    struct file_identity identity;
    char *path;
    uint32_t *path_code_points;
    size_t path_length;
    uint64_t deadline_ms; /* arrival + TIMEOUT_MS; pushed back while its hash makes progress */
    uint64_t arrived_ms;
    int kernel_cacheable;
    int untrusted_stat; /* FUSE or network file system: nothing about it is cached */
    struct opener opener; /* see kernel_cache_eligible */
};

/* One hash computation; concurrent execs of the same file wait for it instead of hashing again. */
struct inflight_hash {
    struct inflight_hash *next;
    struct file_identity identity;
    struct pending_exec *waiters;
    int untrusted_stat;
    int attempts; /* the file changed while it was hashed: hashed again, up to HASH_ATTEMPTS times */
    struct hash_job job;
};

#define HASH_ATTEMPTS 3
/* A hash that read nothing for this long (or TIMEOUT_MS, if longer) is stalled: its execs get the fail mode. */
#define HASH_STALL_MS 2000

struct guard_stats {
    uint64_t decisions, cache_hits, cache_misses, timeouts, hashes, hash_errors, exempt, allowed, denied;
    uint64_t changed_while_hashed; /* hashes of a file that changed meanwhile (not cached, hashed again) */
    uint64_t unsettled_rehashes;   /* cache hits ignored: the file changed too shortly before its hash */
    uint64_t longest_wait_ms;       /* the longest an answered exec waited for its decision */
    uint64_t inflight_hashes;
    uint64_t opens_fast, opens_judged; /* FAN_OPEN_PERM: allowed at once (not a loader/interpreter) / judged */
};

struct guard {
    int fanotify_fd;
    struct decision_priority priority;
    pid_t self_pid, agent_pid;
    struct rule_set *rules;
    uint64_t epoch; /* bumped on every swap; cached decisions from older epochs are ignored */
    struct rule_staging staging;
    struct decision_cache cache;
    struct kernel_cache kernel_cache;
    struct hash_pool pool;
    struct inflight_hash *inflight;
    struct pending_exec *pending_head, *pending_tail;
    size_t pending_count;
    struct output out;
    struct report_limiter limiter;
    struct mount_marks marks;
    struct guard_stats stats;
    uint64_t stats_interval_ms, next_stats_ms;
    int heartbeat_fd; /* -1, or a file the agent's backstop thread reads (see write_heartbeat) */
    uint64_t last_heartbeat_ms;
    struct open_judging opens;
    struct mount_trust mount_trust;
    struct lsm_guard lsm; /* the BPF LSM half, where the kernel runs it (lsm-guard.h) */
    char *stdin_buffer;
    size_t stdin_used;
    int stdin_discarding, stdin_closed;
};

uint64_t monotonic_ms(void);

/* Events handled per pass of the main loop before it turns to stdin, hashes and the heartbeat. */
#define GUARD_READS_PER_PASS 4

/* exec-events.c */
void guard_read_fanotify(struct guard *g);
/* Judges an opened file like an exec (rules, cache, hash) and answers; takes ownership of fd.
 * opener->untrusted_fs must be set (mount_untrusted); known_stat: the caller's fstat of fd on a
 * trusted mount, or NULL (then it is made here). */
struct stat;
void guard_judge(struct guard *g, int fd, pid_t pid, const struct opener *opener, const struct stat *known_stat);
/* Answers at once without counting a decision; fd is closed. */
void guard_respond(struct guard *g, int fd, int allow);
void guard_finish_hashes(struct guard *g);
void guard_expire_pending(struct guard *g, uint64_t now_ms);
/* Milliseconds until the earliest pending deadline, or -1. */
int64_t guard_next_deadline(const struct guard *g, uint64_t now_ms);
/* Answers every pending event by the fail mode (used on shutdown). */
void guard_answer_all_pending(struct guard *g);

/* commands.c */
void guard_read_stdin(struct guard *g);
void guard_emit_stats(struct guard *g);
void guard_emit_error(struct guard *g, const char *message, uint64_t generation);
/* The BPF LSM's state, once at start: {"type":"lsm","state","message"}. */
void guard_emit_lsm_state(struct guard *g);
/* Keeps the BPF LSM in step with the marks in force and the mode (after MARK*, UNMARK* and rule swaps). */
void guard_sync_lsm(struct guard *g);

/* exec-events.c: a refusal the BPF LSM reported, as a decision report. */
void guard_report_lsm_refusal(void *ctx, const struct lsm_guard_refusal *refusal);

#endif
