/* DUMP and RESTORE: one key's value as a self-checking payload (RDB type
 * byte, RDB-encoded value, 2-byte RDB version, CRC-64; built and parsed by
 * rdb.c), so values move between servers, ours or Redis's. The same
 * payload carries values in Codis's migration (slotsmgrt.c). */
#include <string.h>

#include "lib/mem.h"
#include "redis/rdb.h"
#include "redis/evict.h"
#include "redis/notify.h"
#include "redis/server.h"

/* DUMP key */
void cmd_dump(struct client *c)
{
    struct object *o = db_lookup_read(c->db, c->argv[1].ptr, c->argv[1].len);
    if (o == NULL) {
        reply_null(c);
        return;
    }
    char *payload = rdb_dump_payload(o);
    reply_bulk_sds(c, payload);
    sds_free(payload);
}

/* RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f] */
void cmd_restore(struct client *c)
{
    bool replace = false, absttl = false, idle_given = false;
    bool freq_given = false;
    long long idle = -1, freq = -1;
    for (int i = 4; i < c->argc; i++) {
        bool has_value = i + 1 < c->argc;
        long long v;
        if (arg_is(&c->argv[i], "replace")) {
            replace = true;
        } else if (arg_is(&c->argv[i], "absttl")) {
            absttl = true;
        } else if (arg_is(&c->argv[i], "idletime") && has_value &&
                   !freq_given) {
            if (arg_ll_or_reply(c, &c->argv[++i], &v, NULL) != 0) {
                return;
            }
            if (v < 0) {
                reply_error(c, "Invalid IDLETIME value, must be >= 0");
                return;
            }
            idle_given = true;
            idle = v;
        } else if (arg_is(&c->argv[i], "freq") && has_value && !idle_given) {
            if (arg_ll_or_reply(c, &c->argv[++i], &v, NULL) != 0) {
                return;
            }
            if (v < 0 || v > 255) {
                reply_error(c, "Invalid FREQ value, must be >= 0 and "
                               "<= 255");
                return;
            }
            freq_given = true;
            freq = v;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    const struct arg *key = &c->argv[1];
    if (!replace && db_lookup_write(c->db, key->ptr, key->len) != NULL) {
        reply_error_text(c, "BUSYKEY Target key name already exists.");
        return;
    }
    long long ttl;
    if (arg_ll_or_reply(c, &c->argv[2], &ttl, NULL) != 0) {
        return;
    }
    if (ttl < 0) {
        reply_error(c, "Invalid TTL value, must be >= 0");
        return;
    }
    const struct arg *payload = &c->argv[3];
    if (!rdb_payload_valid(payload->ptr, payload->len)) {
        reply_error(c, "DUMP payload version or checksum are wrong");
        return;
    }
    char err[128];
    struct object *o = rdb_payload_load(payload->ptr, payload->len, err,
                                        sizeof(err));
    if (o == NULL) {
        reply_error(c, "%s", err);
        return;
    }
    bool deleted = replace && db_delete(c->db, key->ptr, key->len);
    if (ttl > 0 && !absttl) {
        ttl += server.mstime;
    }
    if (ttl > 0 && ttl <= server.mstime) {
        /* Already expired: the key is gone, which replicas learn as DEL. */
        object_decr_ref(o);
        if (deleted) {
            notify_arg(NOTIFY_GENERIC, "del", key, c->db->id);
            struct arg del[2] = { { "DEL", 3 }, *key };
            server_propagate(c->db->id, 2, del);
            c->flags |= CLIENT_PREVENT_PROP;
            server.dirty++;
        }
        reply_ok(c);
        return;
    }
    evict_restore_hints(o, idle, freq);
    db_add(c->db, key->ptr, key->len, o);
    if (ttl > 0) {
        db_set_expire(c->db, key->ptr, key->len, ttl);
    }
    db_signal_modified(c->db, key->ptr, key->len);
    notify_arg(NOTIFY_GENERIC, "restore", key, c->db->id);
    server.dirty++;
    reply_ok(c);
    if (ttl > 0 && !absttl) {
        /* Replicas and the AOF get the absolute time: RESTORE key
         * <ms-epoch> payload [options] ABSTTL, as Redis sends it. */
        struct arg *argv = mem_alloc(((size_t)c->argc + 1) * sizeof(*argv));
        memcpy(argv, c->argv, (size_t)c->argc * sizeof(*argv));
        char buf[SERVER_LONG_STR_SIZE];
        argv[2].ptr = buf;
        argv[2].len = util_ll2str(buf, ttl);
        argv[c->argc].ptr = "ABSTTL";
        argv[c->argc].len = 6;
        server_propagate(c->db->id, c->argc + 1, argv);
        c->flags |= CLIENT_PREVENT_PROP;
        mem_free(argv);
    }
}
