/* Split and merge of multi-key commands; see multikey.h. */
#include "roles/proxy/multikey.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/slot.h"
#include "roles/proxy/cmdtable.h"
#include "roles/proxy/fanout.h"
#include "roles/proxy/request.h"
#include "roles/proxy/router.h"
#include "roles/proxy/worker.h"

static void multikey_each_merge(struct request *r, struct pbuf *m);
static void multikey_on_part(struct request *sub, const char *p, size_t n);

/* Build the merged reply of 'r' and deliver it. */
static void multikey_finish(struct request *r)
{
    struct worker *w = r->worker;
    struct pbuf *m = &w->merge;
    pbuf_clear(m, 1 << 20);
    if (r->failed) {
        pbuf_append(m, pbuf_head(&r->reply), pbuf_size(&r->reply));
    } else if (r->cmd->route == CMDSPEC_ROUTE_MGET) {
        size_t count = 0;
        for (struct request *sub = r->first_sub; sub; sub = sub->next) {
            count++;
        }
        pbuf_append_head(m, '*', count);
        for (struct request *sub = r->first_sub; sub; sub = sub->next) {
            pbuf_append(m, pbuf_head(&sub->reply), pbuf_size(&sub->reply));
        }
    } else if (r->cmd->route == CMDSPEC_ROUTE_MSET) {
        pbuf_append(m, "+OK\r\n", 5);
    } else if (r->cmd->route == CMDSPEC_ROUTE_EACH) {
        multikey_each_merge(r, m);
    } else if (r->joined) {
        pbuf_append_head(m, '*', (size_t)r->sum);
        for (struct request *sub = r->first_sub; sub; sub = sub->next) {
            pbuf_append(m, pbuf_head(&sub->reply), pbuf_size(&sub->reply));
        }
    } else {
        char line[32];
        int len = snprintf(line, sizeof(line), ":%lld\r\n", r->sum);
        pbuf_append(m, line, (size_t)len);
    }
    /* the parts are done with: give them back before the parent waits */
    request_put_parts(r);
    pbuf_clear(&r->reply, 1 << 16);
    request_reply(r, pbuf_head(m), pbuf_size(m));
}

/* One part is over (or the guard taken while sending is released). */
static void multikey_release(struct request *r)
{
    if (--r->pending == 0) {
        multikey_finish(r);
    }
}

/* Record that a part of 'r' failed with the RESP error 'p'. */
static void multikey_fail(struct request *r, const char *p, size_t n)
{
    if (!r->failed) {
        r->failed = true;
        pbuf_clear(&r->reply, 1 << 16);
        pbuf_append(&r->reply, p, n);
    }
}

void multikey_split(struct request *r, const char *buf,
                    const struct resp_arg *argv, int argc)
{
    struct worker *w = r->worker;
    const struct cmdspec *cmd = r->cmd;
    int step = cmd->route == CMDSPEC_ROUTE_MSET ? 2 : 1;
    if ((argc - 1) % step != 0) {
        request_fail(r, "wrong number of arguments for 'mset' command");
        return;
    }
    size_t name_len = strlen(cmd->name);
    /* One more than the parts: a part failing at once must not finish
     * the parent before all are sent. */
    r->pending = (uint32_t)((argc - 1) / step) + 1;
    for (int i = 1; i < argc; i += step) {
        struct request *sub = request_new_part(r, REQUEST_SUB,
                                               multikey_on_part);
        pbuf_clear(&w->cmdbuf, 1 << 20);
        pbuf_append_head(&w->cmdbuf, '*', (size_t)(1 + step));
        pbuf_append_bulk(&w->cmdbuf, cmd->name, name_len);
        for (int j = 0; j < step; j++) {
            pbuf_append_bulk(&w->cmdbuf, buf + argv[i + j].off,
                              argv[i + j].len);
        }
        unsigned slot = slot_of_key(buf + argv[i].off, argv[i].len);
        int key = i;
        router_forward(w, sub, slot, pbuf_head(&w->cmdbuf),
                       pbuf_size(&w->cmdbuf), buf, argv, &key, 1);
    }
    multikey_release(r);
}

void multikey_all(struct request *r, const char *wire, size_t n)
{
    r->pending = 1;
    fanout_parts(r, wire, n, false, REQUEST_SUB, multikey_on_part);
    multikey_release(r);
}

bool multikey_each_reads(const char *buf, const struct resp_arg *argv,
                         int argc)
{
    static const char *reads[] = { "LIST", "DUMP", "STATS", "HELP" };
    if (argc < 2 || argv[0].len != 8 ||
        strncasecmp(buf + argv[0].off, "FUNCTION", 8) != 0) {
        return false;
    }
    for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
        size_t len = strlen(reads[i]);
        if (argv[1].len == len &&
            strncasecmp(buf + argv[1].off, reads[i], len) == 0) {
            return true;
        }
    }
    return false;
}

/* True if 'p' ('n' bytes) starts with 'prefix'. */
static bool multikey_starts(const char *p, size_t n, const char *prefix)
{
    size_t len = strlen(prefix);
    return n >= len && memcmp(p, prefix, len) == 0;
}

/* The merged reply of a SCRIPT / FUNCTION sent to every master, into 'm'.
 * Each part's reply is in its 'reply'. */
static void multikey_each_merge(struct request *r, struct pbuf *m)
{
    struct request *first = r->first_sub;
    if (first == NULL) {
        static const char none[] =
            "-ERR handle request, no group owns slots\r\n";
        pbuf_append(m, none, sizeof(none) - 1);
        return;
    }
    const char *kill = NULL;
    size_t kill_len = 0;
    int kill_rank = -1;
    bool is_kill = false;
    for (struct request *sub = first; sub; sub = sub->next) {
        const char *p = pbuf_head(&sub->reply);
        size_t n = pbuf_size(&sub->reply);
        /* KILL: OK beats UNKILLABLE / BUSY, which beat NOTBUSY. */
        int rank = multikey_starts(p, n, "+OK") ? 3
                   : multikey_starts(p, n, "-NOTBUSY") ? 1 : 2;
        if (multikey_starts(p, n, "-NOTBUSY") ||
            multikey_starts(p, n, "-UNKILLABLE")) {
            is_kill = true;
        }
        if (rank > kill_rank) {
            kill_rank = rank;
            kill = p;
            kill_len = n;
        }
    }
    if (is_kill) {
        pbuf_append(m, kill, kill_len);
        return;
    }
    for (struct request *sub = first; sub; sub = sub->next) {
        if (pbuf_size(&sub->reply) > 0 && pbuf_head(&sub->reply)[0] == '-') {
            pbuf_append(m, pbuf_head(&sub->reply), pbuf_size(&sub->reply));
            return;
        }
    }
    const char *p = pbuf_head(&first->reply);
    size_t n = pbuf_size(&first->reply);
    long long count;
    const char *eol = n > 1 && p[0] == '*' ? memchr(p, '\r', n) : NULL;
    if (eol == NULL || resp_parse_ll(p + 1, (size_t)(eol - p - 1), &count)
        != 0 || count <= 0 || (size_t)(eol - p) + 2 >= n ||
        eol[2] != ':') {
        pbuf_append(m, p, n);
        return;
    }
    /* SCRIPT EXISTS: an array of :0 / :1; 1 only where all say 1. */
    pbuf_append_head(m, '*', (size_t)count);
    for (long long i = 0; i < count; i++) {
        bool all = true;
        for (struct request *sub = first; sub; sub = sub->next) {
            const char *q = pbuf_head(&sub->reply);
            size_t qn = pbuf_size(&sub->reply);
            /* element i is at a fixed offset: header, then 4 bytes each */
            size_t at = (size_t)(eol - p) + 2 + (size_t)i * 4;
            if (qn < at + 4 || q[at] != ':' || q[at + 1] != '1') {
                all = false;
            }
        }
        pbuf_append(m, all ? ":1\r\n" : ":0\r\n", 4);
    }
}

/* Keep the elements of the array reply 'p' ('n' bytes) of part 'sub' of
 * 'r', to be joined into one array (KEYS over every group). */
static void multikey_join(struct request *r, struct request *sub,
                          const char *p, size_t n)
{
    const char *eol = memchr(p, '\r', n);
    long long count;
    if (eol == NULL || (size_t)(eol - p) + 2 > n ||
        resp_parse_ll(p + 1, (size_t)(eol - p - 1), &count) != 0 ||
        count < 0) {
        static const char bad[] = "-ERR handle response, bad array resp\r\n";
        multikey_fail(r, bad, sizeof(bad) - 1);
        return;
    }
    size_t head = (size_t)(eol - p) + 2;
    pbuf_append(&sub->reply, p + head, n - head);
    r->sum += count;
    r->joined = true;
}

/* The reply 'p' ('n' bytes) of part 'sub': kept for the merge, or
 * folded into the parent's count; the last part finishes the parent. */
static void multikey_on_part(struct request *sub, const char *p, size_t n)
{
    struct request *r = sub->parent;
    if (r->cmd->route == CMDSPEC_ROUTE_EACH) {
        pbuf_append(&sub->reply, p, n);
    } else if (n > 0 && p[0] == '-') {
        multikey_fail(r, p, n);
    } else if (r->cmd->route == CMDSPEC_ROUTE_ALL && p[0] == '*') {
        multikey_join(r, sub, p, n);
    } else {
        switch (r->cmd->route) {
        case CMDSPEC_ROUTE_MGET:
            /* the reply of "MGET key" is "*1\r\n<value>" */
            if (n >= 4 && memcmp(p, "*1\r\n", 4) == 0) {
                pbuf_append(&sub->reply, p + 4, n - 4);
            } else {
                static const char bad[] =
                    "-ERR handle response, bad mget resp\r\n";
                multikey_fail(r, bad, sizeof(bad) - 1);
            }
            break;
        case CMDSPEC_ROUTE_MSET:
            break;
        default: {
            long long v;
            if (n >= 3 && p[0] == ':' &&
                resp_parse_ll(p + 1, n - 3, &v) == 0) {
                r->sum += v;
            } else {
                static const char bad[] =
                    "-ERR handle response, bad integer resp\r\n";
                multikey_fail(r, bad, sizeof(bad) - 1);
            }
            break;
        }
        }
    }
    multikey_release(r);
}
