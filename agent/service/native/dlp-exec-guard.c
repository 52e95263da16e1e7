/* dlp-exec-guard: the agent's pre-exec decision helper (Linux, fanotify FAN_OPEN_EXEC_PERM, and
 * FAN_OPEN_PERM for files the loader or an interpreter opens, on filesystem marks).
 *
 * The agent starts it, hands it compiled rules and mount points on stdin, and reads JSON lines on
 * stdout. Every decision is made here, from those rules, within the rule set's timeout; nothing on
 * the decision path waits for the agent, so a stopped or busy agent never holds up an exec.
 * See README.md beside this file for the protocol. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "backstop.h"
#include "close-write.h"
#include "decision-priority.h"
#include "peer-cred.h"
#include "sd-notify.h"
#include "guard.h"
#include "offline-modes.h"

#define CACHE_SLOTS 16384
#define LIMITER_SLOTS 1024
#define OUTPUT_BUFFER (1024 * 1024)
#define HEARTBEAT_MS 100

struct options {
    long heartbeat_fd;
    long agent_pid;
    long hash_threads;
    long stats_interval_ms;
    long report_interval_ms;
    long mount_scan_ms;
    long hash_stall_test_ms;
    const char *mark_only_source;
    int bpf_lsm;
};

static uint64_t monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Proof of life for the agent's watchdog and for the backstop process (backstop.c), which cannot
 * rely on the agent's main thread: it may be the one that is stuck. Written from this loop, so it
 * stops when decisions stop. CLOCK_MONOTONIC nanoseconds, little-endian, at offset 0. */
static void write_heartbeat(struct guard *g, uint64_t now_ms) {
    if (g->heartbeat_fd < 0 || now_ms - g->last_heartbeat_ms < HEARTBEAT_MS) return;
    uint64_t ns = monotonic_ns();
    uint8_t bytes[8];
    for (int i = 0; i < 8; i++) bytes[i] = (uint8_t)(ns >> (8 * i));
    if (pwrite(g->heartbeat_fd, bytes, sizeof(bytes), 0) != (ssize_t)sizeof(bytes)) g->heartbeat_fd = -1;
    g->last_heartbeat_ms = now_ms;
}

uint64_t monotonic_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void usage(void) {
    fprintf(stderr,
            "usage: dlp-exec-guard [--agent-pid N] [--hash-threads N] [--stats-interval-ms N] [--report-interval-ms N]\n"
            "                      [--heartbeat-fd N] [--mount-scan-ms N] [--bpf-lsm on|off] [--mark-only-source PREFIX (tests)]\n"
            "       dlp-exec-guard --probe | --decide | --sha256 FILE | --parse-mountinfo FILE\n"
            "       dlp-exec-guard --backstop --state-fd N --check-ms N\n"
            "       dlp-exec-guard --peer-cred   (stdin: a connected Unix socket)\n"
            "       dlp-exec-guard --sd-notify STATE   (one datagram to $NOTIFY_SOCKET, on behalf of the parent)\n");
}

static int parse_long(const char *text, long min, long max, long *out) {
    char *end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno || !text[0] || *end || value < min || value > max) return -1;
    *out = value;
    return 0;
}

/* `--backstop --state-fd N --check-ms N` (the arguments after --backstop). */
static int backstop_main(int argc, char **argv) {
    long state_fd = -1, check_ms = 250;
    for (int i = 0; i + 1 < argc; i += 2) {
        long *target = strcmp(argv[i], "--state-fd") == 0 ? &state_fd : strcmp(argv[i], "--check-ms") == 0 ? &check_ms : NULL;
        if (!target || parse_long(argv[i + 1], target == &state_fd ? 0 : 1, target == &state_fd ? 0x7fffffff : 60000, target) != 0) {
            usage();
            return 2;
        }
    }
    if (state_fd < 0 || argc % 2 != 0) {
        usage();
        return 2;
    }
    return run_backstop_mode((int)state_fd, check_ms);
}

/* Can this kernel and this process place exec permission marks? Marks an empty temporary
 * directory (nothing is ever executed from it) and removes it again. */
static int run_probe(void) {
    int fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK, O_RDONLY | O_LARGEFILE | O_CLOEXEC);
    if (fd < 0) {
        printf("{\"type\":\"probe\",\"ok\":false,\"message\":\"fanotify_init: %s\"}\n", strerror(errno));
        return 1;
    }
    char dir[] = "/tmp/dlp-exec-guard-probe-XXXXXX";
    if (!mkdtemp(dir)) {
        printf("{\"type\":\"probe\",\"ok\":false,\"message\":\"mkdtemp: %s\"}\n", strerror(errno));
        close(fd);
        return 1;
    }
    int rc = fanotify_mark(fd, FAN_MARK_ADD, FAN_OPEN_EXEC_PERM, AT_FDCWD, dir);
    int mark_errno = errno;
    close(fd);
    rmdir(dir);
    if (rc != 0) {
        printf("{\"type\":\"probe\",\"ok\":false,\"message\":\"fanotify_mark FAN_OPEN_EXEC_PERM: %s\"}\n",
               strerror(mark_errno));
        return 1;
    }
    printf("{\"type\":\"probe\",\"ok\":true,\"sha256\":\"%s\"}\n", sha256_implementation());
    return 0;
}

static void raise_fd_limit(void) {
    /* Each pending exec holds an fd until it is answered. */
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

/* The decision thread's priority: nice -10, real-time while starved (decision-priority.c). */
static void init_decision_thread_priority(struct guard *g) {
    char message[200];
    if (decision_priority_init(&g->priority, message, sizeof(message)) != 0) guard_emit_error(g, message, 0);
}

static int guard_init(struct guard *g, const struct options *opts) {
    memset(g, 0, sizeof(*g));
    g->self_pid = getpid();
    g->agent_pid = (pid_t)opts->agent_pid;
    g->stats_interval_ms = (uint64_t)opts->stats_interval_ms;
    g->heartbeat_fd = (int)opts->heartbeat_fd;
    if (g->heartbeat_fd >= 0) fcntl(g->heartbeat_fd, F_SETFD, FD_CLOEXEC);
    g->fanotify_fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK | FAN_UNLIMITED_QUEUE,
                                   O_RDONLY | O_LARGEFILE | O_CLOEXEC);
    if (g->fanotify_fd < 0) {
        fprintf(stderr, "dlp-exec-guard: fanotify_init: %s\n", strerror(errno));
        return -1;
    }
    marks_init(&g->marks, g->fanotify_fd, FAN_OPEN_EXEC_PERM);
    g->marks.only_source = opts->mark_only_source;
    g->marks.scan_interval_ms = (unsigned)(opts->mount_scan_ms < 50 ? 50 : opts->mount_scan_ms);
    g->kernel_cache.fanotify_fd = g->fanotify_fd;
    g->kernel_cache.mask = FAN_OPEN_EXEC_PERM;
    g->rules = rule_set_new(0);
    g->stdin_buffer = malloc(GUARD_STDIN_BUFFER);
    if (!g->rules || !g->stdin_buffer || decision_cache_init(&g->cache, CACHE_SLOTS) != 0 ||
        report_limiter_init(&g->limiter, LIMITER_SLOTS, (uint64_t)opts->report_interval_ms) != 0 ||
        output_init(&g->out, STDOUT_FILENO, OUTPUT_BUFFER) != 0) {
        fprintf(stderr, "dlp-exec-guard: out of memory\n");
        return -1;
    }
    g->pool.stall_test_ms = (unsigned)(opts->hash_stall_test_ms > 60000 ? 60000 : opts->hash_stall_test_ms);
    if (hash_pool_start(&g->pool, (int)opts->hash_threads) != 0) {
        fprintf(stderr, "dlp-exec-guard: cannot start hash threads: %s\n", strerror(errno));
        return -1;
    }
    init_decision_thread_priority(g);
    /* Before any mark: the LSM learns which file systems are marked from the marking itself. */
    g->lsm.on_refusal = guard_report_lsm_refusal;
    g->lsm.ctx = g;
    lsm_guard_start(&g->lsm, opts->bpf_lsm, g->self_pid);
    guard_emit_lsm_state(g);
    fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
    fcntl(STDOUT_FILENO, F_SETFL, fcntl(STDOUT_FILENO, F_GETFL) | O_NONBLOCK);
    g->next_stats_ms = monotonic_ms() + g->stats_interval_ms;
    return 0;
}

static int min_wait(int current, int64_t candidate) {
    if (candidate < 0) return current;
    if (candidate > 60000) candidate = 60000;
    return current < 0 || candidate < current ? (int)candidate : current;
}

enum { POLL_FANOTIFY, POLL_HASHES, POLL_STDIN, POLL_STDOUT, POLL_LSM, POLL_COUNT };

static void run_loop(struct guard *g) {
    while (!g->stdin_closed) {
        uint64_t now = monotonic_ms();
        /* What the hash pool's lock turned away last pass (see hash-pool.h: this loop never waits on it). */
        hash_pool_flush(&g->pool);
        if (g->pool.take_again) guard_finish_hashes(g);
        guard_expire_pending(g, now);
        if (g->stats_interval_ms && now >= g->next_stats_ms) {
            guard_emit_stats(g);
            g->next_stats_ms = now + g->stats_interval_ms;
        }
        report_limiter_flush(&g->limiter, &g->out, now, 0);
        write_heartbeat(g, now);
        char priority_message[200];
        if (decision_priority_update(&g->priority, now, priority_message, sizeof(priority_message))) guard_emit_error(g, priority_message, 0);

        struct pollfd fds[POLL_COUNT] = {
            /* A full pending table stops intake; the kernel keeps the rest queued meanwhile. */
            {g->pending_count < GUARD_MAX_PENDING ? g->fanotify_fd : -1, POLLIN, 0},
            {g->pool.done_eventfd, POLLIN, 0},
            {STDIN_FILENO, POLLIN, 0},
            {output_has_pending(&g->out) ? STDOUT_FILENO : -1, POLLOUT, 0},
            {g->lsm.ring_fd, POLLIN, 0},
        };
        int wait = -1;
        wait = min_wait(wait, guard_next_deadline(g, now));
        if (g->stats_interval_ms) wait = min_wait(wait, (int64_t)(g->next_stats_ms - now));
        wait = min_wait(wait, report_limiter_next_due(&g->limiter, now));
        wait = min_wait(wait, hash_pool_retry_ms(&g->pool));
        if (g->heartbeat_fd >= 0) wait = min_wait(wait, (int64_t)(g->last_heartbeat_ms + HEARTBEAT_MS - now));
        wait = min_wait(wait, decision_priority_next_ms(&g->priority, now));
        if (poll(fds, POLL_COUNT, wait) < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "dlp-exec-guard: poll: %s\n", strerror(errno));
            return;
        }
        if (fds[POLL_FANOTIFY].revents) guard_read_fanotify(g);
        if (fds[POLL_HASHES].revents) guard_finish_hashes(g);
        if (fds[POLL_STDIN].revents) guard_read_stdin(g);
        if (fds[POLL_STDOUT].revents) output_flush(&g->out);
        if (fds[POLL_LSM].revents) lsm_guard_drain(&g->lsm);
    }
}

int main(int argc, char **argv) {
    struct options opts = {-1, 0, 2, 10000, 1000, 1000, 0, NULL, 0};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--probe") == 0) return run_probe();
        if (strcmp(arg, "--backstop") == 0) return backstop_main(argc - i - 1, argv + i + 1);
        if (strcmp(arg, "--decide") == 0) return run_decide_mode();
        if (strcmp(arg, "--peer-cred") == 0) return run_peer_cred_mode();
        if (strcmp(arg, "--close-write") == 0 && value) return run_close_write_mode(value);
        if (strcmp(arg, "--sd-notify") == 0 && value) return run_sd_notify_mode(value);
        if (strcmp(arg, "--sha256") == 0 && value) return run_sha256_mode(value);
        if (strcmp(arg, "--parse-mountinfo") == 0 && value) return run_parse_mountinfo_mode(value);
        if (strcmp(arg, "--bpf-lsm") == 0 && value && (strcmp(value, "on") == 0 || strcmp(value, "off") == 0)) {
            opts.bpf_lsm = strcmp(value, "on") == 0;
            i++;
            continue;
        }
        /* Test-only: lets a kernel test run MARK_ALL without marking the host's own file systems. */
        if (strcmp(arg, "--mark-only-source") == 0 && value && value[0]) {
            opts.mark_only_source = value;
            i++;
            continue;
        }
        long *target = strcmp(arg, "--heartbeat-fd") == 0        ? &opts.heartbeat_fd
                       : strcmp(arg, "--agent-pid") == 0         ? &opts.agent_pid
                       : strcmp(arg, "--hash-threads") == 0      ? &opts.hash_threads
                       : strcmp(arg, "--stats-interval-ms") == 0 ? &opts.stats_interval_ms
                       : strcmp(arg, "--report-interval-ms") == 0 ? &opts.report_interval_ms
                       : strcmp(arg, "--mount-scan-ms") == 0       ? &opts.mount_scan_ms
                       : strcmp(arg, "--hash-stall-test-ms") == 0  ? &opts.hash_stall_test_ms
                                                                  : NULL;
        long max = target == &opts.hash_threads ? HASH_POOL_MAX_THREADS : 0x7fffffff;
        if (!target || !value || parse_long(value, 0, max, target) != 0) {
            usage();
            return 2;
        }
        i++;
    }
    /* If the agent dies, so do we: an unwatched helper must not keep holding execs. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGPIPE, SIG_IGN);
    raise_fd_limit();
    static struct guard g;
    if (guard_init(&g, &opts) != 0) return 1;
    run_loop(&g);
    /* stdin closed: the agent is done with us. Answer what is waiting, then let the fd go. */
    guard_answer_all_pending(&g);
    close(g.fanotify_fd);
    report_limiter_flush(&g.limiter, &g.out, monotonic_ms(), 1);
    fcntl(STDOUT_FILENO, F_SETFL, fcntl(STDOUT_FILENO, F_GETFL) & ~O_NONBLOCK);
    output_flush(&g.out);
    return 0;
}
