/* Every exec on a marked file system waits for the decision thread, so no ordinary load may delay
 * it: with an employee's 1000 busy processes on 2 cores (kernel 6.18), a thread at nice -10 woke up
 * to ~0.4 s late (nice -20 no better), and a decision loop silent past the watchdog's limit gets the
 * helper replaced, letting the waiting execs, and those of the restart window, run unchecked. At
 * SCHED_RR it woke within 0.3 ms under the same load.
 *
 * But real-time costs every exec when nothing starves us: on this machine's VM, each exec of a file
 * the kernel does not cache took +200–260 µs with the thread at SCHED_RR against +32–79 µs at nice
 * -10 (`bench/exec-overhead.mjs`, quiet machine, same run). So the thread runs at nice -10 and
 * watches its own run-queue wait (schedstat: time runnable but not running): more than
 * STARVED_WAIT_NS of it within one check window means an ordinary load is starving it, and it goes
 * SCHED_RR for REALTIME_HOLD_MS, renewed while the waits continue. The lowest real-time priority;
 * RESET_ON_FORK: threads started later stay ordinary; the kernel's real-time throttling leaves
 * ordinary tasks their share should this loop ever spin. */
#define _GNU_SOURCE
#include "decision-priority.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define DECISION_THREAD_NICE (-10)
#define DECISION_THREAD_RT_PRIORITY 1
#define CHECK_MS 100
#define STARVED_WAIT_NS (20ULL * 1000 * 1000)
#define REALTIME_HOLD_MS 10000

static int read_wait_ns(int fd, uint64_t *wait_ns) {
    char text[128];
    ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
    if (n <= 0) return -1;
    text[n] = '\0';
    uint64_t run_ns = 0;
    return sscanf(text, "%" SCNu64 " %" SCNu64, &run_ns, wait_ns) == 2 ? 0 : -1;
}

int decision_priority_init(struct decision_priority *p, char *message, size_t message_len) {
    memset(p, 0, sizeof(*p));
    p->schedstat_fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
    if (p->schedstat_fd >= 0 && read_wait_ns(p->schedstat_fd, &p->last_wait_ns) != 0) {
        close(p->schedstat_fd);
        p->schedstat_fd = -1;
    }
    if (setpriority(PRIO_PROCESS, (id_t)gettid(), DECISION_THREAD_NICE) != 0) {
        snprintf(message, message_len, "decision thread: cannot raise its priority (%s)", strerror(errno));
        return -1;
    }
    if (p->schedstat_fd < 0) {
        /* Without schedstat we cannot tell starvation: stay real-time, as before this module. */
        struct sched_param param = {.sched_priority = DECISION_THREAD_RT_PRIORITY};
        if (sched_setscheduler(gettid(), SCHED_RR | SCHED_RESET_ON_FORK, &param) == 0) {
            p->realtime = 1;
            p->realtime_until_ms = UINT64_MAX;
            return 0;
        }
        snprintf(message, message_len, "decision thread: no schedstat and real-time refused (%s); running at nice %d", strerror(errno), DECISION_THREAD_NICE);
        return -1;
    }
    return 0;
}

int decision_priority_update(struct decision_priority *p, uint64_t now_ms, char *message, size_t message_len) {
    if (p->schedstat_fd < 0 || now_ms < p->next_check_ms) return 0;
    p->next_check_ms = now_ms + CHECK_MS;
    uint64_t wait_ns = 0;
    if (read_wait_ns(p->schedstat_fd, &wait_ns) != 0) return 0;
    uint64_t waited = wait_ns - p->last_wait_ns;
    p->last_wait_ns = wait_ns;
    if (waited >= STARVED_WAIT_NS) {
        if (p->realtime) {
            p->realtime_until_ms = now_ms + REALTIME_HOLD_MS;
            return 0;
        }
        if (p->realtime_refused) return 0;
        struct sched_param param = {.sched_priority = DECISION_THREAD_RT_PRIORITY};
        if (sched_setscheduler(gettid(), SCHED_RR | SCHED_RESET_ON_FORK, &param) == 0) {
            p->realtime = 1;
            p->realtime_until_ms = now_ms + REALTIME_HOLD_MS;
            p->switches++;
            return 0;
        }
        p->realtime_refused = 1;
        snprintf(message, message_len, "decision thread: starved (%" PRIu64 " ms waiting for a CPU) and real-time priority refused (%s); running at nice %d",
                 waited / 1000000, strerror(errno), DECISION_THREAD_NICE);
        return 1;
    }
    if (p->realtime && now_ms >= p->realtime_until_ms) {
        struct sched_param param = {.sched_priority = 0};
        if (sched_setscheduler(gettid(), SCHED_OTHER | SCHED_RESET_ON_FORK, &param) == 0) {
            p->realtime = 0;
            setpriority(PRIO_PROCESS, (id_t)gettid(), DECISION_THREAD_NICE);
        }
    }
    return 0;
}

int64_t decision_priority_next_ms(const struct decision_priority *p, uint64_t now_ms) {
    if (!p->realtime || p->schedstat_fd < 0 || p->realtime_until_ms == UINT64_MAX) return -1;
    return p->next_check_ms > now_ms ? (int64_t)(p->next_check_ms - now_ms) : 0;
}
