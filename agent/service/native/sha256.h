/* SHA-256 (FIPS 180-4), small and dependency-free: the helper hashes executables itself so a
 * decision never waits on another process. */
#ifndef DLP_SHA256_H
#define DLP_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_BYTES 32
#define SHA256_HEX_BYTES 65 /* 64 hex characters and a NUL */

typedef struct {
    uint32_t state[8];
    uint64_t total_bytes;
    uint8_t block[64];
    size_t block_used;
} sha256_ctx;

void sha256_init(sha256_ctx *ctx);
void sha256_update(sha256_ctx *ctx, const void *data, size_t len);
void sha256_final(sha256_ctx *ctx, uint8_t digest[SHA256_DIGEST_BYTES]);

/* "sha-ni" when the CPU's SHA extensions are used, else "portable". */
const char *sha256_implementation(void);

/* Lowercase hex, as policies write digests. */
void sha256_to_hex(const uint8_t digest[SHA256_DIGEST_BYTES], char hex[SHA256_HEX_BYTES]);

/* Parses 64 lowercase hex characters; returns 0 on success, -1 otherwise. */
int sha256_from_hex(const char *hex, uint8_t digest[SHA256_DIGEST_BYTES]);

/* Called after each chunk read with its size (the hash pool publishes progress from it). */
typedef void (*sha256_progress_fn)(uint64_t chunk_bytes, void *ctx);

/* Hashes a whole file through pread (the fd's offset is left alone, so a shared description is
 * safe). Returns 0, or -errno. `buffer` is caller-owned scratch space; `progress` (may be NULL)
 * hears of every chunk; `bytes_read` (may be NULL) gets the total read. */
int sha256_of_fd(int fd, uint8_t *buffer, size_t buffer_len, uint8_t digest[SHA256_DIGEST_BYTES],
                 sha256_progress_fn progress, void *progress_ctx, uint64_t *bytes_read);

#endif
