#include "glob.h"

#include <stdlib.h>
#include <string.h>

size_t utf8_to_code_points(const char *s, uint32_t *out) {
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (*p) {
        unsigned char b = *p;
        int extra = 0;
        uint32_t cp = 0;
        if (b < 0x80) {
            cp = b;
        } else if ((b & 0xe0) == 0xc0) {
            extra = 1;
            cp = b & 0x1f;
        } else if ((b & 0xf0) == 0xe0) {
            extra = 2;
            cp = b & 0x0f;
        } else if ((b & 0xf8) == 0xf0) {
            extra = 3;
            cp = b & 0x07;
        } else {
            extra = -1;
        }
        int valid = extra >= 0;
        for (int i = 1; valid && i <= extra; i++) {
            if ((p[i] & 0xc0) != 0x80) valid = 0;
            else cp = (cp << 6) | (p[i] & 0x3f);
        }
        /* Overlong forms and surrogates are invalid too: they would let two byte strings decode alike. */
        if (valid && ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
                      (cp >= 0xd800 && cp <= 0xdfff))) {
            valid = 0;
        }
        if (valid) {
            out[n++] = cp;
            p += 1 + extra;
        } else {
            out[n++] = 0xdc00u + b;
            p += 1;
        }
    }
    return n;
}

static void push_token(struct glob *g, enum glob_op op, uint32_t code_point) {
    g->tokens[g->count].op = op;
    g->tokens[g->count].code_point = code_point;
    g->tokens[g->count].skip_to = 0;
    g->count++;
}

int glob_compile(const char *pattern, struct glob *out) {
    size_t len = strlen(pattern);
    uint32_t *cps = malloc((len + 1) * sizeof(uint32_t));
    /* A whole-segment `**` expands to three tokens from three characters, so len + 1 always suffices. */
    out->tokens = malloc((len + 1) * sizeof(struct glob_token));
    out->count = 0;
    if (!cps || !out->tokens) {
        free(cps);
        free(out->tokens);
        out->tokens = NULL;
        return -1;
    }
    size_t n = utf8_to_code_points(pattern, cps);
    size_t i = 0;
    while (i < n) {
        uint32_t c = cps[i];
        if (c == '?') {
            push_token(out, GLOB_ANY_ONE, 0);
            i++;
        } else if (c != '*') {
            push_token(out, GLOB_LITERAL, c);
            i++;
        } else {
            size_t run = 0;
            while (i + run < n && cps[i + run] == '*') run++;
            if (run == 1) {
                push_token(out, GLOB_STAR, 0);
                i++;
                continue;
            }
            int starts_segment = i > 0 && cps[i - 1] == '/';
            int ends_segment = i + run < n && cps[i + run] == '/';
            if (starts_segment && ends_segment) {
                size_t skip_index = out->count;
                push_token(out, GLOB_SKIP, 0);
                push_token(out, GLOB_GLOBSTAR, 0);
                push_token(out, GLOB_LITERAL, '/');
                out->tokens[skip_index].skip_to = out->count;
                i += run + 1;
            } else {
                push_token(out, GLOB_GLOBSTAR, 0);
                i += run;
            }
        }
    }
    free(cps);
    return 0;
}

void glob_free(struct glob *g) {
    free(g->tokens);
    g->tokens = NULL;
    g->count = 0;
}

struct state_set {
    uint8_t *member;
    size_t *list;
    size_t size;
};

/* Adds a state and everything reachable from it without consuming input (epsilon closure). */
static void add_state(const struct glob *g, struct state_set *set, size_t state) {
    while (!set->member[state]) {
        set->member[state] = 1;
        set->list[set->size++] = state;
        if (state == g->count) return;
        const struct glob_token *t = &g->tokens[state];
        if (t->op == GLOB_SKIP) {
            add_state(g, set, t->skip_to);
            state = state + 1;
        } else if (t->op == GLOB_STAR || t->op == GLOB_GLOBSTAR) {
            state = state + 1;
        } else {
            return;
        }
    }
}

int glob_match(const struct glob *g, const uint32_t *path, size_t path_len) {
    size_t states = g->count + 1;
    /* Typical patterns are short: keep their state sets on the stack, no allocation per rule. */
    uint8_t small_members[2 * 128];
    size_t small_lists[2 * 128];
    int on_heap = states > 128;
    uint8_t *members = on_heap ? calloc(2 * states, 1) : small_members;
    size_t *lists = on_heap ? malloc(2 * states * sizeof(size_t)) : small_lists;
    if (!members || !lists) {
        if (on_heap) {
            free(members);
            free(lists);
        }
        return 0; /* out of memory: treat as no match; the default action still decides */
    }
    if (!on_heap) memset(small_members, 0, sizeof(small_members));
    struct state_set current = {members, lists, 0};
    struct state_set next = {members + states, lists + states, 0};
    add_state(g, &current, 0);
    for (size_t p = 0; p < path_len && current.size > 0; p++) {
        uint32_t c = path[p];
        for (size_t k = 0; k < current.size; k++) {
            size_t s = current.list[k];
            if (s == g->count) continue;
            const struct glob_token *t = &g->tokens[s];
            switch (t->op) {
            case GLOB_LITERAL:
                if (c == t->code_point) add_state(g, &next, s + 1);
                break;
            case GLOB_ANY_ONE:
                if (c != '/') add_state(g, &next, s + 1);
                break;
            case GLOB_STAR:
                if (c != '/') add_state(g, &next, s);
                break;
            case GLOB_GLOBSTAR:
                add_state(g, &next, s);
                break;
            case GLOB_SKIP:
                break;
            }
        }
        for (size_t k = 0; k < current.size; k++) current.member[current.list[k]] = 0;
        struct state_set swap = current;
        current = next;
        next = swap;
        next.size = 0;
    }
    int matched = current.member[g->count];
    if (on_heap) {
        free(members);
        free(lists);
    }
    return matched;
}
