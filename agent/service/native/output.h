/* JSON lines to the agent on stdout. Writes never block the decision loop: stdout is
 * non-blocking, lines wait in a bounded buffer, and when that fills, reports are dropped and
 * counted (control lines such as pong and ready keep a reserve so the watchdog still hears us). */
#ifndef DLP_OUTPUT_H
#define DLP_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

enum line_kind { LINE_REPORT, LINE_CONTROL };

struct output {
    int fd;
    char *buffer;
    size_t used, capacity;
    uint64_t dropped_reports;
    uint64_t dropped_control;
    int broken; /* the reader went away (EPIPE): stop writing */
};

int output_init(struct output *out, int fd, size_t capacity);
void output_free(struct output *out);
/* Queues one complete line (with its newline) and tries to flush. Returns 0, or -1 if dropped. */
int output_line(struct output *out, const char *line, size_t len, enum line_kind kind);
/* Writes as much as the pipe takes now. */
void output_flush(struct output *out);
int output_has_pending(const struct output *out);

/* A tiny JSON object builder. Strings are escaped; invalid UTF-8 becomes U+FFFD, so any file path
 * yields valid JSON. */
struct json {
    char *text;
    size_t len, capacity;
    int fields;
    int out_of_memory;
};

void json_begin(struct json *j);
void json_string(struct json *j, const char *key, const char *value); /* NULL value writes null */
void json_u64(struct json *j, const char *key, uint64_t value);
void json_i64(struct json *j, const char *key, int64_t value);
/* Closes the object and the line; returns 0 and the line in j->text, or -1 when out of memory. */
int json_end(struct json *j);
void json_free(struct json *j);

#endif
