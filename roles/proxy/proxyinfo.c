/* INFO: the proxy's section and the masters' sections merged; see
 * info.h. */
#include "roles/proxy/proxyinfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "lib/mem.h"
#include "roles/proxy/fanout.h"
#include "roles/proxy/request.h"
#include "roles/proxy/session.h"
#include "roles/proxy/slotmap.h"
#include "roles/proxy/worker.h"

/* Sub-fields of a "k=v,k=v" value (keyspace, commandstats) kept. */
#define PROXYINFO_MAX_SUBS 12

/* One sub-field, summed over the masters. */
struct proxyinfo_sub {
    const char *name;
    size_t len;
    double sum;     /* as a number */
    double max;
    bool integer;   /* every value was an integer */
};

/* One "key:value" line, merged over the masters. */
struct proxyinfo_field {
    int section;         /* index into the section names */
    const char *key;
    size_t klen;
    const char *first;   /* the first master's value */
    size_t flen;
    long long isum;
    bool integer;        /* every value was an integer */
    int nsubs;           /* > 0: a "k=v,..." value */
    struct proxyinfo_sub subs[PROXYINFO_MAX_SUBS];
};

/* The merge state. */
struct proxyinfo_merge {
    const char *sections[64];
    size_t slens[64];
    int nsections;
    struct proxyinfo_field *fields;
    size_t nfields;
    size_t cap;
};

/* How a section combines (see info.h). */
enum proxyinfo_rule { PROXYINFO_FIRST, PROXYINFO_SUM, PROXYINFO_SUBS };

static enum proxyinfo_rule proxyinfo_rule_of(const char *name, size_t len)
{
    static const char *sum[] = { "Clients", "Memory", "Stats" };
    static const char *subs[] = { "Keyspace", "Commandstats", "Errorstats" };
    for (size_t i = 0; i < sizeof(sum) / sizeof(sum[0]); i++) {
        if (strlen(sum[i]) == len && strncasecmp(name, sum[i], len) == 0) {
            return PROXYINFO_SUM;
        }
    }
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
        if (strlen(subs[i]) == len && strncasecmp(name, subs[i], len) == 0) {
            return PROXYINFO_SUBS;
        }
    }
    return PROXYINFO_FIRST;
}

static bool proxyinfo_int(const char *p, size_t n, long long *v)
{
    return resp_parse_ll(p, n, v) == 0;
}

static bool proxyinfo_num(const char *p, size_t n, double *v)
{
    char text[64];
    if (n == 0 || n >= sizeof(text)) {
        return false;
    }
    memcpy(text, p, n);
    text[n] = '\0';
    char *end;
    *v = strtod(text, &end);
    return *end == '\0';
}

static int proxyinfo_section(struct proxyinfo_merge *m, const char *name, size_t len)
{
    for (int i = 0; i < m->nsections; i++) {
        if (m->slens[i] == len && memcmp(m->sections[i], name, len) == 0) {
            return i;
        }
    }
    if (m->nsections == 64) {
        return -1;
    }
    m->sections[m->nsections] = name;
    m->slens[m->nsections] = len;
    return m->nsections++;
}

/* Add sub-fields "a=1,b=2" of value 'v' to 'f'. */
static void proxyinfo_add_subs(struct proxyinfo_field *f, const char *v, size_t n,
                          bool first)
{
    const char *end = v + n;
    while (v < end) {
        const char *comma = memchr(v, ',', (size_t)(end - v));
        const char *stop = comma != NULL ? comma : end;
        const char *eq = memchr(v, '=', (size_t)(stop - v));
        if (eq != NULL) {
            size_t nl = (size_t)(eq - v);
            struct proxyinfo_sub *s = NULL;
            for (int i = 0; i < f->nsubs; i++) {
                if (f->subs[i].len == nl && memcmp(f->subs[i].name, v,
                                                   nl) == 0) {
                    s = &f->subs[i];
                }
            }
            if (s == NULL && f->nsubs < PROXYINFO_MAX_SUBS) {
                s = &f->subs[f->nsubs++];
                s->name = v;
                s->len = nl;
                s->sum = 0;
                s->max = 0;
                s->integer = true;
            }
            double d = 0;
            long long ll;
            const char *val = eq + 1;
            size_t vl = (size_t)(stop - val);
            if (s != NULL && proxyinfo_num(val, vl, &d)) {
                s->sum += d;
                if (d > s->max || first) {
                    s->max = d;
                }
                s->integer = s->integer && proxyinfo_int(val, vl, &ll);
            }
        }
        v = stop + 1;
    }
}

/* Merge one master's INFO text 'p' ('n' bytes) into 'm'. */
static void proxyinfo_add(struct proxyinfo_merge *m, const char *p, size_t n)
{
    const char *end = p + n;
    int section = -1;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl != NULL ? nl : end;
        size_t len = (size_t)(stop - p);
        if (len > 0 && p[len - 1] == '\r') {
            len--;
        }
        if (len > 2 && p[0] == '#' && p[1] == ' ') {
            section = proxyinfo_section(m, p + 2, len - 2);
        } else if (len > 0 && section >= 0) {
            const char *colon = memchr(p, ':', len);
            if (colon != NULL) {
                size_t klen = (size_t)(colon - p);
                const char *v = colon + 1;
                size_t vlen = len - klen - 1;
                struct proxyinfo_field *f = NULL;
                for (size_t i = 0; i < m->nfields && f == NULL; i++) {
                    struct proxyinfo_field *g = &m->fields[i];
                    if (g->section == section && g->klen == klen &&
                        memcmp(g->key, p, klen) == 0) {
                        f = g;
                    }
                }
                bool first = f == NULL;
                if (first) {
                    if (m->nfields == m->cap) {
                        m->cap = m->cap ? m->cap * 2 : 256;
                        m->fields = mem_realloc(m->fields,
                                                m->cap * sizeof(*f));
                    }
                    f = &m->fields[m->nfields++];
                    memset(f, 0, sizeof(*f));
                    f->section = section;
                    f->key = p;
                    f->klen = klen;
                    f->first = v;
                    f->flen = vlen;
                    f->integer = true;
                }
                long long ll;
                if (proxyinfo_int(v, vlen, &ll)) {
                    f->isum += ll;
                } else {
                    f->integer = false;
                }
                if (proxyinfo_rule_of(m->sections[section], m->slens[section]) ==
                    PROXYINFO_SUBS) {
                    proxyinfo_add_subs(f, v, vlen, first);
                }
            }
        }
        p = stop + 1;
    }
}

/* 'bytes' as Redis's "_human" values print it ("1.50M"). */
static void proxyinfo_human(struct pbuf *out, long long bytes)
{
    static const char units[] = "BKMGTPE";
    double d = (double)bytes;
    int u = 0;
    while (d >= 1024 && u < 6) {
        d /= 1024;
        u++;
    }
    char text[32];
    int len = u == 0 ? snprintf(text, sizeof(text), "%lldB", bytes)
                     : snprintf(text, sizeof(text), "%.2f%c", d, units[u]);
    pbuf_append(out, text, (size_t)len);
}

/* The value of field 'f' merged, appended to 'out'. */
static void proxyinfo_value(const struct proxyinfo_merge *m,
                       const struct proxyinfo_field *f, struct pbuf *out)
{
    enum proxyinfo_rule rule = proxyinfo_rule_of(m->sections[f->section],
                                       m->slens[f->section]);
    char text[64];
    if (rule == PROXYINFO_SUBS && f->nsubs > 0) {
        bool keyspace = strncasecmp(m->sections[f->section], "keyspace",
                                    8) == 0;
        double calls = 0, usec = 0, expires = 0;
        for (int i = 0; i < f->nsubs; i++) {
            const struct proxyinfo_sub *s = &f->subs[i];
            if (s->len == 5 && memcmp(s->name, "calls", 5) == 0) {
                calls = s->sum;
            } else if (s->len == 4 && memcmp(s->name, "usec", 4) == 0) {
                usec = s->sum;
            } else if (s->len == 7 && memcmp(s->name, "expires", 7) == 0) {
                expires = s->sum;
            }
        }
        for (int i = 0; i < f->nsubs; i++) {
            const struct proxyinfo_sub *s = &f->subs[i];
            pbuf_append(out, s->name, s->len);
            pbuf_append(out, "=", 1);
            int len;
            if (s->len == 13 && memcmp(s->name, "usec_per_call", 13) == 0) {
                len = snprintf(text, sizeof(text), "%.2f",
                               calls > 0 ? usec / calls : 0);
            } else if (keyspace && s->len == 7 &&
                       memcmp(s->name, "avg_ttl", 7) == 0) {
                /* the masters' means are not kept apart: the largest is
                 * the honest bound without their weights */
                len = snprintf(text, sizeof(text), "%lld",
                               expires > 0 ? (long long)s->max : 0);
            } else if (s->integer) {
                len = snprintf(text, sizeof(text), "%lld",
                               (long long)s->sum);
            } else {
                len = snprintf(text, sizeof(text), "%.3f", s->max);
            }
            pbuf_append(out, text, (size_t)len);
            if (i + 1 < f->nsubs) {
                pbuf_append(out, ",", 1);
            }
        }
        return;
    }
    if (rule == PROXYINFO_SUM && f->klen > 6 &&
        memcmp(f->key + f->klen - 6, "_human", 6) == 0) {
        for (size_t i = 0; i < m->nfields; i++) {
            const struct proxyinfo_field *b = &m->fields[i];
            if (b->section == f->section && b->klen == f->klen - 6 &&
                memcmp(b->key, f->key, b->klen) == 0 && b->integer) {
                proxyinfo_human(out, b->isum);
                return;
            }
        }
    }
    bool own = (f->klen == 19 && memcmp(f->key, "total_system_memory",
                                        19) == 0) ||
               (f->klen == 10 && memcmp(f->key, "maxclients", 10) == 0);
    if (rule == PROXYINFO_SUM && f->integer && !own) {
        int len = snprintf(text, sizeof(text), "%lld", f->isum);
        pbuf_append(out, text, (size_t)len);
        return;
    }
    pbuf_append(out, f->first, f->flen);
}

/* The proxy's own section, appended to 'out'. */
static void proxyinfo_proxy(struct worker *me, struct pbuf *out)
{
    const struct worker_config *cfg = me->cfg;
    int n;
    struct worker **all = worker_all(&n);
    uint64_t sum[STATS_COUNT] = { 0 };
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < STATS_COUNT; k++) {
            sum[k] += stats_get(&all[i]->stats, (enum stats_id)k);
        }
    }
    size_t groups = 0;
    const struct slotmap *map = me->map;
    for (size_t i = 0; map != NULL && i < map->naddrs; i++) {
        groups += fanout_is_master(map, i);
    }
    uint64_t now = worker_now_ms(me);
    char text[2048];
    int len = snprintf(text, sizeof(text),
        "# Proxy\r\n"
        "proxy_id:%s\r\n"
        "process_id:%ld\r\n"
        "listen_addr:%s\r\n"
        "uptime_in_seconds:%llu\r\n"
        "threads:%d\r\n"
        "slot_table_version:%llu\r\n"
        "masters:%zu\r\n"
        "connected_clients:%llu\r\n"
        "total_connections_received:%llu\r\n"
        "total_commands_processed:%llu\r\n"
        "total_error_replies:%llu\r\n"
        "backend_failures:%llu\r\n",
        cfg->proxy_id ? cfg->proxy_id : "", (long)getpid(),
        cfg->addr ? cfg->addr : "",
        (unsigned long long)((now - cfg->start_ms) / 1000), cfg->nworkers,
        (unsigned long long)(map ? map->version : 0), groups,
        (unsigned long long)sum[STATS_SESSIONS_ALIVE],
        (unsigned long long)sum[STATS_SESSIONS_TOTAL],
        (unsigned long long)sum[STATS_OPS],
        (unsigned long long)sum[STATS_ERRORS],
        (unsigned long long)sum[STATS_BACKEND_FAILURES]);
    if (len < 0 || (size_t)len >= sizeof(text)) {
        len = (int)strlen(text);
    }
    pbuf_append(out, text, (size_t)len);
}

/* True if the first 'n' bytes at 'text' have a line "<key>:...". */
static bool proxyinfo_has(const char *text, size_t n, const char *key,
                          size_t klen)
{
    const char *p = text, *end = text + n;
    while (p != NULL && p < end) {
        if ((size_t)(end - p) > klen && memcmp(p, key, klen) == 0 &&
            p[klen] == ':') {
            return true;
        }
        p = memchr(p, '\n', (size_t)(end - p));
        p = p != NULL ? p + 1 : NULL;
    }
    return false;
}

/* Merge the masters' INFO replies of 'r' after the proxy's section
 * (r->group is 1 when the proxy section was asked for). */
static void proxyinfo_merge(struct request *r, struct pbuf *out)
{
    if (fanout_merge_error(r, out)) {
        return;
    }
    struct proxyinfo_merge m;
    memset(&m, 0, sizeof(m));
    for (struct request *sub = r->first_sub; sub; sub = sub->next) {
        size_t len;
        const char *text = fanout_bulk(pbuf_head(&sub->reply),
                                       pbuf_size(&sub->reply), &len);
        if (text != NULL) {
            proxyinfo_add(&m, text, len);
        }
    }
    struct pbuf body;
    memset(&body, 0, sizeof(body));
    if (r->group) {
        proxyinfo_proxy(r->worker, &body);
    }
    /* the proxy's own fields (connected_clients ...) are what a client
     * of the proxy means: the servers' ones of that name are left out,
     * so a field appears once */
    size_t own = pbuf_size(&body);
    for (int s = 0; s < m.nsections; s++) {
        if (pbuf_size(&body) > 0) {
            pbuf_append(&body, "\r\n", 2);
        }
        pbuf_append(&body, "# ", 2);
        pbuf_append(&body, m.sections[s], m.slens[s]);
        pbuf_append(&body, "\r\n", 2);
        for (size_t i = 0; i < m.nfields; i++) {
            const struct proxyinfo_field *f = &m.fields[i];
            if (f->section == s && !proxyinfo_has(pbuf_head(&body), own,
                                                  f->key, f->klen)) {
                pbuf_append(&body, f->key, f->klen);
                pbuf_append(&body, ":", 1);
                proxyinfo_value(&m, f, &body);
                pbuf_append(&body, "\r\n", 2);
            }
        }
    }
    char head[RESP_ENC_MAX];
    pbuf_append(out, head, resp_enc_verbatim(head, pbuf_size(&body), "txt",
                                             r->proto));
    pbuf_append(out, pbuf_head(&body), pbuf_size(&body));
    pbuf_append(out, "\r\n", 2);
    pbuf_release(&body);
    mem_free(m.fields);
}

/* True if 'a' names section 'word' (any case). */
static bool proxyinfo_is(const char *buf, const struct resp_arg *a,
                    const char *word)
{
    size_t n = strlen(word);
    return a->len == n && strncasecmp(buf + a->off, word, n) == 0;
}

void proxyinfo_command(struct session *s, struct request *r, const char *buf,
                  const struct resp_arg *argv, int argc)
{
    struct worker *w = s->worker;
    bool proxy = argc == 1, servers = argc == 1;
    int nargs = 1;
    for (int i = 1; i < argc; i++) {
        if (proxyinfo_is(buf, &argv[i], "proxy")) {
            proxy = true;
            continue;
        }
        if (proxyinfo_is(buf, &argv[i], "all") ||
            proxyinfo_is(buf, &argv[i], "default") ||
            proxyinfo_is(buf, &argv[i], "everything")) {
            proxy = true;
        }
        servers = true;
        nargs++;
    }
    if (!servers) {
        struct pbuf body;
        memset(&body, 0, sizeof(body));
        proxyinfo_proxy(w, &body);
        resp_add_verbatim(w->scratch, pbuf_head(&body), pbuf_size(&body),
                          s->proto);
        pbuf_release(&body);
        request_reply_scratch(r);
        return;
    }
    pbuf_clear(&w->cmdbuf, 1 << 20);
    pbuf_append_head(&w->cmdbuf, '*', (size_t)nargs);
    pbuf_append_bulk(&w->cmdbuf, "INFO", 4);
    for (int i = 1; i < argc; i++) {
        if (!proxyinfo_is(buf, &argv[i], "proxy")) {
            pbuf_append_bulk(&w->cmdbuf, buf + argv[i].off, argv[i].len);
        }
    }
    r->group = proxy;
    fanout_send(w, r, pbuf_head(&w->cmdbuf), pbuf_size(&w->cmdbuf), false,
                proxyinfo_merge);
}
