/* Incrementally rehashed hash table with binary string keys; see dict.h.
 * The table grows to twice its entries when it is full (load factor 1) and
 * shrinks on request when it is 10% full. */
#include "redis/dict.h"

#include <string.h>
#include <sys/time.h>

#include "lib/mem.h"
#include "redis/sds.h"

#define DICT_INITIAL_SIZE 4

static uint64_t dict_seed[2] = { 0x2d358dccaa6c78a5ULL, 0x8bb84b93962eacc9ULL };
static uint64_t dict_rng = 0x9E3779B97F4A7C15ULL;

void dict_set_hash_seed(const uint8_t seed[16])
{
    memcpy(dict_seed, seed, 16);
    dict_rng ^= dict_seed[0] | 1;
}

uint64_t dict_random_u64(void)
{
    uint64_t x = dict_rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    dict_rng = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static inline uint64_t dict_mum(uint64_t a, uint64_t b)
{
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t dict_read8(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint64_t dict_read4(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* A multiply-mix hash in the style of wyhash: 16 bytes per round, then a
 * final mix with the length. Seeded, so clients cannot pick colliding
 * keys in advance. */
uint64_t dict_hash(const void *key, size_t len)
{
    const uint8_t *p = key;
    const uint64_t k0 = 0xa0761d6478bd642fULL, k1 = 0xe7037ed1a0b428dbULL,
                   k2 = 0x8ebc6af09c88c6e3ULL;
    uint64_t seed = dict_seed[0] ^ dict_mum(dict_seed[1] ^ k0, len ^ k1);
    uint64_t a, b;
    if (len <= 16) {
        if (len >= 4) {
            a = (dict_read4(p) << 32) | dict_read4(p + ((len >> 3) << 2));
            b = (dict_read4(p + len - 4) << 32) |
                dict_read4(p + len - 4 - ((len >> 3) << 2));
        } else if (len > 0) {
            a = ((uint64_t)p[0] << 16) | ((uint64_t)p[len >> 1] << 8) |
                p[len - 1];
            b = 0;
        } else {
            a = b = 0;
        }
    } else {
        size_t i = len;
        while (i > 16) {
            seed = dict_mum(dict_read8(p) ^ k1, dict_read8(p + 8) ^ seed);
            p += 16;
            i -= 16;
        }
        a = dict_read8(p + i - 16);
        b = dict_read8(p + i - 8);
    }
    return dict_mum(k1 ^ len, dict_mum(a ^ k1, b ^ seed) ^ k2);
}

struct dict *dict_new(const struct dict_type *type)
{
    struct dict *d = mem_calloc(1, sizeof(*d));
    d->type = type;
    d->rehash_idx = -1;
    return d;
}

struct dict *dict_new_keys_only(const struct dict_type *type)
{
    struct dict *d = dict_new(type);
    d->keys_only = true;
    return d;
}

/* False while a child process runs (dict_set_resize_allowed). */
static bool dict_resize_allowed = true;

/* Entries per bucket past which a table grows even while resizing is
 * forbidden, as Redis's dict_force_resize_ratio. */
#define DICT_FORCE_RESIZE_RATIO 5

void dict_set_resize_allowed(bool allowed)
{
    dict_resize_allowed = allowed;
}

static void dict_free_entry(struct dict *d, struct dict_entry *e)
{
    if (d->type->owns_keys) {
        sds_free(e->key);
    }
    if (!d->keys_only && d->type->val_free != NULL && e->v.ptr != NULL) {
        d->type->val_free(e->v.ptr);
    }
    mem_free(e);
}

void dict_clear(struct dict *d)
{
    for (int t = 0; t < 2; t++) {
        for (size_t i = 0; i < d->size[t] && d->used[t] > 0; i++) {
            struct dict_entry *e = d->table[t][i];
            while (e != NULL) {
                struct dict_entry *next = e->next;
                dict_free_entry(d, e);
                d->used[t]--;
                e = next;
            }
        }
        mem_free(d->table[t]);
        d->table[t] = NULL;
        d->size[t] = 0;
        d->used[t] = 0;
    }
    d->rehash_idx = -1;
}

void dict_free(struct dict *d)
{
    if (d == NULL) {
        return;
    }
    dict_clear(d);
    mem_free(d);
}

static size_t dict_next_power(size_t n)
{
    size_t size = DICT_INITIAL_SIZE;
    while (size < n) {
        size *= 2;
    }
    return size;
}

/* Start a rehash into a table of 'size' buckets (or install the first). */
static void dict_resize_to(struct dict *d, size_t size)
{
    if (d->rehash_idx != -1) {
        return;
    }
    size = dict_next_power(size);
    if (size == d->size[0]) {
        return;
    }
    struct dict_entry **table = mem_calloc(size, sizeof(*table));
    if (d->table[0] == NULL) {
        d->table[0] = table;
        d->size[0] = size;
        return;
    }
    d->table[1] = table;
    d->size[1] = size;
    d->used[1] = 0;
    d->rehash_idx = 0;
}

void dict_expand(struct dict *d, size_t size)
{
    if (size > dict_size(d) && size > d->size[0]) {
        dict_resize_to(d, size);
    }
}

bool dict_shrink_if_needed(struct dict *d)
{
    if (!dict_resize_allowed || d->rehash_idx != -1 ||
        d->size[0] <= DICT_INITIAL_SIZE || d->used[0] * 10 >= d->size[0]) {
        return false;
    }
    dict_resize_to(d, d->used[0]);
    return true;
}

bool dict_rehash(struct dict *d, int n)
{
    if (d->rehash_idx == -1) {
        return false;
    }
    int empty_visits = n * 10;
    while (n-- > 0 && d->used[0] > 0) {
        while (d->table[0][d->rehash_idx] == NULL) {
            d->rehash_idx++;
            if (--empty_visits == 0) {
                return true;
            }
        }
        struct dict_entry *e = d->table[0][d->rehash_idx];
        while (e != NULL) {
            struct dict_entry *next = e->next;
            size_t idx = dict_hash(e->key, sds_len(e->key)) & (d->size[1] - 1);
            e->next = d->table[1][idx];
            d->table[1][idx] = e;
            d->used[0]--;
            d->used[1]++;
            e = next;
        }
        d->table[0][d->rehash_idx] = NULL;
        d->rehash_idx++;
    }
    if (d->used[0] == 0) {
        mem_free(d->table[0]);
        d->table[0] = d->table[1];
        d->size[0] = d->size[1];
        d->used[0] = d->used[1];
        d->table[1] = NULL;
        d->size[1] = 0;
        d->used[1] = 0;
        d->rehash_idx = -1;
        return false;
    }
    return true;
}

static long long dict_time_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

int dict_rehash_ms(struct dict *d, int ms)
{
    if (d->pause_rehash > 0) {
        return 0;
    }
    long long start = dict_time_ms();
    int moved = 0;
    while (dict_rehash(d, 100)) {
        moved += 100;
        if (dict_time_ms() - start > ms) {
            break;
        }
    }
    return moved;
}

static inline void dict_step(struct dict *d)
{
    if (d->rehash_idx != -1 && d->pause_rehash == 0) {
        dict_rehash(d, 1);
    }
}

static inline bool dict_key_eq(const char *stored, const void *key,
                               size_t len)
{
    return sds_len(stored) == len && memcmp(stored, key, len) == 0;
}

/* The entry of 'key' ('len' bytes, hash 'h') in either table, or NULL. */
static struct dict_entry *dict_lookup(struct dict *d, const void *key,
                                      size_t len, uint64_t h)
{
    for (int t = 0; t < 2; t++) {
        if (d->size[t] == 0) {
            break;
        }
        struct dict_entry *e = d->table[t][h & (d->size[t] - 1)];
        for (; e != NULL; e = e->next) {
            if (dict_key_eq(e->key, key, len)) {
                return e;
            }
        }
        if (d->rehash_idx == -1) {
            break;
        }
    }
    return NULL;
}

struct dict_entry *dict_find(struct dict *d, const void *key, size_t len)
{
    if (dict_size(d) == 0) {
        return NULL;
    }
    dict_step(d);
    return dict_lookup(d, key, len, dict_hash(key, len));
}

struct dict_entry *dict_insert(struct dict *d, char *key)
{
    dict_step(d);
    /* grow to the next power of two past the size, i.e. double, as
     * Redis does (a table is at most full, at least half full after) */
    if (d->rehash_idx == -1 && dict_size(d) >= d->size[0] &&
        (dict_resize_allowed || d->size[0] == 0 ||
         dict_size(d) / d->size[0] >= DICT_FORCE_RESIZE_RATIO)) {
        dict_resize_to(d, dict_size(d) + 1);
    }
    size_t len = sds_len(key);
    uint64_t h = dict_hash(key, len);
    if (dict_lookup(d, key, len, h) != NULL) {
        return NULL;
    }
    int t = d->rehash_idx != -1 ? 1 : 0;
    struct dict_entry *e = mem_alloc(
        d->keys_only ? offsetof(struct dict_entry, v) : sizeof(*e));
    size_t idx = h & (d->size[t] - 1);
    e->key = key;
    if (!d->keys_only) {
        e->v.ptr = NULL;
    }
    e->next = d->table[t][idx];
    d->table[t][idx] = e;
    d->used[t]++;
    return e;
}

struct dict_entry *dict_unlink(struct dict *d, const void *key, size_t len)
{
    if (dict_size(d) == 0) {
        return NULL;
    }
    dict_step(d);
    uint64_t h = dict_hash(key, len);
    for (int t = 0; t < 2; t++) {
        if (d->size[t] == 0) {
            break;
        }
        struct dict_entry **link = &d->table[t][h & (d->size[t] - 1)];
        for (; *link != NULL; link = &(*link)->next) {
            struct dict_entry *e = *link;
            if (dict_key_eq(e->key, key, len)) {
                *link = e->next;
                d->used[t]--;
                e->next = NULL;
                return e;
            }
        }
        if (d->rehash_idx == -1) {
            break;
        }
    }
    return NULL;
}

void dict_free_unlinked(struct dict *d, struct dict_entry *e)
{
    if (e != NULL) {
        dict_free_entry(d, e);
    }
}

bool dict_delete(struct dict *d, const void *key, size_t len)
{
    struct dict_entry *e = dict_unlink(d, key, len);
    if (e == NULL) {
        return false;
    }
    dict_free_entry(d, e);
    return true;
}

/* Chains are rarely longer than this at a load factor of at most 1. */
#define DICT_RANDOM_CHAIN 8

struct dict_entry *dict_random(struct dict *d)
{
    if (dict_size(d) == 0) {
        return NULL;
    }
    dict_step(d);
    /* Pick a bucket and a position in it, and retry when the position is
     * past the chain's end: every entry of a chain of up to
     * DICT_RANDOM_CHAIN entries has the same chance, wherever it sits.
     * Taking a random non-empty bucket first would favour entries alone
     * in their bucket (a biased SRANDMEMBER, RANDOMKEY, SPOP). */
    size_t lo = d->rehash_idx != -1 ? (size_t)d->rehash_idx : 0;
    size_t span = d->size[0] + (d->rehash_idx != -1 ? d->size[1] : 0) - lo;
    for (;;) {
        size_t i = lo + dict_random_u64() % span;
        struct dict_entry *e = i >= d->size[0] ? d->table[1][i - d->size[0]]
                                               : d->table[0][i];
        if (e == NULL) {
            continue;
        }
        size_t n = 0;
        for (struct dict_entry *p = e; p != NULL; p = p->next) {
            n++;
        }
        size_t k = dict_random_u64() %
                   (n > DICT_RANDOM_CHAIN ? n : DICT_RANDOM_CHAIN);
        if (k >= n) {
            continue;
        }
        while (k-- > 0) {
            e = e->next;
        }
        return e;
    }
}

void dict_iter_init(struct dict_iter *it, struct dict *d)
{
    it->d = d;
    it->table = 0;
    it->index = -1;
    it->entry = NULL;
    it->next = NULL;
    d->pause_rehash++;
}

struct dict_entry *dict_iter_next(struct dict_iter *it)
{
    struct dict *d = it->d;
    for (;;) {
        if (it->next != NULL) {
            it->entry = it->next;
            it->next = it->entry->next;
            return it->entry;
        }
        it->index++;
        if (it->index >= (long long)d->size[it->table]) {
            if (it->table == 0 && d->rehash_idx != -1) {
                it->table = 1;
                it->index = 0;
            } else {
                return NULL;
            }
        }
        if (d->size[it->table] == 0) {
            return NULL;
        }
        it->next = d->table[it->table][it->index];
    }
}

void dict_iter_release(struct dict_iter *it)
{
    it->d->pause_rehash--;
}

static uint64_t dict_rev(uint64_t v)
{
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    return __builtin_bswap64(v);
}

static void dict_emit(struct dict_entry *e, dict_scan_fn fn, void *priv)
{
    while (e != NULL) {
        struct dict_entry *next = e->next;
        fn(priv, e);
        e = next;
    }
}

uint64_t dict_scan(struct dict *d, uint64_t v, dict_scan_fn fn, void *priv)
{
    if (dict_size(d) == 0) {
        return 0;
    }
    d->pause_rehash++;
    if (d->rehash_idx == -1) {
        uint64_t m0 = d->size[0] - 1;
        dict_emit(d->table[0][v & m0], fn, priv);
        v |= ~m0;
        v = dict_rev(v);
        v++;
        v = dict_rev(v);
    } else {
        int small = d->size[0] <= d->size[1] ? 0 : 1;
        int large = 1 - small;
        uint64_t m0 = d->size[small] - 1, m1 = d->size[large] - 1;
        dict_emit(d->table[small][v & m0], fn, priv);
        do {
            dict_emit(d->table[large][v & m1], fn, priv);
            v |= ~m1;
            v = dict_rev(v);
            v++;
            v = dict_rev(v);
        } while (v & (m0 ^ m1));
    }
    d->pause_rehash--;
    return v;
}
