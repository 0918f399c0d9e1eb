/* LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: the longest
 * common subsequence of two string values, by the dynamic programming
 * table, walked back from the end to build the string and the matching
 * ranges in the order and shape redis-server 7.0 replies them. A string
 * command kept apart from t_string.c because it is a self-contained
 * algorithm. */
#include <stdint.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/server.h"

/* The bytes of string key 'a' ("" if missing) in '*p'/'*len'; false if it
 * holds another type. 'buf' holds integer-encoded values. */
static bool lcs_value(struct client *c, const struct arg *a, char *buf,
                      const char **p, size_t *len)
{
    struct object *o = db_lookup_read(c->db, a->ptr, a->len);
    if (o == NULL) {
        *p = "";
        *len = 0;
        return true;
    }
    if (o->type != OBJ_STRING) {
        return false;
    }
    *p = object_string(o, buf, len);
    return true;
}

/* One matching range, as IDX replies it. */
static void lcs_reply_range(struct client *c, uint32_t as, uint32_t ae,
                            uint32_t bs, uint32_t be, bool withlen)
{
    reply_array(c, withlen ? 3 : 2);
    reply_array(c, 2);
    reply_integer(c, as);
    reply_integer(c, ae);
    reply_array(c, 2);
    reply_integer(c, bs);
    reply_integer(c, be);
    if (withlen) {
        reply_integer(c, (long long)(ae - as + 1));
    }
}

void cmd_lcs(struct client *c)
{
    char abuf[SERVER_LONG_STR_SIZE], bbuf[SERVER_LONG_STR_SIZE];
    const char *a, *b;
    size_t alen, blen;
    if (!lcs_value(c, &c->argv[1], abuf, &a, &alen) ||
        !lcs_value(c, &c->argv[2], bbuf, &b, &blen)) {
        reply_error(c, "The specified keys must contain string values");
        return;
    }
    bool getidx = false, getlen = false, withlen = false;
    long long minlen = 0;
    for (int j = 3; j < c->argc; j++) {
        const struct arg *o = &c->argv[j];
        if (arg_is(o, "idx")) {
            getidx = true;
        } else if (arg_is(o, "len")) {
            getlen = true;
        } else if (arg_is(o, "withmatchlen")) {
            withlen = true;
        } else if (arg_is(o, "minmatchlen") && j + 1 < c->argc) {
            if (arg_ll_or_reply(c, &c->argv[j + 1], &minlen, NULL) != 0) {
                return;
            }
            if (minlen < 0) {
                minlen = 0;
            }
            j++;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    if (getidx && getlen) {
        reply_error(c, "If you want both the length and indexes, please "
                       "just use IDX.");
        return;
    }
    unsigned long long cells = (unsigned long long)(alen + 1) * (blen + 1);
    /* Redis caps the table at proto-max-bulk-len (512mb by default, not
     * configurable here yet). */
    if (cells * sizeof(uint32_t) > (unsigned long long)SERVER_MAX_STRING) {
        reply_error(c, "Insufficient memory, transient memory for LCS "
                       "exceeds proto-max-bulk-len");
        return;
    }
    uint32_t *t = mem_alloc((size_t)cells * sizeof(*t));
#define LCS_AT(i, j) t[(j) + (i) * (blen + 1)]
    for (size_t i = 0; i <= alen; i++) {
        for (size_t j = 0; j <= blen; j++) {
            if (i == 0 || j == 0) {
                LCS_AT(i, j) = 0;
            } else if (a[i - 1] == b[j - 1]) {
                LCS_AT(i, j) = LCS_AT(i - 1, j - 1) + 1;
            } else {
                uint32_t up = LCS_AT(i - 1, j), left = LCS_AT(i, j - 1);
                LCS_AT(i, j) = up > left ? up : left;
            }
        }
    }
    uint32_t total = LCS_AT(alen, blen);
    uint32_t idx = total;
    char *result = mem_alloc((size_t)total + 1);
    size_t handle = 0;
    long long ranges = 0;
    if (getidx) {
        reply_array(c, 4);
        reply_bulk_str(c, "matches");
        handle = reply_defer_len(c);
    }
    /* Walk back: a range opens at a match and grows while matches stay
     * contiguous; a step over a mismatch, or reaching either string's
     * start, closes it. */
    uint32_t as = (uint32_t)alen, ae = 0, bs = 0, be = 0;
    size_t i = alen, j = blen;
    bool compute = getidx || !getlen;
    while (compute && i > 0 && j > 0) {
        bool emit = false;
        if (a[i - 1] == b[j - 1]) {
            result[idx - 1] = a[i - 1];
            if (as == alen) {
                as = ae = (uint32_t)(i - 1);
                bs = be = (uint32_t)(j - 1);
            } else if (as == i && bs == j) {
                as--;
                bs--;
            } else {
                emit = true;
            }
            if (as == 0 || bs == 0) {
                emit = true;
            }
            idx--;
            i--;
            j--;
        } else {
            if (LCS_AT(i - 1, j) > LCS_AT(i, j - 1)) {
                i--;
            } else {
                j--;
            }
            if (as != alen) {
                emit = true;
            }
        }
        if (emit) {
            if (getidx && (minlen == 0 || ae - as + 1 >= minlen)) {
                lcs_reply_range(c, as, ae, bs, be, withlen);
                ranges++;
            }
            as = (uint32_t)alen;
        }
    }
#undef LCS_AT
    if (getidx) {
        reply_set_array_len(c, handle, ranges);
        reply_bulk_str(c, "len");
        reply_integer(c, total);
    } else if (getlen) {
        reply_integer(c, total);
    } else {
        reply_bulk(c, result, total);
    }
    mem_free(result);
    mem_free(t);
}
