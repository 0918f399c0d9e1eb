/* Keyspace notifications: turns "command X changed key K of db N" into
 * pub/sub messages, as Redis does. Each write command calls notify_event
 * (or notify_arg) once per event after its change; db.c adds "new" for
 * every added key, lazy and active expiry add "expired", eviction
 * "evicted", and reads that miss "keymiss". Which events are published,
 * and on which of the two channels, is server.notify_keyspace_events:
 *
 *     __keyspace@<db>__:<key>     message: the event name  (class K)
 *     __keyevent@<db>__:<event>   message: the key         (class E)
 *
 * Not here: delivery to subscribers (pubsub.c). */
#include <stdio.h>
#include <string.h>

#include "redis/notify.h"
#include "redis/server.h"

/* The letters of notify-keyspace-events, in the order CONFIG GET prints
 * them (A stands for NOTIFY_ALL and is printed instead of its letters). */
static const struct {
    char letter;
    unsigned flag;
} notify_letters[] = {
    { 'g', NOTIFY_GENERIC }, { '$', NOTIFY_STRING }, { 'l', NOTIFY_LIST },
    { 's', NOTIFY_SET },     { 'h', NOTIFY_HASH },   { 'z', NOTIFY_ZSET },
    { 'x', NOTIFY_EXPIRED }, { 'e', NOTIFY_EVICTED }, { 't', NOTIFY_STREAM },
    { 'd', NOTIFY_MODULE },  { 'n', NOTIFY_NEW },    { 'K', NOTIFY_KEYSPACE },
    { 'E', NOTIFY_KEYEVENT }, { 'm', NOTIFY_KEY_MISS },
};

#define NOTIFY_LETTER_COUNT (sizeof(notify_letters) / sizeof(notify_letters[0]))

int notify_parse_flags(const char *s, size_t len, unsigned *flags)
{
    unsigned f = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == 'A') {
            f |= NOTIFY_ALL;
            continue;
        }
        size_t j = 0;
        while (j < NOTIFY_LETTER_COUNT && notify_letters[j].letter != s[i]) {
            j++;
        }
        if (j == NOTIFY_LETTER_COUNT) {
            return -1;
        }
        f |= notify_letters[j].flag;
    }
    *flags = f;
    return 0;
}

char *notify_flags_string(unsigned flags)
{
    char *s = sds_new_empty(16);
    bool all = (flags & NOTIFY_ALL) == NOTIFY_ALL;
    if (all) {
        s = sds_cat(s, "A", 1);
    }
    for (size_t i = 0; i < NOTIFY_LETTER_COUNT; i++) {
        unsigned f = notify_letters[i].flag;
        /* With A, K E and m are the only letters printed. */
        bool class = !(f & (NOTIFY_KEYSPACE | NOTIFY_KEYEVENT |
                            NOTIFY_KEY_MISS));
        if ((flags & f) && !(all && class)) {
            s = sds_cat(s, &notify_letters[i].letter, 1);
        }
    }
    return s;
}

/* Publish 'msg' on "__<kind>@<dbid>__:<name>". */
static void notify_publish(const char *kind, int dbid, const char *name,
                           size_t nlen, const char *msg, size_t mlen)
{
    char head[48];
    int n = snprintf(head, sizeof(head), "__%s@%d__:", kind, dbid);
    if (n < 0 || (size_t)n >= sizeof(head)) {
        return;
    }
    char *channel = sds_new(head, (size_t)n);
    channel = sds_cat(channel, name, nlen);
    pubsub_publish(channel, sds_len(channel), msg, mlen);
    sds_free(channel);
}

void notify_event(unsigned type, const char *event, const char *key,
                  size_t len, int dbid)
{
    unsigned flags = server.notify_keyspace_events;
    if (!(flags & type)) {
        return;
    }
    size_t elen = strlen(event);
    if (flags & NOTIFY_KEYSPACE) {
        notify_publish("keyspace", dbid, key, len, event, elen);
    }
    if (flags & NOTIFY_KEYEVENT) {
        notify_publish("keyevent", dbid, event, elen, key, len);
    }
}

void notify_arg(unsigned type, const char *event, const struct arg *key,
                int dbid)
{
    notify_event(type, event, key->ptr, key->len, dbid);
}
