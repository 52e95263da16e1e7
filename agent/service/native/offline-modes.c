/* Modes that need no kernel support, so rule semantics and hashing can be tested anywhere:
 * --decide (rules on stdin, then "path<TAB>name<TAB>sha256|-" lines), --sha256 FILE and
 * --parse-mountinfo FILE. */
#define _GNU_SOURCE
#include "offline-modes.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "marks.h"
#include "output.h"
#include "rule-protocol.h"
#include "rules.h"

static void decide_input_line(const struct rule_set *rules, char *line) {
    char *fields[3];
    int count = 0;
    char *cursor = line;
    while (count < 3) {
        fields[count++] = cursor;
        char *tab = strchr(cursor, '\t');
        if (!tab) break;
        *tab = '\0';
        cursor = tab + 1;
    }
    static char path[4097], name[4097];
    uint8_t digest[SHA256_DIGEST_BYTES];
    int has_digest = count == 3 && strcmp(fields[2], "-") != 0;
    if (count != 3 || percent_decode(fields[0], path, sizeof(path)) < 0 ||
        percent_decode(fields[1], name, sizeof(name)) < 0 || (has_digest && sha256_from_hex(fields[2], digest) != 0)) {
        printf("error bad input line\n");
        return;
    }
    uint32_t *code_points = malloc((strlen(path) + 1) * sizeof(uint32_t));
    if (!code_points) {
        printf("error out of memory\n");
        return;
    }
    struct exec_subject subject = {path, code_points, utf8_to_code_points(path, code_points), name,
                                   has_digest ? digest : NULL};
    struct rule_decision decision;
    if (rule_set_decide(rules, &subject, &decision) == NEEDS_HASH) {
        printf("need-hash -\n");
    } else {
        printf("%s %s\n", decision.action == RULE_BLOCK ? "block" : "allow", rule_set_rule_id(rules, decision.rule_index));
    }
    free(code_points);
}

int run_decide_mode(void) {
    struct rule_staging staging = {NULL, 0, ""};
    struct rule_set *rules = rule_set_new(0);
    char *line = NULL;
    size_t capacity = 0;
    ssize_t len;
    if (!rules) return 1;
    while ((len = getline(&line, &capacity, stdin)) >= 0) {
        if (len > 0 && line[len - 1] == '\n') line[--len] = '\0';
        if (strchr(line, '\t')) {
            decide_input_line(rules, line);
        } else if (len > 0) {
            char *tokens[PROTOCOL_MAX_TOKENS];
            int count = split_tokens(line, tokens, PROTOCOL_MAX_TOKENS);
            struct rule_set *completed = NULL;
            char error[512];
            uint64_t generation = 0;
            enum staging_result result = count > 0 ? rule_staging_handle(&staging, tokens, count, &completed, error,
                                                                         sizeof(error), &generation)
                                                   : STAGING_NOT_MINE;
            if (result == STAGING_COMPLETE) {
                rule_set_free(rules);
                rules = completed;
                printf("ready %llu\n", (unsigned long long)rules->generation);
            } else if (result == STAGING_ERROR) {
                printf("error %s\n", error);
            } else if (result == STAGING_NOT_MINE) {
                printf("error unknown command\n");
            }
        }
        fflush(stdout);
    }
    free(line);
    rule_staging_reset(&staging);
    rule_set_free(rules);
    return 0;
}

int run_sha256_mode(const char *file) {
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "dlp-exec-guard: %s: %s\n", file, strerror(errno));
        return 1;
    }
    static uint8_t buffer[1024 * 1024];
    uint8_t digest[SHA256_DIGEST_BYTES];
    char hex[SHA256_HEX_BYTES];
    int rc = sha256_of_fd(fd, buffer, sizeof(buffer), digest, NULL, NULL, NULL);
    close(fd);
    if (rc != 0) {
        fprintf(stderr, "dlp-exec-guard: %s: %s\n", file, strerror(-rc));
        return 1;
    }
    sha256_to_hex(digest, hex);
    printf("%s\n", hex);
    return 0;
}

static void print_mount_point(const char *mount_point, void *ctx) {
    (void)ctx;
    struct json j;
    json_begin(&j);
    json_string(&j, "mountPoint", mount_point);
    if (json_end(&j) == 0) fputs(j.text, stdout);
    json_free(&j);
}

int run_parse_mountinfo_mode(const char *file) {
    if (mountinfo_each(file, print_mount_point, NULL) < 0) {
        fprintf(stderr, "dlp-exec-guard: %s: %s\n", file, strerror(errno));
        return 1;
    }
    return 0;
}
