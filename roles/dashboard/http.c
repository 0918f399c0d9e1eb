/* evhttp server helpers: routing, replies, bodies, request log; see
 * http.h. Every request enters http_on_request, which refuses what a
 * foreign web page could have sent (http_cross_site), finds the route,
 * runs the guard and the handler and makes sure exactly one reply goes
 * out: a handler that forgot to reply produces a 500 rather than a hung
 * client. Routes marked HTTP_WORKER are queued for the worker threads
 * (http_worker_main) instead; a worker keeps the reply in the request and
 * hands it back through 'done' and the wake pipe (http_on_done), since
 * only the loop's thread may touch evhttp's connections. */
#include "roles/dashboard/http.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "lib/json.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/model.h"

/* One client connection, as far as we can see it through evhttp: its
 * bufferevent, made by http_on_new_bev and kept alive by our reference
 * until evhttp has freed it (it clears the callbacks then). */
struct http_conn {
    struct bufferevent *bev; /* one reference ours */
    bool evicted;            /* shut down by us to make room */
};

/* A thread running HTTP_WORKER routes. */
struct http_worker {
    struct http_server *server;
    void *arg;                         /* passed to handlers */
    pthread_t thread;
};

/* A listening server. */
struct http_server {
    struct evhttp *http;               /* owned */
    struct evhttp_bound_socket *bound; /* owned by 'http' */
    const struct http_route *routes;   /* borrowed table */
    void *arg;                         /* passed to handlers */
    char *log_path;                    /* owned, NULL: no request log */
    FILE *log;                         /* owned */
    int port;
    http_guard_fn guard;               /* NULL: every route is open */
    void *guard_arg;
    char *cors_origin;                 /* owned, NULL: no CORS */
    struct event_base *base;
    struct http_conn *conns;           /* owned, oldest first */
    size_t nconns;
    size_t max_conns;                  /* the cap: beyond it, evict */
    struct event *reap_timer;          /* owned: forgets closed ones */
    struct event *resume_timer;        /* owned: accept again */
    struct http_server *next;          /* in http_servers */
    struct http_worker **workers;      /* owned */
    size_t nworkers;
    int wake[2];                       /* workers -> loop: replies ready */
    struct event *wake_event;          /* owned: reads 'wake[0]' */
    pthread_mutex_t mu;                /* guards what follows */
    pthread_cond_t cond;               /* a job came, a writer ended, stop */
    struct http_request *queue;        /* owned, oldest first */
    struct http_request *done;         /* owned, replies to send */
    bool writing;                      /* a state change is running */
    bool stopping;
};

/* Every server, for http_on_accept_error, whose argument is evhttp's.
 * Only touched by the threads that make and free servers, one at a time
 * (each role makes its server at start). */
static struct http_server *http_servers;

static double http_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *http_method_name(enum evhttp_cmd_type cmd)
{
    switch (cmd) {
    case EVHTTP_REQ_GET:
        return "GET";
    case EVHTTP_REQ_POST:
        return "POST";
    case EVHTTP_REQ_PUT:
        return "PUT";
    case EVHTTP_REQ_DELETE:
        return "DELETE";
    case EVHTTP_REQ_HEAD:
        return "HEAD";
    case EVHTTP_REQ_OPTIONS:
        return "OPTIONS";
    default:
        return "OTHER";
    }
}

/* Decode one path segment of 'len' bytes; NULL if it holds a NUL or '/'
 * once decoded, or is malformed. */
static char *http_decode_segment(const char *seg, size_t len)
{
    char *raw = mem_strndup(seg, len);
    size_t outlen = 0;
    char *dec = evhttp_uridecode(raw, 0, &outlen);
    mem_free(raw);
    if (dec == NULL) {
        return NULL;
    }
    char *copy = NULL;
    if (outlen > 0 && strlen(dec) == outlen && strchr(dec, '/') == NULL) {
        copy = mem_strdup(dec);
    }
    free(dec);
    return copy;
}

bool http_route_match(const char *pattern, const char *path,
                      char *params[HTTP_MAX_PARAMS], size_t *nparams)
{
    size_t n = 0;
    const char *p = pattern;
    const char *s = path;
    for (;;) {
        if (*p != '/' || *s != '/') {
            break;
        }
        p++;
        s++;
        size_t plen = strcspn(p, "/");
        size_t slen = strcspn(s, "/");
        if (plen == 1 && p[0] == '*') {
            char *seg = slen > 0 && n < HTTP_MAX_PARAMS
                            ? http_decode_segment(s, slen)
                            : NULL;
            if (seg == NULL) {
                goto nomatch;
            }
            params[n++] = seg;
        } else if (plen != slen || memcmp(p, s, plen) != 0) {
            goto nomatch;
        }
        p += plen;
        s += slen;
        if (*p == '\0' && *s == '\0') {
            *nparams = n;
            return true;
        }
    }
nomatch:
    for (size_t i = 0; i < n; i++) {
        mem_free(params[i]);
    }
    *nparams = 0;
    return false;
}

/* Write one line to the request log. */
static void http_log_request(struct http_request *req, int status,
                             size_t bytes)
{
    struct http_server *server = req->server;
    if (server->log == NULL) {
        return;
    }
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
    char *peer = NULL;
    ev_uint16_t port = 0;
    struct evhttp_connection *conn = evhttp_request_get_connection(req->req);
    if (conn != NULL) {
        evhttp_connection_get_peer(conn, &peer, &port);
    }
    fprintf(server->log, "%s %s:%u %s %s %d %zu %.3fms\n", stamp,
            peer != NULL ? peer : "-", port, req->method,
            evhttp_request_get_uri(req->req), status, bytes,
            (http_now() - req->started) * 1000.0);
    fflush(server->log);
}

const char *http_header(struct http_request *req, const char *name)
{
    return evhttp_find_header(evhttp_request_get_input_headers(req->req),
                              name);
}

void http_add_header(struct http_request *req, const char *name,
                     const char *value)
{
    evhttp_add_header(evhttp_request_get_output_headers(req->req), name,
                      value);
}

void http_peer(struct http_request *req, char *out, size_t outlen)
{
    char *host = NULL;
    ev_uint16_t port = 0;
    struct evhttp_connection *conn = evhttp_request_get_connection(req->req);
    if (conn != NULL) {
        evhttp_connection_get_peer(conn, &host, &port);
    }
    snprintf(out, outlen, "%s:%u", host != NULL ? host : "-", port);
}

/* True if the request's Origin is the named CORS origin. */
static bool http_cors_allowed(struct http_request *req)
{
    const char *origin = http_header(req, "Origin");
    return origin != NULL && req->server->cors_origin != NULL &&
           strcmp(origin, req->server->cors_origin) == 0;
}

/* True if the request comes from no web page (no Origin), from our own
 * (Origin is http://<Host>) or from the named CORS origin. */
static bool http_origin_ok(struct http_request *req)
{
    const char *origin = http_header(req, "Origin");
    if (origin == NULL) {
        return true;
    }
    const char *host = http_header(req, "Host");
    if (host != NULL && strncmp(origin, "http://", 7) == 0 &&
        strcmp(origin + 7, host) == 0) {
        return true;
    }
    return http_cors_allowed(req);
}

/* CORS headers of a reply, for the named origin only. */
static void http_add_cors(struct http_request *req)
{
    if (!http_cors_allowed(req)) {
        return;
    }
    http_add_header(req, "Access-Control-Allow-Origin",
                    req->server->cors_origin);
    http_add_header(req, "Access-Control-Allow-Credentials", "true");
    http_add_header(req, "Vary", "Origin");
}

/* True if Content-Type names media type 'type' (parameters ignored). */
static bool http_content_type_is(struct http_request *req, const char *type)
{
    const char *ct = http_header(req, "Content-Type");
    size_t n = strlen(type);
    if (ct == NULL) {
        return false;
    }
    while (*ct == ' ') {
        ct++;
    }
    return strncasecmp(ct, type, n) == 0 &&
           (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* A request that changes state and that a foreign page could have made
 * the browser send: a "simple" cross-site POST (form or text/plain
 * content, no custom header), or one whose Origin is not allowed.
 * Replies 403 and returns true for those. */
static bool http_cross_site(struct http_request *req)
{
    if (strcmp(req->method, "POST") != 0 && strcmp(req->method, "PUT") != 0 &&
        strcmp(req->method, "DELETE") != 0) {
        return false;
    }
    if (!http_origin_ok(req)) {
        char peer[128];
        http_peer(req, peer, sizeof(peer));
        log_warn("http: cross-origin %s %s from %s (Origin '%.100s') "
                 "refused", req->method, req->path, peer,
                 http_header(req, "Origin"));
        http_reply_error(req, 403, "cross-origin request refused");
        return true;
    }
    if (!http_content_type_is(req, "application/json") &&
        http_header(req, "X-Requested-With") == NULL) {
        char peer[128];
        http_peer(req, peer, sizeof(peer));
        log_warn("http: %s %s from %s without a JSON Content-Type refused",
                 req->method, req->path, peer);
        http_reply_error(req, 403, "%s needs Content-Type: application/json "
                         "(or an X-Requested-With header)", req->method);
        return true;
    }
    return false;
}

/* Send the reply kept in 'req' and log it. On the loop's thread only. */
static void http_send(struct http_request *req)
{
    if (req->out == NULL) {
        evhttp_send_error(req->req, 500, NULL);
        http_log_request(req, 500, 0);
        return;
    }
    evhttp_send_reply(req->req, req->status, NULL, req->out);
    evbuffer_free(req->out);
    req->out = NULL;
    http_log_request(req, req->status, req->out_len);
}

void http_reply_data(struct http_request *req, int status,
                     const char *content_type, const void *body, size_t len)
{
    if (req->replied) {
        log_error("http: second reply to '%s %s' dropped", req->method,
                  req->path);
        return;
    }
    req->replied = true;
    /* evhttp leaves a request's headers and buffers alone until it is
     * sent, so a worker may fill them; sending is the loop's */
    struct evkeyvalq *headers = evhttp_request_get_output_headers(req->req);
    evhttp_add_header(headers, "Content-Type", content_type);
    evhttp_add_header(headers, "X-Content-Type-Options", "nosniff");
    evhttp_add_header(headers, "X-Frame-Options", "DENY");
    http_add_cors(req);
    req->status = status;
    req->out_len = len;
    req->out = evbuffer_new();
    if (req->out == NULL || evbuffer_add(req->out, body, len) != 0) {
        log_error("http: cannot build reply for '%s'", req->path);
        evbuffer_free(req->out);
        req->out = NULL;
    }
    if (req->route == NULL) {
        http_send(req);
    }
}

void http_reply_json(struct http_request *req, int status, const cJSON *json)
{
    char *text = json_print(json);
    size_t len = strlen(text);
    text = mem_realloc(text, len + 2);
    text[len++] = '\n';
    text[len] = '\0';
    http_reply_data(req, status, "application/json; charset=utf-8", text, len);
    mem_free(text);
}

void http_reply_ok(struct http_request *req)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "msg", "OK");
    cJSON_AddNumberToObject(o, "ret", 0);
    http_reply_json(req, 200, o);
    cJSON_Delete(o);
}

void http_reply_error(struct http_request *req, int status, const char *fmt,
                      ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "msg", msg);
    cJSON_AddNumberToObject(o, "ret", -1);
    http_reply_json(req, status, o);
    cJSON_Delete(o);
    log_info("http: %s %s -> %d %s", req->method, req->path, status, msg);
}

void http_reply_redirect(struct http_request *req, const char *location)
{
    struct evkeyvalq *headers = evhttp_request_get_output_headers(req->req);
    evhttp_add_header(headers, "Location", location);
    http_reply_data(req, 302, "text/plain", "", 0);
}

const char *http_query(struct http_request *req, const char *key)
{
    if (req->query == NULL) {
        return NULL;
    }
    return evhttp_find_header(req->query, key);
}

char *http_body(struct http_request *req, size_t limit, size_t *len,
                char *err, size_t errlen)
{
    struct evbuffer *in = evhttp_request_get_input_buffer(req->req);
    size_t n = evbuffer_get_length(in);
    if (n > limit) {
        snprintf(err, errlen, "request body of %zu bytes is over %zu", n,
                 limit);
        return NULL;
    }
    char *body = mem_alloc(n + 1);
    if (n > 0 && evbuffer_copyout(in, body, n) != (ev_ssize_t)n) {
        mem_free(body);
        snprintf(err, errlen, "cannot read the request body");
        return NULL;
    }
    body[n] = '\0';
    *len = n;
    return body;
}

cJSON *http_body_json(struct http_request *req, size_t limit, char *err,
                      size_t errlen)
{
    size_t len;
    char why[256];
    char *body = http_body(req, limit, &len, why, sizeof(why));
    if (body == NULL) {
        snprintf(err, errlen, "request body: %s", why);
        return NULL;
    }
    cJSON *json = json_parse(body, len, why, sizeof(why));
    mem_free(body);
    if (json == NULL) {
        snprintf(err, errlen, "request body: %s", why);
    }
    return json;
}

/* Run the handler of route 'r' with 'arg'; a handler that did not
 * reply gets a 500 made for it. */
static void http_run(struct http_request *req, const struct http_route *r,
                     void *arg)
{
    r->handler(req, arg);
    if (!req->replied) {
        log_error("http: handler of '%s %s' did not reply", req->method,
                  r->pattern);
        http_reply_error(req, 500, "internal error: no reply");
    }
}

/* Free 'req' with what it owns (NULL is fine). */
static void http_request_free(struct http_request *req)
{
    if (req == NULL) {
        return;
    }
    for (size_t i = 0; i < req->nparams; i++) {
        mem_free(req->params[i]);
    }
    if (req->query != NULL) {
        evhttp_clear_headers(req->query);
        mem_free(req->query);
    }
    if (req->out != NULL) {
        evbuffer_free(req->out);
    }
    mem_free(req);
}

/* True if 'req' changes state: such requests run one at a time. */
static bool http_is_write(const struct http_request *req)
{
    return strcmp(req->method, "GET") != 0 &&
           strcmp(req->method, "HEAD") != 0;
}

/* Queue 'req' for route 'r' to the workers; they own it now. */
static void http_queue(struct http_request *req, const struct http_route *r)
{
    struct http_server *server = req->server;
    req->route = r;
    req->next = NULL;
    pthread_mutex_lock(&server->mu);
    struct http_request **tail = &server->queue;
    while (*tail != NULL) {
        tail = &(*tail)->next;
    }
    *tail = req;
    pthread_cond_broadcast(&server->cond);
    pthread_mutex_unlock(&server->mu);
}

/* The oldest queued request a worker may start now, unlinked, or NULL:
 * a write waits while another write runs. Under 'mu'. */
static struct http_request *http_take(struct http_server *server)
{
    for (struct http_request **link = &server->queue; *link != NULL;
         link = &(*link)->next) {
        struct http_request *req = *link;
        if (http_is_write(req) && server->writing) {
            continue;
        }
        *link = req->next;
        req->next = NULL;
        if (http_is_write(req)) {
            server->writing = true;
        }
        return req;
    }
    return NULL;
}

/* Hand 'req', replied, back to the loop. Under 'mu'. */
static void http_hand_back(struct http_server *server,
                           struct http_request *req)
{
    req->next = server->done;
    server->done = req;
    char byte = 0;
    /* a full pipe already has a wake-up pending */
    if (write(server->wake[1], &byte, 1) < 0 && errno != EAGAIN) {
        log_error("http: cannot wake the loop: %s", strerror(errno));
    }
}

static void *http_worker_main(void *arg)
{
    struct http_worker *w = arg;
    struct http_server *server = w->server;
    pthread_mutex_lock(&server->mu);
    for (;;) {
        struct http_request *req = NULL;
        while (!server->stopping && (req = http_take(server)) == NULL) {
            pthread_cond_wait(&server->cond, &server->mu);
        }
        if (req == NULL) {
            break;
        }
        pthread_mutex_unlock(&server->mu);
        http_run(req, req->route, w->arg);
        pthread_mutex_lock(&server->mu);
        if (http_is_write(req)) {
            server->writing = false;
            pthread_cond_broadcast(&server->cond);
        }
        http_hand_back(server, req);
    }
    pthread_mutex_unlock(&server->mu);
    return NULL;
}

/* Send the replies the workers made. */
static void http_send_done(struct http_server *server)
{
    pthread_mutex_lock(&server->mu);
    struct http_request *done = server->done;
    server->done = NULL;
    pthread_mutex_unlock(&server->mu);
    /* the list is newest first: send in the order they finished */
    struct http_request *rev = NULL;
    while (done != NULL) {
        struct http_request *next = done->next;
        done->next = rev;
        rev = done;
        done = next;
    }
    while (rev != NULL) {
        struct http_request *next = rev->next;
        http_send(rev);
        http_request_free(rev);
        rev = next;
    }
}

static void http_on_done(evutil_socket_t fd, short what, void *arg)
{
    char buf[256];
    while (read(fd, buf, sizeof(buf)) > 0) {
    }
    http_send_done(arg);
}

int http_server_add_worker(struct http_server *server, void *arg, char *err,
                           size_t errlen)
{
    struct http_worker *w = mem_calloc(1, sizeof(*w));
    w->server = server;
    w->arg = arg;
    int rc = pthread_create(&w->thread, NULL, http_worker_main, w);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start an HTTP worker: %s",
                 strerror(rc));
        mem_free(w);
        return -1;
    }
    server->workers = mem_realloc(server->workers, (server->nworkers + 1) *
                                                       sizeof(*w));
    server->workers[server->nworkers++] = w;
    return 0;
}

/* Find a route for the request and run it (or queue it for a worker),
 * or reply 404/405. Returns true if the workers own 'req' now. */
static bool http_dispatch(struct http_request *req)
{
    bool path_known = false;
    for (const struct http_route *r = req->server->routes; r->method != NULL;
         r++) {
        if (!http_route_match(r->pattern, req->path, req->params,
                              &req->nparams)) {
            continue;
        }
        if (strcmp(r->method, req->method) != 0) {
            path_known = true;
            for (size_t i = 0; i < req->nparams; i++) {
                mem_free(req->params[i]);
            }
            req->nparams = 0;
            continue;
        }
        if (!(r->flags & HTTP_PUBLIC) && req->server->guard != NULL &&
            !req->server->guard(req, req->server->guard_arg)) {
            if (!req->replied) {
                http_reply_error(req, 401, "authentication required");
            }
            return false;
        }
        if ((r->flags & HTTP_WORKER) && req->server->nworkers > 0) {
            http_queue(req, r);
            return true;
        }
        http_run(req, r, req->server->arg);
        return false;
    }
    if (path_known) {
        http_reply_error(req, 405, "method %s not allowed on '%s'",
                         req->method, req->path);
    } else {
        http_reply_error(req, 404, "no such resource '%s'", req->path);
    }
    return false;
}

/* Answer 'req' unless it goes to a worker. Returns true if the workers
 * own it now. */
static bool http_handle(struct http_request *req)
{
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req->req);
    const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
    req->path = path != NULL && path[0] != '\0' ? path : "/";
    if (strcmp(req->method, "OPTIONS") == 0) {
        /* A preflight: granted to the named origin only */
        if (!http_cors_allowed(req)) {
            http_reply_error(req, 403, "cross-origin request refused");
            return false;
        }
        http_add_header(req, "Access-Control-Allow-Methods",
                        "GET, POST, PUT, DELETE");
        http_add_header(req, "Access-Control-Allow-Headers",
                        "Authorization, Content-Type, X-Requested-With");
        http_reply_data(req, 204, "text/plain", "", 0);
        return false;
    }
    if (http_cross_site(req)) {
        return false;
    }
    const char *query = uri != NULL ? evhttp_uri_get_query(uri) : NULL;
    if (query != NULL) {
        struct evkeyvalq *q = mem_calloc(1, sizeof(*q));
        if (evhttp_parse_query_str(query, q) != 0) {
            evhttp_clear_headers(q);
            mem_free(q);
            http_reply_error(req, 400, "bad query string");
            return false;
        }
        req->query = q;
    }
    return http_dispatch(req);
}

static void http_on_request(struct evhttp_request *ev, void *arg)
{
    struct http_request *req = mem_calloc(1, sizeof(*req));
    req->req = ev;
    req->server = arg;
    req->started = http_now();
    req->method = http_method_name(evhttp_request_get_command(ev));
    if (!http_handle(req)) {
        http_request_free(req);
    }
}

/* True while evhttp still uses 'bev' (its free clears the callbacks). */
static bool http_conn_alive(struct bufferevent *bev)
{
    bufferevent_event_cb eventcb = NULL;
    bufferevent_getcb(bev, NULL, NULL, &eventcb, NULL);
    return eventcb != NULL;
}

/* Drop our reference to the connections evhttp has closed. */
static void http_reap(struct http_server *server)
{
    size_t kept = 0;
    for (size_t i = 0; i < server->nconns; i++) {
        struct http_conn *c = &server->conns[i];
        if (http_conn_alive(c->bev)) {
            server->conns[kept++] = *c;
        } else {
            bufferevent_decref(c->bev);
        }
    }
    server->nconns = kept;
}

static void http_on_reap(evutil_socket_t fd, short what, void *arg)
{
    http_reap(arg);
}

/* Make room for a new connection: shut the oldest live one down (not
 * yet evicted), so evhttp sees an end of file and closes it. The oldest
 * is the one most likely idle: a slow-loris or a forgotten keep-alive. */
static void http_evict_oldest(struct http_server *server)
{
    for (size_t i = 0; i < server->nconns; i++) {
        struct http_conn *c = &server->conns[i];
        evutil_socket_t fd = bufferevent_getfd(c->bev);
        if (!c->evicted && fd >= 0 && http_conn_alive(c->bev)) {
            c->evicted = true;
            shutdown(fd, SHUT_RDWR);
            return;
        }
    }
}

/* evhttp's bufferevent factory: one per accepted connection. Counts it,
 * and past the cap evicts the oldest, so a flood of idle connections
 * cannot use every descriptor and starve new clients. */
static struct bufferevent *http_on_new_bev(struct event_base *base,
                                           void *arg)
{
    struct http_server *server = arg;
    struct bufferevent *bev = bufferevent_socket_new(base, -1, 0);
    if (bev == NULL) {
        return NULL; /* evhttp makes its own */
    }
    if (server->nconns >= server->max_conns) {
        http_reap(server);
    }
    if (server->nconns >= server->max_conns) {
        http_evict_oldest(server);
        static unsigned warned;
        if (warned++ % 1000 == 0) {
            log_warn("http: %zu connections open, the most allowed: "
                     "closing the oldest", server->nconns);
        }
    }
    bufferevent_incref(bev);
    server->conns = mem_realloc(server->conns, (server->nconns + 1) *
                                                   sizeof(*server->conns));
    server->conns[server->nconns].bev = bev;
    server->conns[server->nconns].evicted = false;
    server->nconns++;
    return bev;
}

static void http_on_resume(evutil_socket_t fd, short what, void *arg)
{
    struct http_server *server = arg;
    evconnlistener_enable(evhttp_bound_socket_get_listener(server->bound));
}

/* accept() failed: out of descriptors pauses accepting for a moment
 * rather than spinning on a listener that stays readable. */
static void http_on_accept_error(struct evconnlistener *listener, void *arg)
{
    struct http_server *server = http_servers;
    while (server != NULL && (server->bound == NULL ||
                              evhttp_bound_socket_get_listener(
                                  server->bound) != listener)) {
        server = server->next;
    }
    int err = EVUTIL_SOCKET_ERROR();
    if (server == NULL) {
        return;
    }
    static unsigned warned;
    if (warned++ % 100 == 0) {
        log_warn("http: cannot accept a connection: %s", strerror(err));
    }
    if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
        struct timeval tv = { 0, 100 * 1000 };
        evconnlistener_disable(listener);
        http_reap(server);
        event_add(server->resume_timer, &tv);
    }
}

/* The connection cap: what the open file limit leaves after the
 * descriptors the process needs for other work. */
static size_t http_max_conns(void)
{
    struct rlimit rl;
    size_t limit = 1024;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        limit = (size_t)rl.rlim_cur;
    } else if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        limit = 1 << 20;
    }
    size_t cap = limit > 2 * HTTP_RESERVED_FDS ? limit - HTTP_RESERVED_FDS
                                               : limit / 2;
    return cap < HTTP_MAX_CONNS ? cap : HTTP_MAX_CONNS;
}

void http_server_set_guard(struct http_server *server, http_guard_fn guard,
                           void *arg)
{
    server->guard = guard;
    server->guard_arg = arg;
}

void http_server_set_cors_origin(struct http_server *server,
                                 const char *origin)
{
    mem_free(server->cors_origin);
    server->cors_origin = origin != NULL && origin[0] != '\0'
                              ? mem_strdup(origin)
                              : NULL;
}

int http_server_reopen_log(struct http_server *server)
{
    if (server->log_path == NULL) {
        return 0;
    }
    FILE *f = fopen(server->log_path, "a");
    if (f == NULL) {
        log_error("http: cannot open request log '%s': %s", server->log_path,
                  strerror(errno));
        return -1;
    }
    if (server->log != NULL) {
        fclose(server->log);
    }
    server->log = f;
    return 0;
}

struct http_server *http_server_new(struct event_base *base, const char *addr,
                                    const struct http_route *routes,
                                    void *arg, const char *log_path,
                                    char *err, size_t errlen)
{
    char host[MODEL_ADDR_MAX];
    int port;
    char why[256];
    if (model_addr_split(addr, host, sizeof(host), &port, why,
                         sizeof(why)) != 0) {
        snprintf(err, errlen, "bad listen address '%s': %s", addr, why);
        return NULL;
    }
    struct http_server *server = mem_calloc(1, sizeof(*server));
    server->routes = routes;
    server->arg = arg;
    pthread_mutex_init(&server->mu, NULL);
    pthread_cond_init(&server->cond, NULL);
    if (pipe(server->wake) != 0) {
        snprintf(err, errlen, "cannot create a pipe: %s", strerror(errno));
        server->wake[0] = server->wake[1] = -1;
        http_server_free(server);
        return NULL;
    }
    for (int i = 0; i < 2; i++) {
        int fl = fcntl(server->wake[i], F_GETFL);
        if (fl < 0 || fcntl(server->wake[i], F_SETFL, fl | O_NONBLOCK) != 0 ||
            fcntl(server->wake[i], F_SETFD, FD_CLOEXEC) != 0) {
            snprintf(err, errlen, "cannot set up a pipe: %s",
                     strerror(errno));
            http_server_free(server);
            return NULL;
        }
    }
    if (log_path != NULL && log_path[0] != '\0') {
        server->log_path = mem_strdup(log_path);
        server->log = fopen(log_path, "a");
        if (server->log == NULL) {
            snprintf(err, errlen, "cannot open request log '%s': %s",
                     log_path, strerror(errno));
            http_server_free(server);
            return NULL;
        }
    }
    server->http = evhttp_new(base);
    if (server->http == NULL) {
        snprintf(err, errlen, "cannot create an HTTP server");
        http_server_free(server);
        return NULL;
    }
    evhttp_set_allowed_methods(server->http,
                               EVHTTP_REQ_GET | EVHTTP_REQ_POST |
                                   EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
                                   EVHTTP_REQ_OPTIONS | EVHTTP_REQ_HEAD);
    evhttp_set_max_body_size(server->http, 16 * HTTP_BODY_LIMIT);
    evhttp_set_timeout(server->http, HTTP_IDLE_TIMEOUT_S);
    evhttp_set_gencb(server->http, http_on_request, server);
    server->base = base;
    server->max_conns = http_max_conns();
    evhttp_set_bevcb(server->http, http_on_new_bev, server);
    server->reap_timer = event_new(base, -1, EV_PERSIST, http_on_reap,
                                   server);
    server->resume_timer = evtimer_new(base, http_on_resume, server);
    server->wake_event = event_new(base, server->wake[0], EV_READ | EV_PERSIST,
                                   http_on_done, server);
    struct timeval second = { 1, 0 };
    if (server->reap_timer == NULL || server->resume_timer == NULL ||
        server->wake_event == NULL ||
        event_add(server->reap_timer, &second) != 0 ||
        event_add(server->wake_event, NULL) != 0) {
        snprintf(err, errlen, "cannot create the HTTP server's timers");
        http_server_free(server);
        return NULL;
    }
    errno = 0;
    server->bound = evhttp_bind_socket_with_handle(
        server->http, host[0] != '\0' ? host : "0.0.0.0", (ev_uint16_t)port);
    if (server->bound == NULL) {
        snprintf(err, errlen, "cannot listen on '%s': %s", addr,
                 errno != 0 ? strerror(errno) : "bind failed");
        http_server_free(server);
        return NULL;
    }
    evconnlistener_set_error_cb(
        evhttp_bound_socket_get_listener(server->bound),
        http_on_accept_error);
    server->next = http_servers;
    http_servers = server;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    evutil_socket_t fd = evhttp_bound_socket_get_fd(server->bound);
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
        if (ss.ss_family == AF_INET) {
            server->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
        } else if (ss.ss_family == AF_INET6) {
            server->port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
        }
    }
    return server;
}

void http_server_free(struct http_server *server)
{
    if (server == NULL) {
        return;
    }
    for (struct http_server **p = &http_servers; *p != NULL;
         p = &(*p)->next) {
        if (*p == server) {
            *p = server->next;
            break;
        }
    }
    /* Workers first: their requests belong to evhttp's connections */
    pthread_mutex_lock(&server->mu);
    server->stopping = true;
    pthread_cond_broadcast(&server->cond);
    pthread_mutex_unlock(&server->mu);
    for (size_t i = 0; i < server->nworkers; i++) {
        pthread_join(server->workers[i]->thread, NULL);
        mem_free(server->workers[i]);
    }
    mem_free(server->workers);
    while (server->queue != NULL) {
        struct http_request *req = server->queue;
        server->queue = req->next;
        http_reply_error(req, 503, "shutting down");
        http_send(req);
        http_request_free(req);
    }
    if (server->wake[0] >= 0) {
        http_send_done(server);
    }
    if (server->wake_event != NULL) {
        event_free(server->wake_event);
    }
    if (server->http != NULL) {
        evhttp_free(server->http);
    }
    /* evhttp_free freed every connection: drop our references */
    for (size_t i = 0; i < server->nconns; i++) {
        bufferevent_decref(server->conns[i].bev);
    }
    mem_free(server->conns);
    if (server->reap_timer != NULL) {
        event_free(server->reap_timer);
    }
    if (server->resume_timer != NULL) {
        event_free(server->resume_timer);
    }
    if (server->log != NULL) {
        fclose(server->log);
    }
    mem_free(server->log_path);
    mem_free(server->cors_origin);
    for (int i = 0; i < 2; i++) {
        if (server->wake[i] >= 0) {
            close(server->wake[i]);
        }
    }
    pthread_cond_destroy(&server->cond);
    pthread_mutex_destroy(&server->mu);
    mem_free(server);
}

int http_server_port(const struct http_server *server)
{
    return server->port;
}
