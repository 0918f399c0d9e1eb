/* INFO of the group masters, refreshed off the event loop; see
 * serverinfo.h. Threads: the dashboard's HTTP workers call
 * serverinfo_get (and add entries); the refresher thread re-reads them and drops those
 * nobody asked for lately. 'entries' is guarded by 'mu'; reads of servers
 * happen outside it. */
#include "roles/dashboard/serverinfo.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/clock.h"
#include "lib/mem.h"
#include "lib/model.h"
#include "lib/rclient.h"

/* How often the wanted servers are read again. */
#define SERVERINFO_PERIOD_MS 1000
/* A server nobody asked for in this long is no longer read. */
#define SERVERINFO_KEEP_MS 10000

/* One server's last INFO. */
struct serverinfo_entry {
    char addr[MODEL_ADDR_MAX];
    cJSON *info;                   /* owned; NULL after a failed read */
    char err[512];                 /* why, when 'info' is NULL */
    long long asked_ms;            /* last serverinfo_get */
    struct serverinfo_entry *next;
};

struct serverinfo {
    char password[MODEL_TEXT_MAX];
    int timeout_ms;
    pthread_t thread;
    pthread_mutex_t mu;               /* guards what follows */
    pthread_cond_t cond;              /* 'stop' was set */
    bool stop;
    struct serverinfo_entry *entries; /* owned list */
};

/* Add each "key:value" line of INFO text 'text' to 'out'. */
static void serverinfo_parse(char *text, cJSON *out)
{
    char *line = text;
    while (line != NULL && *line != '\0') {
        char *eol = strpbrk(line, "\r\n");
        if (eol != NULL) {
            *eol = '\0';
        }
        char *colon = strchr(line, ':');
        if (line[0] != '#' && colon != NULL) {
            *colon = '\0';
            cJSON_AddStringToObject(out, line, colon + 1);
        }
        line = eol != NULL ? eol + 1 : NULL;
        while (line != NULL && (*line == '\r' || *line == '\n')) {
            line++;
        }
    }
}

cJSON *serverinfo_fetch(const char *addr, const char *password,
                        int timeout_ms, char *err, size_t errlen)
{
    struct rclient *c = rclient_connect(addr, password, timeout_ms, err,
                                        errlen);
    if (c == NULL) {
        return NULL;
    }
    struct rclient_reply *r = rclient_command(c, err, errlen, "INFO", NULL);
    if (r == NULL) {
        rclient_close(c);
        return NULL;
    }
    if (r->type != RCLIENT_BULK) {
        if (r->type == RCLIENT_ERROR) {
            snprintf(err, errlen, "'%s' replied to INFO: %s", addr, r->str);
        } else {
            snprintf(err, errlen, "'%s' replied to INFO with no text", addr);
        }
        rclient_reply_free(r);
        rclient_close(c);
        return NULL;
    }
    cJSON *out = cJSON_CreateObject();
    serverinfo_parse(r->str, out);
    rclient_reply_free(r);
    /* same connection: a refused CONFIG GET shows as no limit */
    const char *mm = "∞";
    char value[64] = "";
    char why[256];
    r = rclient_command(c, why, sizeof(why), "CONFIG", "GET", "maxmemory",
                        NULL);
    if (r != NULL && r->type == RCLIENT_ARRAY && r->count == 2 &&
        r->elements[1]->type == RCLIENT_BULK &&
        strcmp(r->elements[1]->str, "0") != 0) {
        snprintf(value, sizeof(value), "%s", r->elements[1]->str);
        mm = value;
    }
    rclient_reply_free(r);
    rclient_close(c);
    cJSON_AddStringToObject(out, "maxmemory", mm);
    return out;
}

/* The entry of 'addr', or NULL. Called under 'mu'. */
static struct serverinfo_entry *serverinfo_find(struct serverinfo *s,
                                                const char *addr)
{
    for (struct serverinfo_entry *e = s->entries; e != NULL; e = e->next) {
        if (strcmp(e->addr, addr) == 0) {
            return e;
        }
    }
    return NULL;
}

/* Store a read of 'e' ('info' taken, or NULL with 'err'). Under 'mu'. */
static void serverinfo_store(struct serverinfo_entry *e, cJSON *info,
                             const char *err)
{
    cJSON_Delete(e->info);
    e->info = info;
    snprintf(e->err, sizeof(e->err), "%s", info != NULL ? "" : err);
}

/* A copy of what 'e' holds. Under 'mu'. */
static cJSON *serverinfo_copy(const struct serverinfo_entry *e, char *err,
                              size_t errlen)
{
    if (e->info == NULL) {
        snprintf(err, errlen, "%s", e->err);
        return NULL;
    }
    return cJSON_Duplicate(e->info, true);
}

cJSON *serverinfo_get(struct serverinfo *s, const char *addr, char *err,
                      size_t errlen)
{
    pthread_mutex_lock(&s->mu);
    struct serverinfo_entry *e = serverinfo_find(s, addr);
    if (e != NULL) {
        e->asked_ms = clock_now_ms();
        cJSON *copy = serverinfo_copy(e, err, errlen);
        pthread_mutex_unlock(&s->mu);
        return copy;
    }
    pthread_mutex_unlock(&s->mu);
    char why[512] = "";
    cJSON *info = serverinfo_fetch(addr, s->password, s->timeout_ms, why,
                                   sizeof(why));
    pthread_mutex_lock(&s->mu);
    /* another caller may have added it meanwhile */
    e = serverinfo_find(s, addr);
    if (e == NULL) {
        e = mem_calloc(1, sizeof(*e));
        snprintf(e->addr, sizeof(e->addr), "%s", addr);
        e->next = s->entries;
        s->entries = e;
    }
    e->asked_ms = clock_now_ms();
    serverinfo_store(e, info, why);
    cJSON *copy = serverinfo_copy(e, err, errlen);
    pthread_mutex_unlock(&s->mu);
    return copy;
}

/* An address to read, copied out of the list. */
struct serverinfo_addr {
    char addr[MODEL_ADDR_MAX];
};

/* Drop the entries nobody wants and copy the addresses of the others
 * into an owned array of '*count'. Under 'mu'. */
static struct serverinfo_addr *serverinfo_wanted(struct serverinfo *s,
                                                 size_t *count)
{
    long long now = clock_now_ms();
    size_t n = 0;
    struct serverinfo_entry **link = &s->entries;
    while (*link != NULL) {
        struct serverinfo_entry *e = *link;
        if (now - e->asked_ms > SERVERINFO_KEEP_MS) {
            *link = e->next;
            cJSON_Delete(e->info);
            mem_free(e);
        } else {
            n++;
            link = &e->next;
        }
    }
    struct serverinfo_addr *addrs = mem_calloc(n ? n : 1, sizeof(*addrs));
    size_t i = 0;
    for (struct serverinfo_entry *e = s->entries; e != NULL; e = e->next) {
        snprintf(addrs[i++].addr, sizeof(addrs[0].addr), "%s", e->addr);
    }
    *count = n;
    return addrs;
}

/* Wait one period unless stopped. Returns true if stopped. Under 'mu'. */
static bool serverinfo_wait(struct serverinfo *s)
{
    struct timespec deadline = clock_deadline_in(SERVERINFO_PERIOD_MS);
    int rc = 0;
    while (!s->stop && rc != ETIMEDOUT) {
        rc = pthread_cond_timedwait(&s->cond, &s->mu, &deadline);
    }
    return s->stop;
}

static void *serverinfo_thread(void *arg)
{
    struct serverinfo *s = arg;
    pthread_mutex_lock(&s->mu);
    while (!serverinfo_wait(s)) {
        size_t n;
        struct serverinfo_addr *addrs = serverinfo_wanted(s, &n);
        for (size_t i = 0; i < n && !s->stop; i++) {
            pthread_mutex_unlock(&s->mu);
            char err[512] = "";
            cJSON *info = serverinfo_fetch(addrs[i].addr, s->password,
                                           s->timeout_ms, err, sizeof(err));
            pthread_mutex_lock(&s->mu);
            struct serverinfo_entry *e = serverinfo_find(s, addrs[i].addr);
            if (e != NULL) {
                serverinfo_store(e, info, err);
            } else {
                cJSON_Delete(info);
            }
        }
        mem_free(addrs);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

struct serverinfo *serverinfo_start(const char *password, int timeout_ms,
                                    char *err, size_t errlen)
{
    struct serverinfo *s = mem_calloc(1, sizeof(*s));
    snprintf(s->password, sizeof(s->password), "%s",
             password != NULL ? password : "");
    s->timeout_ms = timeout_ms;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cond, NULL);
    int rc = pthread_create(&s->thread, NULL, serverinfo_thread, s);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the server info thread: %s",
                 strerror(rc));
        pthread_cond_destroy(&s->cond);
        pthread_mutex_destroy(&s->mu);
        mem_free(s);
        return NULL;
    }
    return s;
}

void serverinfo_stop(struct serverinfo *s)
{
    if (s == NULL) {
        return;
    }
    pthread_mutex_lock(&s->mu);
    s->stop = true;
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    while (s->entries != NULL) {
        struct serverinfo_entry *e = s->entries;
        s->entries = e->next;
        cJSON_Delete(e->info);
        mem_free(e);
    }
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->mu);
    mem_free(s);
}
