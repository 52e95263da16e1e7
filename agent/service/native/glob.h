/* Path globs for `path` rules, compiled to a tiny NFA so matching is linear in the path length
 * times the pattern length (no exponential backtracking on patterns such as `*a*a*a*b`).
 *
 * Semantics, shared with the TypeScript matcher through test/fixtures/app-rule-vectors.json:
 *   `?`  one character (Unicode code point) other than `/`
 *   `*`  any run of characters without `/` (possibly empty)
 *   `**` any run of characters, `/` included (possibly empty); when it fills a whole segment
 *        (slash, two stars, slash) that segment may also vanish, so the pattern
 *        "/a/" "**" "/b" matches /a/b as well as /a/x/y/b
 *   anything else matches itself, case-sensitively; there are no character classes or escapes. */
#ifndef DLP_GLOB_H
#define DLP_GLOB_H

#include <stddef.h>
#include <stdint.h>

enum glob_op { GLOB_LITERAL, GLOB_ANY_ONE, GLOB_STAR, GLOB_GLOBSTAR, GLOB_SKIP };

struct glob_token {
    enum glob_op op;
    uint32_t code_point;  /* GLOB_LITERAL */
    size_t skip_to;       /* GLOB_SKIP: token index reached without consuming input */
};

struct glob {
    struct glob_token *tokens;
    size_t count;
};

/* Decodes UTF-8 into code points; an invalid byte b becomes 0xDC00 + b so every byte string has a
 * stable decoding. `out` must hold strlen(s) entries. Returns the number of code points. */
size_t utf8_to_code_points(const char *s, uint32_t *out);

/* Returns 0, or -1 when out of memory. */
int glob_compile(const char *pattern, struct glob *out);
void glob_free(struct glob *g);

/* 1 when the whole path (as code points) matches. */
int glob_match(const struct glob *g, const uint32_t *path, size_t path_len);

#endif
