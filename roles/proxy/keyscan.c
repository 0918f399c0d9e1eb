/* Cluster-wide SCAN over every group; see keyscan.h. */
#include "roles/proxy/keyscan.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "roles/proxy/backend.h"
#include "roles/proxy/fanout.h"
#include "roles/proxy/request.h"
#include "roles/proxy/session.h"
#include "roles/proxy/slotmap.h"
#include "roles/proxy/worker.h"

#define KEYSCAN_GROUP_MASK ((1ULL << KEYSCAN_GROUP_BITS) - 1)

/* The first address index at or after 'from' that owns a slot of 'map',
 * or -1. */
static int32_t keyscan_owner_from(const struct slotmap *map, size_t from)
{
    for (size_t i = from; i < map->naddrs; i++) {
        if (fanout_is_master(map, i)) {
            return (int32_t)i;
        }
    }
    return -1;
}

/* Parse a cursor as Redis does (strtoull: a sign is allowed, "-1" is
 * the largest cursor; no leading space, nothing after the digits). Returns
 * 0, or -1. */
static int keyscan_parse(const char *p, size_t n, unsigned long long *out)
{
    char text[64];
    if (n == 0 || n >= sizeof(text) || isspace((unsigned char)p[0])) {
        return -1;
    }
    memcpy(text, p, n);
    text[n] = '\0';
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0' || errno == ERANGE || end == text) {
        return -1;
    }
    *out = v;
    return 0;
}

static void keyscan_on_reply(struct request *q, const char *p, size_t n);

void keyscan_scan(struct session *s, struct request *r, const char *buf,
                  const struct resp_arg *argv, int argc)
{
    struct worker *w = s->worker;
    unsigned long long cursor;
    if (keyscan_parse(buf + argv[1].off, argv[1].len, &cursor) != 0) {
        request_fail(r, "invalid cursor");
        return;
    }
    size_t group = (size_t)(cursor & KEYSCAN_GROUP_MASK);
    unsigned long long server = cursor >> KEYSCAN_GROUP_BITS;
    int32_t owner = keyscan_owner_from(w->map, group);
    if (owner < 0) {
        static const char end[] = "*2\r\n$1\r\n0\r\n*0\r\n";
        request_reply(r, end, sizeof(end) - 1);
        return;
    }
    if ((size_t)owner != group) {
        /* the group left the table: start the next one afresh */
        server = 0;
    }
    char num[24];
    int len = snprintf(num, sizeof(num), "%llu", server);
    pbuf_clear(&w->cmdbuf, 1 << 20);
    pbuf_append_head(&w->cmdbuf, '*', (size_t)argc);
    pbuf_append_bulk(&w->cmdbuf, "SCAN", 4);
    pbuf_append_bulk(&w->cmdbuf, num, (size_t)len);
    for (int i = 2; i < argc; i++) {
        pbuf_append_bulk(&w->cmdbuf, buf + argv[i].off, argv[i].len);
    }
    struct request *q = request_child(r, REQUEST_SCAN, keyscan_on_reply);
    q->group = (uint32_t)owner;
    backend_send(worker_route(w, owner), q, pbuf_head(&w->cmdbuf),
                 pbuf_size(&w->cmdbuf));
}

/* The server's reply 'p' ('n' bytes) to the SCAN 'q' sent for the
 * client's SCAN: its cursor is rewritten to the cluster cursor and the
 * reply goes to the client's request. */
static void keyscan_on_reply(struct request *q, const char *p, size_t n)
{
    struct worker *w = q->worker;
    struct request *r = q->parent;
    uint32_t group = q->group;
    request_put(q);
    /* "*2\r\n$<len>\r\n<cursor>\r\n" then the array of keys */
    const char *lenp = p + 5;
    const char *eol = n > 5 && memcmp(p, "*2\r\n$", 5) == 0 ?
                      memchr(lenp, '\r', n - 5) : NULL;
    long long clen;
    unsigned long long server;
    if (eol == NULL || resp_parse_ll(lenp, (size_t)(eol - lenp), &clen) != 0
        || clen <= 0 || (size_t)(eol - p) + 2 + (size_t)clen + 2 > n ||
        keyscan_parse(eol + 2, (size_t)clen, &server) != 0) {
        /* an error, or not a SCAN reply: the client gets it as it is */
        request_reply(r, p, n);
        return;
    }
    const char *rest = eol + 2 + clen + 2;
    size_t rest_len = n - (size_t)(rest - p);
    unsigned long long cursor = 0;
    if (server == 0) {
        int32_t next = w->map != NULL ?
                       keyscan_owner_from(w->map, (size_t)group + 1) : -1;
        cursor = next < 0 ? 0 : (unsigned long long)next;
    } else if (server >> (64 - KEYSCAN_GROUP_BITS) != 0) {
        request_fail(r, "handle response, server cursor too large for the "
                     "proxy's SCAN");
        return;
    } else {
        cursor = server << KEYSCAN_GROUP_BITS | group;
    }
    char num[24];
    int len = snprintf(num, sizeof(num), "%llu", cursor);
    struct pbuf *m = &w->merge;
    pbuf_clear(m, 1 << 20);
    pbuf_append(m, "*2\r\n", 4);
    pbuf_append_bulk(m, num, (size_t)len);
    pbuf_append(m, rest, rest_len);
    request_reply(r, pbuf_head(m), pbuf_size(m));
}
