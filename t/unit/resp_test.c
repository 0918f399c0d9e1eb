/* Unit tests for lib/resp: requests split at every byte, inline commands,
 * malformed input, nested replies and the error writer. */
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
    tap_ok(req.is_inline && req.argc == 2 && arg_is(&req, inl, 0, "get") &&
               arg_is(&req, inl, 1, "foo"),
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

int main(void)
{
    test_requests();
    test_replies();
    test_writers();
    return tap_done();
}
