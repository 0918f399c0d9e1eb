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
 *
 * LRU is approximated as in Redis: maxmemory-samples random keys of each
 * db are compared by their idle time (struct object.lru, in seconds,
 * refreshed on each lookup) and the oldest one goes. Replicas do not
 * evict: they follow their master's DELs. Replicas' output buffers and
 * the AOF buffer are left out of the count, as in Redis. */
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
};

/* The names, in the order of evict_policies' rows. */
const char *const evict_policy_names[] = {
    "noeviction", "allkeys-lru", "volatile-lru", "allkeys-random",
    "volatile-random", "volatile-ttl", NULL,
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
static long long evict_not_counted(void)
{
    long long bytes = (long long)aof_buffer_size();
    for (size_t k = 0; k < repl.slave_count; k++) {
        bytes += (long long)repl.slaves[k]->ocap;
    }
    return bytes;
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
        struct dict *d = vol ? db->expires : db->dict;
        if (dict_size(d) == 0) {
            continue;
        }
        if (pick == EVICT_RANDOM) {
            struct dict_entry *e = dict_random(d);
            evict_next_db = (i + 1) % server.databases;
            *from = db;
            return sds_new(e->key, sds_len(e->key));
        }
        for (int s = 0; s < server.maxmemory_samples; s++) {
            struct dict_entry *e = dict_random(d);
            long long score;
            if (pick == EVICT_TTL) {
                /* Sooner expiry scores higher. */
                score = -e->v.s64;
            } else {
                struct dict_entry *ke = vol ? dict_find(db->dict, e->key,
                                                        sds_len(e->key))
                                            : e;
                if (ke == NULL) {
                    continue;
                }
                score = evict_idle(ke->v.ptr);
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

int evict_perform(void)
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
