/* maxmemory: before a command runs on a master whose memory (lib/mem's
 * count of bytes allocated) is above maxmemory, delete keys chosen by
 * maxmemory-policy until it is below, propagating each as DEL:
 *
 *   noeviction       delete nothing; commands flagged DENYOOM get -OOM
 *   allkeys-lru      the least recently used of the sampled keys
 *   volatile-lru     the same among keys with an expiry
 *   allkeys-random   any key
 *   volatile-random  any key with an expiry
 *   volatile-ttl     of the sampled keys with an expiry, the one that
 *                    expires first
 *   allkeys-lfu      the least frequently used of the sampled keys
 *   volatile-lfu     the same among keys with an expiry
 *
 * LRU is approximated as in Redis: maxmemory-samples random keys of each
 * db are compared by their idle time (struct object.lru, in seconds,
 * refreshed on each lookup) and the oldest one goes. LFU keeps in the
 * same 16 bits, as Redis keeps in its 24, a logarithmic access counter
 * (low byte: grows with probability 1/((n-5)*lfu-log-factor+1), starts
 * at 5) and the minute it was last decremented (high byte, modulo 256):
 * the counter loses one per lfu-decay-time minutes without access (so a
 * key idle for more than 255 minutes decays as if idle for less; Redis's
 * 16-bit minutes wrap after 45 days). Replicas do not
 * evict: they follow their master's DELs. Replicas' output buffers and
 * the AOF buffer are left out of the count, as in Redis. */
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "redis/aof.h"
#include "redis/evict.h"
#include "redis/replication.h"
#include "redis/notify.h"
#include "redis/server.h"
#include "redis/slowlog.h"

/* A policy: which keys may go and how the best one is chosen. */
enum evict_pick {
    EVICT_NONE,
    EVICT_LRU,
    EVICT_RANDOM,
    EVICT_TTL,
    EVICT_LFU,
};

/* The names, in the order of evict_policies' rows. */
const char *const evict_policy_names[] = {
    "noeviction", "allkeys-lru", "volatile-lru", "allkeys-random",
    "volatile-random", "volatile-ttl", "allkeys-lfu", "volatile-lfu", NULL,
};

static const struct {
    enum evict_pick pick;
    bool volatile_only; /* only keys with an expiry */
} evict_policies[] = {
    { EVICT_NONE, false },   /* noeviction */
    { EVICT_LRU, false },    /* allkeys-lru */
    { EVICT_LRU, true },     /* volatile-lru */
    { EVICT_RANDOM, false }, /* allkeys-random */
    { EVICT_RANDOM, true },  /* volatile-random */
    { EVICT_TTL, true },     /* volatile-ttl */
    { EVICT_LFU, false },    /* allkeys-lfu */
    { EVICT_LFU, true },     /* volatile-lfu */
};

#define EVICT_POLICY_COUNT (sizeof(evict_policies) / sizeof(evict_policies[0]))
_Static_assert(sizeof(evict_policy_names) / sizeof(evict_policy_names[0]) ==
                   EVICT_POLICY_COUNT + 1,
               "a name for each policy");

/* Where the next random pick starts, so dbs take turns. */
static int evict_next_db;

/* The row of server.maxmemory_policy. */
static size_t evict_policy(void)
{
    for (size_t i = 0; i < EVICT_POLICY_COUNT; i++) {
        if (strcmp(server.maxmemory_policy, evict_policy_names[i]) == 0) {
            return i;
        }
    }
    return 0;
}

long long evict_used_memory(void)
{
    return (long long)mem_used();
}

/* Memory that is not the dataset's: replicas' output buffers and the AOF
 * buffer. Evicting keys grows them (each eviction is a DEL to send), so
 * counting them would evict in a loop, as Redis notes too. */
long long evict_not_counted(void)
{
    long long bytes = (long long)aof_buffer_size();
    for (size_t k = 0; k < repl.slave_count; k++) {
        bytes += (long long)repl.slaves[k]->ocap;
    }
    return bytes;
}

#define EVICT_LFU_INIT 5 /* the counter of a new key */

bool evict_lfu(void)
{
    return evict_policies[evict_policy()].pick == EVICT_LFU;
}

/* Minutes since the epoch, modulo 256 (the LFU decrement clock). */
static unsigned evict_lfu_minutes(void)
{
    return (unsigned)((server.mstime / 60000) & 255);
}

uint16_t evict_new_clock(void)
{
    if (evict_lfu()) {
        return (uint16_t)(evict_lfu_minutes() << 8 | EVICT_LFU_INIT);
    }
    return server_lru_clock();
}

unsigned evict_lfu_value(const struct object *o)
{
    unsigned counter = o->lru & 255;
    unsigned elapsed = (evict_lfu_minutes() - (o->lru >> 8)) & 255;
    unsigned periods = server.lfu_decay_time > 0
                       ? elapsed / (unsigned)server.lfu_decay_time : 0;
    return periods >= counter ? 0 : counter - periods;
}

void evict_touch(struct object *o)
{
    if (!evict_lfu()) {
        o->lru = server_lru_clock();
        return;
    }
    unsigned counter = evict_lfu_value(o);
    if (counter < 255) {
        double base = counter > EVICT_LFU_INIT ? counter - EVICT_LFU_INIT : 0;
        double p = 1.0 / (base * server.lfu_log_factor + 1);
        if ((double)random() / RAND_MAX < p) {
            counter++;
        }
    }
    o->lru = (uint16_t)(evict_lfu_minutes() << 8 | counter);
}

void evict_restore_hints(struct object *o, long long idle, long long freq)
{
    if (evict_lfu()) {
        if (freq >= 0) {
            o->lru = (uint16_t)(evict_lfu_minutes() << 8 | (unsigned)freq);
        }
    } else if (idle >= 0) {
        o->lru = (uint16_t)(server_lru_clock() - (idle > 65535 ? 65535
                                                               : idle));
    }
}

/* Seconds 'o' has been idle, by the 16-bit clock. */
static unsigned evict_idle(const struct object *o)
{
    return (uint16_t)(server_lru_clock() - o->lru);
}

/* The best key to evict now, as a new sds string (owned) with its db,
 * or NULL if no key qualifies. */
static char *evict_choose(size_t policy, struct db **from)
{
    enum evict_pick pick = evict_policies[policy].pick;
    bool vol = evict_policies[policy].volatile_only;
    const char *best = NULL; /* a key of the dicts: nothing changes here */
    long long best_score = 0;
    for (int k = 0; k < server.databases; k++) {
        int i = (evict_next_db + k) % server.databases;
        struct db *db = &server.db[i];
        struct dict *d = db->expires;
        if (vol ? dict_size(d) == 0 : db_size(db) == 0) {
            continue;
        }
        if (pick == EVICT_RANDOM) {
            struct dict_entry *e = vol ? dict_random(d) : db_random_entry(db);
            evict_next_db = (i + 1) % server.databases;
            *from = db;
            return sds_new(e->key, sds_len(e->key));
        }
        for (int s = 0; s < server.maxmemory_samples; s++) {
            struct dict_entry *e = vol ? dict_random(d)
                                       : db_random_entry(db);
            long long score;
            if (pick == EVICT_TTL) {
                /* Sooner expiry scores higher. */
                score = -e->v.s64;
            } else {
                struct dict_entry *ke = vol ? db_find(db, e->key,
                                                      sds_len(e->key))
                                            : e;
                if (ke == NULL) {
                    continue;
                }
                score = pick == EVICT_LFU
                        ? 255 - (long long)evict_lfu_value(ke->v.ptr)
                        : evict_idle(ke->v.ptr);
            }
            if (best == NULL || score > best_score) {
                best = e->key;
                best_score = score;
                *from = db;
            }
        }
    }
    return best != NULL ? sds_new(best, sds_len(best)) : NULL;
}

/* Over maxmemory without a way down: since when (us, 0 if not), and the
 * stretches that ended. */
static long long evict_exceeded_since;
static long long evict_exceeded_total;

/* Record the outcome 'rc' of evict_perform. */
static int evict_outcome(int rc)
{
    if (rc != 0 && evict_exceeded_since == 0) {
        evict_exceeded_since = server_ustime();
    } else if (rc == 0 && evict_exceeded_since != 0) {
        evict_exceeded_total += server_ustime() - evict_exceeded_since;
        evict_exceeded_since = 0;
    }
    return rc;
}

void evict_exceeded_time(long long *total, long long *current)
{
    long long now = evict_exceeded_since != 0
                    ? server_ustime() - evict_exceeded_since : 0;
    *total = (evict_exceeded_total + now) / 1000;
    *current = now / 1000;
}

static int evict_perform_now(void);

int evict_perform(void)
{
    return evict_outcome(evict_perform_now());
}

static int evict_perform_now(void)
{
    if (server.maxmemory == 0 || server.masterhost != NULL) {
        return 0;
    }
    long long used = evict_used_memory() - evict_not_counted();
    if (used <= server.maxmemory) {
        return 0;
    }
    size_t policy = evict_policy();
    if (evict_policies[policy].pick == EVICT_NONE) {
        return -1;
    }
    long long start = server_ustime();
    while (used > server.maxmemory) {
        struct db *db = NULL;
        char *key = evict_choose(policy, &db);
        if (key == NULL) {
            latency_add_sample("eviction-cycle",
                               (server_ustime() - start) / 1000);
            return -1;
        }
        struct arg argv[2] = { { "DEL", 3 }, { key, sds_len(key) } };
        server_propagate(db->id, 2, argv);
        db_delete(db, key, sds_len(key));
        notify_event(NOTIFY_EVICTED, "evicted", key, sds_len(key), db->id);
        sds_free(key);
        server.stat_evicted_keys++;
        used = evict_used_memory() - evict_not_counted();
    }
    latency_add_sample("eviction-cycle", (server_ustime() - start) / 1000);
    return 0;
}
