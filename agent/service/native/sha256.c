#include "sha256.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t rotate_right(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

static void compress_block(uint32_t state[8], const uint8_t block[64]) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++) {
        w[i] = ((uint32_t)block[i * 4] << 24) | ((uint32_t)block[i * 4 + 1] << 16) |
               ((uint32_t)block[i * 4 + 2] << 8) | (uint32_t)block[i * 4 + 3];
    }
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = rotate_right(w[i - 15], 7) ^ rotate_right(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotate_right(w[i - 2], 17) ^ rotate_right(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (int i = 0; i < 64; i++) {
        uint32_t s1 = rotate_right(e, 6) ^ rotate_right(e, 11) ^ rotate_right(e, 25);
        uint32_t choose = (e & f) ^ (~e & g);
        uint32_t t1 = h + s1 + choose + round_constants[i] + w[i];
        uint32_t s0 = rotate_right(a, 2) ^ rotate_right(a, 13) ^ rotate_right(a, 22);
        uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = s0 + majority;
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
}

static void compress_blocks_portable(uint32_t state[8], const uint8_t *data, size_t blocks) {
    for (size_t i = 0; i < blocks; i++) compress_block(state, data + 64 * i);
}

#if defined(__x86_64__)
/* The SHA extensions (SHA-NI) hash several times faster than portable C; cold decisions on big
 * binaries are bound by hashing. Two rounds per sha256rnds2, message schedule by msg1/msg2. */
__attribute__((target("sha,sse4.1,ssse3"))) static void compress_blocks_shani(uint32_t state[8], const uint8_t *data,
                                                                             size_t blocks) {
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i state1 = _mm_loadu_si128((const __m128i *)&state[4]);
    tmp = _mm_shuffle_epi32(tmp, 0xb1);             /* CDAB */
    state1 = _mm_shuffle_epi32(state1, 0x1b);       /* EFGH */
    __m128i state0 = _mm_alignr_epi8(tmp, state1, 8); /* ABEF */
    state1 = _mm_blend_epi16(state1, tmp, 0xf0);    /* CDGH */
    for (; blocks > 0; blocks--, data += 64) {
        const __m128i abef_saved = state0, cdgh_saved = state1;
        __m128i w[4];
        for (int g = 0; g < 16; g++) {
            if (g < 4) w[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * g)), byte_swap);
            __m128i current = w[g & 3];
            __m128i msg = _mm_add_epi32(current, _mm_loadu_si128((const __m128i *)&round_constants[4 * g]));
            state1 = _mm_sha256rnds2_epu32(state1, state0, msg);
            if (g >= 3 && g <= 14) {
                __m128i carry = _mm_alignr_epi8(current, w[(g - 1) & 3], 4);
                w[(g + 1) & 3] = _mm_sha256msg2_epu32(_mm_add_epi32(w[(g + 1) & 3], carry), current);
            }
            msg = _mm_shuffle_epi32(msg, 0x0e);
            state0 = _mm_sha256rnds2_epu32(state0, state1, msg);
            if (g >= 1 && g <= 12) w[(g - 1) & 3] = _mm_sha256msg1_epu32(w[(g - 1) & 3], current);
        }
        state0 = _mm_add_epi32(state0, abef_saved);
        state1 = _mm_add_epi32(state1, cdgh_saved);
    }
    tmp = _mm_shuffle_epi32(state0, 0x1b);           /* FEBA */
    state1 = _mm_shuffle_epi32(state1, 0xb1);        /* DCHG */
    state0 = _mm_blend_epi16(tmp, state1, 0xf0);     /* DCBA */
    state1 = _mm_alignr_epi8(state1, tmp, 8);        /* ABEF */
    _mm_storeu_si128((__m128i *)&state[0], state0);
    _mm_storeu_si128((__m128i *)&state[4], state1);
}

static int cpu_has_sha_extensions(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int ssse3 = (c >> 9) & 1, sse41 = (c >> 19) & 1;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return ssse3 && sse41 && ((b >> 29) & 1);
}
#endif

static void (*compress_blocks)(uint32_t state[8], const uint8_t *data, size_t blocks) = compress_blocks_portable;

/* Picked once before main() runs (and so before any hash thread starts). DLP_SHA256_PORTABLE=1
 * forces the portable code, so tests can check both against known digests. */
__attribute__((constructor)) static void select_implementation(void) {
#if defined(__x86_64__)
    const char *forced = getenv("DLP_SHA256_PORTABLE");
    if ((!forced || strcmp(forced, "1") != 0) && cpu_has_sha_extensions()) compress_blocks = compress_blocks_shani;
#endif
}

const char *sha256_implementation(void) { return compress_blocks == compress_blocks_portable ? "portable" : "sha-ni"; }

void sha256_init(sha256_ctx *ctx) {
    static const uint32_t initial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(ctx->state, initial, sizeof(initial));
    ctx->total_bytes = 0;
    ctx->block_used = 0;
}

void sha256_update(sha256_ctx *ctx, const void *data, size_t len) {
    const uint8_t *bytes = data;
    ctx->total_bytes += len;
    if (ctx->block_used > 0) {
        size_t take = 64 - ctx->block_used;
        if (take > len) take = len;
        memcpy(ctx->block + ctx->block_used, bytes, take);
        ctx->block_used += take;
        bytes += take;
        len -= take;
        if (ctx->block_used < 64) return;
        compress_blocks(ctx->state, ctx->block, 1);
        ctx->block_used = 0;
    }
    if (len >= 64) {
        size_t blocks = len / 64;
        compress_blocks(ctx->state, bytes, blocks);
        bytes += 64 * blocks;
        len -= 64 * blocks;
    }
    memcpy(ctx->block, bytes, len);
    ctx->block_used = len;
}

void sha256_final(sha256_ctx *ctx, uint8_t digest[SHA256_DIGEST_BYTES]) {
    uint64_t bit_length = ctx->total_bytes * 8;
    ctx->block[ctx->block_used++] = 0x80;
    if (ctx->block_used > 56) {
        memset(ctx->block + ctx->block_used, 0, 64 - ctx->block_used);
        compress_blocks(ctx->state, ctx->block, 1);
        ctx->block_used = 0;
    }
    memset(ctx->block + ctx->block_used, 0, 56 - ctx->block_used);
    for (int i = 0; i < 8; i++) ctx->block[56 + i] = (uint8_t)(bit_length >> (56 - 8 * i));
    compress_blocks(ctx->state, ctx->block, 1);
    for (int i = 0; i < 8; i++) {
        digest[i * 4] = (uint8_t)(ctx->state[i] >> 24);
        digest[i * 4 + 1] = (uint8_t)(ctx->state[i] >> 16);
        digest[i * 4 + 2] = (uint8_t)(ctx->state[i] >> 8);
        digest[i * 4 + 3] = (uint8_t)ctx->state[i];
    }
}

void sha256_to_hex(const uint8_t digest[SHA256_DIGEST_BYTES], char hex[SHA256_HEX_BYTES]) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < SHA256_DIGEST_BYTES; i++) {
        hex[i * 2] = digits[digest[i] >> 4];
        hex[i * 2 + 1] = digits[digest[i] & 0x0f];
    }
    hex[64] = '\0';
}

static int lower_hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

int sha256_from_hex(const char *hex, uint8_t digest[SHA256_DIGEST_BYTES]) {
    if (strlen(hex) != 64) return -1;
    for (int i = 0; i < SHA256_DIGEST_BYTES; i++) {
        int high = lower_hex_value(hex[i * 2]);
        int low = lower_hex_value(hex[i * 2 + 1]);
        if (high < 0 || low < 0) return -1;
        digest[i] = (uint8_t)((high << 4) | low);
    }
    return 0;
}

int sha256_of_fd(int fd, uint8_t *buffer, size_t buffer_len, uint8_t digest[SHA256_DIGEST_BYTES],
                 sha256_progress_fn progress, void *progress_ctx, uint64_t *bytes_read) {
    sha256_ctx ctx;
    sha256_init(&ctx);
    off_t offset = 0;
    for (;;) {
        ssize_t got = pread(fd, buffer, buffer_len, offset);
        if (got < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        if (got == 0) break;
        sha256_update(&ctx, buffer, (size_t)got);
        offset += got;
        if (progress) progress((uint64_t)got, progress_ctx);
    }
    if (bytes_read) *bytes_read = (uint64_t)offset;
    sha256_final(&ctx, digest);
    return 0;
}
