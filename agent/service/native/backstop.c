/* The backstop watchdog, in a process of its own. The agent's main thread watches the helper too,
 * but it can be stuck behind the helper itself: Node's spawn() waits for the child's execve, and
 * that execve waits for the helper's answer. So this process, which relies on nothing in the
 * agent, kills a helper whose decision-loop heartbeat is older than the limit; the kernel then
 * releases the execs it held, and with them the agent. A process, not a thread in the agent:
 * a second JavaScript isolate cost the agent some 6 MB of memory for a loop this small. */
#define _GNU_SOURCE
#include "backstop.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int read_word(int fd, int offset, uint64_t *out) {
    uint8_t bytes[8];
    if (pread(fd, bytes, sizeof(bytes), offset) != (ssize_t)sizeof(bytes)) return -1;
    uint64_t value = 0;
    for (int i = 7; i >= 0; i--) value = (value << 8) | bytes[i];
    *out = value;
    return 0;
}

static int write_word(int fd, int offset, uint64_t value) {
    uint8_t bytes[8];
    for (int i = 0; i < 8; i++) bytes[i] = (uint8_t)(value >> (8 * i));
    return pwrite(fd, bytes, sizeof(bytes), offset) == (ssize_t)sizeof(bytes) ? 0 : -1;
}

/* Only a helper of our own agent is ever killed: the pid must be a child of our parent running
 * dlp-exec-guard, so a pid reused by another process is left alone. */
static int is_our_helper(pid_t pid, pid_t agent) {
    char path[64];
    char stat[512];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f) return 0;
    size_t len = fread(stat, 1, sizeof(stat) - 1, f);
    fclose(f);
    stat[len] = '\0';
    char *open = strchr(stat, '(');
    char *close = strrchr(stat, ')');
    if (!open || !close || close < open) return 0;
    *close = '\0';
    int ppid = 0;
    char state = 0;
    if (sscanf(close + 2, "%c %d", &state, &ppid) != 2) return 0;
    return ppid == agent && state != 'Z' && strcmp(open + 1, "dlp-exec-guard") == 0;
}

int run_backstop_mode(int state_fd, long check_ms) {
    /* Dies with the agent; an orphaned backstop has nothing left to protect. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    pid_t agent = getppid();
    if (agent <= 1) return 1;
    const uint64_t check_ns = (uint64_t)check_ms * 1000000u;
    struct timespec pause = {check_ms / 1000, (check_ms % 1000) * 1000000L};
    uint64_t last_tick = now_ns();
    for (;;) {
        nanosleep(&pause, NULL);
        if (getppid() != agent) return 0;
        uint64_t now = now_ns();
        uint64_t heartbeat = 0, pid = 0, limit = 0, kills = 0;
        if (read_word(state_fd, 0, &heartbeat) || read_word(state_fd, 8, &pid) || read_word(state_fd, 16, &limit)) continue;
        /* We were late ourselves, so the whole machine or process group was paused (suspend,
         * SIGSTOP): give the helper a moment to write a fresh heartbeat before judging it. */
        int late = now - last_tick > check_ns + limit / 2;
        last_tick = now;
        if (late || pid == 0 || pid > 0x7fffffff || heartbeat >= now || now - heartbeat <= limit) continue;
        if (!is_our_helper((pid_t)pid, agent)) continue;
        /* The agent may have moved on to another helper while we looked. */
        uint64_t again = 0;
        if (read_word(state_fd, 8, &again) || again != pid) continue;
        if (write_word(state_fd, 8, 0) != 0) continue;
        /* Counted before the kill, so the agent sees it when the helper's exit reaches it. */
        if (read_word(state_fd, 24, &kills) == 0) write_word(state_fd, 24, kills + 1);
        kill((pid_t)pid, SIGKILL);
    }
}
