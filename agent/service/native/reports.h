/* Decision reports to the agent, rate-limited per (report kind, rule id, path): the first one in
 * each interval is sent, repeats are counted and the count rides on the next report, or on a
 * summary sent when the interval ends, so a loop of blocked execs can neither flood the agent nor
 * vanish from the record. */
#ifndef DLP_REPORTS_H
#define DLP_REPORTS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "output.h"
#include "rules.h"

struct decision_report {
    int deny;
    const char *report; /* "blocked", "would-block", "timeout" or "allowed" (static strings) */
    int64_t pid, ppid, uid;
    char *path;
    char rule_id[RULE_ID_MAX + 1]; /* "-" for none */
    int has_digest;
    char digest_hex[SHA256_HEX_BYTES];
    uint64_t generation;
    const char *via;      /* "exec", "loader" or "script" (static strings) */
    char interpreter[128]; /* the loader or interpreter that opened the file; "" for exec */
    const char *lsm_reason; /* set for a refusal by the BPF LSM (method "bpf-lsm"); NULL for fanotify */
};

struct limiter_slot {
    int used;
    uint64_t key_hash;
    uint64_t window_start_ms;
    uint64_t suppressed;
    struct decision_report last; /* owns last.path */
};

struct report_limiter {
    struct limiter_slot *slots;
    size_t slot_count;
    uint64_t interval_ms; /* 0: report everything */
    size_t holding;       /* slots with repeats not yet reported: lets the hot path skip the scan */
};

int report_limiter_init(struct report_limiter *limiter, size_t slots, uint64_t interval_ms);
void report_limiter_free(struct report_limiter *limiter);

/* Sends the report or counts it as a repeat. `report->path` is copied when kept. */
void report_decision(struct report_limiter *limiter, struct output *out, const struct decision_report *report,
                     uint64_t now_ms);

/* Sends a summary for every repeat run whose interval has ended (every run at all when `force`,
 * as on shutdown). */
void report_limiter_flush(struct report_limiter *limiter, struct output *out, uint64_t now_ms, int force);

/* Milliseconds until the next flush is due, or -1 if none is. */
int64_t report_limiter_next_due(const struct report_limiter *limiter, uint64_t now_ms);

/* Fills ppid and uid from /proc (left -1 when the process is gone). */
void read_process_identity(pid_t pid, int64_t *ppid, int64_t *uid);

#endif
