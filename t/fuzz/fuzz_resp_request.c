/* libFuzzer target: the RESP request parser (lib/resp.c,
 * resp_request_parse). The input is a client's byte stream. It is parsed
 * the way a connection does (parse, consume req->pos bytes, clear, parse
 * again) three ways: all bytes at once, a few bytes more at a time at
 * random cuts, and (for short inputs) one byte more at a time. Each call
 * gets a fresh heap copy of exactly the bytes shown so far, so a parser
 * keeping pointers between calls or reading past 'len' is caught by ASan.
 * Properties: every way yields the same requests (arguments, inline or
 * not, bytes consumed) and ends the same way (waiting for more, or the
 * same protocol error); a request always consumes at least one byte and
 * no more than it was shown. */
#include "t/fuzz/fuzz.h"

#include "lib/resp.h"

/* The parser and the size of the whole input. */
struct parse_ctx {
    struct resp_request req;
    size_t size;
};

/* fuzz_step_fn over resp_request_parse. */
static int parse_step(void *ctx, const char *view, size_t shown,
                      size_t *used, struct fuzz_log *log)
{
    struct parse_ctx *c = ctx;
    struct resp_request *req = &c->req;
    enum resp_status st = resp_request_parse(req, view, shown);
    if (st == RESP_AGAIN) {
        return 0;
    }
    if (st == RESP_ERROR) {
        /* Past RESP_MAX_INLINE bytes, which limit fires first may depend
         * on how much was shown: compare texts only below that. */
        const char *text = c->size <= RESP_MAX_INLINE ? req->err : "";
        fuzz_log_rec(log, -4, text, strlen(text));
        return -1;
    }
    fuzz_check(req->argc >= 0, "argc %d", req->argc);
    /* resp_request_base takes a writable buffer for callers that write
     * into it; we only read */
    const char *base = resp_request_base(req, (char *)view);
    fuzz_log_num(log, -1, req->is_inline);
    for (int i = 0; i < req->argc; i++) {
        fuzz_log_rec(log, i, base + req->argv[i].off, req->argv[i].len);
    }
    fuzz_log_num(log, -3, (long long)req->pos);
    *used = req->pos;
    resp_request_clear(req);
    return 1;
}

static void parse_stream(const uint8_t *data, size_t size, const size_t *cuts,
                         size_t ncuts, struct fuzz_log *log)
{
    struct parse_ctx c;
    resp_request_init(&c.req);
    c.size = size;
    fuzz_feed(data, size, cuts, ncuts, parse_step, &c, log);
    resp_request_release(&c.req);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_whole_vs_split(data, size, parse_stream, "parsing requests");
    return 0;
}
