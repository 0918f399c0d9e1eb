/* Maintenance routes of the dashboard (codis-facts §4.1, §5.2): garbage
 * collection of actions, removal of operation locks and of the fences of
 * proxies that are gone. Codis 2 served them on GET; they change the
 * cluster, so they are POST now (a GET could come from any web page an
 * operator opens) and the old GET forms answer 405 with the new form. */
#include "roles/dashboard/dashboard.h"

#include <errno.h>
#include <stdlib.h>

/* Codis 2 keeps this many actions beyond what 'keep' asks for. */
#define API_ACTION_KEEP_EXTRA 500

/* Parse a non-negative query value; -1 if absent, -2 if malformed. */
static long long api_action_query_num(struct http_request *req,
                                      const char *key)
{
    const char *s = http_query(req, key);
    if (s == NULL) {
        return -1;
    }
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno != 0 || v < 0) {
        return -2;
    }
    return v;
}

void api_action_gc(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    long long keep = api_action_query_num(req, "keep");
    long long secs = api_action_query_num(req, "secs");
    if (keep == -2 || secs == -2 || (keep < 0 && secs < 0) ||
        (keep >= 0 && secs >= 0)) {
        http_reply_error(req, 400, "action gc needs one of keep=<n> or "
                                   "secs=<seconds>, a non-negative integer");
        return;
    }
    char err[512];
    int rc = keep >= 0
                 ? store_gc_keep(&d->store, keep + API_ACTION_KEEP_EXTRA,
                                 err, sizeof(err))
                 : store_gc_age(&d->store, secs, err, sizeof(err));
    if (rc != 0) {
        dashboard_reply_store_error(req, rc, err);
        return;
    }
    http_reply_ok(req);
}

void api_action_remove_locks(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    char err[512];
    int rc = store_remove_locks(&d->store, err, sizeof(err));
    if (rc != 0) {
        dashboard_reply_store_error(req, rc, err);
        return;
    }
    http_reply_ok(req);
}

void api_action_remove_fence(struct http_request *req, void *arg)
{
    struct dashboard *d = arg;
    char err[512];
    int rc = store_remove_fences(&d->store, err, sizeof(err));
    if (rc != 0) {
        dashboard_reply_store_error(req, rc, err);
        return;
    }
    http_reply_ok(req);
}

void api_action_use_post(struct http_request *req, void *arg)
{
    http_add_header(req, "Allow", "POST");
    http_reply_error(req, 405, "'%s' changes the cluster: use POST %s "
                     "(codis config does)", req->path, req->path);
}
