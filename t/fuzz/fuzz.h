/* Helpers shared by the libFuzzer targets in t/fuzz/ (one target per
 * fuzz_<name>.c, built and run by `make fuzz`): a failed check that
 * crashes so libFuzzer saves the input, exact-size heap copies so
 * AddressSanitizer sees any read past the bytes a parser was given, a
 * file holding the input for parsers that read a path, and a
 * deterministic generator for split points. Header-only; each target
 * includes it once. */
#ifndef CODIS_FUZZ_H
#define CODIS_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/log.h"

/* A property of the code under test does not hold: print why and abort,
 * which libFuzzer reports as a crash (with the input saved). */
#define fuzz_check(cond, ...)                                             \
    do {                                                                  \
        if (!(cond)) {                                                    \
            fprintf(stderr, "fuzz check failed: %s (%s:%d): ", #cond,     \
                    __FILE__, __LINE__);                                  \
            fprintf(stderr, __VA_ARGS__);                                 \
            fprintf(stderr, "\n");                                        \
            abort();                                                      \
        }                                                                 \
    } while (0)

/* Send lib/log's lines to /dev/null: the code under test logs what it
 * refuses, which would bury libFuzzer's own output. For
 * LLVMFuzzerInitialize. */
static inline void fuzz_quiet_log(void)
{
    char err[256];
    fuzz_check(log_init("fuzz", "/dev/null", err, sizeof(err)) == 0, "%s",
               err);
}

/* A heap copy of exactly 'len' bytes of 'p' (free with free()); even an
 * empty copy is its own block, so reading it is an ASan error. */
static inline char *fuzz_copy(const void *p, size_t len)
{
    char *c = malloc(len ? len : 1);
    fuzz_check(c != NULL, "out of memory");
    if (len > 0) {
        memcpy(c, p, len);
    }
    return c;
}

/* Put 'size' bytes of 'data' into an anonymous in-memory file (created on
 * the first call, reused after) and return a path that opens it,
 * "/proc/self/fd/N", for code that reads files by name. */
static inline const char *fuzz_file(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("fuzz-input", 0);
        fuzz_check(fd >= 0, "memfd_create failed");
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    }
    fuzz_check(ftruncate(fd, 0) == 0, "ftruncate failed");
    size_t off = 0;
    while (off < size) {
        ssize_t n = pwrite(fd, data + off, size - off, (off_t)off);
        fuzz_check(n > 0, "pwrite failed");
        off += (size_t)n;
    }
    return path;
}

/* A small deterministic generator (splitmix64), seeded from the input so
 * a saved crash replays the same way. */
static inline uint64_t fuzz_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* FNV-1a of the input: the seed for fuzz_rand. */
static inline uint64_t fuzz_seed(const uint8_t *data, size_t size)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < size; i++) {
        h = (h ^ data[i]) * 1099511628211ULL;
    }
    return h;
}

/* Fill 'cuts' with 'n' ascending positions in [1, size], the last one
 * 'size': the input shown to an incremental parser in 'n' growing steps.
 * 'n' is at least 1. */
static inline void fuzz_cuts(uint64_t *state, size_t size, size_t *cuts,
                             size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        cuts[i] = size ? 1 + (size_t)(fuzz_rand(state) % size) : 0;
    }
    cuts[n - 1] = size;
    /* insertion sort: n is small */
    for (size_t i = 1; i < n; i++) {
        size_t v = cuts[i], j = i;
        while (j > 0 && cuts[j - 1] > v) {
            cuts[j] = cuts[j - 1];
            j--;
        }
        cuts[j] = v;
    }
}

/* A growing byte string: what a run saw, to compare two runs. */
struct fuzz_log {
    char *buf;
    size_t len;
    size_t cap;
};

static inline void fuzz_log_add(struct fuzz_log *l, const void *p, size_t n)
{
    if (l->len + n > l->cap) {
        size_t cap = l->cap ? l->cap : 256;
        while (l->len + n > cap) {
            cap *= 2;
        }
        l->buf = realloc(l->buf, cap);
        fuzz_check(l->buf != NULL, "out of memory");
        l->cap = cap;
    }
    if (n > 0) {
        memcpy(l->buf + l->len, p, n);
    }
    l->len += n;
}

/* Append a number, then 'n' bytes (a length-prefixed record). */
static inline void fuzz_log_rec(struct fuzz_log *l, long long tag,
                                const void *p, size_t n)
{
    char head[48];
    int k = snprintf(head, sizeof(head), "%lld:%zu:", tag, n);
    fuzz_log_add(l, head, (size_t)k);
    fuzz_log_add(l, p, n);
}

/* Append a tagged number. */
static inline void fuzz_log_num(struct fuzz_log *l, long long tag,
                                long long value)
{
    char text[64];
    int k = snprintf(text, sizeof(text), "%lld=%lld;", tag, value);
    fuzz_log_add(l, text, (size_t)k);
}

static inline void fuzz_log_free(struct fuzz_log *l)
{
    free(l->buf);
    l->buf = NULL;
    l->len = l->cap = 0;
}

/* True if both logs hold the same bytes. */
static inline int fuzz_log_same(const struct fuzz_log *a,
                                const struct fuzz_log *b)
{
    return a->len == b->len && (a->len == 0 ||
                                memcmp(a->buf, b->buf, a->len) == 0);
}

/* One call of an incremental parser on 'view', a fresh heap copy of the
 * 'shown' bytes not yet consumed ('ctx' is the parser's state). Returns
 * 1 when a whole unit (request, reply) was found: its length in '*used',
 * what it holds recorded in 'log', the parser ready for the next; 0 when
 * it needs more bytes; -1 when it stopped on an error (recorded). */
typedef int (*fuzz_step_fn)(void *ctx, const char *view, size_t shown,
                            size_t *used, struct fuzz_log *log);

/* Feed 'data' ('size' bytes) to 'step' the way a connection does, shown
 * in 'ncuts' growing steps ending at 'cuts' (ascending, the last one
 * 'size'): each unit found is consumed and the rest shown again from its
 * start. Each call gets its own exact copy, so a parser that keeps
 * pointers between calls or reads past what it was shown trips ASan. */
static inline void fuzz_feed(const uint8_t *data, size_t size,
                             const size_t *cuts, size_t ncuts,
                             fuzz_step_fn step, void *ctx,
                             struct fuzz_log *log)
{
    size_t off = 0, at = 0;
    for (;;) {
        size_t avail = cuts[at];
        size_t shown = avail - off, used = 0;
        char *view = fuzz_copy(data + off, shown);
        int rc = step(ctx, view, shown, &used, log);
        free(view);
        if (rc > 0) {
            fuzz_check(used > 0 && used <= shown, "a unit of %zu bytes "
                       "out of %zu shown", used, shown);
            off += used;
            continue;
        }
        if (rc < 0) {
            return;
        }
        if (avail == size) {
            fuzz_log_num(log, -5, (long long)off); /* left waiting */
            return;
        }
        while (at + 1 < ncuts && cuts[at] == avail) {
            at++;
        }
    }
}

/* An incremental parser under test: parse 'data' ('size' bytes) shown
 * in 'ncuts' growing steps ending at 'cuts' (ascending, the last one
 * 'size'), and record in 'log' what was found. */
typedef void (*fuzz_stream_fn)(const uint8_t *data, size_t size,
                               const size_t *cuts, size_t ncuts,
                               struct fuzz_log *log);

/* Run 'run' on all of 'data' at once, then at 2 to 15 random cuts, then
 * (up to 512 bytes) one byte more at a time; abort unless every way
 * records the same. 'what' names the parser in the message. */
static inline void fuzz_whole_vs_split(const uint8_t *data, size_t size,
                                       fuzz_stream_fn run, const char *what)
{
    struct fuzz_log whole = { 0 }, split = { 0 };
    size_t all[1] = { size };
    run(data, size, all, 1, &whole);

    uint64_t state = fuzz_seed(data, size);
    size_t cuts[16];
    size_t n = 2 + (size_t)(fuzz_rand(&state) % 14);
    fuzz_cuts(&state, size, cuts, n);
    run(data, size, cuts, n, &split);
    fuzz_check(fuzz_log_same(&whole, &split),
               "%s in %zu pieces differs from all at once", what, n);

    if (size <= 512) {
        size_t *bytes = malloc((size + 1) * sizeof(*bytes));
        fuzz_check(bytes != NULL, "out of memory");
        bytes[0] = 0;
        for (size_t i = 0; i < size; i++) {
            bytes[i] = i + 1;
        }
        struct fuzz_log bytewise = { 0 };
        run(data, size, bytes, size ? size : 1, &bytewise);
        fuzz_check(fuzz_log_same(&whole, &bytewise),
                   "%s byte by byte differs from all at once", what);
        fuzz_log_free(&bytewise);
        free(bytes);
    }
    fuzz_log_free(&whole);
    fuzz_log_free(&split);
}

#endif
