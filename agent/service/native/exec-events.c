/* The decision path: every FAN_OPEN_EXEC_PERM event (and every loader/script open handed over by
 * open-judging.c) gets exactly one answer, from the cache, from
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
#include <stdatomic.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guard.h"

#define UNREADABLE_PATH "/(unreadable path: longer than PATH_MAX)"

static void respond(struct guard *g, int fd, int allow);

/* The open fast path: an answer, not a decision (`stats` counts these as opensFast). */
void guard_respond(struct guard *g, int fd, int allow) {
    struct fanotify_response response = {.fd = fd, .response = allow ? FAN_ALLOW : FAN_DENY};
    while (write(g->fanotify_fd, &response, sizeof(response)) < 0 && errno == EINTR) {
    }
    close(fd);
}

static void respond(struct guard *g, int fd, int allow) {
    struct fanotify_response response = {.fd = fd, .response = allow ? FAN_ALLOW : FAN_DENY};
    while (write(g->fanotify_fd, &response, sizeof(response)) < 0 && errno == EINTR) {
    }
    close(fd);
    g->stats.decisions++;
    if (allow) g->stats.allowed++;
    else g->stats.denied++;
}

/* Who made the exec, read from /proc BEFORE the kernel gets its answer: until then the process is
 * held in exec and certainly exists; a refused one often exits at once, and a later read would
 * report the block without its uid and user (seen under load). Costs one /proc read per report. */
struct exec_process {
    pid_t pid;
    int64_t ppid, uid;
};

static struct exec_process exec_process_of(pid_t pid) {
    struct exec_process process = {.pid = pid};
    read_process_identity(pid, &process.ppid, &process.uid);
    return process;
}

static void send_report(struct guard *g, const struct exec_process *process, const char *path, const char *kind, int deny, int rule_index,
                        const uint8_t *digest, const struct opener *opener) {
    struct decision_report report;
    memset(&report, 0, sizeof(report));
    report.via = opener ? opener->via : "exec";
    if (opener) snprintf(report.interpreter, sizeof(report.interpreter), "%s", opener->interpreter);
    report.deny = deny;
    report.report = kind;
    report.pid = process->pid;
    report.ppid = process->ppid;
    report.uid = process->uid;
    /* An unknown path (see handle_permission_event) is reported under a name that says so. */
    report.path = (char *)(path[0] ? path : UNREADABLE_PATH); /* report_decision copies what it keeps */
    snprintf(report.rule_id, sizeof(report.rule_id), "%s", rule_set_rule_id(g->rules, rule_index));
    report.has_digest = digest != NULL;
    if (digest) sha256_to_hex(digest, report.digest_hex);
    report.generation = g->rules->generation;
    report_decision(&g->limiter, &g->out, &report, monotonic_ms());
}

/* The agent sends signed exceptions as allow rules with ids `exception:<id>` (EXCEPTION_RULE_PREFIX
 * in shared/src/matching/app-matcher.ts; agent-pre-exec.test.ts checks both agree) in front of the
 * policy's rules. An exec they let through is reported: officers want to see an exception used,
 * not only granted. */
static int is_exception_rule(const struct rule_set *set, int rule_index) {
    static const char prefix[] = "exception:";
    return rule_index >= 0 && strncmp(rule_set_rule_id(set, rule_index), prefix, sizeof(prefix) - 1) == 0;
}

/* The BPF LSM refuses mapping this file as code from now on (until it changes or the rules do). */
static void note_refused_for_lsm(struct guard *g, int fd, const char *path, int rule_index, const uint8_t *digest) {
    char digest_hex[SHA256_HEX_BYTES];
    if (digest) sha256_to_hex(digest, digest_hex);
    lsm_guard_note_blocked(&g->lsm, fd, rule_set_rule_id(g->rules, rule_index), digest ? digest_hex : NULL, path[0] ? path : UNREADABLE_PATH);
}

/* Answers by a rule decision and reports what is worth reporting. An allow that needs no report may be
 * cached in the kernel (an exception's allow is reported on every use, so it never is). */
static void finish(struct guard *g, int fd, pid_t pid, const char *path, const struct rule_decision *decision,
                   const uint8_t *digest, int kernel_cacheable, const struct opener *opener) {
    int blocked = decision->action == RULE_BLOCK;
    if (opener->note_only) {
        if (blocked && !opener->untrusted_fs) note_refused_for_lsm(g, fd, path, decision->rule_index, digest);
        else if (!blocked && kernel_cacheable) kernel_cache_add(&g->kernel_cache, fd);
        respond(g, fd, 1);
        return;
    }
    /* Allowlist mode, a file a loader or interpreter reads that no rule names: refused only when it
     * looks like code (executable, script extension, #! or ELF). Data files an interpreter reads are
     * not programs; a script that hides as data is a residual named in the README. */
    if (blocked && decision->rule_index < 0 && strcmp(opener->via, "exec") != 0 && !opener->untrusted_fs) {
        struct stat st;
        if (fstat(fd, &st) == 0 && !looks_like_script(fd, path, st.st_mode)) {
            respond(g, fd, 1);
            return;
        }
    }
    int deny = blocked && !g->rules->monitor;
    int exception_used = !blocked && is_exception_rule(g->rules, decision->rule_index);
    if (!blocked && kernel_cacheable && !exception_used) kernel_cache_add(&g->kernel_cache, fd);
    struct exec_process process = {.pid = pid, .ppid = -1, .uid = -1};
    if (blocked || exception_used) process = exec_process_of(pid);
    /* Mapping it as code (a loader of the user's own) meets the same refusal in the BPF LSM. Not for
     * FUSE/network files: their stat fields are the server's to choose (and an fstat may stall). */
    if (blocked && !opener->untrusted_fs) note_refused_for_lsm(g, fd, path, decision->rule_index, digest);
    respond(g, fd, !deny);
    if (blocked) send_report(g, &process, path, deny ? "blocked" : "would-block", deny, decision->rule_index, digest, opener);
    else if (exception_used) send_report(g, &process, path, "allowed", 0, decision->rule_index, digest, opener);
}

/* What the kernel gets when no decision can be made in time. Monitor mode never denies. */
static int fail_mode_denies(const struct guard *g) { return g->rules->fail_closed && !g->rules->monitor; }

static void answer_by_fail_mode(struct guard *g, int fd, pid_t pid, const char *path, const struct opener *opener) {
    if (opener->note_only) {
        respond(g, fd, 1);
        return;
    }
    int deny = fail_mode_denies(g);
    struct exec_process process = exec_process_of(pid);
    respond(g, fd, !deny);
    send_report(g, &process, path, "timeout", deny, -1, NULL, opener);
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
    /* An untrusted identity may name different content at different times: its own hash each time. */
    struct inflight_hash *h = p->untrusted_stat ? NULL : find_inflight(g, &p->identity);
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
        h->untrusted_stat = p->untrusted_stat;
        h->job.owner = h;
        h->next = g->inflight;
        g->inflight = h;
        g->stats.inflight_hashes++;
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

static const struct opener EXEC_OPENER = {"exec", "", 0, 0};

static void handle_permission_event(struct guard *g, const struct fanotify_event_metadata *meta) {
    int fd = meta->fd;
    pid_t pid = meta->pid;
    if (pid == g->self_pid || (g->agent_pid > 0 && pid == g->agent_pid)) {
        g->stats.exempt++;
        respond(g, fd, 1);
        return;
    }
    struct opener opener = EXEC_OPENER;
    opener.untrusted_fs = mount_untrusted(&g->mount_trust, fd, pid);
    /* One fstat (never on FUSE/network mounts) serves the twin below and the decision. */
    struct stat st;
    int have_stat = !opener.untrusted_fs && fstat(fd, &st) == 0;
    /* Its FAN_OPEN_PERM twin is recognised by inode. */
    if (g->opens.enabled && have_stat) open_judging_note_exec(&g->opens, pid, &st);
    guard_judge(g, fd, pid, &opener, have_stat ? &st : NULL);
}

void guard_judge(struct guard *g, int fd, pid_t pid, const struct opener *opener, const struct stat *known_stat) {
    /* FUSE and network file systems: their server chooses owner, mode, ctime and size, so neither
     * the decision cache, nor a remembered hash, nor the kernel cache may trust them (always
     * hashed); and their calls can stall, so this thread never makes one (no fstat: the hash
     * worker reads the file and checks it did not change). */
    int untrusted = opener->untrusted_fs; /* found by the caller (mount_untrusted) */
    char link[64];
    char path[PATH_MAX];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    /* The kernel cannot print every path (longer than PATH_MAX: ENAMETOOLONG; a result that fills
     * the buffer may be cut). Such an exec is still judged, by the open file: its content and the
     * rules that need no path (sha256 rules, the default); path, name and trusted-path rules
     * cannot match an unknown path. Never the fail mode: that would make a deep path a way around. */
    ssize_t len = readlink(link, path, sizeof(path) - 1);
    if (len < 0 || len >= (ssize_t)sizeof(path) - 1 || path[0] != '/') len = 0;
    path[len] = '\0';
    struct stat st;
    memset(&st, 0, sizeof(st));
    if (!untrusted && known_stat) st = *known_stat;
    else if (!untrusted && fstat(fd, &st) != 0) {
        answer_by_fail_mode(g, fd, pid, len ? path : "", opener);
        return;
    }
    struct file_identity identity;
    file_identity_from_stat(&st, &identity);
    int cacheable = !untrusted && kernel_cache_eligible(&st, path);
    struct cache_entry *entry = untrusted ? NULL : decision_cache_find(&g->cache, &identity);
    /* A file changed too shortly before its hash may have changed again within the same timestamp
     * step: neither its digest nor a decision made with it says anything about this version. */
    if (entry && entry->has_digest && !cache_entry_digest_settled(entry)) {
        g->stats.unsettled_rehashes++;
        entry = NULL;
    }
    if (entry && entry->decision_epoch == g->epoch && entry->decided_path && strcmp(entry->decided_path, path) == 0) {
        g->stats.cache_hits++;
        finish(g, fd, pid, path, &entry->decision, entry->has_digest ? entry->digest : NULL, cacheable, opener);
        return;
    }
    g->stats.cache_misses++;
    uint32_t *code_points = malloc(((size_t)len + 1) * sizeof(uint32_t));
    if (!code_points) {
        answer_by_fail_mode(g, fd, pid, path, opener);
        return;
    }
    struct exec_subject subject = {path, code_points, utf8_to_code_points(path, code_points), path_file_name(path),
                                   entry && entry->has_digest ? entry->digest : NULL};
    struct rule_decision decision;
    if (rule_set_decide(g->rules, &subject, &decision) == DECIDED) {
        if (untrusted) {
            finish(g, fd, pid, path, &decision, NULL, 0, opener);
        } else {
            struct cache_entry *slot = decision_cache_claim(&g->cache, &identity);
            cache_entry_store_decision(slot, g->epoch, &decision, path);
            finish(g, fd, pid, path, &decision, slot->has_digest ? slot->digest : NULL, cacheable, opener);
        }
        free(code_points);
        return;
    }
    struct pending_exec *p = calloc(1, sizeof(*p));
    char *path_copy = strdup(path);
    if (!p || !path_copy) {
        free(p);
        free(path_copy);
        free(code_points);
        answer_by_fail_mode(g, fd, pid, path, opener);
        return;
    }
    p->fd = fd;
    p->pid = pid;
    p->identity = identity;
    p->path = path_copy;
    p->path_code_points = code_points;
    p->path_length = subject.path_length;
    p->kernel_cacheable = cacheable;
    p->untrusted_stat = untrusted;
    p->opener = *opener;
    p->arrived_ms = monotonic_ms();
    p->deadline_ms = p->arrived_ms + g->rules->timeout_ms;
    if (wait_for_hash(g, p) != 0) {
        answer_by_fail_mode(g, fd, pid, path, opener);
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
                else if (meta->mask & FAN_OPEN_PERM) guard_handle_open(g, meta);
                else close(meta->fd); /* not a permission event: nothing to answer */
            }
            meta = FAN_EVENT_NEXT(meta, len);
        }
    }
}

static void note_wait(struct guard *g, const struct pending_exec *p) {
    uint64_t waited = monotonic_ms() - p->arrived_ms;
    if (waited > g->stats.longest_wait_ms) g->stats.longest_wait_ms = waited;
}

/* The file changed while it was read: the digest belongs to no single version of it. Hash it again
 * (nothing is cached), and after HASH_ATTEMPTS refuse: a file kept changing under its own exec is
 * not judged by the fail mode, or rewriting it in a loop would be a way around every rule. */
static int rehash_changed(struct guard *g, struct inflight_hash *h) {
    g->stats.changed_while_hashed++;
    if (++h->attempts >= HASH_ATTEMPTS || !h->waiters) return 0;
    h->job.fd = fcntl(h->waiters->fd, F_DUPFD_CLOEXEC, 0);
    if (h->job.fd < 0) return 0;
    h->next = g->inflight;
    g->inflight = h;
    hash_pool_submit(&g->pool, &h->job);
    return 1;
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
        if (job->error == 0 && job->changed && rehash_changed(g, h)) {
            job = next_job;
            continue;
        }
        g->stats.inflight_hashes--;
        const uint8_t *digest = NULL;
        int unstable = job->error == 0 && job->changed;
        if (job->error == 0 && !unstable && h->untrusted_stat) {
            digest = job->digest; /* used for these waiters only, never remembered */
            g->stats.hashes++;
        } else if (job->error == 0 && !unstable) {
            struct cache_entry *entry = decision_cache_claim(&g->cache, &h->identity);
            entry->has_digest = 1;
            memcpy(entry->digest, job->digest, SHA256_DIGEST_BYTES);
            entry->hashed_at_ns = job->read_started_ns;
            digest = entry->digest;
            g->stats.hashes++;
        } else if (!unstable) {
            g->stats.hash_errors++;
        }
        struct pending_exec *p = h->waiters;
        while (p) {
            struct pending_exec *next = p->next_waiter;
            pending_unlink(g, p);
            note_wait(g, p);
            struct rule_decision decision;
            struct exec_subject subject = {p->path, p->path_code_points, p->path_length, path_file_name(p->path), digest};
            if (digest && rule_set_decide(g->rules, &subject, &decision) == DECIDED) {
                if (!p->untrusted_stat) {
                    struct cache_entry *entry = decision_cache_claim(&g->cache, &p->identity);
                    cache_entry_store_decision(entry, g->epoch, &decision, p->path);
                }
                finish(g, p->fd, p->pid, p->path, &decision, digest, p->kernel_cacheable, &p->opener);
            } else if (unstable) {
                char message[PATH_MAX + 64];
                snprintf(message, sizeof(message), "%s changed while it was hashed, %d times: refused", p->path[0] ? p->path : UNREADABLE_PATH, HASH_ATTEMPTS);
                guard_emit_error(g, message, 0);
                struct rule_decision refuse = {RULE_BLOCK, -1};
                finish(g, p->fd, p->pid, p->path, &refuse, NULL, 0, &p->opener);
            } else {
                char message[PATH_MAX + 64];
                snprintf(message, sizeof(message), "cannot hash %s: %s", p->path, strerror(-job->error));
                guard_emit_error(g, message, 0);
                answer_by_fail_mode(g, p->fd, p->pid, p->path, &p->opener);
            }
            pending_free(p);
            p = next;
        }
        free(h);
        job = next_job;
    }
}

/* A pending exec's deadline runs from its arrival (TIMEOUT_MS), and again from its hash's latest
 * progress: an exec waits as long as its file is being read (a large file is never a reason to
 * give up), and the fail mode answers only when the read made no progress for the stall limit
 * (a stalled file system, a stuck pool). A hash still queued counts the pool's progress: it waits
 * for other files being read. The stall limit is not TIMEOUT_MS itself: on a busy machine a
 * worker thread can be off the CPU for longer than a 10 ms timeout without anything being stuck. */
static uint64_t effective_deadline(const struct guard *g, const struct pending_exec *p) {
    uint64_t deadline = p->deadline_ms;
    if (!p->waiting_on) return deadline;
    uint64_t progress = atomic_load(&p->waiting_on->job.last_progress_ms);
    uint64_t pool_progress = atomic_load(&((struct guard *)g)->pool.last_progress_ms);
    if (pool_progress > progress) progress = pool_progress;
    uint64_t stall = g->rules->timeout_ms > HASH_STALL_MS ? g->rules->timeout_ms : HASH_STALL_MS;
    if (progress && progress + stall > deadline) deadline = progress + stall;
    return deadline;
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
        if (effective_deadline(g, p) <= now_ms) {
            /* The hash keeps running and fills the cache, so the next exec of this file is decided. */
            remove_waiter(p);
            pending_unlink(g, p);
            note_wait(g, p);
            g->stats.timeouts++;
            answer_by_fail_mode(g, p->fd, p->pid, p->path, &p->opener);
            pending_free(p);
        }
        p = next;
    }
}

int64_t guard_next_deadline(const struct guard *g, uint64_t now_ms) {
    int64_t next = -1;
    for (const struct pending_exec *p = g->pending_head; p; p = p->next) {
        uint64_t deadline = effective_deadline(g, p);
        int64_t wait = deadline > now_ms ? (int64_t)(deadline - now_ms) : 0;
        if (next < 0 || wait < next) next = wait;
    }
    return next;
}

void guard_answer_all_pending(struct guard *g) {
    while (g->pending_head) {
        struct pending_exec *p = g->pending_head;
        remove_waiter(p);
        pending_unlink(g, p);
        respond(g, p->fd, p->opener.note_only || !fail_mode_denies(g));
        pending_free(p);
    }
}

void guard_report_lsm_refusal(void *ctx, const struct lsm_guard_refusal *refusal) {
    struct guard *g = ctx;
    struct decision_report report;
    memset(&report, 0, sizeof(report));
    report.deny = refusal->denied;
    report.report = refusal->denied ? "blocked" : "would-block";
    report.pid = refusal->pid;
    int64_t uid_now = -1;
    read_process_identity(refusal->pid, &report.ppid, &uid_now);
    report.uid = refusal->uid;
    report.path = (char *)refusal->path;
    snprintf(report.rule_id, sizeof(report.rule_id), "%s", refusal->rule_id);
    report.has_digest = refusal->digest_hex != NULL;
    if (refusal->digest_hex) snprintf(report.digest_hex, sizeof(report.digest_hex), "%s", refusal->digest_hex);
    report.generation = g->rules->generation;
    report.via = refusal->via;
    report.lsm_reason = refusal->reason;
    if (strcmp(refusal->via, "exec") != 0) {
        /* The process that tried to map it: its program, while it still runs. */
        char link[64];
        snprintf(link, sizeof(link), "/proc/%d/exe", (int)refusal->pid);
        ssize_t n = readlink(link, report.interpreter, sizeof(report.interpreter) - 1);
        report.interpreter[n > 0 ? n : 0] = '\0';
    }
    report_decision(&g->limiter, &g->out, &report, monotonic_ms());
}
