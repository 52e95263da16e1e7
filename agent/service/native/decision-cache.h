/* Decisions and content hashes remembered per file identity (device, inode, ctime with
 * nanoseconds, size): any write or rename of the file changes its ctime, so a stale entry can
 * never match a changed binary. Hashes survive a rule change (they depend only on content);
 * decisions carry the rule-set epoch they were made under and the path they were made for. */
#ifndef DLP_DECISION_CACHE_H
#define DLP_DECISION_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "rules.h"

struct file_identity {
    uint64_t device, inode;
    int64_t ctime_sec, ctime_nsec, size;
};

struct cache_entry {
    struct file_identity identity;
    int used;
    int has_digest;
    uint8_t digest[SHA256_DIGEST_BYTES];
    uint64_t decision_epoch; /* 0: no decision stored */
    struct rule_decision decision;
    char *decided_path; /* path and name rules depend on it, so a hard link elsewhere decides anew */
};

struct decision_cache {
    struct cache_entry *slots;
    size_t mask;
};

void file_identity_from_stat(const struct stat *st, struct file_identity *out);

/* `slots` must be a power of two. Returns 0, or -1 when out of memory. */
int decision_cache_init(struct decision_cache *cache, size_t slots);
void decision_cache_free(struct decision_cache *cache);

/* The entry for this identity, or NULL. */
struct cache_entry *decision_cache_find(struct decision_cache *cache, const struct file_identity *identity);

/* The entry for this identity, evicting whatever held its slot. */
struct cache_entry *decision_cache_claim(struct decision_cache *cache, const struct file_identity *identity);

/* Stores a decision; returns 0, or -1 when the path could not be copied (nothing stored then). */
int cache_entry_store_decision(struct cache_entry *entry, uint64_t epoch, const struct rule_decision *decision,
                               const char *path);

#endif
