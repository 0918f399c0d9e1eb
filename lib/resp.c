/* RESP2 parsing and writing; see resp.h for the contract. Both parsers keep
 * only offsets and counts between calls, so the caller's buffer may move
 * (be reallocated) between calls as long as its bytes stay the same. An
 * inline line is only split once it is whole, so its copy in req->line is
 * made in one call. */
#include "lib/resp.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>

#include "lib/mem.h"

/* A header line ("*3", "$5", ":1" ...) longer than this is not RESP. */
#define RESP_MAX_LINE (64 * 1024)

/* A new request keeps the inline copy buffer up to this size, so that a
 * rare long inline line does not pin its copy to the connection. */
#define RESP_KEEP_LINE 4096

void resp_request_init(struct resp_request *req)
{
    memset(req, 0, sizeof(*req));
    req->argc_expected = -1;
    req->bulk_len = -1;
}

void resp_request_release(struct resp_request *req)
{
    mem_free(req->argv);
    req->argv = NULL;
    req->cap = 0;
    mem_free(req->line);
    req->line = NULL;
    req->line_cap = 0;
}

void resp_request_clear(struct resp_request *req)
{
    req->pos = 0;
    req->argc_expected = -1;
    req->bulk_len = -1;
    req->argc = 0;
    req->is_inline = false;
    req->err[0] = '\0';
}

int resp_parse_ll(const char *s, size_t len, long long *value)
{
    size_t i = 0;
    bool negative = false;
    if (len == 0 || len > 20) {
        return -1;
    }
    if (s[0] == '-') {
        negative = true;
        i = 1;
        if (len == 1) {
            return -1;
        }
    }
    unsigned long long v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        unsigned digit = (unsigned)(s[i] - '0');
        if (v > (9223372036854775808ULL - digit) / 10) {
            return -1;
        }
        v = v * 10 + digit;
    }
    if (!negative && v > 9223372036854775807ULL) {
        return -1;
    }
    *value = negative ? (long long)(0 - v) : (long long)v;
    return 0;
}

static void resp_push_arg(struct resp_request *req, size_t off, size_t len)
{
    if ((size_t)req->argc == req->cap) {
        req->cap = req->cap ? req->cap * 2 : 8;
        req->argv = mem_realloc(req->argv, req->cap * sizeof(*req->argv));
    }
    req->argv[req->argc].off = off;
    req->argv[req->argc].len = len;
    req->argc++;
}

/* Find "\r\n" at or after 'from'; return the offset of '\r' or -1. */
static long long resp_find_crlf(const char *buf, size_t from, size_t len)
{
    while (from < len) {
        const char *cr = memchr(buf + from, '\r', len - from);
        if (cr == NULL) {
            return -1;
        }
        size_t at = (size_t)(cr - buf);
        if (at + 1 >= len) {
            return -1;
        }
        if (buf[at + 1] == '\n') {
            return (long long)at;
        }
        from = at + 1;
    }
    return -1;
}

/* The value of hex digit 'c', or -1. */
static int resp_hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* True for the bytes skipped between inline arguments (and allowed after
 * a closing quote). */
static bool resp_inline_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
           c == '\f';
}

/* True for the bytes that end an unquoted word: fewer than the above, as
 * in Redis ("a\vb" is one word, "\va" is "a"). */
static bool resp_inline_word_end(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Read one "double quoted" part of an argument: 'line[*i]' is the byte
 * after the opening quote. Unescaped bytes go to 'out' at '*o'. Returns 0
 * with '*i' past the closing quote, or -1 if the line ends first. */
static int resp_inline_double(const char *line, size_t end, size_t *i,
                              char *out, size_t *o)
{
    size_t at = *i;
    while (at < end) {
        char c = line[at];
        if (c == '"') {
            *i = at + 1;
            return 0;
        }
        if (c != '\\' || at + 1 == end) {
            out[(*o)++] = c;
            at++;
            continue;
        }
        char e = line[at + 1];
        int hi, lo;
        if (e == 'x' && at + 3 < end &&
            (hi = resp_hex_value(line[at + 2])) >= 0 &&
            (lo = resp_hex_value(line[at + 3])) >= 0) {
            out[(*o)++] = (char)(hi * 16 + lo);
            at += 4;
            continue;
        }
        switch (e) {
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case 'b': c = '\b'; break;
        case 'a': c = '\a'; break;
        default: c = e; break;
        }
        out[(*o)++] = c;
        at += 2;
    }
    return -1;
}

/* The same for a 'single quoted' part, where only \' is an escape. */
static int resp_inline_single(const char *line, size_t end, size_t *i,
                              char *out, size_t *o)
{
    size_t at = *i;
    while (at < end) {
        char c = line[at];
        if (c == '\'') {
            *i = at + 1;
            return 0;
        }
        if (c == '\\' && at + 1 < end && line[at + 1] == '\'') {
            at++;
        }
        out[(*o)++] = line[at];
        at++;
    }
    return -1;
}

/* Split the inline line of 'end' bytes at 'line' into arguments, the way
 * Redis reads them: runs of spaces separate arguments, and an
 * argument may hold "double quoted" parts (with \n \r \t \b \a \xHH and
 * \<any> escapes) and 'single quoted' parts (with \'); a closing quote
 * must be followed by a space or the end of the line. The unescaped
 * arguments are copied to req->line, each followed by a NUL. */
static enum resp_status resp_split_inline(struct resp_request *req,
                                          const char *line, size_t end)
{
    /* an argument never grows, and each takes at least one byte more than
     * its NUL: 'end' + 1 bytes hold them all */
    if (req->line_cap < end + 1) {
        mem_free(req->line);
        req->line_cap = end + 1;
        req->line = mem_alloc(req->line_cap);
    }
    size_t i = 0, o = 0;
    for (;;) {
        while (i < end && resp_inline_space(line[i])) {
            i++;
        }
        if (i == end) {
            return RESP_OK;
        }
        size_t start = o;
        while (i < end && !resp_inline_word_end(line[i])) {
            char c = line[i++];
            int rc;
            if (c == '"') {
                rc = resp_inline_double(line, end, &i, req->line, &o);
            } else if (c == '\'') {
                rc = resp_inline_single(line, end, &i, req->line, &o);
            } else {
                req->line[o++] = c;
                continue;
            }
            if (rc != 0 || (i < end && !resp_inline_space(line[i]))) {
                snprintf(req->err, sizeof(req->err),
                         "Protocol error: unbalanced quotes in request");
                return RESP_ERROR;
            }
            break; /* a closing quote ends the argument */
        }
        resp_push_arg(req, start, o - start);
        req->line[o++] = '\0';
    }
}

enum resp_status resp_request_split(struct resp_request *req,
                                    const char *line, size_t len)
{
    req->is_inline = true;
    return resp_split_inline(req, line, len);
}

static enum resp_status resp_parse_inline(struct resp_request *req,
                                          const char *buf, size_t len)
{
    const char *nl = memchr(buf, '\n', len < RESP_MAX_INLINE + 1
                                           ? len : RESP_MAX_INLINE + 1);
    if (nl == NULL) {
        if (len > RESP_MAX_INLINE) {
            snprintf(req->err, sizeof(req->err),
                     "Protocol error: too big inline request");
            return RESP_ERROR;
        }
        return RESP_AGAIN;
    }
    size_t end = (size_t)(nl - buf);
    size_t line_end = (end > 0 && buf[end - 1] == '\r') ? end - 1 : end;
    req->is_inline = true;
    req->pos = end + 1;
    return resp_split_inline(req, buf, line_end);
}

enum resp_status resp_request_parse(struct resp_request *req, const char *buf,
                                    size_t len)
{
    if (req->argc_expected < 0) {
        if (req->line_cap > RESP_KEEP_LINE) {
            mem_free(req->line);
            req->line = NULL;
            req->line_cap = 0;
        }
        if (len == 0) {
            return RESP_AGAIN;
        }
        if (buf[0] != '*') {
            return resp_parse_inline(req, buf, len);
        }
        long long cr = resp_find_crlf(buf, 1, len);
        if (cr < 0) {
            if (len > RESP_MAX_LINE) {
                snprintf(req->err, sizeof(req->err),
                         "Protocol error: too big mbulk count string");
                return RESP_ERROR;
            }
            return RESP_AGAIN;
        }
        long long count;
        if (resp_parse_ll(buf + 1, (size_t)cr - 1, &count) != 0 ||
            count > RESP_MAX_ARGS) {
            snprintf(req->err, sizeof(req->err),
                     "Protocol error: invalid multibulk length");
            return RESP_ERROR;
        }
        req->pos = (size_t)cr + 2;
        req->argc_expected = count < 0 ? 0 : count;
    }
    while (req->argc < req->argc_expected) {
        if (req->bulk_len < 0) {
            if (req->pos >= len) {
                return RESP_AGAIN;
            }
            if (buf[req->pos] != '$') {
                snprintf(req->err, sizeof(req->err),
                         "Protocol error: expected '$', got '%c'",
                         isprint((unsigned char)buf[req->pos])
                             ? buf[req->pos] : '?');
                return RESP_ERROR;
            }
            long long cr = resp_find_crlf(buf, req->pos + 1, len);
            if (cr < 0) {
                if (len - req->pos > RESP_MAX_LINE) {
                    snprintf(req->err, sizeof(req->err),
                             "Protocol error: too big bulk count string");
                    return RESP_ERROR;
                }
                return RESP_AGAIN;
            }
            long long n;
            if (resp_parse_ll(buf + req->pos + 1, (size_t)cr - req->pos - 1,
                              &n) != 0 || n < 0 || n > RESP_MAX_BULK) {
                snprintf(req->err, sizeof(req->err),
                         "Protocol error: invalid bulk length");
                return RESP_ERROR;
            }
            req->bulk_len = n;
            req->pos = (size_t)cr + 2;
        }
        size_t need = (size_t)req->bulk_len + 2;
        if (len - req->pos < need) {
            return RESP_AGAIN;
        }
        if (buf[req->pos + need - 2] != '\r' ||
            buf[req->pos + need - 1] != '\n') {
            snprintf(req->err, sizeof(req->err),
                     "Protocol error: expected CRLF after bulk data");
            return RESP_ERROR;
        }
        resp_push_arg(req, req->pos, (size_t)req->bulk_len);
        req->pos += need;
        req->bulk_len = -1;
    }
    return RESP_OK;
}

void resp_scanner_init(struct resp_scanner *s)
{
    s->pos = 0;
    s->depth = 0;
    s->chunks = false;
    s->err[0] = '\0';
}

/* Open an aggregate of 'n' elements (-1: streamed) in 's'. Returns 0, or
 * -1 with s->err set when it is nested too deep. */
static int resp_scanner_open(struct resp_scanner *s, long long n)
{
    if (s->depth == RESP_MAX_DEPTH) {
        snprintf(s->err, sizeof(s->err), "reply nested too deep");
        return -1;
    }
    s->remain[s->depth++] = n;
    return 0;
}

enum resp_status resp_scanner_scan(struct resp_scanner *s, const char *buf,
                                   size_t len)
{
    for (;;) {
        if (s->pos >= len) {
            return RESP_AGAIN;
        }
        char type = buf[s->pos];
        long long cr = resp_find_crlf(buf, s->pos + 1, len);
        if (cr < 0) {
            if (len - s->pos > RESP_MAX_LINE && type != '+' && type != '-') {
                snprintf(s->err, sizeof(s->err), "reply line too long");
                return RESP_ERROR;
            }
            return RESP_AGAIN;
        }
        size_t body = s->pos + 1;
        size_t body_len = (size_t)cr - body;
        bool streamed = body_len == 1 && buf[body] == '?';
        long long n = 0;
        if (s->chunks && type != ';') {
            snprintf(s->err, sizeof(s->err), "streamed string lacks a chunk");
            return RESP_ERROR;
        }
        switch (type) {
        case '+':
        case '-':
        case ':':
        case '_':
        case '#':
        case ',':
        case '(':
            s->pos = (size_t)cr + 2;
            break;
        case '$':
        case '!':
        case '=':
        case ';':
            if (type == '$' && streamed) {
                s->pos = (size_t)cr + 2;
                s->chunks = true;
                continue;
            }
            if (type == ';' && !s->chunks) {
                snprintf(s->err, sizeof(s->err), "chunk outside a string");
                return RESP_ERROR;
            }
            if (resp_parse_ll(buf + body, body_len, &n) != 0 ||
                n < (type == ';' ? 0 : -1) || n > RESP_MAX_BULK) {
                snprintf(s->err, sizeof(s->err), "bad bulk length");
                return RESP_ERROR;
            }
            if (type == ';' && n == 0) {
                /* a streamed string ends with an empty chunk, no data */
                s->pos = (size_t)cr + 2;
                s->chunks = false;
                break;
            }
            if (n >= 0) {
                if (len - ((size_t)cr + 2) < (size_t)n + 2) {
                    return RESP_AGAIN;
                }
                s->pos = (size_t)cr + 2 + (size_t)n + 2;
            } else {
                s->pos = (size_t)cr + 2;
            }
            if (type == ';') {
                continue;
            }
            break;
        case '.':
            if (s->depth == 0 || s->remain[s->depth - 1] >= 0 ||
                body_len != 0) {
                snprintf(s->err, sizeof(s->err), "unexpected end marker");
                return RESP_ERROR;
            }
            s->pos = (size_t)cr + 2;
            s->depth--;
            break;
        case '*':
        case '%':
        case '~':
        case '>':
        case '|':
            s->pos = (size_t)cr + 2;
            if (streamed && type != '|') {
                if (resp_scanner_open(s, -1) != 0) {
                    return RESP_ERROR;
                }
                continue;
            }
            if (resp_parse_ll(buf + body, body_len, &n) != 0 || n < -1 ||
                n > RESP_MAX_ARGS) {
                snprintf(s->err, sizeof(s->err), "bad array length");
                return RESP_ERROR;
            }
            /* A map holds pairs; an attribute's pairs come before the
             * value they describe, which completes it. */
            if (type == '%' || type == '|') {
                n *= 2;
            }
            if (type == '|') {
                n++;
            }
            if (n > 0) {
                if (resp_scanner_open(s, n) != 0) {
                    return RESP_ERROR;
                }
                continue;
            }
            break;
        default:
            snprintf(s->err, sizeof(s->err), "unknown reply type byte 0x%02x",
                     (unsigned char)type);
            return RESP_ERROR;
        }
        /* One element is complete: close every array it completes (a
         * streamed one stays open until its "." line). */
        while (s->depth > 0) {
            if (s->remain[s->depth - 1] < 0 ||
                --s->remain[s->depth - 1] > 0) {
                break;
            }
            s->depth--;
        }
        if (s->depth == 0) {
            return RESP_OK;
        }
    }
}

/* ------------------------------------------------------------------------
 * The reply encoder */

/* Write "<type><value>\r\n" into 'buf'; returns its length. */
static size_t resp_enc_line(char *buf, char type, long long value)
{
    char digits[24];
    unsigned long long v = value < 0 ? 0ULL - (unsigned long long)value
                                     : (unsigned long long)value;
    size_t nd = 0;
    do {
        digits[nd++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    size_t n = 0;
    buf[n++] = type;
    if (value < 0) {
        buf[n++] = '-';
    }
    while (nd > 0) {
        buf[n++] = digits[--nd];
    }
    buf[n++] = '\r';
    buf[n++] = '\n';
    return n;
}

enum resp_type resp_enc_type2(enum resp_type type)
{
    switch (type) {
    case RESP_MAP:
    case RESP_SET:
    case RESP_PUSH:
    case RESP_ATTR:
        return RESP_ARRAY;
    case RESP_DOUBLE:
    case RESP_BIGNUM:
    case RESP_VERBATIM:
        return RESP_BULK;
    case RESP_BOOL:
        return RESP_INTEGER;
    case RESP_BLOB_ERR:
        return RESP_ERR;
    default:
        return type;
    }
}

size_t resp_enc_header(char *buf, enum resp_type type, long long n,
                       int proto)
{
    if (proto < 3) {
        if (type == RESP_MAP || type == RESP_ATTR) {
            n *= 2;
        }
        type = resp_enc_type2(type);
    } else if (type == RESP_VERBATIM) {
        n += 4;
    }
    return resp_enc_line(buf, (char)type, n);
}

size_t resp_enc_bulk(char *buf, const void *data, size_t len)
{
    size_t n = resp_enc_line(buf, '$', (long long)len);
    memcpy(buf + n, data, len);
    n += len;
    buf[n++] = '\r';
    buf[n++] = '\n';
    return n;
}

size_t resp_enc_null(char *buf, enum resp_type as, int proto)
{
    const char *text = proto >= 3 ? "_\r\n"
                       : as == RESP_ARRAY ? "*-1\r\n" : "$-1\r\n";
    size_t n = strlen(text);
    memcpy(buf, text, n);
    return n;
}

size_t resp_enc_double(char *buf, double d, int proto)
{
    char text[RESP_ENC_MAX - 8];
    int len;
    if (isinf(d)) {
        len = snprintf(text, sizeof(text), "%s", d > 0 ? "inf" : "-inf");
    } else if (isnan(d)) {
        len = snprintf(text, sizeof(text), "nan");
    } else {
        len = snprintf(text, sizeof(text), "%.17g", d);
    }
    size_t n;
    if (proto >= 3) {
        buf[0] = ',';
        n = 1;
    } else {
        n = resp_enc_line(buf, '$', len);
    }
    memcpy(buf + n, text, (size_t)len);
    n += (size_t)len;
    buf[n++] = '\r';
    buf[n++] = '\n';
    return n;
}

size_t resp_enc_bool(char *buf, bool value, int proto)
{
    if (proto >= 3) {
        memcpy(buf, value ? "#t\r\n" : "#f\r\n", 4);
    } else {
        memcpy(buf, value ? ":1\r\n" : ":0\r\n", 4);
    }
    return 4;
}

size_t resp_enc_verbatim(char *buf, size_t len, const char *fmt, int proto)
{
    size_t n = resp_enc_header(buf, RESP_VERBATIM, (long long)len, proto);
    if (proto >= 3) {
        memcpy(buf + n, fmt, 3);
        buf[n + 3] = ':';
        n += 4;
    }
    return n;
}

/* ------------------------------------------------------------------------
 * Writers to an evbuffer */

static void resp_add_line(struct evbuffer *out, char type, long long value)
{
    char line[RESP_ENC_MAX];
    evbuffer_add(out, line, resp_enc_line(line, type, value));
}

void resp_add_simple(struct evbuffer *out, const char *text)
{
    evbuffer_add(out, "+", 1);
    evbuffer_add(out, text, strlen(text));
    evbuffer_add(out, "\r\n", 2);
}

void resp_add_integer(struct evbuffer *out, long long value)
{
    resp_add_line(out, ':', value);
}

void resp_add_bulk(struct evbuffer *out, const void *data, size_t len)
{
    resp_add_line(out, '$', (long long)len);
    evbuffer_add(out, data, len);
    evbuffer_add(out, "\r\n", 2);
}

void resp_add_bulk_str(struct evbuffer *out, const char *text)
{
    resp_add_bulk(out, text, strlen(text));
}

void resp_add_null(struct evbuffer *out)
{
    char buf[RESP_ENC_MAX];
    evbuffer_add(out, buf, resp_enc_null(buf, RESP_BULK, 2));
}

void resp_add_null_proto(struct evbuffer *out, enum resp_type as, int proto)
{
    char buf[RESP_ENC_MAX];
    evbuffer_add(out, buf, resp_enc_null(buf, as, proto));
}

void resp_add_header(struct evbuffer *out, enum resp_type type, long long n,
                     int proto)
{
    char buf[RESP_ENC_MAX];
    evbuffer_add(out, buf, resp_enc_header(buf, type, n, proto));
}

void resp_add_verbatim(struct evbuffer *out, const void *data, size_t len,
                       int proto)
{
    char buf[RESP_ENC_MAX];
    evbuffer_add(out, buf, resp_enc_verbatim(buf, len, "txt", proto));
    evbuffer_add(out, data, len);
    evbuffer_add(out, "\r\n", 2);
}

void resp_add_null_array(struct evbuffer *out)
{
    char buf[RESP_ENC_MAX];
    evbuffer_add(out, buf, resp_enc_null(buf, RESP_ARRAY, 2));
}

void resp_add_array(struct evbuffer *out, long long count)
{
    resp_add_line(out, '*', count);
}

/* Redis's error codes. A capitalised first word alone is not a code:
 * "DB index is out of range" must still get "-ERR ". */
static const char *const resp_error_codes[] = {
    "ERR", "WRONGTYPE", "NOAUTH", "WRONGPASS", "NOPERM", "OOM", "READONLY",
    "NOPROTO", "BUSY", "BUSYKEY", "BUSYGROUP", "NOGROUP", "NOSCRIPT",
    "LOADING", "MOVED", "ASK", "EXECABORT", "NOREPLICAS", "MASTERDOWN",
    "NOMASTERLINK", "MISCONF", "IOERR", "NOTBUSY", "UNKILLABLE",
    "UNBLOCKED", "CROSSSLOT", "TRYAGAIN", "CLUSTERDOWN",
};

const char *resp_error_prefix(const char *text, const char **body)
{
    if (text[0] == '-') {
        *body = text + 1;
        return "-";
    }
    *body = text;
    for (size_t i = 0; i < sizeof(resp_error_codes) /
                           sizeof(resp_error_codes[0]); i++) {
        size_t n = strlen(resp_error_codes[i]);
        if (strncmp(text, resp_error_codes[i], n) == 0 && text[n] == ' ') {
            return "-";
        }
    }
    return "-ERR ";
}

void resp_error_clean(char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\r' || text[i] == '\n') {
            text[i] = ' ';
        }
    }
}

void resp_add_error_text(struct evbuffer *out, const char *text)
{
    const char *body;
    const char *prefix = resp_error_prefix(text, &body);
    evbuffer_add(out, prefix, strlen(prefix));
    size_t len = strlen(body);
    char *clean = mem_strndup(body, len);
    resp_error_clean(clean, len);
    evbuffer_add(out, clean, len);
    evbuffer_add(out, "\r\n", 2);
    mem_free(clean);
}

void resp_add_error(struct evbuffer *out, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    resp_add_error_text(out, text);
}
