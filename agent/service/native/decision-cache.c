#include "decision-cache.h"

#include <stdlib.h>
#include <string.h>

void file_identity_from_stat(const struct stat *st, struct file_identity *out) {
    memset(out, 0, sizeof(*out));
    out->device = (uint64_t)st->st_dev;
    out->inode = (uint64_t)st->st_ino;
    out->ctime_sec = (int64_t)st->st_ctim.tv_sec;
    out->ctime_nsec = (int64_t)st->st_ctim.tv_nsec;
    out->size = (int64_t)st->st_size;
}

static int same_identity(const struct file_identity *a, const struct file_identity *b) {
    return a->device == b->device && a->inode == b->inode && a->ctime_sec == b->ctime_sec &&
           a->ctime_nsec == b->ctime_nsec && a->size == b->size;
}

static uint64_t mix(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

static size_t slot_of(const struct decision_cache *cache, const struct file_identity *id) {
    uint64_t h = mix(id->device ^ mix(id->inode ^ mix((uint64_t)id->ctime_sec ^ mix((uint64_t)id->ctime_nsec ^
                                                                                     (uint64_t)id->size))));
    return (size_t)(h & cache->mask);
}

int decision_cache_init(struct decision_cache *cache, size_t slots) {
    cache->slots = calloc(slots, sizeof(struct cache_entry));
    cache->mask = slots - 1;
    return cache->slots ? 0 : -1;
}

void decision_cache_free(struct decision_cache *cache) {
    if (!cache->slots) return;
    for (size_t i = 0; i <= cache->mask; i++) free(cache->slots[i].decided_path);
    free(cache->slots);
    cache->slots = NULL;
}

struct cache_entry *decision_cache_find(struct decision_cache *cache, const struct file_identity *identity) {
    struct cache_entry *entry = &cache->slots[slot_of(cache, identity)];
    return entry->used && same_identity(&entry->identity, identity) ? entry : NULL;
}

int cache_entry_digest_settled(const struct cache_entry *entry) {
    int64_t changed_ns = entry->identity.ctime_sec * 1000000000LL + entry->identity.ctime_nsec;
    return entry->has_digest && changed_ns < entry->hashed_at_ns - DIGEST_SETTLE_NS;
}

struct cache_entry *decision_cache_claim(struct decision_cache *cache, const struct file_identity *identity) {
    struct cache_entry *entry = &cache->slots[slot_of(cache, identity)];
    if (entry->used && same_identity(&entry->identity, identity)) return entry;
    free(entry->decided_path);
    memset(entry, 0, sizeof(*entry));
    entry->used = 1;
    entry->identity = *identity;
    return entry;
}

int cache_entry_store_decision(struct cache_entry *entry, uint64_t epoch, const struct rule_decision *decision,
                               const char *path) {
    char *copy = strdup(path);
    if (!copy) return -1;
    free(entry->decided_path);
    entry->decided_path = copy;
    entry->decision = *decision;
    entry->decision_epoch = epoch;
    return 0;
}
