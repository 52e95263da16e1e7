#include "rule-protocol.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Policies bound values to 4096 characters; in UTF-8 that is up to 4 bytes each. */
#define MAX_DECODED_VALUE 16384

int split_tokens(char *line, char **tokens, int max) {
    int count = 0;
    char *cursor = line;
    while (*cursor) {
        if (count == max) return -1;
        tokens[count++] = cursor;
        char *space = strchr(cursor, ' ');
        if (!space) break;
        *space = '\0';
        cursor = space + 1;
    }
    return count;
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

long percent_decode(const char *in, char *out, size_t out_len) {
    size_t n = 0;
    for (size_t i = 0; in[i]; i++) {
        int byte = (unsigned char)in[i];
        if (byte == '%') {
            int high = in[i + 1] ? hex_value(in[i + 1]) : -1;
            int low = high >= 0 && in[i + 2] ? hex_value(in[i + 2]) : -1;
            if (high < 0 || low < 0) return -1;
            byte = (high << 4) | low;
            if (byte == 0) return -1;
            i += 2;
        }
        if (n + 1 >= out_len) return -1;
        out[n++] = (char)byte;
    }
    out[n] = '\0';
    return (long)n;
}

static int parse_u64(const char *text, uint64_t *out) {
    if (!text[0] || text[0] == '-' || text[0] == '+') return -1;
    char *end = NULL;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno || *end) return -1;
    *out = value;
    return 0;
}

void rule_staging_reset(struct rule_staging *staging) {
    rule_set_free(staging->set);
    staging->set = NULL;
    staging->failed = 0;
    staging->reason[0] = '\0';
}

void rule_staging_spoil(struct rule_staging *staging, const char *reason) {
    if (!staging->set) return;
    if (staging->failed) return; /* keep the first reason: it is the one that explains the rest */
    staging->failed = 1;
    snprintf(staging->reason, sizeof(staging->reason), "%s", reason);
}

static int is_verb(const char *verb, const char *candidate) { return strcmp(verb, candidate) == 0; }

/* Applies one setting line to the staged set; returns 0 or -1 with `reason`. */
static int apply_setting(struct rule_set *set, char **tokens, int count, char *reason, size_t reason_len) {
    const char *verb = tokens[0];
    if (is_verb(verb, "RULE")) {
        if (count != 5) {
            snprintf(reason, reason_len, "RULE needs: id action kind value");
            return -1;
        }
        char value[MAX_DECODED_VALUE + 1];
        if (percent_decode(tokens[4], value, sizeof(value)) < 0) {
            snprintf(reason, reason_len, "RULE %.64s: bad percent-encoding or value too long", tokens[1]);
            return -1;
        }
        return rule_set_add_rule(set, tokens[1], tokens[2], tokens[3], value, reason, reason_len);
    }
    if (count != 2) {
        snprintf(reason, reason_len, "%.16s needs exactly one argument", verb);
        return -1;
    }
    const char *arg = tokens[1];
    if (is_verb(verb, "MODE")) {
        if (!is_verb(arg, "monitor") && !is_verb(arg, "enforce")) goto bad_value;
        set->monitor = is_verb(arg, "monitor");
    } else if (is_verb(verb, "DEFAULT")) {
        if (!is_verb(arg, "allow") && !is_verb(arg, "block")) goto bad_value;
        set->default_block = is_verb(arg, "block");
    } else if (is_verb(verb, "FAILMODE")) {
        if (!is_verb(arg, "open") && !is_verb(arg, "closed")) goto bad_value;
        set->fail_closed = is_verb(arg, "closed");
    } else if (is_verb(verb, "TIMEOUT_MS")) {
        uint64_t ms;
        if (parse_u64(arg, &ms) != 0 || ms < 1 || ms > 60000) goto bad_value;
        set->timeout_ms = (unsigned)ms;
    } else if (is_verb(verb, "TRUSTED")) {
        char prefix[MAX_DECODED_VALUE + 1];
        if (percent_decode(arg, prefix, sizeof(prefix)) < 0) goto bad_value;
        return rule_set_add_trusted(set, prefix, reason, reason_len);
    } else {
        return 1;
    }
    return 0;
bad_value:
    snprintf(reason, reason_len, "%.16s: bad value", verb);
    return -1;
}

enum staging_result rule_staging_handle(struct rule_staging *staging, char **tokens, int count,
                                        struct rule_set **completed, char *error, size_t error_len,
                                        uint64_t *error_generation) {
    static const char *const setting_verbs[] = {"MODE", "DEFAULT", "FAILMODE", "TIMEOUT_MS", "TRUSTED", "RULE"};
    const char *verb = tokens[0];
    *error_generation = 0;
    if (is_verb(verb, "BEGIN")) {
        uint64_t generation;
        enum staging_result result = STAGING_OK;
        if (staging->set) {
            /* The agent started over: the unfinished set will never apply, and it must hear so. */
            *error_generation = staging->set->generation;
            snprintf(error, error_len, "rule set %llu abandoned by a new BEGIN",
                     (unsigned long long)staging->set->generation);
            result = STAGING_ERROR;
        }
        rule_staging_reset(staging);
        if (count != 2 || parse_u64(tokens[1], &generation) != 0) {
            snprintf(error, error_len, "BEGIN needs a generation number");
            return STAGING_ERROR;
        }
        staging->set = rule_set_new(generation);
        if (!staging->set) {
            snprintf(error, error_len, "out of memory");
            return STAGING_ERROR;
        }
        return result;
    }
    int is_setting = 0;
    for (size_t i = 0; i < sizeof(setting_verbs) / sizeof(setting_verbs[0]); i++) {
        if (is_verb(verb, setting_verbs[i])) is_setting = 1;
    }
    if (!is_setting && !is_verb(verb, "END")) return STAGING_NOT_MINE;
    if (!staging->set) {
        snprintf(error, error_len, "%.16s outside BEGIN/END", verb);
        return STAGING_ERROR;
    }
    if (is_setting) {
        char reason[256];
        if (!staging->failed && apply_setting(staging->set, tokens, count, reason, sizeof(reason)) != 0) {
            rule_staging_spoil(staging, reason);
        }
        return STAGING_OK;
    }
    uint64_t generation = staging->set->generation;
    if (count != 1) rule_staging_spoil(staging, "END takes no argument");
    if (staging->failed) {
        *error_generation = generation;
        snprintf(error, error_len, "rule set %llu rejected: %s", (unsigned long long)generation, staging->reason);
        rule_staging_reset(staging);
        return STAGING_ERROR;
    }
    *completed = staging->set;
    staging->set = NULL;
    return STAGING_COMPLETE;
}
