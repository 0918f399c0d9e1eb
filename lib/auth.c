/* dashboard_auth: parsing, checking, hashing; see auth.h. SHA-256,
 * base64 and the constant-time compare come from OpenSSL's libcrypto,
 * random bytes from getrandom(2). */
#include "lib/auth.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

/* Bytes of salt `auth_hash` draws. */
#define AUTH_SALT_BYTES 16

static int auth_copy(char *dst, size_t dstlen, const char *src, size_t n)
{
    if (n >= dstlen) {
        return -1;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
    return 0;
}

/* SHA-256 of 'salt' '\0' 'password' into 'digest'. */
static int auth_digest(const char *salt, const char *password,
                       unsigned char digest[AUTH_DIGEST_LEN])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned int len = 0;
    int ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
             EVP_DigestUpdate(ctx, salt, strlen(salt) + 1) &&
             EVP_DigestUpdate(ctx, password, strlen(password)) &&
             EVP_DigestFinal_ex(ctx, digest, &len) && len == AUTH_DIGEST_LEN;
    EVP_MD_CTX_free(ctx);
    return ok ? 0 : -1;
}

bool auth_equal(const char *a, const char *b)
{
    /* Digests first, so the time taken does not depend on the lengths */
    unsigned char da[AUTH_DIGEST_LEN], db[AUTH_DIGEST_LEN];
    if (auth_digest("", a, da) != 0 || auth_digest("", b, db) != 0) {
        return false;
    }
    return CRYPTO_memcmp(da, db, AUTH_DIGEST_LEN) == 0;
}

static bool auth_is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!isxdigit((unsigned char)s[i])) {
            return false;
        }
    }
    return n > 0;
}

static int auth_hex_value(char c)
{
    c = (char)tolower((unsigned char)c);
    return c >= 'a' ? c - 'a' + 10 : c - '0';
}

/* Parse "sha256:<salt>:<digest>" into 'spec'; -1 if 'text' is not one. */
static int auth_parse_hash(const char *text, struct auth_spec *spec)
{
    if (strncmp(text, "sha256:", 7) != 0) {
        return -1;
    }
    const char *salt = text + 7;
    const char *colon = strchr(salt, ':');
    if (colon == NULL) {
        return -1;
    }
    const char *hex = colon + 1;
    size_t saltlen = (size_t)(colon - salt);
    if (!auth_is_hex(salt, saltlen) || strlen(hex) != 2 * AUTH_DIGEST_LEN ||
        !auth_is_hex(hex, 2 * AUTH_DIGEST_LEN) ||
        auth_copy(spec->salt, sizeof(spec->salt), salt, saltlen) != 0) {
        return -1;
    }
    for (size_t i = 0; i < AUTH_DIGEST_LEN; i++) {
        spec->digest[i] = (unsigned char)(auth_hex_value(hex[2 * i]) * 16 +
                                          auth_hex_value(hex[2 * i + 1]));
    }
    spec->hashed = true;
    return 0;
}

int auth_spec_parse(const char *text, struct auth_spec *spec, char *err,
                    size_t errlen)
{
    memset(spec, 0, sizeof(*spec));
    if (text == NULL || text[0] == '\0') {
        return 0;
    }
    spec->enabled = true;
    if (auth_parse_hash(text, spec) == 0) {
        spec->any_user = true;
        return 0;
    }
    const char *colon = strchr(text, ':');
    if (colon == NULL || colon == text || colon[1] == '\0') {
        snprintf(err, errlen, "config: 'dashboard_auth' must be "
                 "user:password or user:sha256:<salt>:<digest>");
        return -1;
    }
    if (auth_copy(spec->user, sizeof(spec->user), text,
                  (size_t)(colon - text)) != 0) {
        snprintf(err, errlen, "config: 'dashboard_auth' is too long");
        return -1;
    }
    if (strncmp(colon + 1, "sha256:", 7) == 0) {
        if (auth_parse_hash(colon + 1, spec) != 0) {
            snprintf(err, errlen, "config: 'dashboard_auth' has a bad "
                     "sha256 hash: expected sha256:<hex salt>:<64 hex "
                     "digits> (see 'codis config passwd')");
            return -1;
        }
        return 0;
    }
    if (auth_copy(spec->password, sizeof(spec->password), colon + 1,
                  strlen(colon + 1)) != 0) {
        snprintf(err, errlen, "config: 'dashboard_auth' is too long");
        return -1;
    }
    return 0;
}

bool auth_spec_check(const struct auth_spec *spec, const char *user,
                     const char *password)
{
    if (!spec->enabled) {
        return true;
    }
    bool user_ok = spec->any_user || auth_equal(spec->user, user);
    bool password_ok;
    if (spec->hashed) {
        unsigned char d[AUTH_DIGEST_LEN];
        password_ok = auth_digest(spec->salt, password, d) == 0 &&
                      CRYPTO_memcmp(d, spec->digest, AUTH_DIGEST_LEN) == 0;
    } else {
        password_ok = auth_equal(spec->password, password);
    }
    return user_ok && password_ok;
}

bool auth_check_basic(const struct auth_spec *spec,
                      const char *authorization)
{
    if (!spec->enabled) {
        return true;
    }
    if (authorization == NULL || strncasecmp(authorization, "Basic ", 6)) {
        return false;
    }
    const char *b64 = authorization + 6;
    while (*b64 == ' ') {
        b64++;
    }
    size_t n = strlen(b64);
    if (n == 0 || n % 4 != 0 || n > 4 * AUTH_TEXT_MAX) {
        return false;
    }
    unsigned char raw[3 * AUTH_TEXT_MAX + 1];
    int len = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)n);
    if (len < 0) {
        return false;
    }
    /* EVP_DecodeBlock counts the padding as zero bytes: drop them */
    len -= (b64[n - 1] == '=') + (b64[n - 2] == '=');
    raw[len] = '\0';
    char *colon = strchr((char *)raw, ':');
    if (colon == NULL || memchr(raw, 0, (size_t)len) != NULL) {
        return false;
    }
    *colon = '\0';
    bool ok = auth_spec_check(spec, (char *)raw, colon + 1);
    OPENSSL_cleanse(raw, sizeof(raw));
    return ok;
}

int auth_random_hex(char *out, size_t outlen, size_t nbytes)
{
    unsigned char raw[64];
    if (nbytes > sizeof(raw) || outlen <= 2 * nbytes) {
        return -1;
    }
    size_t got = 0;
    while (got < nbytes) {
        ssize_t n = getrandom(raw + got, nbytes - got, 0);
        if (n < 0 && errno != EINTR) {
            return -1;
        }
        got += n > 0 ? (size_t)n : 0;
    }
    for (size_t i = 0; i < nbytes; i++) {
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
    }
    out[2 * nbytes] = '\0';
    return 0;
}

int auth_hash(const char *user, const char *password, char *out,
              size_t outlen, char *err, size_t errlen)
{
    if (user[0] == '\0' || strchr(user, ':') != NULL) {
        snprintf(err, errlen, "a user name must be non-empty, without ':'");
        return -1;
    }
    char salt[2 * AUTH_SALT_BYTES + 1];
    unsigned char d[AUTH_DIGEST_LEN];
    if (auth_random_hex(salt, sizeof(salt), AUTH_SALT_BYTES) != 0 ||
        auth_digest(salt, password, d) != 0) {
        snprintf(err, errlen, "cannot hash: %s", strerror(errno));
        return -1;
    }
    char hex[2 * AUTH_DIGEST_LEN + 1];
    for (size_t i = 0; i < AUTH_DIGEST_LEN; i++) {
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    }
    int n = snprintf(out, outlen, "%s:sha256:%s:%s", user, salt, hex);
    if (n < 0 || (size_t)n >= outlen) {
        snprintf(err, errlen, "the user name is too long");
        return -1;
    }
    return 0;
}

int auth_client_credentials(const char *setting, char *out, size_t outlen,
                            char *err, size_t errlen)
{
    const char *env = getenv(AUTH_ENV);
    const char *use = env != NULL && env[0] != '\0' ? env : setting;
    struct auth_spec spec;
    if (use == NULL || use[0] == '\0') {
        out[0] = '\0';
        return 0;
    }
    if (auth_spec_parse(use, &spec, err, errlen) != 0) {
        if (use == env) {
            snprintf(err, errlen, "$%s must be user:password", AUTH_ENV);
        }
        return -1;
    }
    if (spec.hashed) {
        snprintf(err, errlen, "dashboard_auth holds a hash: give the "
                 "password as %s=user:password", AUTH_ENV);
        return -1;
    }
    if (auth_copy(out, outlen, use, strlen(use)) != 0) {
        snprintf(err, errlen, "dashboard credentials are too long");
        return -1;
    }
    return 0;
}
