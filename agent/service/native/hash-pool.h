/* Worker threads that hash executables, so the main loop keeps answering cached decisions while a
 * large binary is read. Jobs and results cross through two mutex-guarded lists; an eventfd wakes
 * the main loop's poll when results are ready. */
#ifndef DLP_HASH_POOL_H
#define DLP_HASH_POOL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "sha256.h"

#define HASH_POOL_MAX_THREADS 16

struct hash_job {
    struct hash_job *next;
    int fd;      /* owned by the job: the worker closes it */
    void *owner; /* the main loop's in-flight record */
    int error;   /* 0 or -errno */
    int changed; /* size, mtime or ctime differed before and after: the digest is of no one version */
    uint8_t digest[SHA256_DIGEST_BYTES];
    /* Progress, read by the main loop while the worker writes it: a hash that keeps reading keeps
     * its execs waiting; one that stops (a stalled file system) lets their deadline pass. */
    _Atomic uint64_t bytes_done;
    _Atomic uint64_t last_progress_ms; /* submission, then every chunk read */
};

struct hash_pool {
    pthread_t threads[HASH_POOL_MAX_THREADS];
    int thread_count;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct hash_job *queue_head, *queue_tail;
    struct hash_job *done;
    int done_eventfd;
    _Atomic uint64_t bytes_hashed; /* every byte read by every worker, ever */
    _Atomic int busy;              /* workers inside a job */
    _Atomic uint64_t last_progress_ms; /* the latest chunk any worker read */
    unsigned stall_test_ms; /* test-only fault injection: each job sleeps this long before its first read */
};

/* Streaming: each worker holds one READ_CHUNK buffer, whatever the file size. */
/* Returns 0, or -1 (errno set). */
int hash_pool_start(struct hash_pool *pool, int threads);
void hash_pool_submit(struct hash_pool *pool, struct hash_job *job);
/* Clears the eventfd and returns every finished job (a list linked by `next`). */
struct hash_job *hash_pool_take_done(struct hash_pool *pool);

#endif
