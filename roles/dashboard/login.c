/* Authentication of the dashboard's API (dashboard_auth in config.ini,
 * parsed by lib/auth): the guard http.c runs before every route not
 * marked HTTP_PUBLIC, and the page's login and logout.
 *
 * A request passes with HTTP Basic credentials (codis config, ha, curl)
 * or with the cookie of a session the page opened by POST /api/login
 * (HttpOnly, so scripts cannot read it; SameSite=Strict, so no other
 * site's page makes the browser send it). Sessions live in memory, at
 * most LOGIN_MAX_SESSIONS (the least recently used goes first), and end
 * after LOGIN_IDLE_S without a request, at logout, or when the dashboard
 * restarts. A refusal is a 401 JSON error and one warning in the log
 * with the client's address and the route, never what was sent.
 *
 * Not here: checking the credentials themselves (lib/auth.c). */
#include "roles/dashboard/login.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/auth.h"
#include "lib/log.h"
#include "lib/mem.h"

#define LOGIN_MAX_SESSIONS 64
#define LOGIN_IDLE_S (8 * 3600)
#define LOGIN_TOKEN_BYTES 32
#define LOGIN_COOKIE "codis_session"

/* One open session of the page. */
struct login_session {
    char token[2 * LOGIN_TOKEN_BYTES + 1]; /* "" for a free entry */
    time_t last_used;                      /* monotonic seconds */
};

/* The dashboard's credentials and the page's sessions. */
struct login {
    struct auth_spec spec;
    struct login_session sessions[LOGIN_MAX_SESSIONS];
};

static time_t login_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

struct login *login_new(const char *setting, char *err, size_t errlen)
{
    struct login *l = mem_calloc(1, sizeof(*l));
    if (auth_spec_parse(setting, &l->spec, err, errlen) != 0) {
        mem_free(l);
        return NULL;
    }
    return l;
}

void login_free(struct login *l)
{
    if (l != NULL) {
        memset(l, 0, sizeof(*l)); /* no secret left in freed memory */
        mem_free(l);
    }
}

bool login_enabled(const struct login *l)
{
    return l != NULL && l->spec.enabled;
}

/* The value of cookie LOGIN_COOKIE in the request into 'out' ("" if
 * absent). */
static void login_cookie(struct http_request *req, char *out, size_t outlen)
{
    out[0] = '\0';
    const char *c = http_header(req, "Cookie");
    size_t name = strlen(LOGIN_COOKIE);
    while (c != NULL && *c != '\0') {
        while (*c == ' ' || *c == ';') {
            c++;
        }
        size_t len = strcspn(c, ";");
        if (len > name && strncmp(c, LOGIN_COOKIE, name) == 0 &&
            c[name] == '=') {
            size_t vlen = len - name - 1;
            if (vlen < outlen) {
                memcpy(out, c + name + 1, vlen);
                out[vlen] = '\0';
            }
            return;
        }
        c += len;
    }
}

/* The live session of 'token', or NULL. Expired ones are freed. */
static struct login_session *login_find(struct login *l, const char *token)
{
    time_t now = login_now();
    struct login_session *found = NULL;
    for (size_t i = 0; i < LOGIN_MAX_SESSIONS; i++) {
        struct login_session *s = &l->sessions[i];
        if (s->token[0] == '\0') {
            continue;
        }
        if (now - s->last_used > LOGIN_IDLE_S) {
            memset(s, 0, sizeof(*s));
            continue;
        }
        /* compare every entry, so the time says nothing of a match */
        if (token[0] != '\0' && auth_equal(s->token, token)) {
            found = s;
        }
    }
    return found;
}

/* Log a refusal and reply 401. Clients that are not the page get the
 * WWW-Authenticate challenge (the page sets X-Requested-With and shows
 * its own form instead of the browser's dialog). */
static void login_refuse(struct http_request *req, const char *why)
{
    char peer[128];
    http_peer(req, peer, sizeof(peer));
    log_warn("auth: %s %s from %s refused: %s", req->method, req->path, peer,
             why);
    if (http_header(req, "X-Requested-With") == NULL) {
        http_add_header(req, "WWW-Authenticate",
                        "Basic realm=\"codis dashboard\", charset=\"UTF-8\"");
    }
    http_reply_error(req, 401, "authentication required: %s", why);
}

bool login_guard(struct http_request *req, void *arg)
{
    struct login *l = arg;
    if (!login_enabled(l)) {
        return true;
    }
    const char *authorization = http_header(req, "Authorization");
    if (authorization != NULL) {
        if (auth_check_basic(&l->spec, authorization)) {
            return true;
        }
        login_refuse(req, "wrong user name or password");
        return false;
    }
    char token[2 * LOGIN_TOKEN_BYTES + 2];
    login_cookie(req, token, sizeof(token));
    struct login_session *s = login_find(l, token);
    if (s != NULL) {
        s->last_used = login_now();
        return true;
    }
    login_refuse(req, token[0] != '\0' ? "session expired, log in again"
                                       : "no credentials");
    return false;
}

/* A free (or the least recently used) session entry. */
static struct login_session *login_slot(struct login *l)
{
    struct login_session *oldest = &l->sessions[0];
    for (size_t i = 0; i < LOGIN_MAX_SESSIONS; i++) {
        struct login_session *s = &l->sessions[i];
        if (s->token[0] == '\0') {
            return s;
        }
        if (s->last_used < oldest->last_used) {
            oldest = s;
        }
    }
    return oldest;
}

/* Reply {"msg": "OK", "ret": 0, "auth": <required>, "session": <open>}. */
static void login_reply_state(struct http_request *req, struct login *l,
                              bool session)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "msg", "OK");
    cJSON_AddNumberToObject(o, "ret", 0);
    cJSON_AddBoolToObject(o, "auth", login_enabled(l));
    cJSON_AddBoolToObject(o, "session", session);
    http_reply_json(req, 200, o);
    cJSON_Delete(o);
}

void login_state(struct http_request *req, void *arg)
{
    struct login *l = ((struct dashboard *)arg)->login;
    char token[2 * LOGIN_TOKEN_BYTES + 2];
    login_cookie(req, token, sizeof(token));
    login_reply_state(req, l, !login_enabled(l) || login_find(l, token));
}

void login_post(struct http_request *req, void *arg)
{
    struct login *l = ((struct dashboard *)arg)->login;
    if (!login_enabled(l)) {
        login_reply_state(req, l, true);
        return;
    }
    cJSON *body = dashboard_body_object(req);
    if (body == NULL) {
        return;
    }
    const cJSON *user = cJSON_GetObjectItemCaseSensitive(body, "user");
    const cJSON *password = cJSON_GetObjectItemCaseSensitive(body,
                                                             "password");
    bool ok = cJSON_IsString(user) && cJSON_IsString(password) &&
              auth_spec_check(&l->spec, user->valuestring,
                              password->valuestring);
    if (cJSON_IsString(password)) {
        memset(password->valuestring, 0, strlen(password->valuestring));
    }
    cJSON_Delete(body);
    if (!ok) {
        login_refuse(req, "wrong user name or password");
        return;
    }
    struct login_session *s = login_slot(l);
    if (auth_random_hex(s->token, sizeof(s->token), LOGIN_TOKEN_BYTES)) {
        memset(s, 0, sizeof(*s));
        http_reply_error(req, 500, "cannot draw a session token");
        return;
    }
    s->last_used = login_now();
    char cookie[256];
    snprintf(cookie, sizeof(cookie), "%s=%s; Path=/; HttpOnly; "
             "SameSite=Strict", LOGIN_COOKIE, s->token);
    http_add_header(req, "Set-Cookie", cookie);
    char peer[128];
    http_peer(req, peer, sizeof(peer));
    log_info("auth: page session opened from %s", peer);
    login_reply_state(req, l, true);
}

void login_logout(struct http_request *req, void *arg)
{
    struct login *l = ((struct dashboard *)arg)->login;
    char token[2 * LOGIN_TOKEN_BYTES + 2];
    login_cookie(req, token, sizeof(token));
    if (login_enabled(l)) {
        struct login_session *s = login_find(l, token);
        if (s != NULL) {
            memset(s, 0, sizeof(*s));
        }
    }
    http_add_header(req, "Set-Cookie", LOGIN_COOKIE "=; Path=/; HttpOnly; "
                    "SameSite=Strict; Max-Age=0");
    login_reply_state(req, l, false);
}
