#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rule_set *rule_set_new(uint64_t generation) {
    struct rule_set *set = calloc(1, sizeof(*set));
    if (!set) return NULL;
    set->generation = generation;
    set->monitor = 1;
    set->timeout_ms = 250;
    return set;
}

void rule_set_free(struct rule_set *set) {
    if (!set) return;
    for (size_t i = 0; i < set->count; i++) {
        free(set->rules[i].value);
        glob_free(&set->rules[i].glob);
    }
    free(set->rules);
    for (size_t i = 0; i < set->trusted_count; i++) {
        free(set->trusted[i].value);
        glob_free(&set->trusted[i].glob);
    }
    free(set->trusted);
    free(set);
}

static int valid_rule_id(const char *id) {
    size_t len = strlen(id);
    if (len == 0 || len > RULE_ID_MAX) return 0;
    for (size_t i = 0; i < len; i++) {
        char c = id[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (i == 0 && !alnum) return 0;
        if (!alnum && c != '.' && c != '_' && c != ':' && c != '-') return 0;
    }
    return 1;
}

int rule_set_add_rule(struct rule_set *set, const char *id, const char *action, const char *kind, const char *value,
                      char *error, size_t error_len) {
    struct app_rule rule;
    memset(&rule, 0, sizeof(rule));
    if (!valid_rule_id(id)) {
        snprintf(error, error_len, "bad rule id");
        return -1;
    }
    if (strcmp(action, "allow") == 0) rule.action = RULE_ALLOW;
    else if (strcmp(action, "block") == 0) rule.action = RULE_BLOCK;
    else {
        snprintf(error, error_len, "rule %s: action must be allow or block", id);
        return -1;
    }
    if (value[0] == '\0') {
        snprintf(error, error_len, "rule %s: empty value", id);
        return -1;
    }
    if (strcmp(kind, "sha256") == 0) {
        rule.kind = RULE_SHA256;
        if (sha256_from_hex(value, rule.digest) != 0) {
            snprintf(error, error_len, "rule %s: sha256 needs 64 lowercase hex characters", id);
            return -1;
        }
    } else if (strcmp(kind, "path") == 0) {
        rule.kind = RULE_PATH;
        if (value[0] != '/') {
            snprintf(error, error_len, "rule %s: path rules need an absolute path or glob", id);
            return -1;
        }
    } else if (strcmp(kind, "name") == 0) {
        rule.kind = RULE_NAME;
        if (strchr(value, '/')) {
            snprintf(error, error_len, "rule %s: name rules match a file name, without '/'", id);
            return -1;
        }
    } else {
        snprintf(error, error_len, "rule %s: kind must be sha256, path or name", id);
        return -1;
    }
    if (set->count >= RULE_SET_MAX_RULES) {
        snprintf(error, error_len, "too many rules");
        return -1;
    }
    if (set->count == set->capacity) {
        size_t capacity = set->capacity ? set->capacity * 2 : 16;
        struct app_rule *grown = realloc(set->rules, capacity * sizeof(*grown));
        if (!grown) {
            snprintf(error, error_len, "out of memory");
            return -1;
        }
        set->rules = grown;
        set->capacity = capacity;
    }
    strcpy(rule.id, id);
    rule.value = strdup(value);
    if (!rule.value || (rule.kind == RULE_PATH && glob_compile(value, &rule.glob) != 0)) {
        free(rule.value);
        snprintf(error, error_len, "out of memory");
        return -1;
    }
    if (rule.kind == RULE_SHA256) set->has_sha256_rules = 1;
    set->rules[set->count++] = rule;
    return 0;
}

int rule_set_add_trusted(struct rule_set *set, const char *prefix, char *error, size_t error_len) {
    if (prefix[0] != '/') {
        snprintf(error, error_len, "trusted paths must be absolute");
        return -1;
    }
    if (set->trusted_count >= RULE_SET_MAX_TRUSTED) {
        snprintf(error, error_len, "too many trusted paths");
        return -1;
    }
    if (set->trusted_count == set->trusted_capacity) {
        size_t capacity = set->trusted_capacity ? set->trusted_capacity * 2 : 8;
        struct trusted_path *grown = realloc(set->trusted, capacity * sizeof(*grown));
        if (!grown) {
            snprintf(error, error_len, "out of memory");
            return -1;
        }
        set->trusted = grown;
        set->trusted_capacity = capacity;
    }
    struct trusted_path entry;
    memset(&entry, 0, sizeof(entry));
    entry.length = strlen(prefix);
    int ends_with_slash = prefix[entry.length - 1] == '/';
    if (strchr(prefix, '*') || strchr(prefix, '?')) {
        entry.kind = TRUSTED_GLOB;
        size_t size = entry.length + 3;
        char *pattern = malloc(size);
        if (pattern) {
            snprintf(pattern, size, "%s%s", prefix, ends_with_slash ? "**" : "");
            if (glob_compile(pattern, &entry.glob) != 0) entry.glob.tokens = NULL;
            free(pattern);
        }
        if (!pattern || !entry.glob.tokens) {
            snprintf(error, error_len, "out of memory");
            return -1;
        }
    } else {
        entry.kind = ends_with_slash ? TRUSTED_DIRECTORY : TRUSTED_EXACT_OR_BELOW;
    }
    entry.value = strdup(prefix);
    if (!entry.value) {
        glob_free(&entry.glob);
        snprintf(error, error_len, "out of memory");
        return -1;
    }
    set->trusted[set->trusted_count++] = entry;
    return 0;
}

const char *path_file_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int is_trusted(const struct rule_set *set, const struct exec_subject *subject) {
    for (size_t i = 0; i < set->trusted_count; i++) {
        const struct trusted_path *t = &set->trusted[i];
        switch (t->kind) {
        case TRUSTED_DIRECTORY:
            if (strncmp(subject->path, t->value, t->length) == 0) return 1;
            break;
        case TRUSTED_EXACT_OR_BELOW:
            if (strncmp(subject->path, t->value, t->length) == 0 &&
                (subject->path[t->length] == '\0' || subject->path[t->length] == '/')) {
                return 1;
            }
            break;
        case TRUSTED_GLOB:
            if (glob_match(&t->glob, subject->path_code_points, subject->path_length)) return 1;
            break;
        }
    }
    return 0;
}

enum decide_outcome rule_set_decide(const struct rule_set *set, const struct exec_subject *subject,
                                    struct rule_decision *out) {
    for (size_t i = 0; i < set->count; i++) {
        const struct app_rule *rule = &set->rules[i];
        int matched = 0;
        switch (rule->kind) {
        case RULE_SHA256:
            /* An earlier sha256 rule could still win, so the hash is needed from here on. */
            if (!subject->digest) return NEEDS_HASH;
            matched = memcmp(subject->digest, rule->digest, SHA256_DIGEST_BYTES) == 0;
            break;
        case RULE_PATH:
            matched = glob_match(&rule->glob, subject->path_code_points, subject->path_length);
            break;
        case RULE_NAME:
            matched = strcmp(subject->name, rule->value) == 0;
            break;
        }
        if (matched) {
            out->action = rule->action;
            out->rule_index = (int)i;
            return DECIDED;
        }
    }
    out->rule_index = -1;
    if (!set->default_block) out->action = RULE_ALLOW;
    else out->action = is_trusted(set, subject) ? RULE_ALLOW : RULE_BLOCK;
    return DECIDED;
}

const char *rule_set_rule_id(const struct rule_set *set, int rule_index) {
    if (rule_index < 0 || (size_t)rule_index >= set->count) return "-";
    return set->rules[rule_index].id;
}
