/* The multi-key pop commands shared by lists and sorted sets: LMPOP,
 * BLMPOP, ZMPOP and BZMPOP all read "numkeys key [key ...] SIDE [COUNT
 * count]", pop from the first non-empty key of the type, and with B block
 * on all keys when none has data; BLPOP, BRPOP, BZPOPMIN and BZPOPMAX do
 * the same with one element and "key [key ...] timeout". This file parses
 * those arguments and runs that search; what popping means (which end,
 * what the reply holds, what is propagated) is the type's, given as a
 * struct mpop_type by t_list.c and t_zset.c. Not here: the waiting itself
 * (blocking.c).
 *
 *   mpop_command       [B]LMPOP, [B]ZMPOP: parse, pop from the first key
 *                      found, else block (B form) or reply a null array
 *   mpop_bpop_command  BLPOP-style: pop one from the first key, else block
 *   mpop_serve, mpop_serve_one  a blocked client's key changed: pop if it
 *                      holds the type
 */
#include "lib/resp.h"
#include "redis/server.h"

/* The parsed arguments of an MPOP command. */
struct mpop_args {
    int first_key;      /* keys are argv[first_key .. +numkeys-1] */
    long long numkeys;
    bool second_side;   /* the SIDE word was t->sides[1] */
    long long count;    /* COUNT, 1 if absent */
};

/* Parse 'argv' ('argc' words, numkeys at 'first') into 'm' for type 't'.
 * Returns NULL or the error text to reply. */
static const char *mpop_parse(const struct mpop_type *t, int argc,
                              const struct arg *argv, int first,
                              struct mpop_args *m)
{
    if (util_str2ll(argv[first].ptr, argv[first].len, &m->numkeys) != 0 ||
        m->numkeys < 1) {
        return "numkeys should be greater than 0";
    }
    m->first_key = first + 1;
    int where = first + 1 + (int)(m->numkeys < argc ? m->numkeys : argc);
    if (where >= argc) {
        return "syntax error";
    }
    if (arg_is(&argv[where], t->sides[0])) {
        m->second_side = false;
    } else if (arg_is(&argv[where], t->sides[1])) {
        m->second_side = true;
    } else {
        return "syntax error";
    }
    m->count = 1;
    bool have_count = false;
    for (int i = where + 1; i < argc; i++) {
        if (arg_is(&argv[i], "count") && i + 1 < argc && !have_count) {
            if (util_str2ll(argv[i + 1].ptr, argv[i + 1].len,
                              &m->count) != 0 || m->count < 1) {
                return "count should be greater than 0";
            }
            have_count = true;
            i++;
        } else {
            return "syntax error";
        }
    }
    return NULL;
}

void mpop_command(struct client *c, const struct mpop_type *t,
                  bool blocking)
{
    long long timeout = 0;
    if (blocking &&
        blocking_timeout_or_reply(c, &c->argv[1], &timeout) != 0) {
        return;
    }
    struct mpop_args m;
    const char *err = mpop_parse(t, c->argc, c->argv, blocking ? 2 : 1, &m);
    if (err != NULL) {
        reply_error(c, "%s", err);
        return;
    }
    const struct arg *key;
    bool wrong;
    void *value = db_lookup_first_typed(c, m.first_key, (int)m.numkeys,
                                        t->obj_type, &key, &wrong);
    if (value != NULL) {
        t->pop_reply(c, key, value, m.second_side, m.count);
    } else if (wrong) {
        return;
    } else if (blocking) {
        blocking_block(c, m.first_key, (int)m.numkeys, timeout, t->serve);
    } else {
        reply_null_array(c);
    }
}

bool mpop_serve(const struct mpop_type *t, struct client *c, int argc,
                const struct arg *argv, const struct arg *key)
{
    struct object *o = db_lookup_write(c->db, key->ptr, key->len);
    if (o == NULL || o->type != t->obj_type) {
        return false;
    }
    struct mpop_args m;
    /* The command was parsed when it blocked, so this cannot fail. */
    mpop_parse(t, argc, argv, 2, &m);
    t->pop_reply(c, key, o->ptr, m.second_side, m.count);
    return true;
}

void mpop_bpop_command(struct client *c, const struct mpop_type *t,
                       bool second_side)
{
    long long timeout;
    if (blocking_timeout_or_reply(c, &c->argv[c->argc - 1], &timeout) != 0) {
        return;
    }
    const struct arg *key;
    bool wrong;
    void *value = db_lookup_first_typed(c, 1, c->argc - 2, t->obj_type, &key,
                                        &wrong);
    if (value != NULL) {
        t->pop_one(c, key, value, second_side);
    } else if (!wrong) {
        blocking_block(c, 1, c->argc - 2, timeout, t->serve_one);
    }
}

bool mpop_serve_one(const struct mpop_type *t, struct client *c, int argc,
                    const struct arg *argv, const struct arg *key)
{
    (void)argc;
    struct object *o = db_lookup_write(c->db, key->ptr, key->len);
    if (o == NULL || o->type != t->obj_type) {
        return false;
    }
    t->pop_one(c, key, o->ptr, arg_is(&argv[0], t->bpop_second));
    return true;
}
