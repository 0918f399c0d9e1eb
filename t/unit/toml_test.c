/* Unit tests for lib/toml (the Codis 3.2 TOML subset) and the duration
 * and size parsers of lib/conf_toml. */
#include "t/unit/tap.h"

#include "lib/conf_toml.h"
#include "lib/toml.h"

/* Parse 'text'; NULL with the error in 'err' on failure. */
static struct toml *parse(const char *text, char *err)
{
    err[0] = '\0';
    return toml_parse(text, "t.toml", err, 256);
}

/* The error parsing 'text' gives ("" if it parses). */
static const char *parse_error(const char *text)
{
    static char err[256];
    struct toml *doc = parse(text, err);
    toml_free(doc);
    return err;
}

static long long duration(const char *s)
{
    long long ms;
    return conf_toml_duration_ms(s, &ms) == 0 ? ms : -1;
}

static long long size(const char *s)
{
    long long b;
    return conf_toml_size(s, &b) == 0 ? b : -1;
}

int main(void)
{
    char err[256];
    struct toml *doc = parse(
        "# Codis 3.2\n"
        "\n"
        "product_name = \"codis-demo\"   # trailing comment\n"
        "  session_auth=\"a\\\"b\\\\c\\u00e9\\tz\"\n"
        "coordinator_addr = '/tmp/c\\odis'\n"
        "backend_max_pipeline = 20_480\r\n"
        "neg = -3\n"
        "backend_primary_only = false\n"
        "\"quoted key\" = true\n",
        err);
    tap_ok(doc != NULL, "a Codis 3.2 style file parses");
    tap_str(err, "", "no error");
    if (doc != NULL) {
        tap_int(doc->count, 7, "seven items");
        tap_str(doc->items[0].key, "product_name", "bare key");
        tap_str(doc->items[0].text, "codis-demo", "basic string");
        tap_int(doc->items[0].line, 3, "line number counts comments");
        tap_str(doc->items[1].text, "a\"b\\c\xc3\xa9\tz", "escapes, \\u");
        tap_str(doc->items[2].text, "/tmp/c\\odis", "literal string");
        tap_int(doc->items[3].type, TOML_INTEGER, "integer type");
        tap_str(doc->items[3].text, "20480", "underscores dropped, CRLF");
        tap_str(doc->items[4].text, "-3", "negative integer");
        tap_int(doc->items[5].type, TOML_BOOLEAN, "boolean type");
        tap_str(doc->items[5].text, "false", "false");
        tap_str(doc->items[6].key, "quoted key", "quoted key");
    }
    toml_free(doc);

    tap_str(parse_error("a = 1\na = 2\n"),
            "'t.toml' line 2: 'a' is set twice (also line 1)", "duplicate");
    tap_str(parse_error("x = codis\n"),
            "'t.toml' line 1: expected a string, an integer or true/false",
            "bare word");
    tap_str(parse_error("x = \"open\n"), "'t.toml' line 1: unterminated string",
            "unterminated");
    tap_str(parse_error("x = 1.5\n"),
            "'t.toml' line 1: expected a string, an integer or true/false",
            "float refused");
    tap_str(parse_error("x = 012\n"),
            "'t.toml' line 1: expected a string, an integer or true/false",
            "leading zero refused");
    tap_str(parse_error("\n[proxy]\n"),
            "'t.toml' line 2: tables ('[...]') are not supported: Codis 3.2 "
            "files have none", "table refused");
    tap_str(parse_error("x = [1, 2]\n"),
            "'t.toml' line 1: arrays and inline tables are not supported",
            "array refused");
    tap_str(parse_error("x = \"a\" b\n"),
            "'t.toml' line 1: unexpected text after the value", "junk");
    tap_str(parse_error("x 1\n"), "'t.toml' line 1: expected '=' after the key",
            "no equals");
    tap_str(parse_error("a.b = 1\n"),
            "'t.toml' line 1: dotted keys are not supported", "dotted key");
    tap_str(parse_error("x = \"\\q\"\n"), "'t.toml' line 1: bad escape in a string",
            "bad escape");
    tap_str(parse_error("x = \"\"\"\nz\"\"\"\n"),
            "'t.toml' line 1: multi-line strings are not supported",
            "multi-line refused");
    tap_str(parse_error("x = 99999999999999999999\n"),
            "'t.toml' line 1: integer out of range", "overflow");
    tap_str(parse_error(""), "", "empty file parses");

    tap_int(duration("5s"), 5000, "5s");
    tap_int(duration("30m"), 1800000, "30m");
    tap_int(duration("1h30m"), 5400000, "1h30m");
    tap_int(duration("500ms"), 500, "500ms");
    tap_int(duration("1.5s"), 1500, "1.5s");
    tap_int(duration("0"), 0, "0");
    tap_int(duration("0s"), 0, "0s");
    tap_int(duration("5"), -1, "no unit refused");
    tap_int(duration("soon"), -1, "word refused");
    tap_int(duration("-5s"), -1, "negative refused");
    tap_int(duration(""), -1, "empty refused");

    tap_int(size("128kb"), 131072, "128kb");
    tap_int(size("1024mb"), 1073741824LL, "1024mb");
    tap_int(size("64KB"), 65536, "64KB");
    tap_int(size("512"), 512, "plain bytes");
    tap_int(size("12b"), 12, "12b");
    tap_int(size("1gb"), 1073741824LL, "1gb");
    tap_int(size("12xb"), -1, "bad unit refused");
    tap_int(size("mb"), -1, "no number refused");
    return tap_done();
}
