/* Unit tests of roles/dashboard/http and lib/httpc: route matching, then
 * a real evhttp server on a thread answered through libcurl (JSON
 * replies, errors, 404/405, bodies, query strings, the request log), then
 * worker threads: a waiting handler stalls no other request. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "roles/dashboard/http.h"
#include "lib/httpc.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "t/unit/tap.h"

static void free_params(char **params, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        mem_free(params[i]);
    }
}

static void test_match(void)
{
    char *params[HTTP_MAX_PARAMS];
    size_t n;
    tap_ok(http_route_match("/api/slots", "/api/slots", params, &n) && n == 0,
           "literal path matches");
    tap_ok(!http_route_match("/api/slots", "/api/slots/x", params, &n),
           "longer path does not match");
    tap_ok(!http_route_match("/api/slots", "/api", params, &n),
           "shorter path does not match");
    tap_ok(http_route_match("/api/server_group/*/addServer",
                            "/api/server_group/12/addServer", params, &n) &&
               n == 1 && strcmp(params[0], "12") == 0,
           "a star captures its segment");
    free_params(params, n);
    tap_ok(http_route_match("/api/redis/*/*/slotinfo",
                            "/api/redis/127.0.0.1%3A6379/5/slotinfo", params,
                            &n) &&
               n == 2 && strcmp(params[0], "127.0.0.1:6379") == 0 &&
               strcmp(params[1], "5") == 0,
           "captures are URL-decoded");
    free_params(params, n);
    tap_ok(!http_route_match("/api/server_group/*", "/api/server_group/",
                             params, &n),
           "a star needs a non-empty segment");
    tap_ok(!http_route_match("/api/server_group/*", "/api/server_group/a%2Fb",
                             params, &n),
           "a decoded slash does not match");
    tap_ok(!http_route_match("/a/*/c", "/a/b/d", params, &n) && n == 0,
           "no match frees captures");
}

static void h_echo(struct http_request *req, void *arg)
{
    char err[256];
    cJSON *body = http_body_json(req, 64, err, sizeof(err));
    if (body == NULL) {
        http_reply_error(req, 400, "%s", err);
        return;
    }
    cJSON_AddStringToObject(body, "param", req->params[0]);
    const char *q = http_query(req, "q");
    cJSON_AddStringToObject(body, "q", q != NULL ? q : "");
    http_reply_json(req, 200, body);
    cJSON_Delete(body);
}

static void h_ok(struct http_request *req, void *arg)
{
    http_reply_ok(req);
}

static void h_silent(struct http_request *req, void *arg)
{
}

/* The guard of the tests: a request needs an Authorization header. */
static bool guard_calls;

static bool h_guard(struct http_request *req, void *arg)
{
    guard_calls = true;
    return http_header(req, "Authorization") != NULL;
}

static const struct http_route routes[] = {
    { "POST", "/echo/*", h_echo, HTTP_PUBLIC },
    { "GET", "/ok", h_ok, HTTP_PUBLIC },
    { "GET", "/silent", h_silent, HTTP_PUBLIC },
    { "GET", "/secret", h_ok, 0 },
    { NULL, NULL, NULL, 0 },
};

static void *run_loop(void *arg)
{
    event_base_dispatch(arg);
    return NULL;
}

static void test_server(void)
{
    char err[256];
    evthread_use_pthreads();
    struct event_base *base = event_base_new();
    char logpath[] = "/tmp/http_test_log_XXXXXX";
    int fd = mkstemp(logpath);
    close(fd);
    struct http_server *srv = http_server_new(base, "127.0.0.1:0", routes,
                                              NULL, logpath, err, sizeof(err));
    if (!tap_ok(srv != NULL, "server listens on a free port")) {
        printf("# %s\n", err);
        return;
    }
    struct http_server *dup = NULL;
    char addr[64];
    snprintf(addr, sizeof(addr), "127.0.0.1:%d", http_server_port(srv));
    dup = http_server_new(base, addr, routes, NULL, NULL, err, sizeof(err));
    tap_ok(dup == NULL && strstr(err, "cannot listen on") != NULL,
           "a busy port is a clear error");
    http_server_free(dup);
    http_server_set_guard(srv, h_guard, NULL);
    pthread_t th;
    pthread_create(&th, NULL, run_loop, base);

    char url[128];
    struct httpc_response r;
    snprintf(url, sizeof(url), "http://%s/ok", addr);
    tap_int(httpc_get(url, 2000, &r, err, sizeof(err)), 0, "GET /ok answers");
    tap_int(r.status, 200, "with 200");
    tap_str(r.body, "{\n    \"msg\": \"OK\",\n    \"ret\": 0\n}\n",
            "and Codis's OK body");
    httpc_response_release(&r);

    snprintf(url, sizeof(url), "http://%s/echo/a%%20b?q=x", addr);
    httpc_post(url, "{\"n\":1}", 2000, &r, err, sizeof(err));
    tap_int(r.status, 200, "POST with a JSON body");
    tap_ok(r.body != NULL && strstr(r.body, "\"param\": \"a b\"") &&
               strstr(r.body, "\"q\": \"x\"") && strstr(r.body, "\"n\": 1"),
           "handler sees body, param and query");
    httpc_response_release(&r);

    httpc_post(url, "{bad", 2000, &r, err, sizeof(err));
    tap_int(r.status, 400, "bad JSON is a 400");
    tap_ok(strstr(r.body, "invalid JSON") && strstr(r.body, "\"ret\": -1"),
           "with a JSON error");
    httpc_response_release(&r);

    httpc_post(url, "{\"x\":\"0123456789012345678901234567890123456789"
                    "0123456789012345678901234567890\"}",
               2000, &r, err, sizeof(err));
    tap_int(r.status, 400, "a body over the limit is refused");
    httpc_response_release(&r);

    snprintf(url, sizeof(url), "http://%s/echo/x", addr);
    httpc_get(url, 2000, &r, err, sizeof(err));
    tap_int(r.status, 405, "wrong method is 405");
    httpc_response_release(&r);

    snprintf(url, sizeof(url), "http://%s/nope/../x", addr);
    httpc_get(url, 2000, &r, err, sizeof(err));
    tap_int(r.status, 404, "unknown path is 404");
    httpc_response_release(&r);

    snprintf(url, sizeof(url), "http://%s/silent", addr);
    httpc_get(url, 2000, &r, err, sizeof(err));
    tap_int(r.status, 500, "a handler that does not reply gives 500");
    httpc_response_release(&r);
    tap_ok(!guard_calls, "public routes do not run the guard");

    snprintf(url, sizeof(url), "http://%s/secret", addr);
    httpc_get(url, 2000, &r, err, sizeof(err));
    tap_int(r.status, 401, "a guard that refuses without replying gives 401");
    httpc_response_release(&r);
    httpc_set_credentials("u:p");
    httpc_get(url, 2000, &r, err, sizeof(err));
    tap_int(r.status, 200, "httpc sends credentials the guard lets through");
    httpc_response_release(&r);
    httpc_set_credentials(NULL);

    event_base_loopbreak(base);
    pthread_join(th, NULL);
    http_server_free(srv);
    event_base_free(base);

    tap_int(httpc_get(url, 500, &r, err, sizeof(err)), -1,
            "a closed server is an error");
    tap_ok(strstr(err, "cannot reach") != NULL, "saying so");

    FILE *f = fopen(logpath, "r");
    char line[512];
    int lines = 0;
    int has_ok = 0;
    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        lines++;
        has_ok |= strstr(line, "GET /ok 200") != NULL;
    }
    if (f != NULL) {
        fclose(f);
    }
    unlink(logpath);
    tap_int(lines, 9, "one log line per request");
    tap_ok(has_ok, "naming method, path and status");
}

/* A change that waits until the test lets it go, on a worker. */
static pthread_mutex_t slow_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slow_cond = PTHREAD_COND_INITIALIZER;
static bool slow_entered;
static bool slow_released;

static void h_slow(struct http_request *req, void *arg)
{
    pthread_mutex_lock(&slow_mu);
    slow_entered = true;
    pthread_cond_broadcast(&slow_cond);
    while (!slow_released) {
        pthread_cond_wait(&slow_cond, &slow_mu);
    }
    pthread_mutex_unlock(&slow_mu);
    http_reply_ok(req);
}

/* A read on a worker: answers with the worker's 'arg'. */
static void h_whoami(struct http_request *req, void *arg)
{
    http_reply_data(req, 200, "text/plain", arg, strlen(arg));
}

static const struct http_route worker_routes[] = {
    { "POST", "/slow", h_slow, HTTP_PUBLIC | HTTP_WORKER },
    { "GET", "/whoami", h_whoami, HTTP_PUBLIC | HTTP_WORKER },
    { "GET", "/ok", h_ok, HTTP_PUBLIC },
    { NULL, NULL, NULL, 0 },
};

struct slow_call {
    char url[128];
    int status;
};

static void *post_slow(void *arg)
{
    struct slow_call *c = arg;
    struct httpc_response r;
    char err[256];
    c->status = httpc_post(c->url, "{}", 60000, &r, err, sizeof(err)) == 0
                    ? r.status
                    : -1;
    httpc_response_release(&r);
    return NULL;
}

static void test_workers(void)
{
    char err[256];
    struct event_base *base = event_base_new();
    struct http_server *srv = http_server_new(base, "127.0.0.1:0",
                                              worker_routes, "loop", NULL,
                                              err, sizeof(err));
    static char w1[] = "worker";
    static char w2[] = "worker";
    if (!tap_ok(srv != NULL && http_server_add_worker(srv, w1, err,
                                                      sizeof(err)) == 0 &&
                    http_server_add_worker(srv, w2, err, sizeof(err)) == 0,
                "a server with two workers")) {
        printf("# %s\n", err);
        return;
    }
    pthread_t loop;
    pthread_create(&loop, NULL, run_loop, base);
    struct slow_call slow;
    snprintf(slow.url, sizeof(slow.url), "http://127.0.0.1:%d/slow",
             http_server_port(srv));
    pthread_t poster;
    pthread_create(&poster, NULL, post_slow, &slow);
    pthread_mutex_lock(&slow_mu);
    while (!slow_entered) {
        pthread_cond_wait(&slow_cond, &slow_mu);
    }
    pthread_mutex_unlock(&slow_mu);

    /* the change waits in its handler: others answer meanwhile */
    char url[128];
    struct httpc_response r;
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/ok",
             http_server_port(srv));
    httpc_get(url, 60000, &r, err, sizeof(err));
    tap_int(r.status, 200, "the loop answers while a worker waits");
    httpc_response_release(&r);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/whoami",
             http_server_port(srv));
    httpc_get(url, 60000, &r, err, sizeof(err));
    tap_int(r.status, 200, "so does the other worker");
    tap_str(r.body, "worker", "its handler gets the worker's argument");
    httpc_response_release(&r);
    pthread_mutex_lock(&slow_mu);
    bool still = !slow_released;
    slow_released = true;
    pthread_cond_broadcast(&slow_cond);
    pthread_mutex_unlock(&slow_mu);
    tap_ok(still, "both answered before the change was let go");
    pthread_join(poster, NULL);
    tap_int(slow.status, 200, "the change's reply is sent by the loop");

    event_base_loopbreak(base);
    pthread_join(loop, NULL);
    http_server_free(srv);
    event_base_free(base);
}

int main(void)
{
    log_set_level(LOG_ERROR);
    test_match();
    test_server();
    test_workers();
    libevent_global_shutdown();
    return tap_done();
}
