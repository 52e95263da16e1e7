/* Reads the agent's commands from stdin (never blocking: stdin is polled) and answers on stdout. */
#include <errno.h>
#include <stdatomic.h>
#include <sys/fanotify.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guard.h"

/* Opens judged, hashing progress and the longest wait so far: shared by `stats` and `marks`. */
static void json_open_and_hash_counters(const struct guard *g, struct json *j) {
    json_u64(j, "opensFast", g->stats.opens_fast);
    json_u64(j, "opensJudged", g->stats.opens_judged);
    json_u64(j, "bytesHashed", atomic_load(&g->pool.bytes_hashed));
    json_u64(j, "hashesInFlight", g->stats.inflight_hashes);
    json_u64(j, "changedWhileHashed", g->stats.changed_while_hashed);
    json_u64(j, "unsettledRehashes", g->stats.unsettled_rehashes);
    json_u64(j, "realtime", (uint64_t)g->priority.realtime);
    json_u64(j, "realtimeSwitches", g->priority.switches);
    uint64_t longest = g->stats.longest_wait_ms, now = monotonic_ms();
    for (const struct pending_exec *p = g->pending_head; p; p = p->next) {
        if (now - p->arrived_ms > longest) longest = now - p->arrived_ms;
    }
    json_u64(j, "longestWaitMs", longest);
}

static void emit_json(struct guard *g, struct json *j) {
    if (json_end(j) == 0) output_line(&g->out, j->text, j->len, LINE_CONTROL);
    json_free(j);
}

void guard_emit_error(struct guard *g, const char *message, uint64_t generation) {
    struct json j;
    json_begin(&j);
    json_string(&j, "type", "error");
    json_string(&j, "message", message);
    if (generation) json_u64(&j, "generation", generation);
    emit_json(g, &j);
}

void guard_emit_stats(struct guard *g) {
    struct json j;
    json_begin(&j);
    json_string(&j, "type", "stats");
    json_u64(&j, "decisions", g->stats.decisions);
    json_u64(&j, "cacheHits", g->stats.cache_hits);
    json_u64(&j, "cacheMisses", g->stats.cache_misses);
    json_u64(&j, "timeouts", g->stats.timeouts);
    json_u64(&j, "hashes", g->stats.hashes);
    json_u64(&j, "hashErrors", g->stats.hash_errors);
    json_u64(&j, "exempt", g->stats.exempt);
    json_u64(&j, "allowed", g->stats.allowed);
    json_u64(&j, "denied", g->stats.denied);
    json_u64(&j, "kernelCached", g->kernel_cache.added);
    json_u64(&j, "pending", g->pending_count);
    json_u64(&j, "reportsDropped", g->out.dropped_reports);
    json_u64(&j, "generation", g->rules->generation);
    uint64_t marked, refused, namespaces, scans;
    marks_counts(&g->marks, &marked, &refused, &namespaces, &scans);
    json_open_and_hash_counters(g, &j);
    json_u64(&j, "superblocks", marked);
    json_u64(&j, "superblocksRefused", refused);
    json_u64(&j, "mountNamespaces", namespaces);
    json_u64(&j, "mountScans", scans);
    if (g->lsm.ring_fd >= 0) {
        json_u64(&j, "lsmRefusals", g->lsm.refusals);
        json_u64(&j, "lsmKnownBlocked", g->lsm.known_blocked_entries);
        json_u64(&j, "lsmDropped", lsm_guard_dropped(&g->lsm));
    }
    emit_json(g, &j);
}

void guard_emit_lsm_state(struct guard *g) {
    struct json j;
    json_begin(&j);
    json_string(&j, "type", "lsm");
    json_string(&j, "state", g->lsm.state);
    if (g->lsm.message[0]) json_string(&j, "message", g->lsm.message);
    emit_json(g, &j);
}

void guard_sync_lsm(struct guard *g) {
    uint64_t marked, refused, namespaces, scans;
    marks_counts(&g->marks, &marked, &refused, &namespaces, &scans);
    lsm_guard_configure(&g->lsm, marked > 0, !g->rules->monitor);
}

static void emit_superblock(const struct superblock_mark *mark, void *ctx) {
    struct guard *g = ctx;
    char dev[32];
    snprintf(dev, sizeof(dev), "%u:%u", mark->major, mark->minor);
    struct json j;
    json_begin(&j);
    json_string(&j, "type", "superblock");
    json_string(&j, "dev", dev);
    json_string(&j, "fstype", mark->fstype);
    json_string(&j, "mountPoint", mark->mount_point);
    json_i64(&j, "pid", mark->pid);
    json_u64(&j, "marked", (uint64_t)mark->marked);
    if (!mark->marked) json_string(&j, "error", strerror(mark->error));
    emit_json(g, &j);
}

/* `MARKS`: one `superblock` line per file system tried, then `marks` with the count. */
static void emit_marks(struct guard *g) {
    marks_each(&g->marks, emit_superblock, g);
    uint64_t marked, refused, namespaces, scans;
    marks_counts(&g->marks, &marked, &refused, &namespaces, &scans);
    struct json j;
    json_begin(&j);
    json_string(&j, "type", "marks");
    json_open_and_hash_counters(g, &j);
    json_u64(&j, "superblocks", marked);
    json_u64(&j, "refused", refused);
    json_u64(&j, "mountNamespaces", namespaces);
    emit_json(g, &j);
}

static void emit_mark_result(struct guard *g, const char *type, const char *path, const struct mark_result *result) {
    struct json j;
    json_begin(&j);
    json_string(&j, "type", type);
    json_string(&j, "path", path);
    if (result) {
        json_u64(&j, "mounts", result->marked);
        json_u64(&j, "failed", result->failed);
    }
    emit_json(g, &j);
}

static void emit_mark_error(struct guard *g, const char *verb, const char *path, const char *reason) {
    char message[4096 + 512];
    snprintf(message, sizeof(message), "%s %s: %s", verb, path, reason);
    struct json j;
    json_begin(&j);
    json_string(&j, "type", "error");
    json_string(&j, "message", message);
    json_string(&j, "path", path);
    emit_json(g, &j);
}

static void swap_rules(struct guard *g, struct rule_set *completed) {
    rule_set_free(g->rules);
    g->rules = completed;
    g->epoch++;
    /* After the swap: an event read from now on is judged by the new rules before it can be cached again. */
    kernel_cache_flush(&g->kernel_cache);
    lsm_guard_forget_blocked(&g->lsm);
    guard_sync_lsm(g);
    struct json j;
    json_begin(&j);
    json_string(&j, "type", "ready");
    json_u64(&j, "generation", completed->generation);
    json_u64(&j, "rules", completed->count);
    emit_json(g, &j);
}

static void handle_mark_command(struct guard *g, char **tokens, int count) {
    const char *verb = tokens[0];
    char error[512];
    if (strcmp(verb, "MARK_ALL") == 0 || strcmp(verb, "UNMARK_ALL") == 0) {
        if (count != 1) {
            guard_emit_error(g, "MARK_ALL and UNMARK_ALL take no argument", 0);
            return;
        }
        struct mark_result result = {0, 0};
        int marking = strcmp(verb, "MARK_ALL") == 0;
        int rc = marking ? marks_add_all(&g->marks, &result, error, sizeof(error))
                         : marks_remove_all(&g->marks, error, sizeof(error));
        guard_sync_lsm(g);
        if (rc != 0) emit_mark_error(g, verb, "*", error);
        else emit_mark_result(g, marking ? "marked" : "unmarked", "*", marking ? &result : NULL);
        return;
    }
    char path[4097];
    if (count != 2 || percent_decode(tokens[1], path, sizeof(path)) < 0) {
        guard_emit_error(g, "MARK and UNMARK need one percent-encoded path", 0);
        return;
    }
    int marking = strcmp(verb, "MARK") == 0;
    int rc = marking ? marks_add_mount(&g->marks, path, error, sizeof(error))
                     : marks_remove_mount(&g->marks, path, error, sizeof(error));
    guard_sync_lsm(g);
    if (rc != 0) emit_mark_error(g, verb, path, error);
    else emit_mark_result(g, marking ? "marked" : "unmarked", path, NULL);
}

static void handle_line(struct guard *g, char *line) {
    char *tokens[PROTOCOL_MAX_TOKENS];
    int count = split_tokens(line, tokens, PROTOCOL_MAX_TOKENS);
    if (count == 0) return;
    if (count < 0) {
        guard_emit_error(g, "too many arguments", 0);
        return;
    }
    struct rule_set *completed = NULL;
    char error[512];
    uint64_t generation = 0;
    switch (rule_staging_handle(&g->staging, tokens, count, &completed, error, sizeof(error), &generation)) {
    case STAGING_OK:
        return;
    case STAGING_COMPLETE:
        swap_rules(g, completed);
        return;
    case STAGING_ERROR:
        guard_emit_error(g, error, generation);
        return;
    case STAGING_NOT_MINE:
        break;
    }
    const char *verb = tokens[0];
    if (strcmp(verb, "PING") == 0 && count == 2) {
        struct json j;
        json_begin(&j);
        json_string(&j, "type", "pong");
        json_string(&j, "n", tokens[1]);
        emit_json(g, &j);
    } else if (strcmp(verb, "STATS") == 0 && count == 1) {
        guard_emit_stats(g);
    } else if (strcmp(verb, "MARKS") == 0 && count == 1) {
        emit_marks(g);
    } else if (strcmp(verb, "JUDGE_OPENS") == 0 && count == 1) {
        /* Loader and script opens: FAN_OPEN_PERM on every mark, placed and to come. */
        g->opens.enabled = 1;
        g->kernel_cache.mask |= FAN_OPEN_PERM;
        marks_widen(&g->marks, FAN_OPEN_PERM);
        struct json j;
        json_begin(&j);
        json_string(&j, "type", "opens");
        json_u64(&j, "interpreters", g->opens.interpreter_count);
        emit_json(g, &j);
    } else if (strcmp(verb, "INTERPRETER") == 0 && count == 2) {
        char path[4097], error[512];
        if (percent_decode(tokens[1], path, sizeof(path)) < 0) guard_emit_error(g, "INTERPRETER needs one percent-encoded path", 0);
        else if (open_judging_add_interpreter(&g->opens, path, error, sizeof(error)) != 0) guard_emit_error(g, error, 0);
    } else if (strcmp(verb, "MARK") == 0 || strcmp(verb, "UNMARK") == 0 || strcmp(verb, "MARK_ALL") == 0 ||
               strcmp(verb, "UNMARK_ALL") == 0) {
        handle_mark_command(g, tokens, count);
    } else {
        char message[96];
        snprintf(message, sizeof(message), "unknown command %.32s", verb);
        guard_emit_error(g, message, 0);
    }
}

void guard_read_stdin(struct guard *g) {
    ssize_t got;
    do {
        got = read(STDIN_FILENO, g->stdin_buffer + g->stdin_used, GUARD_STDIN_BUFFER - g->stdin_used);
    } while (got < 0 && errno == EINTR);
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (got <= 0) {
        g->stdin_closed = 1;
        return;
    }
    g->stdin_used += (size_t)got;
    size_t start = 0;
    for (size_t i = 0; i < g->stdin_used; i++) {
        if (g->stdin_buffer[i] != '\n') continue;
        g->stdin_buffer[i] = '\0';
        if (!g->stdin_discarding) handle_line(g, g->stdin_buffer + start);
        g->stdin_discarding = 0;
        start = i + 1;
    }
    memmove(g->stdin_buffer, g->stdin_buffer + start, g->stdin_used - start);
    g->stdin_used -= start;
    if (g->stdin_used == GUARD_STDIN_BUFFER) {
        /* A line longer than any valid command: drop it up to its newline. */
        guard_emit_error(g, "line too long", 0);
        rule_staging_spoil(&g->staging, "a line was too long");
        g->stdin_used = 0;
        g->stdin_discarding = 1;
    }
}
