/* Key expiry: the EXPIRE family, TTL, PTTL, EXPIRETIME, PEXPIRETIME,
 * PERSIST, and the active expiry cycle the cron runs. Lazy expiry on
 * access lives in db.c (db_expire_if_needed).
 *
 * Active cycle, like Redis's: for each database in turn, sample keys that
 * have an expiry (walking the expires table with a SCAN cursor kept per
 * database, so every key is reached in time), delete the expired ones,
 * and keep going on the same database while more than a tenth of a
 * sample was expired; stop when a quarter of the cron period is spent. */
#include <limits.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/notify.h"
#include "redis/server.h"
#include "redis/slowlog.h"

#define EXPIRE_SAMPLE 20         /* keys looked at per round */
#define EXPIRE_ACCEPTABLE_PCT 10 /* stop when fewer expired than this */

/* Keys sampled in one round: copies, since deleting frees the originals. */
struct expire_sample {
    char *keys[EXPIRE_SAMPLE * 4];
    int count;
    int seen;
    long long ttl_sum;
    int ttl_count;
};

static void expire_collect(void *priv, const struct dict_entry *e)
{
    struct expire_sample *s = priv;
    s->seen++;
    long long ttl = e->v.s64 - server.mstime;
    if (ttl <= 0) {
        if (s->count < (int)(sizeof(s->keys) / sizeof(s->keys[0]))) {
            s->keys[s->count++] = sds_new(e->key, sds_len(e->key));
        }
    } else {
        s->ttl_sum += ttl;
        s->ttl_count++;
    }
}

/* INFO: cycles stopped by their time limit, CPU time spent, and the
 * running estimate of the share of expired keys among those sampled. */
static long long expire_cap_reached;
static long long expire_cpu_us;
static double expire_stale_perc;

/* One round on 'db'. Returns the percentage of expired keys seen. */
static int expire_round(struct db *db)
{
    struct expire_sample s;
    s.count = s.seen = s.ttl_count = 0;
    s.ttl_sum = 0;
    int buckets = 0;
    do {
        db->expire_cursor = dict_scan(db->expires, db->expire_cursor,
                                      expire_collect, &s);
        buckets++;
    } while (db->expire_cursor != 0 && s.seen < EXPIRE_SAMPLE &&
             buckets < EXPIRE_SAMPLE * 20);
    for (int i = 0; i < s.count; i++) {
        db_expire_if_needed(db, s.keys[i], sds_len(s.keys[i]));
        sds_free(s.keys[i]);
    }
    if (s.seen > 0) {
        expire_stale_perc = expire_stale_perc * 0.95 +
                            (double)s.count / s.seen * 0.05;
    }
    if (s.ttl_count > 0) {
        long long avg = s.ttl_sum / s.ttl_count;
        db->avg_ttl = db->avg_ttl == 0 ? avg : (db->avg_ttl * 49 + avg) / 50;
    }
    return s.seen == 0 ? 0 : s.count * 100 / s.seen;
}

/* One cycle; 'start' is when it began (us). */
static void expire_cycle_run(long long start)
{
    long long limit = 1000000 / server.hz / 4;
    for (int n = 0; n < server.databases; n++) {
        struct db *db = &server.db[server.active_expire_db];
        server.active_expire_db = (server.active_expire_db + 1) %
                                  server.databases;
        if (dict_size(db->expires) == 0) {
            db->avg_ttl = 0;
            continue;
        }
        int rounds = 0;
        while (expire_round(db) > EXPIRE_ACCEPTABLE_PCT &&
               dict_size(db->expires) > 0) {
            if ((++rounds & 15) == 0 && server_ustime() - start > limit) {
                expire_cap_reached++;
                return;
            }
        }
        if (server_ustime() - start > limit) {
            expire_cap_reached++;
            return;
        }
    }
}

void expire_cycle(void)
{
    long long start = server_ustime();
    expire_cycle_run(start);
    long long spent = server_ustime() - start;
    expire_cpu_us += spent;
    latency_add_sample("expire-cycle", spent / 1000);
}

char *expire_info(char *s)
{
    s = sds_catfmt(s, "expired_stale_perc:%.2f\r\n",
                   expire_stale_perc * 100);
    s = sds_catfmt(s, "expired_time_cap_reached_count:%lld\r\n",
                   expire_cap_reached);
    s = sds_catfmt(s, "expire_cycle_cpu_milliseconds:%lld\r\n",
                   expire_cpu_us / 1000);
    return s;
}

/* EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT: 'base' is added to the time
 * argument (now, or 0 for the *AT forms), 'secs' scales it. */
static void expire_generic(struct client *c, long long base, bool secs)
{
    const struct arg *key = &c->argv[1];
    long long when;
    if (arg_ll_or_reply(c, &c->argv[2], &when, NULL) != 0) {
        return;
    }
    bool nx = false, xx = false, gt = false, lt = false;
    for (int i = 3; i < c->argc; i++) {
        if (arg_is(&c->argv[i], "nx")) {
            nx = true;
        } else if (arg_is(&c->argv[i], "xx")) {
            xx = true;
        } else if (arg_is(&c->argv[i], "gt")) {
            gt = true;
        } else if (arg_is(&c->argv[i], "lt")) {
            lt = true;
        } else {
            reply_error(c, "Unsupported option %s", c->argv[i].ptr);
            return;
        }
    }
    if (nx && (xx || gt || lt)) {
        reply_error(c, "NX and XX, GT or LT options at the same time are "
                       "not compatible");
        return;
    }
    if (gt && lt) {
        reply_error(c, "GT and LT options at the same time are not "
                       "compatible");
        return;
    }
    bool overflow = false;
    if (secs) {
        overflow = when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000;
        when = overflow ? 0 : when * 1000;
    }
    if (overflow || (when > 0 && base > LLONG_MAX - when)) {
        reply_error(c, "invalid expire time in '%s' command",
                    c->cmd->spec->name);
        return;
    }
    when += base;
    if (db_lookup_write(c->db, key->ptr, key->len) == NULL) {
        reply_integer(c, 0);
        return;
    }
    long long current = db_get_expire(c->db, key->ptr, key->len);
    if ((nx && current != -1) || (xx && current == -1) ||
        (gt && (current == -1 || when <= current)) ||
        (lt && current != -1 && when >= current)) {
        reply_integer(c, 0);
        return;
    }
    char buf[SERVER_LONG_STR_SIZE];
    if (when <= server.mstime && server.masterhost == NULL) {
        db_delete(c->db, key->ptr, key->len);
        notify_arg(NOTIFY_GENERIC, "del", key, c->db->id);
        struct arg argv[2] = { { "DEL", 3 }, *key };
        server_propagate(c->db->id, 2, argv);
    } else {
        db_set_expire(c->db, key->ptr, key->len, when);
        db_signal_modified(c->db, key->ptr, key->len);
        notify_arg(NOTIFY_GENERIC, "expire", key, c->db->id);
        size_t n = util_ll2str(buf, when);
        struct arg argv[3] = { { "PEXPIREAT", 9 }, *key, { buf, n } };
        server_propagate(c->db->id, 3, argv);
    }
    c->flags |= CLIENT_PREVENT_PROP;
    server.dirty++;
    reply_integer(c, 1);
}

/* EXPIRE key seconds [NX|XX|GT|LT] */
void cmd_expire(struct client *c)
{
    expire_generic(c, server.mstime, true);
}

/* PEXPIRE key milliseconds [NX|XX|GT|LT] */
void cmd_pexpire(struct client *c)
{
    expire_generic(c, server.mstime, false);
}

/* EXPIREAT key unix-time-seconds [NX|XX|GT|LT] */
void cmd_expireat(struct client *c)
{
    expire_generic(c, 0, true);
}

/* PEXPIREAT key unix-time-milliseconds [NX|XX|GT|LT] */
void cmd_pexpireat(struct client *c)
{
    expire_generic(c, 0, false);
}

/* TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 no key, -1 no expiry. */
static void expire_ttl_generic(struct client *c, bool ms, bool absolute)
{
    const struct arg *key = &c->argv[1];
    if (db_lookup_read(c->db, key->ptr, key->len) == NULL) {
        reply_integer(c, -2);
        return;
    }
    long long when = db_get_expire(c->db, key->ptr, key->len);
    if (when == -1) {
        reply_integer(c, -1);
        return;
    }
    if (absolute) {
        reply_integer(c, ms ? when : when / 1000);
        return;
    }
    long long ttl = when - server.mstime;
    if (ttl < 0) {
        ttl = 0;
    }
    reply_integer(c, ms ? ttl : (ttl + 500) / 1000);
}

void cmd_ttl(struct client *c)
{
    expire_ttl_generic(c, false, false);
}

void cmd_pttl(struct client *c)
{
    expire_ttl_generic(c, true, false);
}

void cmd_expiretime(struct client *c)
{
    expire_ttl_generic(c, false, true);
}

void cmd_pexpiretime(struct client *c)
{
    expire_ttl_generic(c, true, true);
}

/* PERSIST key */
void cmd_persist(struct client *c)
{
    const struct arg *key = &c->argv[1];
    if (db_lookup_write(c->db, key->ptr, key->len) != NULL &&
        db_remove_expire(c->db, key->ptr, key->len)) {
        db_signal_modified(c->db, key->ptr, key->len);
        notify_arg(NOTIFY_GENERIC, "persist", key, c->db->id);
        server.dirty++;
        reply_integer(c, 1);
    } else {
        reply_integer(c, 0);
    }
}
