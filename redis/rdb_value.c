/* How each value type is written to and read from an RDB stream: one
 * save/load function pair per type, picked by rdb_value_type /
 * rdb_value_load. We write the simplest encoding of each type and read
 * every encoding Redis 7.0 writes. The stream primitives are in rdb.c
 * (rdb_io.h). */
#include <string.h>

#include "lib/mem.h"
#include "redis/rdb_io.h"
#include "redis/server.h"

/* ------------------------------------------------------------------------
 * Strings */

static void rdb_string_save(struct rdb_out *w, const struct object *o)
{
    if (o->encoding == OBJ_ENC_INT) {
        rdb_out_ll(w, (long long)(intptr_t)o->ptr);
    } else {
        rdb_out_string(w, o->ptr, sds_len(o->ptr));
    }
}

static struct object *rdb_string_load(struct rdb_in *r)
{
    char *s = rdb_in_string(r);
    if (s == NULL) {
        return NULL;
    }
    struct object *o = object_new_string(s, sds_len(s), true);
    sds_free(s);
    return o;
}

/* ------------------------------------------------------------------------
 * Dispatch */

uint8_t rdb_value_type(const struct object *o)
{
    switch (o->type) {
    case OBJ_STRING:
    default:
        return RDB_TYPE_STRING;
    }
}

void rdb_value_save(struct rdb_out *w, const struct object *o)
{
    switch (o->type) {
    case OBJ_STRING:
    default:
        rdb_string_save(w, o);
        break;
    }
}

struct object *rdb_value_load(struct rdb_in *r, uint8_t type)
{
    switch (type) {
    case RDB_TYPE_STRING:
        return rdb_string_load(r);
    default:
        rdb_in_fail(r, "unsupported value type %u", type);
        return NULL;
    }
}
