#include "hash-pool.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define READ_CHUNK (256 * 1024)

static uint64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int same_version(const struct stat *a, const struct stat *b) {
    return a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

struct hash_progress {
    struct hash_pool *pool;
    struct hash_job *job;
};

/* After each chunk: bytes done and the time of the last progress, which the decision thread reads
 * to tell a slow read (still moving) from a stalled one. */
static void publish_progress(uint64_t chunk_bytes, void *ctx) {
    const struct hash_progress *progress = ctx;
    atomic_fetch_add(&progress->job->bytes_done, chunk_bytes);
    atomic_fetch_add(&progress->pool->bytes_hashed, chunk_bytes);
    uint64_t now = now_ms();
    atomic_store(&progress->job->last_progress_ms, now);
    atomic_store(&progress->pool->last_progress_ms, now);
}

/* Hashes the file in READ_CHUNK steps, publishing progress after each. Returns 0 or -errno. */
static int hash_job_run(struct hash_pool *pool, struct hash_job *job, uint8_t *buffer) {
    struct stat before, after;
    if (fstat(job->fd, &before) != 0) return -errno;
    if (pool->stall_test_ms) usleep(pool->stall_test_ms * 1000u); /* a stalled file system, for tests */
    struct timespec started;
    clock_gettime(CLOCK_REALTIME, &started);
    job->read_started_ns = (int64_t)started.tv_sec * 1000000000LL + started.tv_nsec;
    struct hash_progress progress = {pool, job};
    uint64_t read_bytes = 0;
    int rc = sha256_of_fd(job->fd, buffer, READ_CHUNK, job->digest, publish_progress, &progress, &read_bytes);
    if (rc != 0) return rc;
    if (fstat(job->fd, &after) != 0) return -errno;
    job->changed = !same_version(&before, &after) || (off_t)read_bytes != before.st_size;
    return 0;
}

static void *hash_worker(void *arg) {
    struct hash_pool *pool = arg;
    uint8_t *buffer = malloc(READ_CHUNK);
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        while (!pool->queue_head) pthread_cond_wait(&pool->wake, &pool->lock);
        struct hash_job *job = pool->queue_head;
        pool->queue_head = job->next;
        if (!pool->queue_head) pool->queue_tail = NULL;
        pthread_mutex_unlock(&pool->lock);

        atomic_fetch_add(&pool->busy, 1);
        atomic_store(&job->last_progress_ms, now_ms());
        job->error = buffer ? hash_job_run(pool, job, buffer) : -ENOMEM;
        atomic_fetch_sub(&pool->busy, 1);
        close(job->fd);
        job->fd = -1;

        pthread_mutex_lock(&pool->lock);
        job->next = pool->done;
        pool->done = job;
        pthread_mutex_unlock(&pool->lock);
        uint64_t one = 1;
        ssize_t ignored = write(pool->done_eventfd, &one, sizeof(one));
        (void)ignored; /* the counter cannot overflow in practice; a failed wake-up is retried by the next job */
    }
    return NULL;
}

int hash_pool_start(struct hash_pool *pool, int threads) {
    if (threads < 1) threads = 1;
    if (threads > HASH_POOL_MAX_THREADS) threads = HASH_POOL_MAX_THREADS;
    pool->queue_head = pool->queue_tail = pool->done = NULL;
    pool->backlog_head = pool->backlog_tail = NULL;
    pool->take_again = 0;
    pool->thread_count = 0;
    atomic_store(&pool->bytes_hashed, 0);
    atomic_store(&pool->busy, 0);
    atomic_store(&pool->last_progress_ms, 0);
    pool->done_eventfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (pool->done_eventfd < 0) return -1;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
    for (int i = 0; i < threads; i++) {
        int err = pthread_create(&pool->threads[i], NULL, hash_worker, pool);
        if (err) {
            errno = err;
            return pool->thread_count > 0 ? 0 : -1;
        }
        pool->thread_count++;
    }
    return 0;
}

void hash_pool_submit(struct hash_pool *pool, struct hash_job *job) {
    job->next = NULL;
    job->changed = 0;
    job->error = 0;
    atomic_store(&job->bytes_done, 0);
    atomic_store(&job->last_progress_ms, now_ms()); /* a queued job's wait starts now */
    if (pool->backlog_tail) pool->backlog_tail->next = job;
    else pool->backlog_head = job;
    pool->backlog_tail = job;
    hash_pool_flush(pool);
}

void hash_pool_flush(struct hash_pool *pool) {
    if (!pool->backlog_head || pthread_mutex_trylock(&pool->lock) != 0) return;
    if (pool->queue_tail) pool->queue_tail->next = pool->backlog_head;
    else pool->queue_head = pool->backlog_head;
    pool->queue_tail = pool->backlog_tail;
    int several = pool->backlog_head != pool->backlog_tail;
    pool->backlog_head = pool->backlog_tail = NULL;
    if (several) pthread_cond_broadcast(&pool->wake);
    else pthread_cond_signal(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
}

struct hash_job *hash_pool_take_done(struct hash_pool *pool) {
    uint64_t count;
    ssize_t ignored = read(pool->done_eventfd, &count, sizeof(count));
    (void)ignored; /* EAGAIN just means another call already drained it */
    if (pthread_mutex_trylock(&pool->lock) != 0) {
        pool->take_again = 1;
        return NULL;
    }
    pool->take_again = 0;
    struct hash_job *done = pool->done;
    pool->done = NULL;
    pthread_mutex_unlock(&pool->lock);
    return done;
}

int hash_pool_retry_ms(const struct hash_pool *pool) {
    return pool->backlog_head || pool->take_again ? HASH_POOL_RETRY_MS : -1;
}
