/* HTTP server helpers over libevent's evhttp, for the dashboard's API:
 * a route table, JSON replies and JSON errors, bounded body reading, one
 * log line per request to a file, and the rules that keep other web
 * pages from driving the API through an operator's browser:
 *
 *   - no CORS unless one origin is named (http_server_set_cors_origin):
 *     other pages cannot read the answers;
 *   - a POST, PUT or DELETE is refused with 403 unless its Content-Type
 *     is application/json or it carries an X-Requested-With header (both
 *     impossible for a cross-site "simple" request without a preflight,
 *     which we never grant), and unless its Origin, when sent, is ours
 *     or the named one;
 *   - a guard (http_server_set_guard) runs before every route not marked
 *     HTTP_PUBLIC: the dashboard's authentication.
 *
 * A route is {method, pattern, handler}. A pattern is a path whose
 * segments are literals or "*", which matches one non-empty segment and
 * captures it (URL-decoded) as the next parameter:
 *
 *     { "PUT", "/api/server_group/STAR/addServer", api_group_add_server }
 *
 * (STAR standing for the '*' character). Routes are tried in order; a
 * path that matches no pattern gets 404, one that matches with another
 * method 405, both as JSON errors. Handlers must reply (http_reply_*)
 * exactly once before returning. They run on the server's event base,
 * except those of routes marked HTTP_WORKER once workers were added
 * (http_server_add_worker): those run on a worker thread, so a handler
 * that waits (on proxies, a hung server, a loaded ZooKeeper) stalls no
 * other request:
 *
 *   loop thread                          worker thread
 *   http_on_request: guard, queue  ---->  http_worker_main: handler runs,
 *                                          its reply is kept in the request
 *   http_on_done: send, log, free  <----  done list + a byte on a pipe
 *
 * Requests that change state (POST, PUT, DELETE) run one at a time and
 * in the order they came, as they did on the loop; reads run beside
 * them on the other workers.
 *
 * Not here: what any route does; HTTP clients (lib/httpc). */
#ifndef CODIS_HTTP_H
#define CODIS_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

struct event_base;
struct evbuffer;
struct evhttp_request;
struct http_server;

#define HTTP_MAX_PARAMS 8     /* '*' segments in one pattern */
#define HTTP_BODY_LIMIT (1 << 20) /* default bound of request bodies */
#define HTTP_IDLE_TIMEOUT_S 300   /* a connection silent this long closes;
                                   * no shorter than a handler may take
                                   * on a worker (slot init on a loaded
                                   * ZooKeeper: 63 s), or its reply is cut */
#define HTTP_MAX_CONNS 4096       /* connections at once, at most ... */
#define HTTP_RESERVED_FDS 64      /* ... and this far below the file limit */

/* One request being handled. */
struct http_request {
    struct evhttp_request *req;  /* libevent's request */
    struct http_server *server;
    const char *method;          /* "GET", "PUT", ... */
    const char *path;            /* the raw path, without the query */
    char *params[HTTP_MAX_PARAMS]; /* captured segments, owned */
    size_t nparams;
    void *query;                 /* parsed query (struct evkeyvalq), owned */
    bool replied;
    double started;              /* monotonic seconds, for the log */
    /* A reply made on a worker waits here until the loop sends it. */
    const struct http_route *route; /* the route run on a worker */
    int status;                  /* of the reply */
    struct evbuffer *out;        /* owned: the reply's body; NULL: 500 */
    size_t out_len;
    struct http_request *next;   /* in the server's queue or done list */
};

/* A handler: 'arg' as given to http_server_new. */
typedef void (*http_handler_fn)(struct http_request *req, void *arg);

/* A guard: returns true to let the request through, or replies (401...)
 * and returns false. */
typedef bool (*http_guard_fn)(struct http_request *req, void *arg);

/* Route flags. */
#define HTTP_PUBLIC 1u /* the guard does not run (the page, login) */
#define HTTP_WORKER 2u /* run on a worker thread, if there are any: the
                        * handler may wait; it must touch only what is
                        * safe from another thread */

/* One route; a table ends with a NULL method. */
struct http_route {
    const char *method;     /* "GET", "PUT", "POST" or "DELETE" */
    const char *pattern;    /* literal segments and '*' */
    http_handler_fn handler;
    unsigned flags;         /* HTTP_PUBLIC, HTTP_WORKER or 0 */
};

/* Connections: each closes after HTTP_IDLE_TIMEOUT_S without traffic
 * (an idle keep-alive, or a client that never finishes its request), and
 * at most min(HTTP_MAX_CONNS, open file limit - HTTP_RESERVED_FDS) are
 * open at once: a new one beyond the cap closes the oldest, so a flood of
 * idle connections delays nobody. When accept() runs out of descriptors
 * anyway, accepting pauses for 100 ms instead of spinning.
 *
 * Listen on 'addr' ("host:port", ":port" for all interfaces, port 0 for
 * any free port) and serve 'routes' (borrowed: must outlive the server)
 * on 'base', passing 'arg' to handlers. 'log_path' (NULL or "": none) is
 * opened for appending, one line per request. Returns an owned server
 * (http_server_free), or NULL with 'err' filled ("cannot listen on
 * ':18087': Address already in use"). */
struct http_server *http_server_new(struct event_base *base, const char *addr,
                                    const struct http_route *routes,
                                    void *arg, const char *log_path,
                                    char *err, size_t errlen);

/* Run 'guard' with 'arg' before every route not marked HTTP_PUBLIC. */
void http_server_set_guard(struct http_server *server, http_guard_fn guard,
                           void *arg);

/* Let pages of 'origin' ("https://ops.example:8443", copied; NULL or "":
 * none, the default) call the API from a browser: they get CORS headers
 * and preflights. Other origins get neither. */
void http_server_set_cors_origin(struct http_server *server,
                                 const char *origin);

/* Start one worker thread running the handlers of HTTP_WORKER routes
 * with 'arg' (borrowed, must outlive the server) instead of the server's.
 * Call it once per thread wanted. Returns 0, or -1 with 'err' filled. */
int http_server_add_worker(struct http_server *server, void *arg, char *err,
                           size_t errlen);

/* Stop listening and free 'server' (NULL is fine). Running handlers are
 * waited for and their replies sent; queued requests get 503. */
void http_server_free(struct http_server *server);

/* The port the server listens on (useful after port 0). */
int http_server_port(const struct http_server *server);

/* Reopen the request log by name (after logrotate). Returns 0 or -1. */
int http_server_reopen_log(struct http_server *server);

/* Match 'path' against 'pattern'. On a match returns true and stores the
 * captured segments (owned, mem_free each) in 'params', their number in
 * '*nparams'; on no match returns false and owns nothing. A segment that
 * does not URL-decode cleanly does not match. */
bool http_route_match(const char *pattern, const char *path,
                      char *params[HTTP_MAX_PARAMS], size_t *nparams);

/* The value of query parameter 'key' (borrowed, valid until the reply),
 * or NULL if absent. */
const char *http_query(struct http_request *req, const char *key);

/* The value of request header 'name' (borrowed, valid until the reply),
 * or NULL. */
const char *http_header(struct http_request *req, const char *name);

/* Add header 'name': 'value' to the reply (before http_reply_*). */
void http_add_header(struct http_request *req, const char *name,
                     const char *value);

/* The client's address as "host:port" into 'out'. */
void http_peer(struct http_request *req, char *out, size_t outlen);

/* The request body as an owned NUL-terminated string (mem_free) of
 * '*len' bytes, or NULL with 'err' filled if it is larger than 'limit'. */
char *http_body(struct http_request *req, size_t limit, size_t *len,
                char *err, size_t errlen);

/* The body parsed as JSON (owned, cJSON_Delete), or NULL with 'err'
 * filled ("request body: invalid JSON at offset 3"). */
cJSON *http_body_json(struct http_request *req, size_t limit, char *err,
                      size_t errlen);

/* Reply 'status' with 'json' printed indented (Content-Type JSON). */
void http_reply_json(struct http_request *req, int status, const cJSON *json);

/* Reply 'status' with 'len' bytes of 'body' of 'content_type'. */
void http_reply_data(struct http_request *req, int status,
                     const char *content_type, const void *body, size_t len);

/* Reply 200 {"msg": "OK", "ret": 0}. */
void http_reply_ok(struct http_request *req);

/* Reply 'status' (4xx/5xx) with {"msg": <text>, "ret": -1}. */
void http_reply_error(struct http_request *req, int status,
                      const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Redirect to 'location' with 302. */
void http_reply_redirect(struct http_request *req, const char *location);

#endif
