/* Unit tests of lib/auth: the dashboard_auth forms, HTTP Basic checks,
 * hashes made by auth_hash, and what clients send. */
#include <stdlib.h>
#include <string.h>

#include "lib/auth.h"
#include "t/unit/tap.h"

static void test_parse(void)
{
    struct auth_spec s;
    char err[256];
    tap_ok(auth_spec_parse("", &s, err, sizeof(err)) == 0 && !s.enabled,
           "an empty setting turns authentication off");
    tap_ok(auth_spec_check(&s, "x", "y"), "off accepts anything");
    tap_ok(auth_spec_parse("admin:s3:cret", &s, err, sizeof(err)) == 0 &&
               s.enabled && !s.hashed && strcmp(s.user, "admin") == 0 &&
               strcmp(s.password, "s3:cret") == 0,
           "user:password splits at the first colon");
    tap_ok(auth_spec_check(&s, "admin", "s3:cret"), "the pair is accepted");
    tap_ok(!auth_spec_check(&s, "admin", "s3:cre"), "a wrong password is not");
    tap_ok(!auth_spec_check(&s, "root", "s3:cret"), "a wrong user is not");
    tap_ok(auth_spec_parse("nocolon", &s, err, sizeof(err)) == -1 &&
               strstr(err, "user:password") != NULL &&
               strstr(err, "nocolon") == NULL,
           "a value without a colon is refused, not quoted");
    tap_ok(auth_spec_parse("admin:sha256:zz:00", &s, err, sizeof(err)) == -1,
           "a malformed hash is refused");
}

static void test_hash(void)
{
    char stored[512], err[256];
    struct auth_spec s;
    tap_ok(auth_hash("ops", "pa ss", stored, sizeof(stored), err,
                     sizeof(err)) == 0 &&
               strncmp(stored, "ops:sha256:", 11) == 0 &&
               strstr(stored, "pa ss") == NULL,
           "auth_hash makes user:sha256:... without the password");
    tap_ok(auth_spec_parse(stored, &s, err, sizeof(err)) == 0 && s.hashed,
           "the stored form parses as a hash");
    tap_ok(auth_spec_check(&s, "ops", "pa ss"), "the hash accepts the pair");
    tap_ok(!auth_spec_check(&s, "ops", "pa  ss"), "and refuses another");
    tap_ok(!auth_spec_check(&s, "other", "pa ss"), "and another user");
    char again[512];
    tap_ok(auth_hash("ops", "pa ss", again, sizeof(again), err,
                     sizeof(err)) == 0 && strcmp(again, stored) != 0,
           "two hashes of one password differ by their salt");
    const char *bare = strchr(stored, ':') + 1;
    tap_ok(auth_spec_parse(bare, &s, err, sizeof(err)) == 0 && s.any_user &&
               auth_spec_check(&s, "anyone", "pa ss") &&
               !auth_spec_check(&s, "anyone", "nope"),
           "sha256:<salt>:<digest> alone accepts any user name");
    tap_ok(auth_hash("a:b", "x", again, sizeof(again), err,
                     sizeof(err)) == -1,
           "a user name with a colon is refused");
}

static void test_basic(void)
{
    struct auth_spec s;
    char err[256];
    auth_spec_parse("admin:secret", &s, err, sizeof(err));
    /* base64("admin:secret") and base64("admin:wrong") */
    tap_ok(auth_check_basic(&s, "Basic YWRtaW46c2VjcmV0"),
           "Basic with the right pair passes");
    tap_ok(auth_check_basic(&s, "basic YWRtaW46c2VjcmV0"),
           "the scheme is case-insensitive");
    tap_ok(!auth_check_basic(&s, "Basic YWRtaW46d3Jvbmc="),
           "a wrong password fails");
    tap_ok(!auth_check_basic(&s, NULL), "no header fails");
    tap_ok(!auth_check_basic(&s, "Bearer YWRtaW46c2VjcmV0"),
           "another scheme fails");
    tap_ok(!auth_check_basic(&s, "Basic !!!!"), "bad base64 fails");
    tap_ok(!auth_check_basic(&s, "Basic YWRtaW4="), "no colon fails");
    /* "a:b" with padding "YTpi", "ab:c" -> "YWI6Yw==" */
    auth_spec_parse("ab:c", &s, err, sizeof(err));
    tap_ok(auth_check_basic(&s, "Basic YWI6Yw=="), "padding is handled");
}

static void test_client(void)
{
    char out[512], err[256];
    unsetenv(AUTH_ENV);
    tap_ok(auth_client_credentials("", out, sizeof(out), err,
                                   sizeof(err)) == 0 && out[0] == '\0',
           "no setting: no credentials");
    tap_ok(auth_client_credentials("u:p", out, sizeof(out), err,
                                   sizeof(err)) == 0 &&
               strcmp(out, "u:p") == 0,
           "a clear setting is sent as it is");
    char stored[512];
    auth_hash("u", "p", stored, sizeof(stored), err, sizeof(err));
    tap_ok(auth_client_credentials(stored, out, sizeof(out), err,
                                   sizeof(err)) == -1 &&
               strstr(err, AUTH_ENV) != NULL,
           "a hash without the environment is an error naming it");
    setenv(AUTH_ENV, "u:p", 1);
    tap_ok(auth_client_credentials(stored, out, sizeof(out), err,
                                   sizeof(err)) == 0 &&
               strcmp(out, "u:p") == 0,
           "the environment gives the password");
    unsetenv(AUTH_ENV);
    char tok[65];
    tap_ok(auth_random_hex(tok, sizeof(tok), 32) == 0 && strlen(tok) == 64,
           "random tokens are hex");
    tap_ok(auth_equal("abc", "abc") && !auth_equal("abc", "abd") &&
               !auth_equal("abc", "abcd"),
           "auth_equal compares whole strings");
}

int main(void)
{
    test_parse();
    test_hash();
    test_basic();
    test_client();
    return tap_done();
}
