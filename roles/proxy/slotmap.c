/* Slot tables: building, copying, and the --fillslots JSON format; see
 * slotmap.h. */
#include "roles/proxy/slotmap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lib/mem.h"

struct slotmap *slotmap_new(void)
{
    struct slotmap *map = mem_calloc(1, sizeof(*map));
    for (unsigned i = 0; i < SLOT_COUNT; i++) {
        map->slots[i].backend = SLOTMAP_NONE;
        map->slots[i].migrate_from = SLOTMAP_NONE;
    }
    return map;
}

struct slotmap *slotmap_copy(const struct slotmap *map)
{
    struct slotmap *c = mem_alloc(sizeof(*c));
    memcpy(c, map, sizeof(*c));
    c->addrs = mem_calloc(map->naddrs ? map->naddrs : 1, sizeof(char *));
    for (size_t i = 0; i < map->naddrs; i++) {
        c->addrs[i] = mem_strdup(map->addrs[i]);
    }
    return c;
}

void slotmap_free(struct slotmap *map)
{
    if (map == NULL) {
        return;
    }
    for (size_t i = 0; i < map->naddrs; i++) {
        mem_free(map->addrs[i]);
    }
    mem_free(map->addrs);
    mem_free(map);
}

int32_t slotmap_addr(struct slotmap *map, const char *addr)
{
    for (size_t i = 0; i < map->naddrs; i++) {
        if (strcmp(map->addrs[i], addr) == 0) {
            return (int32_t)i;
        }
    }
    map->addrs = mem_realloc(map->addrs, (map->naddrs + 1) * sizeof(char *));
    map->addrs[map->naddrs] = mem_strdup(addr);
    return (int32_t)map->naddrs++;
}

int slotmap_split_addr(const char *addr, char *host, size_t hostlen,
                       int *port)
{
    const char *colon = strrchr(addr, ':');
    if (colon == NULL || colon == addr) {
        return -1;
    }
    const char *h = addr;
    size_t hlen = (size_t)(colon - addr);
    if (h[0] == '[') {
        if (hlen < 3 || h[hlen - 1] != ']') {
            return -1;
        }
        h++;
        hlen -= 2;
    }
    if (hlen + 1 > hostlen) {
        return -1;
    }
    char *end;
    errno = 0;
    long p = strtol(colon + 1, &end, 10);
    if (errno != 0 || *end != '\0' || end == colon + 1 || p <= 0 ||
        p > 65535) {
        return -1;
    }
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    *port = (int)p;
    return 0;
}

int slotmap_set(struct slotmap *map, unsigned id, const char *backend,
                const char *migrate_from, bool locked, char *err,
                size_t errlen)
{
    char host[256];
    int port;
    const char *addrs[2] = { backend, migrate_from };
    for (int i = 0; i < 2; i++) {
        if (addrs[i] != NULL && addrs[i][0] != '\0' &&
            slotmap_split_addr(addrs[i], host, sizeof(host), &port) != 0) {
            snprintf(err, errlen, "slot %u: bad address '%s' "
                     "(expected host:port)", id, addrs[i]);
            return -1;
        }
    }
    struct slotmap_slot *s = &map->slots[id];
    s->backend = (backend != NULL && backend[0] != '\0')
                     ? slotmap_addr(map, backend) : SLOTMAP_NONE;
    s->migrate_from = (migrate_from != NULL && migrate_from[0] != '\0')
                          ? slotmap_addr(map, migrate_from) : SLOTMAP_NONE;
    if (s->migrate_from == s->backend) {
        s->migrate_from = SLOTMAP_NONE;
    }
    s->locked = locked;
    s->semi_async = false;
    return 0;
}

int slotmap_add_replica(struct slotmap *map, unsigned id, const char *addr,
                        char *err, size_t errlen)
{
    char host[256];
    int port;
    if (slotmap_split_addr(addr, host, sizeof(host), &port) != 0) {
        snprintf(err, errlen, "slot %u: bad replica address '%s' (expected "
                 "host:port)", id, addr);
        return -1;
    }
    struct slotmap_slot *s = &map->slots[id];
    int32_t idx = slotmap_addr(map, addr);
    if (s->nreplicas < SLOTMAP_MAX_REPLICAS && idx != s->backend) {
        s->replicas[s->nreplicas++] = idx;
    }
    return 0;
}

/* The string field 'name' of 'obj', or NULL when absent or not a
 * string. */
static const char *slotmap_json_str(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

struct slotmap *slotmap_parse(const char *text, char *err, size_t errlen)
{
    cJSON *root = cJSON_Parse(text);
    if (root == NULL) {
        snprintf(err, errlen, "not valid JSON");
        return NULL;
    }
    if (!cJSON_IsArray(root)) {
        snprintf(err, errlen, "expected a JSON array of slots");
        cJSON_Delete(root);
        return NULL;
    }
    struct slotmap *map = slotmap_new();
    const cJSON *item;
    int n = 0;
    cJSON_ArrayForEach(item, root) {
        n++;
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
        if (!cJSON_IsObject(item) || !cJSON_IsNumber(id) ||
            id->valuedouble < 0 || id->valuedouble >= SLOT_COUNT ||
            id->valuedouble != (double)(int)id->valuedouble) {
            snprintf(err, errlen, "record %d: \"id\" must be a slot number "
                     "0..%d", n, SLOT_COUNT - 1);
            goto fail;
        }
        const cJSON *locked = cJSON_GetObjectItemCaseSensitive(item,
                                                               "locked");
        if (slotmap_set(map, (unsigned)id->valueint,
                        slotmap_json_str(item, "backend_addr"),
                        slotmap_json_str(item, "migrate_from"),
                        cJSON_IsTrue(locked), err, errlen) != 0) {
            goto fail;
        }
        const cJSON *method = cJSON_GetObjectItemCaseSensitive(
            item, "forward_method");
        struct slotmap_slot *s = &map->slots[id->valueint];
        s->semi_async = s->migrate_from != SLOTMAP_NONE &&
                        cJSON_IsNumber(method) && method->valueint == 1;
        const cJSON *groups, *group, *addr;
        groups = cJSON_GetObjectItemCaseSensitive(item, "replica_groups");
        if (!cJSON_IsArray(groups)) {
            continue;
        }
        cJSON_ArrayForEach(group, groups) {
            if (!cJSON_IsArray(group)) {
                continue;
            }
            cJSON_ArrayForEach(addr, group) {
                if (cJSON_IsString(addr) &&
                    slotmap_add_replica(map, (unsigned)id->valueint,
                                        addr->valuestring, err,
                                        errlen) != 0) {
                    goto fail;
                }
            }
        }
    }
    cJSON_Delete(root);
    map->online = true;
    return map;
fail:
    cJSON_Delete(root);
    slotmap_free(map);
    return NULL;
}

struct slotmap *slotmap_load_file(const char *path, char *err,
                                  size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *text = mem_alloc(cap);
    size_t n;
    while ((n = fread(text + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len - 1 == 0) {
            cap *= 2;
            text = mem_realloc(text, cap);
        }
    }
    if (ferror(f)) {
        snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
        fclose(f);
        mem_free(text);
        return NULL;
    }
    fclose(f);
    text[len] = '\0';
    char why[200];
    struct slotmap *map = slotmap_parse(text, why, sizeof(why));
    mem_free(text);
    if (map == NULL) {
        snprintf(err, errlen, "'%s': %s", path, why);
    }
    return map;
}
