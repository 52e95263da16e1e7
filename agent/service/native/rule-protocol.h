/* The stdin line protocol that carries a rule set from the agent:
 *   BEGIN <generation>
 *   MODE monitor|enforce        DEFAULT allow|block        FAILMODE open|closed
 *   TIMEOUT_MS <1..60000>        TRUSTED <prefix>
 *   RULE <id> <allow|block> <sha256|path|name> <value>
 *   END
 * Values (prefixes, rule values) are percent-encoded so spaces and newlines survive. A malformed
 * line spoils only the set being staged: END then rejects it and the rules in force stay. */
#ifndef DLP_RULE_PROTOCOL_H
#define DLP_RULE_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#include "rules.h"

#define PROTOCOL_MAX_TOKENS 8

struct rule_staging {
    struct rule_set *set; /* NULL outside BEGIN..END */
    int failed;
    char reason[256];
};

enum staging_result {
    STAGING_NOT_MINE, /* not a rule-set command */
    STAGING_OK,       /* consumed */
    STAGING_COMPLETE, /* END of a good set: *completed now belongs to the caller */
    STAGING_ERROR,    /* report `error`; *error_generation is the set it concerns (0 if none) */
};

/* Splits a line on single spaces, in place. Returns the token count, or -1 when there are more than max. */
int split_tokens(char *line, char **tokens, int max);

/* Decodes %XX escapes into `out` (NUL-terminated). Returns the decoded length, or -1 for a bad
 * escape, an encoded NUL, or output longer than out_len - 1. */
long percent_decode(const char *in, char *out, size_t out_len);

enum staging_result rule_staging_handle(struct rule_staging *staging, char **tokens, int count,
                                        struct rule_set **completed, char *error, size_t error_len,
                                        uint64_t *error_generation);

void rule_staging_reset(struct rule_staging *staging);

/* Marks the staged set (if any) as unusable, e.g. when one of its lines was lost. */
void rule_staging_spoil(struct rule_staging *staging, const char *reason);

#endif
