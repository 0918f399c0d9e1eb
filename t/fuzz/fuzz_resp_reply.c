/* libFuzzer target: the RESP reply scanner (lib/resp.c,
 * resp_scanner_scan), which the proxy's backends and lib/rclient use to
 * find where a reply ends, and lib/rclient's reply reader
 * (rclient_reply_parse), which builds the tree of one scanned reply. The
 * input is a server's byte stream, scanned reply after reply all at once
 * and again with the bytes shown a few more at a time at random cuts (one
 * byte more at a time for short inputs), each call on a fresh heap copy of
 * exactly the bytes shown. Properties: every way finds the same replies
 * and ends the same way; a reply is at least 3 bytes and no more than was
 * shown; the reader, given exactly one scanned reply, either refuses it or
 * builds a tree whose sizes are consistent. */
#include "t/fuzz/fuzz.h"

#include "lib/rclient.h"
#include "lib/resp.h"

/* Record 'r' in 'log' and check its shape; returns its element count
 * (itself included). */
static size_t log_tree(struct fuzz_log *log, const struct rclient_reply *r,
                       int depth)
{
    fuzz_check(depth <= RESP_MAX_DEPTH + 1, "tree %d deep", depth);
    fuzz_log_num(log, -10, r->type);
    size_t n = 1;
    switch (r->type) {
    case RCLIENT_STATUS:
    case RCLIENT_ERROR:
    case RCLIENT_BULK:
        fuzz_check(r->str != NULL && r->str[r->len] == '\0',
                   "string reply not NUL-ended");
        fuzz_log_rec(log, -11, r->str, r->len);
        break;
    case RCLIENT_INTEGER:
        fuzz_log_num(log, -12, r->integer);
        break;
    case RCLIENT_NIL:
        break;
    case RCLIENT_ARRAY:
        fuzz_log_num(log, -13, (long long)r->count);
        for (size_t i = 0; i < r->count; i++) {
            fuzz_check(r->elements[i] != NULL, "element %zu missing", i);
            n += log_tree(log, r->elements[i], depth + 1);
        }
        break;
    default:
        fuzz_check(0, "unknown reply type %d", (int)r->type);
    }
    return n;
}

/* fuzz_step_fn over resp_scanner_scan: 'ctx' is the scanner. Each
 * reply found also goes through rclient_reply_parse, on a copy of exactly
 * its bytes. */
static int scan_step(void *ctx, const char *view, size_t shown,
                     size_t *used, struct fuzz_log *log)
{
    struct resp_scanner *s = ctx;
    enum resp_status st = resp_scanner_scan(s, view, shown);
    if (st == RESP_AGAIN) {
        return 0;
    }
    if (st == RESP_ERROR) {
        fuzz_log_rec(log, -4, s->err, strlen(s->err));
        return -1;
    }
    fuzz_check(s->pos >= 3, "a reply of %zu bytes", s->pos);
    char *reply = fuzz_copy(view, s->pos);
    struct rclient_reply *r = rclient_reply_parse(reply, s->pos);
    free(reply);
    fuzz_log_num(log, -1, (long long)s->pos);
    if (r != NULL) {
        /* each element takes 3 bytes at least */
        size_t n = log_tree(log, r, 0);
        fuzz_check(n * 3 <= s->pos, "%zu elements in %zu bytes", n, s->pos);
        rclient_reply_free(r);
    } else {
        fuzz_log_num(log, -2, 0);
    }
    *used = s->pos;
    resp_scanner_init(s);
    return 1;
}

static void scan_stream(const uint8_t *data, size_t size, const size_t *cuts,
                        size_t ncuts, struct fuzz_log *log)
{
    struct resp_scanner s;
    resp_scanner_init(&s);
    fuzz_feed(data, size, cuts, ncuts, scan_step, &s, log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_whole_vs_split(data, size, scan_stream, "scanning replies");
    return 0;
}
