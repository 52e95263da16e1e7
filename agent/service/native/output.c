#include "output.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reports may fill the buffer only up to this point; the rest is kept for control lines. */
#define CONTROL_RESERVE (64 * 1024)

int output_init(struct output *out, int fd, size_t capacity) {
    memset(out, 0, sizeof(*out));
    out->fd = fd;
    out->capacity = capacity;
    out->buffer = malloc(capacity);
    return out->buffer ? 0 : -1;
}

void output_free(struct output *out) {
    free(out->buffer);
    out->buffer = NULL;
}

void output_flush(struct output *out) {
    size_t written = 0;
    while (written < out->used && !out->broken) {
        ssize_t n = write(out->fd, out->buffer + written, out->used - written);
        if (n > 0) {
            written += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) out->broken = 1;
        break;
    }
    if (out->broken) written = out->used;
    memmove(out->buffer, out->buffer + written, out->used - written);
    out->used -= written;
}

int output_line(struct output *out, const char *line, size_t len, enum line_kind kind) {
    size_t limit = kind == LINE_REPORT && out->capacity > CONTROL_RESERVE ? out->capacity - CONTROL_RESERVE : out->capacity;
    if (out->broken) return -1;
    if (out->used + len > limit) output_flush(out);
    if (out->used + len > limit) {
        if (kind == LINE_REPORT) out->dropped_reports++;
        else out->dropped_control++;
        return -1;
    }
    memcpy(out->buffer + out->used, line, len);
    out->used += len;
    output_flush(out);
    return 0;
}

int output_has_pending(const struct output *out) { return out->used > 0 && !out->broken; }

static void json_append(struct json *j, const char *bytes, size_t len) {
    if (j->out_of_memory) return;
    if (j->len + len + 1 > j->capacity) {
        size_t capacity = j->capacity ? j->capacity : 256;
        while (j->len + len + 1 > capacity) capacity *= 2;
        char *grown = realloc(j->text, capacity);
        if (!grown) {
            j->out_of_memory = 1;
            return;
        }
        j->text = grown;
        j->capacity = capacity;
    }
    memcpy(j->text + j->len, bytes, len);
    j->len += len;
    j->text[j->len] = '\0';
}

void json_begin(struct json *j) {
    memset(j, 0, sizeof(*j));
    json_append(j, "{", 1);
}

static void json_key(struct json *j, const char *key) {
    if (j->fields++) json_append(j, ",", 1);
    json_append(j, "\"", 1);
    json_append(j, key, strlen(key));
    json_append(j, "\":", 2);
}

/* Length of a valid UTF-8 sequence starting at p (1-4), or 0 if the bytes there are not one. */
static size_t utf8_sequence_length(const unsigned char *p) {
    if (p[0] < 0x80) return 1;
    size_t len = (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3 : (p[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (len == 0) return 0;
    uint32_t cp = p[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff))) return 0;
    if (cp >= 0xd800 && cp <= 0xdfff) return 0;
    return len;
}

void json_string(struct json *j, const char *key, const char *value) {
    json_key(j, key);
    if (!value) {
        json_append(j, "null", 4);
        return;
    }
    json_append(j, "\"", 1);
    const unsigned char *p = (const unsigned char *)value;
    while (*p) {
        if (*p == '"' || *p == '\\') {
            char escaped[2] = {'\\', (char)*p};
            json_append(j, escaped, 2);
            p++;
        } else if (*p < 0x20 || *p == 0x7f) {
            char escaped[8];
            snprintf(escaped, sizeof(escaped), "\\u%04x", *p);
            json_append(j, escaped, 6);
            p++;
        } else {
            size_t len = utf8_sequence_length(p);
            if (len == 0) {
                json_append(j, "\\ufffd", 6);
                p++;
            } else {
                json_append(j, (const char *)p, len);
                p += len;
            }
        }
    }
    json_append(j, "\"", 1);
}

void json_u64(struct json *j, const char *key, uint64_t value) {
    char digits[32];
    int n = snprintf(digits, sizeof(digits), "%" PRIu64, value);
    json_key(j, key);
    json_append(j, digits, (size_t)n);
}

void json_i64(struct json *j, const char *key, int64_t value) {
    char digits[32];
    int n = snprintf(digits, sizeof(digits), "%" PRId64, value);
    json_key(j, key);
    json_append(j, digits, (size_t)n);
}

int json_end(struct json *j) {
    json_append(j, "}\n", 2);
    return j->out_of_memory ? -1 : 0;
}

void json_free(struct json *j) {
    free(j->text);
    j->text = NULL;
}
