/* State of the running helper. One thread (the main loop) owns all of it; hash workers only see
 * their jobs. */
#ifndef DLP_GUARD_H
#define DLP_GUARD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "decision-cache.h"
#include "hash-pool.h"
#include "kernel-cache.h"
#include "marks.h"
#include "output.h"
#include "reports.h"
#include "rule-protocol.h"
#include "rules.h"

#define GUARD_MAX_PENDING 4096
#define GUARD_STDIN_BUFFER (64 * 1024)

struct inflight_hash;

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
    uint64_t deadline_ms;
    int kernel_cacheable; /* see kernel_cache_eligible */
};

/* One hash computation; concurrent execs of the same file wait for it instead of hashing again. */
struct inflight_hash {
    struct inflight_hash *next;
    struct file_identity identity;
    struct pending_exec *waiters;
    struct hash_job job;
};

struct guard_stats {
    uint64_t decisions, cache_hits, cache_misses, timeouts, hashes, hash_errors, exempt, allowed, denied;
};

struct guard {
    int fanotify_fd;
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
    char *stdin_buffer;
    size_t stdin_used;
    int stdin_discarding, stdin_closed;
};

uint64_t monotonic_ms(void);

/* Events handled per pass of the main loop before it turns to stdin, hashes and the heartbeat. */
#define GUARD_READS_PER_PASS 4

/* exec-events.c */
void guard_read_fanotify(struct guard *g);
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

#endif
