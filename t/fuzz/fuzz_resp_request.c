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

/* Parse 'data' shown in steps ending at 'cuts' ('ncuts' ascending
 * positions, the last one 'size'); record what was parsed in 'log'. */
static void parse_stream(const uint8_t *data, size_t size, const size_t *cuts,
                         size_t ncuts, struct fuzz_log *log)
{
    struct resp_request req;
    resp_request_init(&req);
    size_t off = 0;
    size_t step = 0;
    for (;;) {
        size_t avail = cuts[step];
        size_t shown = avail - off;
        char *view = fuzz_copy(data + off, shown);
        enum resp_status st = resp_request_parse(&req, view, shown);
        if (st == RESP_OK) {
            fuzz_check(req.pos > 0 && req.pos <= shown,
                       "request consumed %zu of %zu bytes", req.pos, shown);
            fuzz_check(req.argc >= 0, "argc %d", req.argc);
            const char *base = resp_request_base(&req, view);
            fuzz_log_num(log, -1, req.is_inline);
            for (int i = 0; i < req.argc; i++) {
                fuzz_log_rec(log, i, base + req.argv[i].off,
                             req.argv[i].len);
            }
            fuzz_log_num(log, -3, (long long)req.pos);
            off += req.pos;
            resp_request_clear(&req);
            free(view);
            continue;
        }
        free(view);
        if (st == RESP_ERROR) {
            /* Past RESP_MAX_INLINE bytes, which limit fires first may
             * depend on how much was shown: compare texts below that. */
            const char *text = size <= RESP_MAX_INLINE ? req.err : "";
            fuzz_log_rec(log, -4, text, strlen(text));
            break;
        }
        if (avail == size) {
            fuzz_log_num(log, -5, (long long)off);
            break;
        }
        while (cuts[step] == avail) {
            step++;
        }
    }
    resp_request_release(&req);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_whole_vs_split(data, size, parse_stream, "parsing requests");
    return 0;
}
