/* Unit tests for lib/resp: requests split at every byte, inline commands
 * (with quotes and escapes), malformed input, nested replies and the error
 * writer. */
#include "t/unit/tap.h"

#include <event2/buffer.h>

#include "lib/resp.h"

/* Feed 'text' to a fresh parser one byte more at a time; expect AGAIN until
 * the whole text is shown, then OK. Returns the final status. */
static enum resp_status parse_bytewise(struct resp_request *req,
                                       const char *text, size_t len)
{
    enum resp_status st = RESP_AGAIN;
    for (size_t n = 0; n <= len; n++) {
        st = resp_request_parse(req, text, n);
        if (st != RESP_AGAIN) {
            break;
        }
    }
    return st;
}

static int arg_is(const struct resp_request *req, const char *buf, int i,
                  const char *want)
{
    return i < req->argc && req->argv[i].len == strlen(want) &&
           memcmp(buf + req->argv[i].off, want, req->argv[i].len) == 0;
}

static void test_requests(void)
{
    struct resp_request req;
    resp_request_init(&req);

    const char *set = "*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$0\r\n\r\n*1\r\n";
    size_t first = strlen("*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$0\r\n\r\n");
    tap_int(parse_bytewise(&req, set, first), RESP_OK,
            "multi-bulk split at every byte parses");
    tap_int(req.argc, 3, "three arguments");
    tap_ok(arg_is(&req, set, 0, "SET") && arg_is(&req, set, 1, "foo") &&
               arg_is(&req, set, 2, ""),
           "arguments are views of the buffer");
    tap_int(req.pos, first, "consumed exactly one request");

    resp_request_clear(&req);
    const char *inl = "  get   foo \r\nrest";
    tap_int(resp_request_parse(&req, inl, strlen(inl)), RESP_OK,
            "inline command parses");
    tap_ok(req.is_inline && req.argc == 2 &&
               arg_is(&req, req.line, 0, "get") &&
               arg_is(&req, req.line, 1, "foo"),
           "inline arguments split on spaces");
    tap_int(req.pos, strlen("  get   foo \r\n"), "inline consumed its line");

    resp_request_clear(&req);
    tap_int(resp_request_parse(&req, "\r\n", 2), RESP_OK, "empty line is ok");
    tap_int(req.argc, 0, "empty line has no arguments");

    resp_request_clear(&req);
    tap_int(resp_request_parse(&req, "*x\r\n", 4), RESP_ERROR,
            "bad multibulk length is an error");
    tap_str(req.err, "Protocol error: invalid multibulk length",
            "with Redis's text");

    resp_request_clear(&req);
    tap_int(resp_request_parse(&req, "*1\r\n+hi\r\n", 9), RESP_ERROR,
            "non-bulk element is an error");
    tap_str(req.err, "Protocol error: expected '$', got '+'",
            "naming the byte");

    resp_request_clear(&req);
    tap_int(resp_request_parse(&req, "*1\r\n$-5\r\n", 9), RESP_ERROR,
            "negative bulk length is an error");

    resp_request_clear(&req);
    tap_int(resp_request_parse(&req, "*1\r\n$999999999999\r\n", 19),
            RESP_ERROR, "huge bulk length is an error");

    resp_request_clear(&req);
    tap_int(resp_request_parse(&req, "*1\r\n$2\r\nabXY", 12), RESP_ERROR,
            "missing CRLF after bulk is an error");

    resp_request_clear(&req);
    static char big[RESP_MAX_INLINE + 10];
    memset(big, 'a', sizeof(big));
    tap_int(resp_request_parse(&req, big, sizeof(big)), RESP_ERROR,
            "endless inline line is an error");
    resp_request_release(&req);
}

/* True if inline argument 'i' of 'req' is the 'len' bytes at 'want'. */
static int inline_is(const struct resp_request *req, int i, const char *want,
                     size_t len)
{
    return i < req->argc && req->argv[i].len == len &&
           memcmp(req->line + req->argv[i].off, want, len) == 0 &&
           req->line[req->argv[i].off + len] == '\0';
}

/* Parse the inline 'text' whole; expect RESP_OK and 'argc' arguments. */
static void parse_inline(struct resp_request *req, const char *text,
                         int argc, const char *title)
{
    resp_request_clear(req);
    enum resp_status st = resp_request_parse(req, text, strlen(text));
    tap_ok(st == RESP_OK && req->is_inline && req->argc == argc &&
               req->pos == strlen(text),
           title);
}

/* Parse the inline 'text'; expect Redis's unbalanced quotes error. */
static void parse_unbalanced(struct resp_request *req, const char *text)
{
    resp_request_clear(req);
    enum resp_status st = resp_request_parse(req, text, strlen(text));
    char title[128];
    snprintf(title, sizeof(title), "unbalanced: %.*s",
             (int)strcspn(text, "\r\n"), text);
    tap_ok(st == RESP_ERROR &&
               strcmp(req->err,
                      "Protocol error: unbalanced quotes in request") == 0,
           title);
}

static void test_inline_quotes(void)
{
    struct resp_request req;
    resp_request_init(&req);

    const char *set = "SET \"a b\" \"c\\x41\"\r\n";
    char copy[64];
    snprintf(copy, sizeof(copy), "%s", set);
    tap_int(parse_bytewise(&req, copy, strlen(copy)), RESP_OK,
            "quoted inline line split at every byte parses");
    tap_ok(req.is_inline && req.argc == 3 && inline_is(&req, 0, "SET", 3) &&
               inline_is(&req, 1, "a b", 3) && inline_is(&req, 2, "cA", 2),
           "double quotes keep spaces, \\x41 is A");
    tap_str(copy, set, "the caller's bytes are left as they came");

    parse_inline(&req, "echo \"\\n\\r\\t\\b\\a\\\\\\\"\\q\\xzz\\x4a\"\n", 2,
                 "escapes in double quotes");
    tap_ok(inline_is(&req, 1, "\n\r\t\b\a\\\"qxzzJ", 12),
           "\\n \\r \\t \\b \\a \\\\ \\\" \\q, bad \\x is x, \\x4a");

    parse_inline(&req, "set \"\\x00\\xff\" v\r\n", 3, "hex escapes");
    tap_ok(inline_is(&req, 1, "\0\xff", 2), "\\x00 and \\xff are bytes");

    parse_inline(&req, "echo 'it\\'s' 'a\\nb\"c'\r\n", 3, "single quotes");
    tap_ok(inline_is(&req, 1, "it's", 4) && inline_is(&req, 2, "a\\nb\"c", 6),
           "only \\' is an escape in single quotes");

    parse_inline(&req, "echo a\"b c\" 'x y'\r\n", 3, "quotes inside a word");
    tap_ok(inline_is(&req, 1, "ab c", 4) && inline_is(&req, 2, "x y", 3),
           "a word may open a quote");

    parse_inline(&req, "set \"\" ''\t\"\"\r\n", 4, "empty quotes");
    tap_ok(inline_is(&req, 1, "", 0) && inline_is(&req, 2, "", 0) &&
               inline_is(&req, 3, "", 0),
           "empty quotes are empty arguments, tab separates");

    parse_inline(&req, "  \"\"  \n", 1, "only an empty quoted argument");

    parse_inline(&req, "echo \v\fa\vb\f \"c\"\vd\r\n", 4,
                 "vertical tab, form feed");
    tap_ok(inline_is(&req, 1, "a\vb\f", 4) && inline_is(&req, 2, "c", 1) &&
               inline_is(&req, 3, "d", 1),
           "are skipped between words but end only a quoted one");

    parse_unbalanced(&req, "SET \"a b\r\n");
    parse_unbalanced(&req, "SET 'a b\r\n");
    parse_unbalanced(&req, "SET \"a\"b c\r\n");
    parse_unbalanced(&req, "echo a\"b c\"d\r\n");
    parse_unbalanced(&req, "SET 'a'b c\r\n");
    parse_unbalanced(&req, "SET \"ab\\\"\r\n");
    parse_unbalanced(&req, "SET 'ab\\'\r\n");
    parse_unbalanced(&req, "SET \"ab\\\r\n");

    /* a long line, then short ones: the copy buffer is dropped and made
     * again */
    static char big[RESP_MAX_INLINE];
    memset(big, 'b', sizeof(big) - 2);
    big[0] = '"';
    big[100] = '"';
    big[101] = ' ';
    big[sizeof(big) - 2] = '\n';
    resp_request_clear(&req);
    tap_int(resp_request_parse(&req, big, sizeof(big) - 1), RESP_OK,
            "a long quoted inline line parses");
    tap_ok(req.argc == 2 && req.argv[0].len == 99 &&
               req.argv[1].len == sizeof(big) - 2 - 102,
           "its arguments");
    parse_inline(&req, "get \"k\"\r\n", 2, "a short line after it");
    tap_ok(inline_is(&req, 1, "k", 1), "is read right");

    /* resp_request_split: one line as redis.conf gives it */
    resp_request_clear(&req);
    const char *conf = "save \"900 1\" a'b c'\n";
    tap_int(resp_request_split(&req, conf, strlen(conf)), RESP_OK,
            "a config line splits");
    tap_ok(req.argc == 3 && strcmp(req.line + req.argv[0].off, "save") == 0 &&
               strcmp(req.line + req.argv[1].off, "900 1") == 0 &&
               strcmp(req.line + req.argv[2].off, "ab c") == 0,
           "into NUL-ended words");
    resp_request_clear(&req);
    tap_int(resp_request_split(&req, "dir \"/tmp", 9), RESP_ERROR,
            "an unbalanced config line is refused");
    tap_str(req.err, "Protocol error: unbalanced quotes in request",
            "and says why");

    resp_request_clear(&req);
    const char *mixed = "*1\r\n$4\r\nPING\r\n";
    tap_int(resp_request_parse(&req, mixed, strlen(mixed)), RESP_OK,
            "multi-bulk after inline");
    tap_ok(!req.is_inline && resp_request_base(&req, copy) == copy,
           "multi-bulk offsets are into the caller's buffer");
    resp_request_release(&req);
}

static void test_replies(void)
{
    struct resp_scanner s;
    const char *r = "*3\r\n:1\r\n*2\r\n$3\r\nabc\r\n$-1\r\n-ERR x\r\n+OK\r\n";
    size_t one = strlen(r) - 5;
    resp_scanner_init(&s);
    enum resp_status st = RESP_AGAIN;
    size_t n;
    for (n = 0; n <= strlen(r) && st == RESP_AGAIN; n++) {
        st = resp_scanner_scan(&s, r, n);
    }
    tap_int(st, RESP_OK, "nested reply scanned byte by byte");
    tap_int(s.pos, one, "reply ends after its last element");
    tap_int(n - 1, one, "and not before all its bytes arrived");

    resp_scanner_init(&s);
    tap_int(resp_scanner_scan(&s, "*0\r\n", 4), RESP_OK, "empty array");
    resp_scanner_init(&s);
    tap_int(resp_scanner_scan(&s, "*-1\r\n", 5), RESP_OK, "null array");
    resp_scanner_init(&s);
    tap_int(resp_scanner_scan(&s, "?what\r\n", 7), RESP_ERROR,
            "unknown type byte is an error");
}

static void expect_buffer(struct evbuffer *b, const char *want,
                          const char *title)
{
    size_t len = evbuffer_get_length(b);
    char got[256];
    evbuffer_remove(b, got, len < sizeof(got) - 1 ? len : sizeof(got) - 1);
    got[len < sizeof(got) - 1 ? len : sizeof(got) - 1] = '\0';
    tap_str(got, want, title);
}

static void test_writers(void)
{
    struct evbuffer *b = evbuffer_new();
    resp_add_error(b, "unknown command '%s'", "foo");
    expect_buffer(b, "-ERR unknown command 'foo'\r\n", "error gets ERR");
    resp_add_error(b, "WRONGTYPE Operation against a key");
    expect_buffer(b, "-WRONGTYPE Operation against a key\r\n",
                  "own code is kept");
    resp_add_error(b, "bad\r\nthing");
    expect_buffer(b, "-ERR bad  thing\r\n", "CR and LF are stripped");
    resp_add_error_text(b, "DB index is out of range");
    expect_buffer(b, "-ERR DB index is out of range\r\n",
                  "a capitalised word that is not a code gets ERR");
    resp_add_error_text(b, "-NOMASTERLINK Can't SYNC");
    expect_buffer(b, "-NOMASTERLINK Can't SYNC\r\n",
                  "a leading '-' says the text brings its own code");
    resp_add_error_text(b, "NOAUTH Authentication required.");
    expect_buffer(b, "-NOAUTH Authentication required.\r\n",
                  "NOAUTH is a code");
    resp_add_error_text(b, "ERR already framed");
    expect_buffer(b, "-ERR already framed\r\n", "ERR is not doubled");
    resp_add_error_text(b, "MOVEDX 1");
    expect_buffer(b, "-ERR MOVEDX 1\r\n", "a code must end at a space");
    resp_add_error_text(b, "WRONGTYPE");
    expect_buffer(b, "-ERR WRONGTYPE\r\n", "a code alone is a message");
    resp_add_error_text(b, "");
    expect_buffer(b, "-ERR \r\n", "an empty text gets ERR");
    const char *body;
    tap_str(resp_error_prefix("-OOM x", &body), "-",
            "prefix of an own-code text");
    tap_str(body, "OOM x", "its body skips the '-'");
    tap_str(resp_error_prefix("syntax error", &body), "-ERR ",
            "prefix of a plain message");
    tap_str(body, "syntax error", "its body is the whole text");
    resp_add_array(b, 2);
    resp_add_integer(b, -7);
    resp_add_bulk_str(b, "hi");
    resp_add_null(b);
    expect_buffer(b, "*2\r\n:-7\r\n$2\r\nhi\r\n$-1\r\n", "writers");
    evbuffer_free(b);

    long long v;
    tap_ok(resp_parse_ll("-9223372036854775808", 20, &v) == 0 &&
               v == (-9223372036854775807LL - 1),
           "parse_ll takes LLONG_MIN");
    tap_ok(resp_parse_ll("9223372036854775808", 19, &v) != 0,
           "parse_ll refuses overflow");
    tap_ok(resp_parse_ll("12a", 3, &v) != 0, "parse_ll refuses junk");
}

/* Scan 'r' whole: the status and where the reply ends. */
static void expect_scan(const char *r, size_t end, const char *title)
{
    struct resp_scanner s;
    resp_scanner_init(&s);
    enum resp_status st = RESP_AGAIN;
    size_t n;
    for (n = 0; n <= strlen(r) && st == RESP_AGAIN; n++) {
        st = resp_scanner_scan(&s, r, n);
    }
    tap_ok(st == RESP_OK && s.pos == end, title);
}

static void test_resp3_scan(void)
{
    const char *map = "%2\r\n+a\r\n:1\r\n$1\r\nb\r\n,1.5\r\n";
    expect_scan(map, strlen(map), "a map holds 2n values");
    const char *set = "~2\r\n_\r\n#t\r\n(12\r\n";
    expect_scan(set, strlen(set) - 5, "a set of null and boolean");
    const char *push = ">2\r\n=8\r\ntxt:abcd\r\n!3\r\nERR\r\n";
    expect_scan(push, strlen(push), "push, verbatim, blob error");
    const char *attr = "|1\r\n+k\r\n+v\r\n*1\r\n:5\r\n";
    expect_scan(attr, strlen(attr), "an attribute ends with its value");
    const char *empty = "%0\r\n:1\r\n";
    expect_scan(empty, 4, "an empty map is whole");
    const char *chunks = "$?\r\n;4\r\nHell\r\n;2\r\no!\r\n;0\r\n:9\r\n";
    expect_scan(chunks, strlen(chunks) - 4, "a streamed string ends at ;0");
    const char *stream = "*?\r\n:1\r\n%?\r\n+a\r\n:2\r\n.\r\n"
                         "~1\r\n$?\r\n;1\r\nx\r\n;0\r\n.\r\n+tail\r\n";
    expect_scan(stream, strlen(stream) - 7,
                "streamed aggregates nest and end at their '.' line");
    const char *pushattr = ">3\r\n|1\r\n+ttl\r\n:3\r\n$7\r\nmessage\r\n"
                           "$1\r\nc\r\n*2\r\n_\r\n,-inf\r\n";
    expect_scan(pushattr, strlen(pushattr),
                "an attribute inside a push counts with its value");
    struct resp_scanner s;
    resp_scanner_init(&s);
    tap_int(resp_scanner_scan(&s, ".\r\n", 3), RESP_ERROR,
            "an end marker outside a streamed aggregate is an error");
    resp_scanner_init(&s);
    tap_int(resp_scanner_scan(&s, "*2\r\n:1\r\n.\r\n", 11), RESP_ERROR,
            "an end marker inside a counted array is an error");
    resp_scanner_init(&s);
    tap_int(resp_scanner_scan(&s, "$?\r\n:1\r\n", 9), RESP_ERROR,
            "a streamed string holds only chunks");
}

/* The encoder's output for both protocols. */
static void test_encoder(void)
{
    char buf[RESP_ENC_MAX + 1];
    size_t n;
#define ENC(call, want, title)                                            \
    do {                                                                  \
        n = (call);                                                       \
        buf[n] = '\0';                                                    \
        tap_str(buf, want, title);                                        \
    } while (0)
    ENC(resp_enc_header(buf, RESP_MAP, 3, 3), "%3\r\n", "map in RESP3");
    ENC(resp_enc_header(buf, RESP_MAP, 3, 2), "*6\r\n",
        "map in RESP2 is an array of pairs");
    ENC(resp_enc_header(buf, RESP_SET, 2, 2), "*2\r\n", "set in RESP2");
    ENC(resp_enc_header(buf, RESP_SET, 2, 3), "~2\r\n", "set in RESP3");
    ENC(resp_enc_header(buf, RESP_PUSH, 3, 3), ">3\r\n", "push in RESP3");
    ENC(resp_enc_bulk(buf, "a\r\nb", 4), "$4\r\na\r\nb\r\n",
        "a whole bulk string, CRLF inside it kept");
    ENC(resp_enc_bulk(buf, "", 0), "$0\r\n\r\n", "an empty bulk string");
    ENC(resp_enc_header(buf, RESP_INTEGER, -9223372036854775807LL - 1, 2),
        ":-9223372036854775808\r\n", "LLONG_MIN");
    ENC(resp_enc_null(buf, RESP_BULK, 2), "$-1\r\n", "null bulk in RESP2");
    ENC(resp_enc_null(buf, RESP_ARRAY, 2), "*-1\r\n",
        "null array in RESP2");
    ENC(resp_enc_null(buf, RESP_ARRAY, 3), "_\r\n", "null in RESP3");
    ENC(resp_enc_double(buf, 0.1, 3), ",0.10000000000000001\r\n",
        "double in RESP3");
    ENC(resp_enc_double(buf, 1.5, 2), "$3\r\n1.5\r\n", "double in RESP2");
    ENC(resp_enc_double(buf, -1.0 / 0.0, 3), ",-inf\r\n", "-inf");
    ENC(resp_enc_bool(buf, true, 3), "#t\r\n", "true in RESP3");
    ENC(resp_enc_bool(buf, false, 2), ":0\r\n", "false in RESP2");
    ENC(resp_enc_verbatim(buf, 5, "txt", 3), "=9\r\ntxt:",
        "verbatim in RESP3");
    ENC(resp_enc_verbatim(buf, 5, "txt", 2), "$5\r\n", "verbatim in RESP2");
#undef ENC
}

int main(void)
{
    test_resp3_scan();
    test_encoder();
    test_requests();
    test_inline_quotes();
    test_replies();
    test_writers();
    return tap_done();
}
