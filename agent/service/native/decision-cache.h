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
    int64_t hashed_at_ns; /* when the read that gave `digest` began (hash_job.read_started_ns) */
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

/*
 * How much older than its hash a file's last change must be before the digest is trusted for a
 * later exec. A write inside one timestamp step leaves ctime (and, writing in place, size) as it
 * was, so (device, inode, ctime, size) no longer tells the versions apart: ext2/ext3 and, before
 * Linux 6.13, ext4 and tmpfs step by one scheduler tick (up to 10 ms); files with 128-byte inodes
 * and HFS+ by 1 s; FAT by 2 s. A file changed within this long before its hash is hashed again at
 * each exec until it has been still for this long (git's "racily clean" entries, the same way).
 */
#define DIGEST_SETTLE_NS (3LL * 1000000000LL)

/* The entry's digest may stand for the file it is keyed by (see DIGEST_SETTLE_NS). */
int cache_entry_digest_settled(const struct cache_entry *entry);

/* The entry for this identity, evicting whatever held its slot. */
struct cache_entry *decision_cache_claim(struct decision_cache *cache, const struct file_identity *identity);

/* Stores a decision; returns 0, or -1 when the path could not be copied (nothing stored then). */
int cache_entry_store_decision(struct cache_entry *entry, uint64_t epoch, const struct rule_decision *decision,
                               const char *path);

#endif
