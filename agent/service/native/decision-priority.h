/* The decision thread's scheduling: ordinary (nice -10) while it gets the CPU when it needs it,
 * real-time (SCHED_RR) while it is being starved. See decision-priority.c. */
#ifndef DLP_DECISION_PRIORITY_H
#define DLP_DECISION_PRIORITY_H

#include <stddef.h>
#include <stdint.h>

struct decision_priority {
    int schedstat_fd;       /* /proc/thread-self/schedstat of the decision thread; -1: unknown */
    uint64_t last_wait_ns;  /* its run-queue wait so far (schedstat's second field) */
    uint64_t next_check_ms;
    uint64_t realtime_until_ms;
    int realtime;           /* SCHED_RR now */
    int realtime_refused;   /* sched_setscheduler failed once (container, RestrictRealtime=): not tried again */
    uint64_t switches;      /* times it went real-time */
};

/* Called on the decision thread. Returns 0, or -1 with `message` saying what could not be done
 * (the loop runs on regardless). */
int decision_priority_init(struct decision_priority *p, char *message, size_t message_len);
/* Once per loop pass: looks at the run-queue wait at most every DECISION_PRIORITY_CHECK_MS and
 * switches. Returns 1 when real-time was refused just now (`message` says why), else 0. */
int decision_priority_update(struct decision_priority *p, uint64_t now_ms, char *message, size_t message_len);
/* Milliseconds until the next check is due while real-time is on (it must be switched back), else -1. */
int64_t decision_priority_next_ms(const struct decision_priority *p, uint64_t now_ms);

#endif
