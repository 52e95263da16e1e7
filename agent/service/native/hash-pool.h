/* Worker threads that hash executables, so the main loop keeps answering cached decisions while a
 * large binary is read. Jobs and results cross through two mutex-guarded lists; an eventfd wakes
 * the main loop's poll when results are ready.
 *
 * The main (decision) loop only ever try-locks: the workers run at normal priority, and one
 * preempted while holding the lock on a CPU-starved machine (an employee's hundreds of busy
 * processes) would otherwise stall every decision, and the heartbeat, until it got the CPU back:
 * long enough for the watchdog to replace the helper, which lets the waiting execs through. */
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
    /* Wall-clock time just before the first byte was read (CLOCK_REALTIME, the clock file times
     * come from): a later cache hit trusts the digest only if the file's ctime is older than this by
     * more than any file system's timestamp step (decision-cache.h). */
    int64_t read_started_ns;
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
    /* The main loop's own, never locked: jobs that found the lock taken, and finished jobs it could
     * not take yet. Both are retried from the loop within HASH_POOL_RETRY_MS. */
    struct hash_job *backlog_head, *backlog_tail;
    int take_again;
};

#define HASH_POOL_RETRY_MS 1

/* Streaming: each worker holds one READ_CHUNK buffer, whatever the file size. */
/* Returns 0, or -1 (errno set). */
int hash_pool_start(struct hash_pool *pool, int threads);
/* Never blocks: a job that finds the lock taken waits in the backlog for hash_pool_flush. */
void hash_pool_submit(struct hash_pool *pool, struct hash_job *job);
/* Hands the backlog to the workers if the lock is free now (called from every loop pass). */
void hash_pool_flush(struct hash_pool *pool);
/* Clears the eventfd and returns every finished job (a list linked by `next`); NULL, with
 * `take_again` set, when the lock was taken: the loop calls again within HASH_POOL_RETRY_MS. */
struct hash_job *hash_pool_take_done(struct hash_pool *pool);
/* How soon the loop must call again (HASH_POOL_RETRY_MS), or -1 when nothing waits on a retry. */
int hash_pool_retry_ms(const struct hash_pool *pool);

#endif
