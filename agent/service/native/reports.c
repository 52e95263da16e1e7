#include "reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROBE_LIMIT 8

int report_limiter_init(struct report_limiter *limiter, size_t slots, uint64_t interval_ms) {
    limiter->slots = calloc(slots, sizeof(struct limiter_slot));
    limiter->slot_count = slots;
    limiter->interval_ms = interval_ms;
    limiter->holding = 0;
    return limiter->slots ? 0 : -1;
}

void report_limiter_free(struct report_limiter *limiter) {
    for (size_t i = 0; i < limiter->slot_count; i++) free(limiter->slots[i].last.path);
    free(limiter->slots);
    limiter->slots = NULL;
}

static void emit(struct output *out, const struct decision_report *r, uint64_t suppressed) {
    struct json j;
    json_begin(&j);
    json_string(&j, "type", "decision");
    json_string(&j, "verdict", r->deny ? "deny" : "allow");
    json_string(&j, "report", r->report);
    json_i64(&j, "pid", r->pid);
    if (r->ppid >= 0) json_i64(&j, "ppid", r->ppid);
    if (r->uid >= 0) json_i64(&j, "uid", r->uid);
    json_string(&j, "path", r->path);
    json_string(&j, "sha256", r->has_digest ? r->digest_hex : NULL);
    json_string(&j, "ruleId", strcmp(r->rule_id, "-") == 0 ? NULL : r->rule_id);
    json_u64(&j, "suppressed", suppressed);
    json_u64(&j, "generation", r->generation);
    if (r->lsm_reason) {
        json_string(&j, "method", "bpf-lsm");
        json_string(&j, "lsmReason", r->lsm_reason);
    }
    if (r->via && strcmp(r->via, "exec") != 0) {
        json_string(&j, "via", r->via);
        json_string(&j, "interpreter", r->interpreter);
    }
    if (json_end(&j) == 0) output_line(out, j.text, j.len, LINE_REPORT);
    else out->dropped_reports++;
    json_free(&j);
}

static uint64_t fnv1a(uint64_t h, const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    return (h ^ 0xff) * 0x100000001b3ULL; /* a separator, so ("ab","c") and ("a","bc") differ */
}

static int same_key(const struct decision_report *a, const struct decision_report *b) {
    return strcmp(a->report, b->report) == 0 && strcmp(a->rule_id, b->rule_id) == 0 && strcmp(a->path, b->path) == 0;
}

static void keep_last(struct limiter_slot *slot, const struct decision_report *report) {
    char *path = strdup(report->path);
    if (!path) return; /* keep the older details: the count is what matters */
    free(slot->last.path);
    slot->last = *report;
    slot->last.path = path;
}

void report_decision(struct report_limiter *limiter, struct output *out, const struct decision_report *report,
                     uint64_t now_ms) {
    if (limiter->interval_ms == 0) {
        emit(out, report, 0);
        return;
    }
    uint64_t h = fnv1a(fnv1a(fnv1a(0xcbf29ce484222325ULL, report->report), report->rule_id), report->path);
    struct limiter_slot *victim = NULL;
    for (size_t probe = 0; probe < PROBE_LIMIT; probe++) {
        struct limiter_slot *slot = &limiter->slots[(h + probe) % limiter->slot_count];
        if (slot->used && slot->key_hash == h && same_key(&slot->last, report)) {
            if (now_ms - slot->window_start_ms < limiter->interval_ms) {
                if (slot->suppressed++ == 0) limiter->holding++;
                keep_last(slot, report);
                return;
            }
            emit(out, report, slot->suppressed);
            if (slot->suppressed > 0) limiter->holding--;
            slot->suppressed = 0;
            slot->window_start_ms = now_ms;
            keep_last(slot, report);
            return;
        }
        if (!slot->used) {
            if (!victim || victim->used) victim = slot;
        } else if (!victim || (victim->used && slot->window_start_ms < victim->window_start_ms)) {
            victim = slot;
        }
    }
    /* A new key: evict the oldest neighbour, first sending what it was still holding back. */
    if (victim->used && victim->suppressed > 0) {
        emit(out, &victim->last, victim->suppressed - 1);
        limiter->holding--;
    }
    emit(out, report, 0);
    victim->used = 1;
    victim->key_hash = h;
    victim->window_start_ms = now_ms;
    victim->suppressed = 0;
    keep_last(victim, report);
}

void report_limiter_flush(struct report_limiter *limiter, struct output *out, uint64_t now_ms, int force) {
    if (limiter->holding == 0) return;
    for (size_t i = 0; i < limiter->slot_count; i++) {
        struct limiter_slot *slot = &limiter->slots[i];
        if (!slot->used || slot->suppressed == 0) continue;
        if (!force && now_ms - slot->window_start_ms < limiter->interval_ms) continue;
        /* The summary stands for the latest repeat; the others ride along in its counter. */
        emit(out, &slot->last, slot->suppressed - 1);
        slot->suppressed = 0;
        slot->window_start_ms = now_ms;
        limiter->holding--;
    }
}

int64_t report_limiter_next_due(const struct report_limiter *limiter, uint64_t now_ms) {
    int64_t next = -1;
    if (limiter->holding == 0) return -1;
    for (size_t i = 0; i < limiter->slot_count; i++) {
        const struct limiter_slot *slot = &limiter->slots[i];
        if (!slot->used || slot->suppressed == 0) continue;
        uint64_t due = slot->window_start_ms + limiter->interval_ms;
        int64_t wait = due > now_ms ? (int64_t)(due - now_ms) : 0;
        if (next < 0 || wait < next) next = wait;
    }
    return next;
}

void read_process_identity(pid_t pid, int64_t *ppid, int64_t *uid) {
    char path[64];
    char line[512];
    *ppid = -1;
    *uid = -1;
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f) return;
    while (fgets(line, sizeof(line), f)) {
        long long value;
        if (sscanf(line, "PPid: %lld", &value) == 1) *ppid = value;
        else if (sscanf(line, "Uid: %lld", &value) == 1) *uid = value;
    }
    fclose(f);
}
