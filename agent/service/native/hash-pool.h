/* Worker threads that hash executables, so the main loop keeps answering cached decisions while a
 * large binary is read. Jobs and results cross through two mutex-guarded lists; an eventfd wakes
 * the main loop's poll when results are ready. */
#ifndef DLP_HASH_POOL_H
#define DLP_HASH_POOL_H

#include <pthread.h>
#include <stdint.h>

#include "sha256.h"

#define HASH_POOL_MAX_THREADS 16

struct hash_job {
    struct hash_job *next;
    int fd;      /* owned by the job: the worker closes it */
    void *owner; /* the main loop's in-flight record */
    int error;   /* 0 or -errno */
    uint8_t digest[SHA256_DIGEST_BYTES];
};

struct hash_pool {
    pthread_t threads[HASH_POOL_MAX_THREADS];
    int thread_count;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct hash_job *queue_head, *queue_tail;
    struct hash_job *done;
    int done_eventfd;
};

/* Returns 0, or -1 (errno set). */
int hash_pool_start(struct hash_pool *pool, int threads);
void hash_pool_submit(struct hash_pool *pool, struct hash_job *job);
/* Clears the eventfd and returns every finished job (a list linked by `next`). */
struct hash_job *hash_pool_take_done(struct hash_pool *pool);

#endif
