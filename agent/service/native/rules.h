/* A compiled application rule set and the decision procedure. It must decide exactly as the
 * agent's TypeScript matcher does (shared vectors in test/fixtures/app-rule-vectors.json):
 * first matching rule in list order wins; no match gives the default action, except that in
 * allowlist mode (default block) executables under a trusted path are allowed. */
#ifndef DLP_RULES_H
#define DLP_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "glob.h"
#include "sha256.h"

#define RULE_ID_MAX 64
#define RULE_SET_MAX_RULES 100000
#define RULE_SET_MAX_TRUSTED 1024

enum rule_action { RULE_ALLOW = 0, RULE_BLOCK = 1 };
enum rule_kind { RULE_SHA256, RULE_PATH, RULE_NAME };

struct app_rule {
    char id[RULE_ID_MAX + 1];
    enum rule_action action;
    enum rule_kind kind;
    char *value;
    uint8_t digest[SHA256_DIGEST_BYTES]; /* RULE_SHA256 */
    struct glob glob;                    /* RULE_PATH */
};

/* A trusted path is a directory prefix (`/usr/`, or `/usr` for /usr itself and everything below),
 * or a glob when it uses `*` or `?` (a glob ending in `/` covers everything below what it names). */
enum trusted_kind { TRUSTED_DIRECTORY, TRUSTED_EXACT_OR_BELOW, TRUSTED_GLOB };

struct trusted_path {
    enum trusted_kind kind;
    char *value;
    size_t length;
    struct glob glob;
};

struct rule_set {
    uint64_t generation;
    int monitor;      /* report would-block, never deny */
    int default_block; /* allowlist mode */
    int fail_closed;  /* deny when no decision is ready in time */
    unsigned timeout_ms;
    struct app_rule *rules;
    size_t count, capacity;
    struct trusted_path *trusted;
    size_t trusted_count, trusted_capacity;
    int has_sha256_rules;
};

/* What an exec is judged on. `path_code_points` is the path decoded by utf8_to_code_points. */
struct exec_subject {
    const char *path;
    const uint32_t *path_code_points;
    size_t path_length;
    const char *name;
    const uint8_t *digest; /* NULL while the content hash is unknown */
};

struct rule_decision {
    enum rule_action action;
    int rule_index; /* -1 when the default (or a trusted prefix) decided */
};

enum decide_outcome { DECIDED, NEEDS_HASH };

/* A permissive empty set: monitor mode, default allow, fail open, 250 ms. */
struct rule_set *rule_set_new(uint64_t generation);
void rule_set_free(struct rule_set *set);

/* Each returns 0, or -1 with a reason in `error`. Values are already percent-decoded. */
int rule_set_add_rule(struct rule_set *set, const char *id, const char *action, const char *kind, const char *value,
                      char *error, size_t error_len);
int rule_set_add_trusted(struct rule_set *set, const char *prefix, char *error, size_t error_len);

/* Decides without a content hash when no sha256 rule could change the outcome; otherwise, while
 * subject->digest is NULL, returns NEEDS_HASH (the hash is computed only then). */
enum decide_outcome rule_set_decide(const struct rule_set *set, const struct exec_subject *subject,
                                    struct rule_decision *out);

/* The rule id for reports, or "-" for the default. */
const char *rule_set_rule_id(const struct rule_set *set, int rule_index);

/* Basename of an absolute path (the part after the last '/'). */
const char *path_file_name(const char *path);

#endif
