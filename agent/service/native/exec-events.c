/* The decision path: every FAN_OPEN_EXEC_PERM event gets exactly one answer, from the cache, from
 * the rules, after a hash, or from the fail mode when its deadline passes. Nothing here waits on
 * the agent. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard.h"

static void respond(struct guard *g, int fd, int allow) {
    struct fanotify_response response = {.fd = fd, .response = allow ? FAN_ALLOW : FAN_DENY};
    while (write(g->fanotify_fd, &response, sizeof(response)) < 0 && errno == EINTR) {
    }
    close(fd);
    g->stats.decisions++;
    if (allow) g->stats.allowed++;
    else g->stats.denied++;
}

static void send_report(struct guard *g, pid_t pid, const char *path, const char *kind, int deny, int rule_index,
                        const uint8_t *digest) {
    struct decision_report report;
    memset(&report, 0, sizeof(report));
    report.deny = deny;
    report.report = kind;
    report.pid = pid;
    read_process_identity(pid, &report.ppid, &report.uid);
    report.path = (char *)path; /* report_decision copies what it keeps */
    snprintf(report.rule_id, sizeof(report.rule_id), "%s", rule_set_rule_id(g->rules, rule_index));
    report.has_digest = digest != NULL;
    if (digest) sha256_to_hex(digest, report.digest_hex);
    report.generation = g->rules->generation;
    report_decision(&g->limiter, &g->out, &report, monotonic_ms());
}

/* The agent sends signed exceptions as allow rules with ids `exception:<id>` in front of the
 * policy's rules. An exec they let through is reported: officers want to see an exception used,
 * not only granted. */
static int is_exception_rule(const struct rule_set *set, int rule_index) {
    static const char prefix[] = "exception:";
    return rule_index >= 0 && strncmp(rule_set_rule_id(set, rule_index), prefix, sizeof(prefix) - 1) == 0;
}

/* Answers by a rule decision and reports what is worth reporting. An allow that needs no report may be
 * cached in the kernel (an exception's allow is reported on every use, so it never is). */
static void finish(struct guard *g, int fd, pid_t pid, const char *path, const struct rule_decision *decision,
                   const uint8_t *digest, int kernel_cacheable) {
    int blocked = decision->action == RULE_BLOCK;
    int deny = blocked && !g->rules->monitor;
    if (!blocked && kernel_cacheable && !is_exception_rule(g->rules, decision->rule_index)) kernel_cache_add(&g->kernel_cache, fd);
    respond(g, fd, !deny);
    if (blocked) send_report(g, pid, path, deny ? "blocked" : "would-block", deny, decision->rule_index, digest);
    else if (is_exception_rule(g->rules, decision->rule_index))
        send_report(g, pid, path, "allowed", 0, decision->rule_index, digest);
}

/* What the kernel gets when no decision can be made in time. Monitor mode never denies. */
static int fail_mode_denies(const struct guard *g) { return g->rules->fail_closed && !g->rules->monitor; }

static void answer_by_fail_mode(struct guard *g, int fd, pid_t pid, const char *path) {
    int deny = fail_mode_denies(g);
    respond(g, fd, !deny);
    send_report(g, pid, path, "timeout", deny, -1, NULL);
}

static void pending_unlink(struct guard *g, struct pending_exec *p) {
    if (p->prev) p->prev->next = p->next;
    else g->pending_head = p->next;
    if (p->next) p->next->prev = p->prev;
    else g->pending_tail = p->prev;
    g->pending_count--;
}

static void pending_free(struct pending_exec *p) {
    free(p->path);
    free(p->path_code_points);
    free(p);
}

static struct inflight_hash *find_inflight(struct guard *g, const struct file_identity *identity) {
    for (struct inflight_hash *h = g->inflight; h; h = h->next) {
        if (memcmp(&h->identity, identity, sizeof(*identity)) == 0) return h;
    }
    return NULL;
}

/* Queues the event behind a hash of its file, starting one unless the same file is already being hashed. */
static int wait_for_hash(struct guard *g, struct pending_exec *p) {
    struct inflight_hash *h = find_inflight(g, &p->identity);
    if (!h) {
        h = calloc(1, sizeof(*h));
        if (!h) return -1;
        /* The worker reads its own duplicate, so answering this event on timeout can close ours. */
        h->job.fd = fcntl(p->fd, F_DUPFD_CLOEXEC, 0);
        if (h->job.fd < 0) {
            free(h);
            return -1;
        }
        h->identity = p->identity;
        h->job.owner = h;
        h->next = g->inflight;
        g->inflight = h;
        hash_pool_submit(&g->pool, &h->job);
    }
    p->waiting_on = h;
    p->next_waiter = h->waiters;
    h->waiters = p;
    p->prev = g->pending_tail;
    p->next = NULL;
    if (g->pending_tail) g->pending_tail->next = p;
    else g->pending_head = p;
    g->pending_tail = p;
    g->pending_count++;
    return 0;
}

static void handle_permission_event(struct guard *g, const struct fanotify_event_metadata *meta) {
    int fd = meta->fd;
    pid_t pid = meta->pid;
    if (pid == g->self_pid || (g->agent_pid > 0 && pid == g->agent_pid)) {
        g->stats.exempt++;
        respond(g, fd, 1);
        return;
    }
    char link[64];
    char path[PATH_MAX];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t len = readlink(link, path, sizeof(path) - 1);
    if (len < 0) len = 0;
    path[len] = '\0';
    struct stat st;
    if (len == 0 || fstat(fd, &st) != 0) {
        answer_by_fail_mode(g, fd, pid, len ? path : "(unknown)");
        return;
    }
    struct file_identity identity;
    file_identity_from_stat(&st, &identity);
    int cacheable = kernel_cache_eligible(&st, path);
    struct cache_entry *entry = decision_cache_find(&g->cache, &identity);
    if (entry && entry->decision_epoch == g->epoch && entry->decided_path && strcmp(entry->decided_path, path) == 0) {
        g->stats.cache_hits++;
        finish(g, fd, pid, path, &entry->decision, entry->has_digest ? entry->digest : NULL, cacheable);
        return;
    }
    g->stats.cache_misses++;
    uint32_t *code_points = malloc(((size_t)len + 1) * sizeof(uint32_t));
    if (!code_points) {
        answer_by_fail_mode(g, fd, pid, path);
        return;
    }
    struct exec_subject subject = {path, code_points, utf8_to_code_points(path, code_points), path_file_name(path),
                                   entry && entry->has_digest ? entry->digest : NULL};
    struct rule_decision decision;
    if (rule_set_decide(g->rules, &subject, &decision) == DECIDED) {
        struct cache_entry *slot = decision_cache_claim(&g->cache, &identity);
        cache_entry_store_decision(slot, g->epoch, &decision, path);
        finish(g, fd, pid, path, &decision, slot->has_digest ? slot->digest : NULL, cacheable);
        free(code_points);
        return;
    }
    struct pending_exec *p = calloc(1, sizeof(*p));
    char *path_copy = strdup(path);
    if (!p || !path_copy) {
        free(p);
        free(path_copy);
        free(code_points);
        answer_by_fail_mode(g, fd, pid, path);
        return;
    }
    p->fd = fd;
    p->pid = pid;
    p->identity = identity;
    p->path = path_copy;
    p->path_code_points = code_points;
    p->path_length = subject.path_length;
    p->kernel_cacheable = cacheable;
    p->deadline_ms = monotonic_ms() + g->rules->timeout_ms;
    if (wait_for_hash(g, p) != 0) {
        answer_by_fail_mode(g, fd, pid, path);
        pending_free(p);
    }
}

void guard_read_fanotify(struct guard *g) {
    /* Aligned for the metadata structs the kernel writes into it. */
    static char buffer[64 * 1024] __attribute__((aligned(8)));
    /* Bounded, so a flood of execs cannot starve stdin, finished hashes or the heartbeat. */
    for (int pass = 0; pass < GUARD_READS_PER_PASS && g->pending_count < GUARD_MAX_PENDING; pass++) {
        ssize_t len = read(g->fanotify_fd, buffer, sizeof(buffer));
        if (len <= 0) return; /* EAGAIN (drained) or EINTR: poll brings us back */
        const struct fanotify_event_metadata *meta = (const struct fanotify_event_metadata *)buffer;
        while (FAN_EVENT_OK(meta, len)) {
            if (meta->vers != FANOTIFY_METADATA_VERSION) {
                guard_emit_error(g, "fanotify metadata version mismatch", 0);
                if (meta->fd >= 0) respond(g, meta->fd, 1);
            } else if (meta->mask & FAN_Q_OVERFLOW) {
                guard_emit_error(g, "fanotify queue overflow", 0);
            } else if (meta->fd >= 0) {
                if (meta->mask & FAN_OPEN_EXEC_PERM) handle_permission_event(g, meta);
                else close(meta->fd); /* not a permission event: nothing to answer */
            }
            meta = FAN_EVENT_NEXT(meta, len);
        }
    }
}

void guard_finish_hashes(struct guard *g) {
    struct hash_job *job = hash_pool_take_done(&g->pool);
    while (job) {
        struct hash_job *next_job = job->next;
        struct inflight_hash *h = job->owner;
        for (struct inflight_hash **link = &g->inflight; *link; link = &(*link)->next) {
            if (*link == h) {
                *link = h->next;
                break;
            }
        }
        const uint8_t *digest = NULL;
        if (job->error == 0) {
            struct cache_entry *entry = decision_cache_claim(&g->cache, &h->identity);
            entry->has_digest = 1;
            memcpy(entry->digest, job->digest, SHA256_DIGEST_BYTES);
            digest = entry->digest;
            g->stats.hashes++;
        } else {
            g->stats.hash_errors++;
        }
        struct pending_exec *p = h->waiters;
        while (p) {
            struct pending_exec *next = p->next_waiter;
            pending_unlink(g, p);
            struct rule_decision decision;
            struct exec_subject subject = {p->path, p->path_code_points, p->path_length, path_file_name(p->path), digest};
            if (digest && rule_set_decide(g->rules, &subject, &decision) == DECIDED) {
                struct cache_entry *entry = decision_cache_claim(&g->cache, &p->identity);
                cache_entry_store_decision(entry, g->epoch, &decision, p->path);
                finish(g, p->fd, p->pid, p->path, &decision, digest, p->kernel_cacheable);
            } else {
                char message[PATH_MAX + 64];
                snprintf(message, sizeof(message), "cannot hash %s: %s", p->path, strerror(-job->error));
                guard_emit_error(g, message, 0);
                answer_by_fail_mode(g, p->fd, p->pid, p->path);
            }
            pending_free(p);
            p = next;
        }
        free(h);
        job = next_job;
    }
}

static void remove_waiter(struct pending_exec *p) {
    struct inflight_hash *h = p->waiting_on;
    for (struct pending_exec **link = &h->waiters; *link; link = &(*link)->next_waiter) {
        if (*link == p) {
            *link = p->next_waiter;
            return;
        }
    }
}

void guard_expire_pending(struct guard *g, uint64_t now_ms) {
    struct pending_exec *p = g->pending_head;
    while (p) {
        struct pending_exec *next = p->next;
        if (p->deadline_ms <= now_ms) {
            /* The hash keeps running and fills the cache, so the next exec of this file is decided. */
            remove_waiter(p);
            pending_unlink(g, p);
            g->stats.timeouts++;
            answer_by_fail_mode(g, p->fd, p->pid, p->path);
            pending_free(p);
        }
        p = next;
    }
}

int64_t guard_next_deadline(const struct guard *g, uint64_t now_ms) {
    int64_t next = -1;
    for (const struct pending_exec *p = g->pending_head; p; p = p->next) {
        int64_t wait = p->deadline_ms > now_ms ? (int64_t)(p->deadline_ms - now_ms) : 0;
        if (next < 0 || wait < next) next = wait;
    }
    return next;
}

void guard_answer_all_pending(struct guard *g) {
    while (g->pending_head) {
        struct pending_exec *p = g->pending_head;
        remove_waiter(p);
        pending_unlink(g, p);
        respond(g, p->fd, !fail_mode_denies(g));
        pending_free(p);
    }
}
