#include "hash-pool.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define READ_CHUNK (1024 * 1024)

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

        job->error = buffer ? sha256_of_fd(job->fd, buffer, READ_CHUNK, job->digest) : -ENOMEM;
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
    pool->thread_count = 0;
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
    pthread_mutex_lock(&pool->lock);
    if (pool->queue_tail) pool->queue_tail->next = job;
    else pool->queue_head = job;
    pool->queue_tail = job;
    pthread_cond_signal(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
}

struct hash_job *hash_pool_take_done(struct hash_pool *pool) {
    uint64_t count;
    ssize_t ignored = read(pool->done_eventfd, &count, sizeof(count));
    (void)ignored; /* EAGAIN just means another call already drained it */
    pthread_mutex_lock(&pool->lock);
    struct hash_job *done = pool->done;
    pool->done = NULL;
    pthread_mutex_unlock(&pool->lock);
    return done;
}
