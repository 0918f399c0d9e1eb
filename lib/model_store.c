/* The cluster model in the coordinator, the part every role shares; see
 * model_store.h. The dashboard's part is roles/dashboard/store.c. */
#include "lib/model_store.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/coord.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/rclient.h"
#include "lib/slot.h"

/* Fill 'err' for a path that did not fit. */
int model_store_too_long(char *err, size_t errlen)
{
    snprintf(err, errlen, "coordinator path too long");
    return COORD_ERROR;
}

/* Fill 'err' from a coordinator failure on 'what'. */
int model_store_fail(struct model_store *st, int rc, const char *what,
                     char *err, size_t errlen)
{
    const char *detail = st->coord->err[0] != '\0' && rc == COORD_ERROR
                             ? st->coord->err
                             : coord_strerror(rc);
    snprintf(err, errlen, "coordinator: cannot %s: %s", what, detail);
    return rc;
}

void model_store_sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* Read 'path' as JSON into '*json' (owned). */
int model_store_get_json(struct model_store *st, const char *path,
                         cJSON **json, int *version, char *err,
                         size_t errlen)
{
    char *data = NULL;
    size_t len = 0;
    int rc = coord_get(st->coord, path, &data, &len, version);
    if (rc != COORD_OK) {
        return model_store_fail(st, rc, "read node", err, errlen);
    }
    char why[128];
    *json = json_parse(data, len, why, sizeof(why));
    mem_free(data);
    if (*json == NULL) {
        snprintf(err, errlen, "node '%s' holds bad JSON: %s", path, why);
        return COORD_ERROR;
    }
    return COORD_OK;
}

/* Decode 'json' as a node of 'kind' into 'out' (a struct of that kind);
 * 0, or -1 with 'why' filled. */
static int model_store_decode(enum model_store_kind kind, const cJSON *json,
                              void *out, char *why, size_t whylen)
{
    switch (kind) {
    case MODEL_STORE_SLOT:
        return model_slot_from_json(json, out, why, whylen);
    case MODEL_STORE_SERVER:
        return model_server_from_json(json, out, why, whylen);
    case MODEL_STORE_PROXY:
        return model_proxy_from_json(json, out, why, whylen);
    case MODEL_STORE_ACTION:
        return model_action_from_json(json, out, why, whylen);
    case MODEL_STORE_MIGRATE_TASK:
        return model_migrate_task_from_json(json, out, why, whylen);
    }
    snprintf(why, whylen, "unknown kind %d", (int)kind);
    return -1;
}

int model_store_load(struct model_store *st, bool too_long, const char *path,
                     int *version, const char *missing,
                     enum model_store_kind kind, void *out, char *err,
                     size_t errlen, const char *what_fmt, ...)
{
    char what[MODEL_PATH_MAX + 64];
    va_list ap;
    va_start(ap, what_fmt);
    vsnprintf(what, sizeof(what), what_fmt, ap);
    va_end(ap);
    if (too_long) {
        return model_store_too_long(err, errlen);
    }
    cJSON *json;
    int rc = model_store_get_json(st, path, &json, version, err, errlen);
    if (rc == COORD_NONODE && missing != NULL) {
        snprintf(err, errlen, "%s %s", what, missing);
    }
    if (rc != COORD_OK) {
        return rc;
    }
    char why[128];
    rc = model_store_decode(kind, json, out, why, sizeof(why));
    cJSON_Delete(json);
    if (rc != 0) {
        snprintf(err, errlen, "%s: %s", what, why);
        return COORD_ERROR;
    }
    return COORD_OK;
}

/* Write 'json' compactly to 'path', creating the node if missing. */
int model_store_put_json(struct model_store *st, const char *path,
                         const cJSON *json, char *err, size_t errlen)
{
    char *text = json_print_compact(json);
    size_t len = strlen(text);
    int rc = coord_set(st->coord, path, text, len, -1);
    if (rc == COORD_NONODE) {
        rc = coord_create(st->coord, path, text, len, COORD_PERSISTENT, NULL,
                          0);
        if (rc == COORD_EXISTS) {
            rc = coord_set(st->coord, path, text, len, -1);
        }
    }
    mem_free(text);
    if (rc != COORD_OK) {
        return model_store_fail(st, rc, "write node", err, errlen);
    }
    return COORD_OK;
}

void model_store_init(struct model_store *st, struct coord *coord,
                      const char *product)
{
    memset(st, 0, sizeof(*st));
    st->coord = coord;
    snprintf(st->product, sizeof(st->product), "%s", product);
    st->action_timeout_ms = 30000;
    st->poll_ms = 100;
}

struct coord *model_store_open_coord(const struct model_config *cfg,
                                     struct event_base *base, char *err,
                                     size_t errlen)
{
    return coord_open(cfg->coordinator, cfg->coord_addr,
                      cfg->session_timeout_ms, base, err, errlen);
}

int model_store_setup(struct model_store *st, char *err, size_t errlen)
{
    int (*dirs[])(char *, size_t, const char *) = {
        model_path_slots,   model_path_groups,    model_path_proxies,
        model_path_fences,  model_path_actions,   model_path_responses,
        model_path_lock,    model_path_migrate_tasks,
    };
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        char path[MODEL_PATH_MAX];
        if (dirs[i](path, sizeof(path), st->product) != 0) {
            return model_store_too_long(err, errlen);
        }
        int rc = coord_create_all(st->coord, path);
        if (rc != COORD_OK) {
            return model_store_fail(st, rc, "create directories", err,
                                    errlen);
        }
    }
    return COORD_OK;
}

int model_store_children(struct model_store *st, const char *path,
                         const char *what, char ***names, size_t *count,
                         char *err, size_t errlen)
{
    int rc = coord_children(st->coord, path, names, count);
    if (rc == COORD_NONODE) {
        *names = NULL;
        *count = 0;
        return COORD_OK;
    }
    if (rc != COORD_OK) {
        return model_store_fail(st, rc, what, err, errlen);
    }
    return COORD_OK;
}

/* ---- slots ----------------------------------------------------------- */

int model_store_load_slot(struct model_store *st, int id,
                          struct model_slot *slot, char *err, size_t errlen)
{
    char path[MODEL_PATH_MAX];
    return model_store_load(
        st, model_path_slot(path, sizeof(path), st->product, id) != 0, path,
        NULL, "does not exist (slots are not initialized)", MODEL_STORE_SLOT,
        slot, err, errlen, "slot %d", id);
}

int model_store_load_slots(struct model_store *st, struct model_slot *slots,
                           char *err, size_t errlen)
{
    for (int i = 0; i < SLOT_COUNT; i++) {
        int rc = model_store_load_slot(st, i, &slots[i], err, errlen);
        if (rc != COORD_OK) {
            return rc;
        }
    }
    return COORD_OK;
}

/* ---- groups and servers ---------------------------------------------- */

/* Servers in a group: the master first, then slaves, then offline ones,
 * each by address, so listings do not depend on port numbers. */
static int model_store_server_cmp(const void *a, const void *b)
{
    const struct model_server *x = a;
    const struct model_server *y = b;
    if (x->type != y->type) {
        return (int)x->type - (int)y->type;
    }
    return strcmp(x->addr, y->addr);
}

int model_store_load_group(struct model_store *st, int gid,
                           struct model_group *group, char *err,
                           size_t errlen)
{
    memset(group, 0, sizeof(*group));
    char path[MODEL_PATH_MAX];
    if (model_path_group(path, sizeof(path), st->product, gid) != 0) {
        return model_store_too_long(err, errlen);
    }
    char **names = NULL;
    size_t count = 0;
    int rc = coord_children(st->coord, path, &names, &count);
    if (rc == COORD_NONODE) {
        snprintf(err, errlen, "group %d does not exist", gid);
        return rc;
    }
    if (rc != COORD_OK) {
        return model_store_fail(st, rc, "list servers", err, errlen);
    }
    group->id = gid;
    snprintf(group->product, sizeof(group->product), "%s", st->product);
    group->servers = mem_calloc(count ? count : 1, sizeof(*group->servers));
    for (size_t i = 0; i < count; i++) {
        char spath[MODEL_PATH_MAX];
        if (model_path_server(spath, sizeof(spath), st->product, gid,
                              names[i]) != 0) {
            rc = model_store_too_long(err, errlen);
            break;
        }
        struct model_server *s = &group->servers[group->count];
        rc = model_store_load(st, false, spath, NULL, NULL,
                              MODEL_STORE_SERVER, s, err, errlen,
                              "server '%s' of group %d", names[i], gid);
        if (rc == COORD_NONODE) {
            continue; /* removed while we listed */
        }
        if (rc != COORD_OK) {
            break;
        }
        s->group_id = gid;
        group->count++;
    }
    coord_free_names(names, count);
    if (rc != COORD_OK && rc != COORD_NONODE) {
        model_group_release(group);
        return rc;
    }
    qsort(group->servers, group->count, sizeof(*group->servers),
          model_store_server_cmp);
    return COORD_OK;
}

static int model_store_group_cmp(const void *a, const void *b)
{
    const struct model_group *x = a;
    const struct model_group *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

int model_store_load_groups(struct model_store *st,
                            struct model_group **groups, size_t *count,
                            char *err, size_t errlen)
{
    *groups = NULL;
    *count = 0;
    char path[MODEL_PATH_MAX];
    if (model_path_groups(path, sizeof(path), st->product) != 0) {
        return model_store_too_long(err, errlen);
    }
    char **names = NULL;
    size_t n = 0;
    int rc = model_store_children(st, path, "list groups", &names, &n, err,
                                  errlen);
    if (rc != COORD_OK) {
        return rc;
    }
    struct model_group *out = mem_calloc(n ? n : 1, sizeof(*out));
    size_t got = 0;
    for (size_t i = 0; i < n; i++) {
        int gid;
        if (model_group_name_parse(names[i], &gid) != 0) {
            continue; /* not ours: Codis 2 ignores such nodes too */
        }
        rc = model_store_load_group(st, gid, &out[got], err, errlen);
        if (rc == COORD_NONODE) {
            continue;
        }
        if (rc != COORD_OK) {
            coord_free_names(names, n);
            model_store_free_groups(out, got);
            return rc;
        }
        got++;
    }
    coord_free_names(names, n);
    qsort(out, got, sizeof(*out), model_store_group_cmp);
    *groups = out;
    *count = got;
    return COORD_OK;
}

void model_store_free_groups(struct model_group *groups, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        model_group_release(&groups[i]);
    }
    mem_free(groups);
}

/* ---- proxies and fences ---------------------------------------------- */

int model_store_load_proxy(struct model_store *st, const char *id,
                           struct model_proxy *proxy, char *err,
                           size_t errlen)
{
    char path[MODEL_PATH_MAX];
    return model_store_load(
        st, model_path_proxy(path, sizeof(path), st->product, id) != 0, path,
        NULL, "does not exist", MODEL_STORE_PROXY, proxy, err, errlen,
        "proxy '%s'", id);
}

/* The fence and node paths of 'proxy' (MODEL_PATH_MAX bytes each); -1 if
 * one did not fit. */
static int model_store_proxy_paths(struct model_store *st,
                                   const struct model_proxy *proxy,
                                   char *fence, char *path)
{
    if (model_path_fence(fence, MODEL_PATH_MAX, st->product, proxy->addr) ||
        model_path_proxy(path, MODEL_PATH_MAX, st->product, proxy->id)) {
        return -1;
    }
    return 0;
}

int model_store_register_proxy(struct model_store *st,
                               const struct model_proxy *proxy, char *err,
                               size_t errlen)
{
    char fence[MODEL_PATH_MAX];
    char path[MODEL_PATH_MAX];
    if (model_store_proxy_paths(st, proxy, fence, path) != 0) {
        return model_store_too_long(err, errlen);
    }
    int rc = coord_create(st->coord, fence, NULL, 0, COORD_PERSISTENT, NULL,
                          0);
    if (rc != COORD_OK && rc != COORD_EXISTS) {
        return model_store_fail(st, rc, "create fence", err, errlen);
    }
    cJSON *json = model_proxy_to_json(proxy);
    char *text = json_print_compact(json);
    cJSON_Delete(json);
    rc = coord_create(st->coord, path, text, strlen(text), COORD_EPHEMERAL,
                      NULL, 0);
    mem_free(text);
    if (rc == COORD_EXISTS) {
        snprintf(err, errlen, "proxy '%s' is already registered",
                 proxy->id);
        return rc;
    }
    if (rc != COORD_OK) {
        return model_store_fail(st, rc, "register proxy", err, errlen);
    }
    return COORD_OK;
}

int model_store_unregister_proxy(struct model_store *st,
                                 const struct model_proxy *proxy, char *err,
                                 size_t errlen)
{
    char fence[MODEL_PATH_MAX];
    char path[MODEL_PATH_MAX];
    if (model_store_proxy_paths(st, proxy, fence, path) != 0) {
        return model_store_too_long(err, errlen);
    }
    int rc = coord_remove(st->coord, path, -1);
    if (rc != COORD_OK && rc != COORD_NONODE) {
        return model_store_fail(st, rc, "remove proxy", err, errlen);
    }
    rc = coord_remove(st->coord, fence, -1);
    if (rc != COORD_OK && rc != COORD_NONODE) {
        return model_store_fail(st, rc, "remove fence", err, errlen);
    }
    return COORD_OK;
}

/* Write 'state' into the node of proxy 'id', and 'event' (if not NULL)
 * as its last_event, now. A missing proxy is COORD_NONODE ("proxy 'x'
 * does not exist") for online, success otherwise. */
int model_store_write_proxy(struct model_store *st, const char *id,
                            enum model_proxy_state state,
                            const char *event, char *err,
                            size_t errlen)
{
    char path[MODEL_PATH_MAX];
    struct model_proxy proxy;
    int version;
    int rc = model_store_load(
        st, model_path_proxy(path, sizeof(path), st->product, id) != 0, path,
        &version, "does not exist", MODEL_STORE_PROXY, &proxy, err, errlen,
        "proxy '%s'", id);
    if (rc == COORD_NONODE && state != MODEL_PROXY_ONLINE) {
        return COORD_OK;
    }
    if (rc != COORD_OK) {
        return rc;
    }
    proxy.state = state;
    if (event != NULL) {
        snprintf(proxy.last_event, sizeof(proxy.last_event), "%s", event);
        proxy.last_event_ts = (long long)time(NULL);
    }
    cJSON *json = model_proxy_to_json(&proxy);
    char *text = json_print_compact(json);
    cJSON_Delete(json);
    rc = coord_set(st->coord, path, text, strlen(text), version);
    mem_free(text);
    if (rc == COORD_NONODE && state != MODEL_PROXY_ONLINE) {
        return COORD_OK;
    }
    if (rc != COORD_OK) {
        return model_store_fail(st, rc, "set proxy state", err, errlen);
    }
    return COORD_OK;
}

int model_store_set_proxy_state(struct model_store *st, const char *id,
                                enum model_proxy_state state, char *err,
                                size_t errlen)
{
    int rc = model_store_write_proxy(st, id, state, NULL, err, errlen);
    if (rc != COORD_OK) {
        return rc;
    }
    char path[MODEL_PATH_MAX];
    if (model_path_proxy(path, sizeof(path), st->product, id) != 0) {
        return model_store_too_long(err, errlen);
    }
    if (state != MODEL_PROXY_MARK_OFFLINE) {
        return COORD_OK;
    }
    long long deadline = clock_now_ms() + st->action_timeout_ms;
    while (clock_now_ms() < deadline) {
        rc = coord_exists(st->coord, path);
        if (rc == 0) {
            return COORD_OK;
        }
        if (rc < 0) {
            return model_store_fail(st, rc, "watch proxy", err, errlen);
        }
        model_store_sleep_ms(st->poll_ms);
    }
    snprintf(err, errlen, "proxy '%s' is marked offline but did not go "
                          "away within %d ms", id, st->action_timeout_ms);
    return COORD_ERROR;
}

/* ---- actions --------------------------------------------------------- */

int model_store_list_actions(struct model_store *st, char ***seqs,
                             size_t *count, char *err, size_t errlen)
{
    char path[MODEL_PATH_MAX];
    if (model_path_actions(path, sizeof(path), st->product) != 0) {
        return model_store_too_long(err, errlen);
    }
    int rc = model_store_children(st, path, "list actions", seqs, count, err,
                                  errlen);
    if (rc != COORD_OK) {
        return rc;
    }
    return COORD_OK;
}

int model_store_load_action(struct model_store *st, const char *seq,
                            struct model_action *action, char *err,
                            size_t errlen)
{
    char path[MODEL_PATH_MAX];
    return model_store_load(
        st, model_path_action(path, sizeof(path), st->product, seq) != 0,
        path, NULL, NULL, MODEL_STORE_ACTION, action, err, errlen,
        "action %s", seq);
}

int model_store_ack_action(struct model_store *st, const char *seq,
                           const struct model_proxy *proxy, char *err,
                           size_t errlen)
{
    char path[MODEL_PATH_MAX];
    if (model_path_response(path, sizeof(path), st->product, seq) != 0 ||
        strlen(path) + 1 + strlen(proxy->id) + 1 > sizeof(path)) {
        return model_store_too_long(err, errlen);
    }
    strcat(path, "/");
    strcat(path, proxy->id);
    cJSON *json = model_proxy_to_json(proxy);
    char *text = json_print_compact(json);
    cJSON_Delete(json);
    int rc = coord_create(st->coord, path, text, strlen(text),
                          COORD_PERSISTENT, NULL, 0);
    mem_free(text);
    if (rc != COORD_OK && rc != COORD_EXISTS) {
        return model_store_fail(st, rc, "acknowledge action", err, errlen);
    }
    return COORD_OK;
}
