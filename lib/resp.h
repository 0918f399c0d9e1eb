/* RESP, the Redis protocol (RESP2 and RESP3): an incremental request
 * parser (multi-bulk and inline), an incremental reply scanner that finds
 * where one reply ends (any RESP3 type too), the reply encoder that frames
 * each kind of value for RESP2 or RESP3, and writers that append replies
 * to an evbuffer. The parser and scanner
 * never write to the caller's buffer, and can be resumed when more bytes
 * arrive, as long as the caller keeps the bytes already shown to them in
 * place (at the same offsets) until a whole request or reply has been
 * consumed.
 *
 * Where the arguments live: a multi-bulk request (the hot path) is never
 * copied, its arguments are offsets into the caller's buffer. An inline
 * request (a line not starting with '*', as telnet sends) can hold quoted
 * and escaped arguments, so the parser unescapes them into a copy it owns,
 * req->line, and the offsets point there. resp_request_base gives the right
 * base for either; the caller's bytes stay as they came (a replica passes
 * on its master's stream unchanged).
 *
 * Not here: command semantics, routing, sockets. */
#ifndef CODIS_RESP_H
#define CODIS_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evbuffer;

#define RESP_MAX_ARGS (1024 * 1024)          /* elements of one request */
#define RESP_MAX_BULK (512LL * 1024 * 1024)  /* bytes of one argument */
#define RESP_MAX_INLINE (64 * 1024)          /* bytes of an inline line */
#define RESP_MAX_DEPTH 32                    /* nesting of reply arrays */

/* What a parse or scan step found. */
enum resp_status {
    RESP_OK,    /* a whole request / reply is ready */
    RESP_AGAIN, /* need more bytes */
    RESP_ERROR, /* malformed: the text is in 'err'; close the connection */
};

/* One argument: 'len' bytes at offset 'off' of resp_request_base. */
struct resp_arg {
    size_t off;
    size_t len;
};

/* Request parser state; after RESP_OK it holds the request. */
struct resp_request {
    size_t pos;              /* bytes of the buffer consumed so far */
    long long argc_expected; /* multi-bulk count, -1 before the header */
    long long bulk_len;      /* length of the bulk being read, -1 none */
    int argc;                /* arguments parsed so far */
    bool is_inline;          /* the request is an inline command */
    struct resp_arg *argv;   /* 'argc' arguments, owned, 'cap' slots */
    size_t cap;
    char *line;              /* inline: the unescaped arguments, each one
                              * followed by a NUL; owned, 'line_cap' bytes */
    size_t line_cap;
    char err[128];           /* Redis-style text on RESP_ERROR */
};

/* Set up 'req' for parsing; resp_request_release frees its arrays. */
void resp_request_init(struct resp_request *req);
void resp_request_release(struct resp_request *req);

/* Forget the last request, so parsing starts afresh at the buffer's new
 * start (call after consuming req->pos bytes). */
void resp_request_clear(struct resp_request *req);

/* Parse one request from 'buf' ('len' bytes, which start where the last
 * request ended). RESP_OK: req->argc arguments are ready as offsets into
 * resp_request_base(req, buf), and req->pos bytes of 'buf' make up the
 * request (an empty line or "*0" gives argc 0: skip it). RESP_AGAIN: call
 * again with the same bytes plus more. RESP_ERROR: req->err says why, in
 * Redis's words ("Protocol error: ..."). An inline line is split the way
 * Redis splits it: spaces separate arguments, "double quotes" allow the
 * escapes \n \r \t \b \a \\ \" \xHH, 'single quotes' allow \', and a
 * closing quote must be followed by a space or the end of the line
 * (otherwise, or without one: "Protocol error: unbalanced quotes in
 * request"). */
enum resp_status resp_request_parse(struct resp_request *req, const char *buf,
                                    size_t len);

/* Split the 'len' bytes at 'line' (one whole line, its line ending
 * optional) into arguments exactly as resp_request_parse splits an inline
 * request, which is also how Redis splits a redis.conf line. Call it on a
 * cleared 'req' (resp_request_init or resp_request_clear). RESP_OK:
 * req->argc arguments, each one NUL-ended in req->line at the offsets of
 * req->argv (valid until the next parse, split or release). RESP_ERROR:
 * unbalanced quotes, req->err says so. */
enum resp_status resp_request_split(struct resp_request *req,
                                    const char *line, size_t len);

/* Where the offsets of the parsed request point: 'buf' (the buffer given
 * to resp_request_parse) for a multi-bulk request, req->line for an inline
 * one. Valid until the next parse or release; the caller may write into it
 * (such as a NUL after each argument). */
static inline char *resp_request_base(struct resp_request *req, char *buf)
{
    return req->is_inline ? req->line : buf;
}

/* Reply scanner state: finds the end of one (possibly nested) reply,
 * RESP2 or RESP3: every RESP3 type, attributes ('|', which describe the
 * value after them and end with it), and RESP3's streamed forms: a string
 * "$?" sent as ";<len>" chunks up to ";0", an aggregate ("*?", "%?",
 * "~?", ">?") whose elements run up to a "." line. */
struct resp_scanner {
    size_t pos;                        /* bytes of the reply seen so far */
    int depth;                         /* open arrays */
    long long remain[RESP_MAX_DEPTH];  /* elements left per open array;
                                          -1: streamed, ends at "." */
    bool chunks;                       /* inside a streamed string */
    char err[128];
};

/* Start scanning a new reply at the start of the buffer. */
void resp_scanner_init(struct resp_scanner *s);

/* Scan 'buf'. RESP_OK: one whole reply is the first s->pos bytes (then
 * call resp_scanner_init before the next). RESP_AGAIN: call again with the
 * same bytes plus more. RESP_ERROR: not RESP; s->err says why. */
enum resp_status resp_scanner_scan(struct resp_scanner *s, const char *buf,
                                   size_t len);

/* Parse a decimal long long from 'len' bytes at 's' (optional '-', no
 * spaces, no overflow). Returns 0 and sets '*value', or -1. */
int resp_parse_ll(const char *s, size_t len, long long *value);

/* ------------------------------------------------------------------------
 * The reply encoder: the one place that knows how each kind of reply is
 * framed in RESP2 and in RESP3. Every writer (the server's reply_* in
 * redis/networking.c, the evbuffer writers below) formats through these
 * functions and only appends the bytes to its own kind of buffer.
 *
 * Each resp_enc_* writes the framing of one value into 'buf' (at least
 * RESP_ENC_MAX bytes) and returns its length; 'proto' is 2 or 3. A kind
 * RESP2 lacks comes out as Redis sends it to a RESP2 client: a map as an
 * array of 2n items, a set or push as an array, a double or big number
 * as a bulk string, a boolean as the integer 1 or 0, every null as the
 * null bulk string (or null array where the caller asks for one). */

#define RESP_ENC_MAX 64 /* bytes any resp_enc_* may write */

/* The kinds of RESP values, by their RESP3 type byte. */
enum resp_type {
    RESP_SIMPLE = '+',
    RESP_ERR = '-',
    RESP_INTEGER = ':',
    RESP_BULK = '$',
    RESP_ARRAY = '*',
    RESP_NULL = '_',
    RESP_BOOL = '#',
    RESP_DOUBLE = ',',
    RESP_BIGNUM = '(',
    RESP_BLOB_ERR = '!',
    RESP_VERBATIM = '=',
    RESP_MAP = '%',
    RESP_SET = '~',
    RESP_ATTR = '|',
    RESP_PUSH = '>',
};

/* The header line of a value that carries a count or a length: "*n" for
 * RESP_ARRAY (a map's 'n' counts pairs), ":n" for RESP_INTEGER, "$n" for
 * RESP_BULK and RESP_BIGNUM/RESP_VERBATIM under RESP2 ... Under RESP3 a
 * verbatim string's 'n' is the text's length without the "txt:" that
 * resp_enc_verbatim adds. */
size_t resp_enc_header(char *buf, enum resp_type type, long long n,
                       int proto);

/* A null: "_" under RESP3; under RESP2 "$-1", or "*-1" if 'as' is
 * RESP_ARRAY (Redis's null array). */
size_t resp_enc_null(char *buf, enum resp_type as, int proto);

/* A whole double (Redis's "%.17g", "inf", "-inf", "nan"): ",d" under
 * RESP3, a bulk string under RESP2. */
size_t resp_enc_double(char *buf, double d, int proto);

/* A whole boolean: "#t"/"#f" under RESP3, ":1"/":0" under RESP2. */
size_t resp_enc_bool(char *buf, bool value, int proto);

/* The header of a verbatim string of 'len' bytes in format 'fmt' (three
 * letters, "txt"): "=len+4\r\nfmt:" under RESP3, "$len\r\n" under RESP2.
 * The text and "\r\n" follow. */
size_t resp_enc_verbatim(char *buf, size_t len, const char *fmt, int proto);

/* A whole bulk string: its header, the 'len' bytes at 'data' and CRLF.
 * 'buf' must hold len + RESP_ENC_MAX bytes. */
size_t resp_enc_bulk(char *buf, const void *data, size_t len);

/* The type a RESP2 reader sees for a value of 'type' ('*' for a map...). */
enum resp_type resp_enc_type2(enum resp_type type);

/* Writers. Each appends one RESP value to 'out'. */
void resp_add_simple(struct evbuffer *out, const char *text);
void resp_add_integer(struct evbuffer *out, long long value);
void resp_add_bulk(struct evbuffer *out, const void *data, size_t len);
void resp_add_bulk_str(struct evbuffer *out, const char *text);
void resp_add_null(struct evbuffer *out);       /* $-1 */
void resp_add_null_array(struct evbuffer *out); /* *-1 */
void resp_add_array(struct evbuffer *out, long long count);

/* Writers for a client of either protocol ('proto' 2 or 3): a null (as
 * resp_enc_null), the header of an aggregate (as resp_enc_header: a map
 * of 'n' pairs, a set, a push...), a whole verbatim text string ("=" under
 * RESP3, a bulk string under RESP2). */
void resp_add_null_proto(struct evbuffer *out, enum resp_type as, int proto);
void resp_add_header(struct evbuffer *out, enum resp_type type, long long n,
                     int proto);
void resp_add_verbatim(struct evbuffer *out, const void *data, size_t len,
                       int proto);

/* The one rule for framing an error reply, used by every role: the text
 * carries its own code when it starts with '-' (the caller says so:
 * "-NOMASTERLINK ...") or with one of Redis's codes and a space
 * ("WRONGTYPE ...", "NOAUTH ...", "MOVED ..."); otherwise "ERR " goes in
 * front. Returns the prefix to write, "-" or "-ERR ", and sets '*body' to
 * where the text to write after it starts (past a leading '-'). */
const char *resp_error_prefix(const char *text, const char **body);

/* Turn CR and LF in the 'len' bytes at 'text' into spaces, so an error
 * text can never break the protocol. */
void resp_error_clean(char *text, size_t len);

/* Append an error reply framed by resp_error_prefix, its text cleaned by
 * resp_error_clean. */
void resp_add_error(struct evbuffer *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The same, taking the finished text. */
void resp_add_error_text(struct evbuffer *out, const char *text);

#endif
