/* The dashboard's side of the cluster model; see store.h. The Action
 * protocol, as Codis 2 runs it (codis-facts §5.2):
 *
 *   dashboard                          proxy (each online one)
 *   write slots / servers
 *   fence check (confirm only)
 *   create ActionResponse/<seq>
 *   create actions/<seq> -----------> watch on actions/ fires
 *                                      re-read what the action names
 *   poll ActionResponse/<seq> <------ create ActionResponse/<seq>/<id>
 *   all receivers answered: done
 *   timeout: set the silent ones
 *   offline, fail MODEL_STORE_TIMEOUT
 */
#include "roles/dashboard/store.h"

#include <limits.h>
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

/* Write 'json' (taken: freed here) to 'path', unless building the path
 * failed ('bad' not 0). */
static int store_put(struct model_store *st, int bad, const char *path,
                     cJSON *json, char *err, size_t errlen)
{
    int rc = bad != 0 ? model_store_too_long(err, errlen)
                      : model_store_put_json(st, path, json, err, errlen);
    cJSON_Delete(json);
    return rc;
}

int store_init_slots(struct model_store *st, bool force, char *err,
                     size_t errlen)
{
    char path[MODEL_PATH_MAX];
    if (model_path_slots(path, sizeof(path), st->product) != 0) {
        return model_store_too_long(err, errlen);
    }
    char **names = NULL;
    size_t count = 0;
    int rc = coord_children(st->coord, path, &names, &count);
    if (rc != COORD_OK && rc != COORD_NONODE) {
        return model_store_fail(st, rc, "list slots", err, errlen);
    }
    coord_free_names(names, count);
    if (count > 0 && !force) {
        snprintf(err, errlen, "slots already initialized, you may use "
                              "'is_force' flag and try again.");
        return COORD_EXISTS;
    }
    for (int i = 0; i < SLOT_COUNT; i++) {
        struct model_slot slot;
        model_slot_init(&slot, st->product, i);
        char spath[MODEL_PATH_MAX];
        if (model_path_slot(spath, sizeof(spath), st->product, i) != 0) {
            return model_store_too_long(err, errlen);
        }
        /* Creating first saves a round trip per slot on a fresh product. */
        cJSON *json = model_slot_to_json(&slot);
        char *text = json_print_compact(json);
        cJSON_Delete(json);
        rc = coord_create(st->coord, spath, text, strlen(text),
                          COORD_PERSISTENT, NULL, 0);
        if (rc == COORD_EXISTS) {
            rc = coord_set(st->coord, spath, text, strlen(text), -1);
        }
        mem_free(text);
        if (rc != COORD_OK) {
            return model_store_fail(st, rc, "write slot", err, errlen);
        }
    }
    return COORD_OK;
}

int store_save_slot(struct model_store *st,
                    const struct model_slot *slot, char *err,
                    size_t errlen)
{
    char path[MODEL_PATH_MAX];
    int bad = model_path_slot(path, sizeof(path), st->product, slot->id);
    return store_put(st, bad, path, model_slot_to_json(slot), err, errlen);
}

int store_create_group(struct model_store *st, int gid, char *err,
                       size_t errlen)
{
    char path[MODEL_PATH_MAX];
    if (model_path_group(path, sizeof(path), st->product, gid) != 0) {
        return model_store_too_long(err, errlen);
    }
    int rc = coord_create(st->coord, path, NULL, 0, COORD_PERSISTENT, NULL, 0);
    if (rc == COORD_EXISTS) {
        snprintf(err, errlen, "group already exists");
        return rc;
    }
    if (rc != COORD_OK) {
        return model_store_fail(st, rc, "create group", err, errlen);
    }
    return COORD_OK;
}

int store_remove_group(struct model_store *st, int gid, char *err,
                       size_t errlen)
{
    char path[MODEL_PATH_MAX];
    if (model_path_group(path, sizeof(path), st->product, gid) != 0) {
        return model_store_too_long(err, errlen);
    }
    int rc = coord_exists(st->coord, path);
    if (rc == 0) {
        snprintf(err, errlen, "group %d does not exist", gid);
        return COORD_NONODE;
    }
    if (rc < 0) {
        return model_store_fail(st, rc, "read group", err, errlen);
    }
    rc = coord_remove_all(st->coord, path);
    if (rc != COORD_OK) {
        return model_store_fail(st, rc, "remove group", err, errlen);
    }
    return COORD_OK;
}

int store_save_server(struct model_store *st,
                      const struct model_server *server, char *err,
                      size_t errlen)
{
    char path[MODEL_PATH_MAX];
    int bad = model_path_server(path, sizeof(path), st->product,
                                server->group_id, server->addr);
    return store_put(st, bad, path, model_server_to_json(server), err,
                     errlen);
}

int store_remove_server(struct model_store *st, int gid,
                        const char *addr, char *err, size_t errlen)
{
    char path[MODEL_PATH_MAX];
    if (model_path_server(path, sizeof(path), st->product, gid, addr) != 0) {
        return model_store_too_long(err, errlen);
    }
    int rc = coord_remove(st->coord, path, -1);
    if (rc == COORD_NONODE) {
        snprintf(err, errlen, "server '%s' is not in group %d", addr, gid);
        return rc;
    }
    if (rc != COORD_OK) {
        return model_store_fail(st, rc, "remove server", err, errlen);
    }
    return COORD_OK;
}

int store_load_proxies(struct model_store *st,
                       struct model_proxy **proxies, size_t *count,
                       char *err, size_t errlen)
{
    *proxies = NULL;
    *count = 0;
    char path[MODEL_PATH_MAX];
    if (model_path_proxies(path, sizeof(path), st->product) != 0) {
        return model_store_too_long(err, errlen);
    }
    char **names = NULL;
    size_t n = 0;
    int rc = model_store_children(st, path, "list proxies", &names, &n, err,
                                  errlen);
    if (rc != COORD_OK) {
        return rc;
    }
    struct model_proxy *out = mem_calloc(n ? n : 1, sizeof(*out));
    size_t got = 0;
    for (size_t i = 0; i < n; i++) {
        rc = model_store_load_proxy(st, names[i], &out[got], err, errlen);
        if (rc == COORD_NONODE) {
            continue; /* it went away while we listed */
        }
        if (rc != COORD_OK) {
            coord_free_names(names, n);
            mem_free(out);
            return rc;
        }
        got++;
    }
    coord_free_names(names, n);
    *proxies = out;
    *count = got;
    return COORD_OK;
}

/* The fence names no online proxy accounts for: owned (coord_free_names),
 * '*count' of them. */
static int store_stray_fences(struct model_store *st, char ***stray,
                              size_t *count, char *err, size_t errlen)
{
    *stray = NULL;
    *count = 0;
    char path[MODEL_PATH_MAX];
    if (model_path_fences(path, sizeof(path), st->product) != 0) {
        return model_store_too_long(err, errlen);
    }
    char **names = NULL;
    size_t n = 0;
    int rc = model_store_children(st, path, "list fences", &names, &n, err,
                                  errlen);
    if (rc != COORD_OK) {
        return rc;
    }
    struct model_proxy *proxies;
    size_t np;
    rc = store_load_proxies(st, &proxies, &np, err, errlen);
    if (rc != COORD_OK) {
        coord_free_names(names, n);
        return rc;
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        bool online = false;
        for (size_t j = 0; j < np && !online; j++) {
            online = proxies[j].state == MODEL_PROXY_ONLINE &&
                     strcmp(proxies[j].addr, names[i]) == 0;
        }
        if (online) {
            mem_free(names[i]);
        } else {
            names[kept++] = names[i];
        }
    }
    mem_free(proxies);
    *stray = names;
    *count = kept;
    return COORD_OK;
}

int store_check_fence(struct model_store *st, char *err, size_t errlen)
{
    char **stray;
    size_t n;
    int rc = store_stray_fences(st, &stray, &n, err, errlen);
    if (rc != COORD_OK) {
        return rc;
    }
    if (n == 0) {
        mem_free(stray);
        return COORD_OK;
    }
    size_t off = (size_t)snprintf(err, errlen,
                                  "Some proxies may not stop cleanly:");
    for (size_t i = 0; i < n && off < errlen; i++) {
        off += (size_t)snprintf(err + off, errlen - off, " %s", stray[i]);
    }
    coord_free_names(stray, n);
    return MODEL_STORE_FENCED;
}

int store_remove_fences(struct model_store *st, char *err,
                        size_t errlen)
{
    char **stray;
    size_t n;
    int rc = store_stray_fences(st, &stray, &n, err, errlen);
    if (rc != COORD_OK) {
        return rc;
    }
    for (size_t i = 0; i < n && rc == COORD_OK; i++) {
        char path[MODEL_PATH_MAX];
        if (model_path_fence(path, sizeof(path), st->product, stray[i])) {
            rc = model_store_too_long(err, errlen);
            break;
        }
        int r = coord_remove(st->coord, path, -1);
        if (r != COORD_OK && r != COORD_NONODE) {
            rc = model_store_fail(st, r, "remove fence", err, errlen);
        }
        log_info("removed fence '%s'", stray[i]);
    }
    coord_free_names(stray, n);
    return rc;
}

/* Wait until every receiver acknowledged 'seq'. On timeout, mark the
 * silent ones offline and fail, or, with 'fenced' (not NULL), append
 * their ids to it and succeed. */
static int store_wait_acks(struct model_store *st, const char *seq,
                           const struct model_proxy *receivers,
                           size_t n, char *fenced, size_t fencedlen,
                           char *err, size_t errlen)
{
    char path[MODEL_PATH_MAX];
    if (model_path_response(path, sizeof(path), st->product, seq) != 0) {
        return model_store_too_long(err, errlen);
    }
    bool *acked = mem_calloc(n ? n : 1, sizeof(*acked));
    long long start = clock_now_ms();
    bool warned = false;
    int rc = COORD_OK;
    for (;;) {
        char **names = NULL;
        size_t count = 0;
        rc = coord_children(st->coord, path, &names, &count);
        if (rc != COORD_OK) {
            rc = model_store_fail(st, rc, "read action responses", err,
                                  errlen);
            break;
        }
        size_t missing = 0;
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < count && !acked[i]; j++) {
                acked[i] = strcmp(names[j], receivers[i].id) == 0;
            }
            missing += !acked[i];
        }
        coord_free_names(names, count);
        if (missing == 0) {
            break;
        }
        if (st->stop != NULL && atomic_load(st->stop)) {
            snprintf(err, errlen, "stopped while waiting for %zu proxies "
                                  "to acknowledge action %s", missing, seq);
            rc = COORD_ERROR;
            break;
        }
        long long waited = clock_now_ms() - start;
        if (!warned && waited > 3000) {
            log_warn("action %s: still waiting for %zu proxies", seq,
                     missing);
            warned = true;
        }
        if (waited >= st->action_timeout_ms) {
            char *out = fenced != NULL ? fenced : err;
            size_t outlen = fenced != NULL ? fencedlen : errlen;
            size_t off = fenced != NULL ? strlen(fenced)
                                        : (size_t)snprintf(err, errlen,
                                                           "receiver "
                                                           "timeout:");
            for (size_t i = 0; i < n; i++) {
                if (acked[i]) {
                    continue;
                }
                if (off < outlen) {
                    off += (size_t)snprintf(out + off, outlen - off, "%s%s",
                                            off > 0 ? " " : "",
                                            receivers[i].id);
                }
                /* A silent proxy must not keep serving a stale table:
                 * set it offline (Codis 2 used mark_offline, which made
                 * it exit); it reloads and goes online again itself. */
                char why[512];
                char event[128];
                snprintf(event, sizeof(event), "missed action %.64s", seq);
                if (model_store_write_proxy(st, receivers[i].id,
                                            MODEL_PROXY_OFFLINE, event, why,
                                            sizeof(why)) != COORD_OK) {
                    log_warn("action %s: %s", seq, why);
                }
                log_warn("action %s: proxy '%s' did not answer in %d ms, "
                         "set offline", seq, receivers[i].id,
                         st->action_timeout_ms);
            }
            rc = fenced != NULL ? COORD_OK : MODEL_STORE_TIMEOUT;
            break;
        }
        model_store_sleep_ms(st->poll_ms);
    }
    mem_free(acked);
    return rc;
}

/* Post an action (see store_post_action); with 'fenced' (not
 * NULL, implies 'confirm') as store_post_action_fenced. */
static int store_post(struct model_store *st,
                      enum model_action_type type, const cJSON *target,
                      bool confirm, char *seq, size_t seqlen,
                      char *fenced, size_t fencedlen, char *err,
                      size_t errlen)
{
    struct model_proxy *proxies;
    size_t np;
    int rc = store_load_proxies(st, &proxies, &np, err, errlen);
    if (rc != COORD_OK) {
        return rc;
    }
    size_t nr = 0;
    for (size_t i = 0; i < np; i++) {
        if (proxies[i].state == MODEL_PROXY_ONLINE) {
            proxies[nr++] = proxies[i];
        }
    }
    if (fenced != NULL) {
        fenced[0] = '\0';
        char **stray;
        size_t ns;
        rc = store_stray_fences(st, &stray, &ns, err, errlen);
        if (rc != COORD_OK) {
            mem_free(proxies);
            return rc;
        }
        size_t off = 0;
        for (size_t i = 0; i < ns && off < fencedlen; i++) {
            off += (size_t)snprintf(fenced + off, fencedlen - off, "%s%s",
                                    off > 0 ? " " : "", stray[i]);
        }
        coord_free_names(stray, ns);
    } else if (confirm) {
        rc = store_check_fence(st, err, errlen);
        if (rc != COORD_OK) {
            mem_free(proxies);
            return rc;
        }
    }
    struct model_action action;
    memset(&action, 0, sizeof(action));
    action.type = type;
    action.target = (cJSON *)target; /* only read by to_json */
    snprintf(action.ts, sizeof(action.ts), "%lld", (long long)time(NULL));
    action.receivers = proxies;
    action.nreceivers = nr;
    cJSON *json = model_action_to_json(&action);
    char *text = json_print_compact(json);
    cJSON_Delete(json);

    /* The response node first, so no proxy can answer before it exists;
     * its sequence number names the action too. */
    char base[MODEL_PATH_MAX];
    char created[MODEL_PATH_MAX];
    char path[MODEL_PATH_MAX];
    const char *name = NULL;
    if (model_path_responses(base, sizeof(base), st->product) != 0 ||
        strlen(base) + 2 > sizeof(base)) {
        rc = model_store_too_long(err, errlen);
        goto out;
    }
    strcat(base, "/");
    rc = coord_create(st->coord, base, text, strlen(text),
                      COORD_PERSISTENT | COORD_SEQUENTIAL, created,
                      sizeof(created));
    if (rc != COORD_OK) {
        rc = model_store_fail(st, rc, "create action response", err, errlen);
        goto out;
    }
    name = strrchr(created, '/');
    name = name != NULL ? name + 1 : created;
    if (model_path_action(path, sizeof(path), st->product, name) != 0) {
        rc = model_store_too_long(err, errlen);
        goto out;
    }
    rc = coord_create(st->coord, path, text, strlen(text), COORD_PERSISTENT,
                      NULL, 0);
    if (rc != COORD_OK) {
        rc = model_store_fail(st, rc, "create action", err, errlen);
        goto out;
    }
    if (seq != NULL) {
        snprintf(seq, seqlen, "%s", name);
    }
    log_info("action %s: %s posted to %zu proxies", name,
             model_action_type_name(type), nr);
    if ((confirm || fenced != NULL) && nr > 0) {
        rc = store_wait_acks(st, name, proxies, nr, fenced, fencedlen,
                             err, errlen);
    }
out:
    mem_free(text);
    mem_free(proxies);
    return rc;
}

int store_post_action(struct model_store *st,
                      enum model_action_type type, const cJSON *target,
                      bool confirm, char *seq, size_t seqlen,
                      char *err, size_t errlen)
{
    return store_post(st, type, target, confirm, seq, seqlen, NULL, 0,
                      err, errlen);
}

int store_post_action_fenced(struct model_store *st,
                             enum model_action_type type,
                             const cJSON *target, char *fenced,
                             size_t fencedlen, char *err,
                             size_t errlen)
{
    return store_post(st, type, target, true, NULL, 0, fenced,
                      fencedlen, err, errlen);
}

/* Delete action 'seq' and its responses. */
static int store_remove_action(struct model_store *st, const char *seq,
                               char *err, size_t errlen)
{
    char path[MODEL_PATH_MAX];
    char resp[MODEL_PATH_MAX];
    if (model_path_action(path, sizeof(path), st->product, seq) != 0 ||
        model_path_response(resp, sizeof(resp), st->product, seq) != 0) {
        return model_store_too_long(err, errlen);
    }
    int rc = coord_remove_all(st->coord, resp);
    if (rc == COORD_OK) {
        rc = coord_remove_all(st->coord, path);
    }
    if (rc != COORD_OK) {
        return model_store_fail(st, rc, "remove action", err, errlen);
    }
    return COORD_OK;
}

int store_gc_keep(struct model_store *st, long long keep, char *err,
                  size_t errlen)
{
    char **seqs;
    size_t n;
    int rc = model_store_list_actions(st, &seqs, &n, err, errlen);
    if (rc != COORD_OK) {
        return rc;
    }
    size_t drop = (long long)n > keep ? n - (size_t)keep : 0;
    for (size_t i = 0; i < drop && rc == COORD_OK; i++) {
        rc = store_remove_action(st, seqs[i], err, errlen);
    }
    coord_free_names(seqs, n);
    return rc;
}

int store_gc_age(struct model_store *st, long long secs, char *err,
                 size_t errlen)
{
    char **seqs;
    size_t n;
    int rc = model_store_list_actions(st, &seqs, &n, err, errlen);
    if (rc != COORD_OK) {
        return rc;
    }
    long long now = (long long)time(NULL);
    for (size_t i = 0; i < n && rc == COORD_OK; i++) {
        struct model_action a;
        char why[256];
        if (model_store_load_action(st, seqs[i], &a, why, sizeof(why)) != 0) {
            continue; /* unreadable: leave it for a keep-based gc */
        }
        long long ts = strtoll(a.ts, NULL, 10);
        model_action_release(&a);
        if (now - ts > secs) {
            rc = store_remove_action(st, seqs[i], err, errlen);
        }
    }
    coord_free_names(seqs, n);
    return rc;
}

int store_add_migrate_task(struct model_store *st,
                           const struct model_migrate_task *task,
                           char *seq, size_t seqlen, char *err,
                           size_t errlen)
{
    char base[MODEL_PATH_MAX];
    if (model_path_migrate_tasks(base, sizeof(base), st->product) != 0 ||
        strlen(base) + 2 > sizeof(base)) {
        return model_store_too_long(err, errlen);
    }
    strcat(base, "/");
    cJSON *json = model_migrate_task_to_json(task);
    char *text = json_print_compact(json);
    cJSON_Delete(json);
    char created[MODEL_PATH_MAX];
    int rc = coord_create(st->coord, base, text, strlen(text),
                          COORD_PERSISTENT | COORD_SEQUENTIAL, created,
                          sizeof(created));
    mem_free(text);
    if (rc != COORD_OK) {
        return model_store_fail(st, rc, "queue migrate task", err, errlen);
    }
    if (seq != NULL) {
        const char *name = strrchr(created, '/');
        snprintf(seq, seqlen, "%s", name != NULL ? name + 1 : created);
    }
    return COORD_OK;
}

int store_list_migrate_tasks(struct model_store *st, char ***seqs,
                             size_t *count, char *err, size_t errlen)
{
    char path[MODEL_PATH_MAX];
    if (model_path_migrate_tasks(path, sizeof(path), st->product) != 0) {
        return model_store_too_long(err, errlen);
    }
    int rc = model_store_children(st, path, "list migrate tasks", seqs,
                                  count, err, errlen);
    if (rc != COORD_OK) {
        return rc;
    }
    return COORD_OK;
}

int store_load_migrate_task(struct model_store *st, const char *seq,
                            struct model_migrate_task *task, char *err,
                            size_t errlen)
{
    char path[MODEL_PATH_MAX];
    return model_store_load(
        st, model_path_migrate_task(path, sizeof(path), st->product, seq) != 0,
        path, NULL, "does not exist", MODEL_STORE_MIGRATE_TASK, task, err,
        errlen, "migrate task %s", seq);
}

int store_save_migrate_task(struct model_store *st, const char *seq,
                            const struct model_migrate_task *task,
                            char *err, size_t errlen)
{
    char path[MODEL_PATH_MAX];
    if (model_path_migrate_task(path, sizeof(path), st->product, seq) != 0) {
        return model_store_too_long(err, errlen);
    }
    cJSON *json = model_migrate_task_to_json(task);
    char *text = json_print_compact(json);
    cJSON_Delete(json);
    int rc = coord_set(st->coord, path, text, strlen(text), -1);
    mem_free(text);
    if (rc == COORD_NONODE) {
        snprintf(err, errlen, "migrate task %s does not exist", seq);
        return rc;
    }
    if (rc != COORD_OK) {
        return model_store_fail(st, rc, "write migrate task", err, errlen);
    }
    return COORD_OK;
}

int store_remove_migrate_task(struct model_store *st, const char *seq,
                              char *err, size_t errlen)
{
    char path[MODEL_PATH_MAX];
    if (model_path_migrate_task(path, sizeof(path), st->product, seq) != 0) {
        return model_store_too_long(err, errlen);
    }
    int rc = coord_remove(st->coord, path, -1);
    if (rc != COORD_OK && rc != COORD_NONODE) {
        return model_store_fail(st, rc, "remove migrate task", err, errlen);
    }
    return COORD_OK;
}

/* The path of the intents' directory, or of group 'gid''s intent when
 * 'gid' > 0. */
static int store_promotion_path(struct model_store *st, int gid,
                                char *out, size_t outlen)
{
    char root[MODEL_PATH_MAX];
    if (model_path_root(root, sizeof(root), st->product) != 0) {
        return -1;
    }
    int n = gid > 0 ? snprintf(out, outlen, "%s/promotions/%d", root, gid)
                    : snprintf(out, outlen, "%s/promotions", root);
    return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int store_save_promotion(struct model_store *st, int gid,
                         const cJSON *intent, char *err, size_t errlen)
{
    char path[MODEL_PATH_MAX];
    if (store_promotion_path(st, 0, path, sizeof(path)) != 0) {
        return model_store_too_long(err, errlen);
    }
    int rc = coord_create_all(st->coord, path);
    if (rc != COORD_OK) {
        return model_store_fail(st, rc, "create directories", err, errlen);
    }
    if (store_promotion_path(st, gid, path, sizeof(path)) != 0) {
        return model_store_too_long(err, errlen);
    }
    return model_store_put_json(st, path, intent, err, errlen);
}

int store_load_promotion(struct model_store *st, int gid,
                         cJSON **intent, char *err, size_t errlen)
{
    char path[MODEL_PATH_MAX];
    if (store_promotion_path(st, gid, path, sizeof(path)) != 0) {
        return model_store_too_long(err, errlen);
    }
    return model_store_get_json(st, path, intent, NULL, err, errlen);
}

int store_list_promotions(struct model_store *st, int **gids,
                          size_t *count, char *err, size_t errlen)
{
    *gids = NULL;
    *count = 0;
    char path[MODEL_PATH_MAX];
    if (store_promotion_path(st, 0, path, sizeof(path)) != 0) {
        return model_store_too_long(err, errlen);
    }
    char **names;
    size_t n;
    int rc = model_store_children(st, path, "list promotions", &names, &n, err,
                                  errlen);
    if (rc != COORD_OK) {
        return rc;
    }
    *gids = mem_calloc(n ? n : 1, sizeof(**gids));
    for (size_t i = 0; i < n; i++) {
        char *end;
        long gid = strtol(names[i], &end, 10);
        if (*end == '\0' && gid > 0 && gid <= INT_MAX) {
            (*gids)[(*count)++] = (int)gid;
        }
    }
    coord_free_names(names, n);
    return COORD_OK;
}

int store_remove_promotion(struct model_store *st, int gid, char *err,
                           size_t errlen)
{
    char path[MODEL_PATH_MAX];
    if (store_promotion_path(st, gid, path, sizeof(path)) != 0) {
        return model_store_too_long(err, errlen);
    }
    int rc = coord_remove(st->coord, path, -1);
    if (rc != COORD_OK && rc != COORD_NONODE) {
        return model_store_fail(st, rc, "remove promotion", err, errlen);
    }
    return COORD_OK;
}

int store_register_dashboard(struct model_store *st, const char *addr,
                             char *err, size_t errlen)
{
    char path[MODEL_PATH_MAX];
    if (model_path_dashboard(path, sizeof(path), st->product) != 0) {
        return model_store_too_long(err, errlen);
    }
    struct model_dashboard me;
    memset(&me, 0, sizeof(me));
    snprintf(me.addr, sizeof(me.addr), "%s", addr);
    me.pid = (int)getpid();
    cJSON *json = model_dashboard_to_json(&me);
    char *text = json_print_compact(json);
    cJSON_Delete(json);
    int rc = COORD_ERROR;
    /* Twice at most: once more after removing a stale registration. */
    for (int attempt = 0; attempt < 2; attempt++) {
        rc = coord_create(st->coord, path, text, strlen(text),
                          COORD_EPHEMERAL, NULL, 0);
        if (rc != COORD_EXISTS) {
            break;
        }
        char *old = NULL;
        size_t len = 0;
        int version = -1;
        int grc = coord_get(st->coord, path, &old, &len, &version);
        if (grc == COORD_NONODE) {
            continue; /* its owner just went away */
        }
        if (grc != COORD_OK) {
            rc = grc;
            break;
        }
        struct model_dashboard other;
        char why[128];
        cJSON *oj = json_parse(old, len, why, sizeof(why));
        bool parsed = oj != NULL &&
                      model_dashboard_from_json(oj, &other, why,
                                                sizeof(why)) == 0;
        cJSON_Delete(oj);
        struct rclient *probe = parsed ? rclient_connect(other.addr, NULL,
                                                         1000, why,
                                                         sizeof(why))
                                       : NULL;
        if (probe != NULL) {
            rclient_close(probe);
            snprintf(err, errlen, "dashboard already exists: %s", old);
            mem_free(old);
            mem_free(text);
            return COORD_EXISTS;
        }
        log_warn("removing stale dashboard registration %s (%s)", old,
                 parsed ? why : "unreadable");
        mem_free(old);
        grc = coord_remove(st->coord, path, version);
        if (grc != COORD_OK && grc != COORD_NONODE &&
            grc != COORD_BADVERSION) {
            rc = grc;
            break;
        }
    }
    mem_free(text);
    if (rc != COORD_OK) {
        if (rc == COORD_EXISTS) {
            snprintf(err, errlen, "dashboard already exists");
            return rc;
        }
        return model_store_fail(st, rc, "register dashboard", err, errlen);
    }
    return COORD_OK;
}

int store_unregister_dashboard(struct model_store *st)
{
    char path[MODEL_PATH_MAX];
    if (model_path_dashboard(path, sizeof(path), st->product) != 0) {
        return COORD_ERROR;
    }
    char *data = NULL;
    size_t len = 0;
    int version = -1;
    int rc = coord_get(st->coord, path, &data, &len, &version);
    if (rc != COORD_OK) {
        return rc == COORD_NONODE ? COORD_OK : rc;
    }
    char why[128];
    cJSON *json = json_parse(data, len, why, sizeof(why));
    mem_free(data);
    struct model_dashboard d;
    bool mine = json != NULL &&
                model_dashboard_from_json(json, &d, why, sizeof(why)) == 0 &&
                d.pid == (int)getpid();
    cJSON_Delete(json);
    if (!mine) {
        return COORD_OK;
    }
    rc = coord_remove(st->coord, path, version);
    return rc == COORD_NONODE ? COORD_OK : rc;
}

/* Write to 'out' the data of the oldest node under the lock 'dir' (the
 * holder's {"hostname","pid","desc"}), or "unknown" if it cannot be read
 * (e.g. it was just released). */
static void store_lock_holder(struct model_store *st, const char *dir,
                              char *out, size_t outlen)
{
    snprintf(out, outlen, "unknown");
    char **names = NULL;
    size_t n = 0;
    if (coord_children(st->coord, dir, &names, &n) != COORD_OK) {
        return;
    }
    char path[MODEL_PATH_MAX];
    int w = n > 0 ? snprintf(path, sizeof(path), "%s/%s", dir, names[0]) : -1;
    coord_free_names(names, n);
    char *data = NULL;
    size_t len = 0;
    if (w > 0 && (size_t)w < sizeof(path) &&
        coord_get(st->coord, path, &data, &len, NULL) == COORD_OK) {
        snprintf(out, outlen, "%s", data);
        mem_free(data);
    }
}

int store_lock(struct model_store *st, const char *desc, char *held,
               size_t heldlen, char *err, size_t errlen)
{
    char path[MODEL_PATH_MAX];
    if (model_path_lock(path, sizeof(path), st->product) != 0) {
        return model_store_too_long(err, errlen);
    }
    char host[256] = "";
    if (gethostname(host, sizeof(host) - 1) != 0) {
        snprintf(host, sizeof(host), "unknown");
    }
    cJSON *json = cJSON_CreateObject();
    cJSON_AddStringToObject(json, "hostname", host);
    cJSON_AddNumberToObject(json, "pid", (double)getpid());
    cJSON_AddStringToObject(json, "desc", desc);
    char *text = json_print_compact(json);
    cJSON_Delete(json);
    int rc = coord_lock(st->coord, path, text, held, heldlen);
    mem_free(text);
    if (rc == COORD_LOCKED) {
        /* A holder that died keeps the lock until its coordinator session
         * ends: on ZooKeeper up to zk_session_timeout after the crash. */
        char holder[256];
        store_lock_holder(st, path, holder, sizeof(holder));
        snprintf(err, errlen, "zkutil: obtaining lock timed out: another "
                              "operation holds the lock of '%s' (holder %s; "
                              "a dead holder's lock is freed when its "
                              "coordinator session expires, or by "
                              "'codis-config action remove-lock')",
                 st->product, holder);
        return rc;
    }
    if (rc != COORD_OK) {
        return model_store_fail(st, rc, "take the lock", err, errlen);
    }
    return COORD_OK;
}

void store_unlock(struct model_store *st, const char *held)
{
    int rc = coord_unlock(st->coord, held);
    if (rc != COORD_OK && rc != COORD_NONODE) {
        log_error("cannot release lock '%s': %s", held, coord_strerror(rc));
    }
}

int store_remove_locks(struct model_store *st, char *err,
                       size_t errlen)
{
    char path[MODEL_PATH_MAX];
    if (model_path_lock(path, sizeof(path), st->product) != 0) {
        return model_store_too_long(err, errlen);
    }
    char **names = NULL;
    size_t n = 0;
    int rc = model_store_children(st, path, "list locks", &names, &n, err,
                                  errlen);
    if (rc != COORD_OK) {
        return rc;
    }
    for (size_t i = 0; i < n && rc == COORD_OK; i++) {
        char lock[MODEL_PATH_MAX];
        int w = snprintf(lock, sizeof(lock), "%s/%s", path, names[i]);
        if (w < 0 || (size_t)w >= sizeof(lock)) {
            rc = model_store_too_long(err, errlen);
            break;
        }
        int r = coord_remove(st->coord, lock, -1);
        if (r != COORD_OK && r != COORD_NONODE) {
            rc = model_store_fail(st, r, "remove lock", err, errlen);
        }
    }
    coord_free_names(names, n);
    return rc;
}
