/* The dashboard's authentication: the guard of its API and the page's
 * login sessions; see login.c. */
#ifndef CODIS_DASHBOARD_LOGIN_H
#define CODIS_DASHBOARD_LOGIN_H

#include <stdbool.h>
#include <stddef.h>

#include "roles/dashboard/dashboard.h"

struct login;

/* The credentials of 'setting' (dashboard_auth; "" turns them off) and
 * no session. Returns an owned login (login_free), or NULL with 'err'
 * filled. */
struct login *login_new(const char *setting, char *err, size_t errlen);

/* Free 'l' (NULL is fine), wiping what it held. */
void login_free(struct login *l);

/* True if the API needs credentials. */
bool login_enabled(const struct login *l);

/* The http_guard_fn of the API ('arg' is the login): true for a request
 * with accepted Basic credentials or a live session cookie, else replies
 * 401 and logs the refusal. */
bool login_guard(struct http_request *req, void *arg);

/* Public routes ('arg' is the dashboard):
 *   GET  /api/login   {"auth": required?, "session": usable?}
 *   POST /api/login   {"user", "password"} -> opens a session (cookie)
 *   POST /api/logout  closes it */
void login_state(struct http_request *req, void *arg);
void login_post(struct http_request *req, void *arg);
void login_logout(struct http_request *req, void *arg);

#endif
