/* Credentials of the admin HTTP APIs (the dashboard's, the proxy's log
 * level): the `dashboard_auth` setting of config.ini, checking what a
 * client sends (HTTP Basic, or a user and password from a login form),
 * and what clients send (the Authorization header value).
 *
 * The setting is either
 *
 *     user:password                   the password in clear
 *     user:sha256:<salt>:<digest>     a stored hash (codis config passwd)
 *     sha256:<salt>:<digest>          the same, any user name accepted
 *
 * where <salt> is hex and <digest> is the 64 hex digits of
 * SHA-256(<salt> '\0' <password>). Comparisons take the same time
 * whatever matched, so timing tells nothing about the secret.
 *
 * Clients (codis config, ha, demo) send the setting itself when it is in
 * clear; when config.ini holds a hash they need the password from the
 * environment, CODIS_DASHBOARD_AUTH=user:password.
 *
 * Not here: sessions and cookies of the page (roles/dashboard/login.c);
 * the Redis AUTH of proxies and servers. */
#ifndef CODIS_AUTH_H
#define CODIS_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#define AUTH_TEXT_MAX 256   /* longest user name, password or setting */
#define AUTH_DIGEST_LEN 32  /* bytes of a SHA-256 digest */
#define AUTH_ENV "CODIS_DASHBOARD_AUTH"

/* A parsed `dashboard_auth` setting. */
struct auth_spec {
    bool enabled;                /* false: the setting is empty */
    bool any_user;               /* hash form without a user name */
    bool hashed;                 /* 'digest' is set, not 'password' */
    char user[AUTH_TEXT_MAX];
    char password[AUTH_TEXT_MAX]; /* clear form only */
    char salt[AUTH_TEXT_MAX];    /* hash form only: hex */
    unsigned char digest[AUTH_DIGEST_LEN];
};

/* Parse 'text' (NULL or "" turns authentication off) into 'spec'.
 * Returns 0, or -1 with 'err' saying what is wrong (never quoting the
 * secret). */
int auth_spec_parse(const char *text, struct auth_spec *spec, char *err,
                    size_t errlen);

/* True if 'user' and 'password' are the ones of 'spec' (always true when
 * 'spec' is not enabled). */
bool auth_spec_check(const struct auth_spec *spec, const char *user,
                     const char *password);

/* True if 'authorization' (an Authorization header value, NULL if there
 * was none) carries HTTP Basic credentials that 'spec' accepts. */
bool auth_check_basic(const struct auth_spec *spec,
                      const char *authorization);

/* Write the stored form "user:sha256:<salt>:<digest>" of 'user' and
 * 'password' with a fresh random salt to 'out'. Returns 0, or -1 with
 * 'err' filled. */
int auth_hash(const char *user, const char *password, char *out,
              size_t outlen, char *err, size_t errlen);

/* The "user:password" a client sends for 'setting' (the dashboard_auth
 * of its config.ini): $CODIS_DASHBOARD_AUTH if set, else the setting in
 * clear. Writes "" when no authentication is configured. Returns 0, or -1
 * with 'err' filled when the setting is a hash and the environment gives
 * no password. */
int auth_client_credentials(const char *setting, char *out, size_t outlen,
                            char *err, size_t errlen);

/* Fill 'out' with 'nbytes' random bytes as 2 * 'nbytes' hex digits and a
 * NUL ('outlen' must be larger). Returns 0 or -1. */
int auth_random_hex(char *out, size_t outlen, size_t nbytes);

/* Constant-time comparison of two NUL-terminated strings. */
bool auth_equal(const char *a, const char *b);

#endif
