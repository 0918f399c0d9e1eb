/* A blocking Redis client; see rclient.h. The socket is non-blocking and
 * every wait goes through poll() with what is left of the client's
 * timeout, so no call can hang. lib/resp's scanner finds where a reply
 * ends; rclient_reply_parse then builds the tree from those bytes. */
#include "lib/rclient.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "lib/clock.h"
#include "lib/mem.h"
#include "lib/model.h"
#include "lib/resp.h"

#define RCLIENT_MAX_REPLY (512LL * 1024 * 1024)

/* A connection. */
struct rclient {
    int fd;
    int timeout_ms;
    char addr[MODEL_ADDR_MAX];
    char *buf; /* unread input, owned */
    size_t len;
    size_t cap;
};

/* Wait until 'fd' is ready for 'events' or 'deadline' passes. Returns 0,
 * or -1 with errno set (ETIMEDOUT on timeout). */
static int rclient_wait(int fd, short events, long long deadline)
{
    for (;;) {
        long long left = deadline - clock_now_ms();
        if (left <= 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        struct pollfd p = { .fd = fd, .events = events, .revents = 0 };
        int n = poll(&p, 1, (int)left);
        if (n > 0) {
            return 0;
        }
        if (n < 0 && errno != EINTR) {
            return -1;
        }
    }
}

/* Connect to one resolved address within the deadline. */
static int rclient_try_connect(const struct addrinfo *ai, long long deadline)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
                                       SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
        return -1;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        if (errno != EINPROGRESS) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (rclient_wait(fd, POLLOUT, deadline) != 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        int soerr = 0;
        socklen_t sl = sizeof(soerr);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 ||
            soerr != 0) {
            close(fd);
            errno = soerr != 0 ? soerr : errno;
            return -1;
        }
    }
    int one = 1;
    /* Commands are small request/reply exchanges: no Nagle delay. */
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

struct rclient *rclient_connect(const char *addr, const char *password,
                                int timeout_ms, char *err, size_t errlen)
{
    char host[MODEL_ADDR_MAX];
    int port;
    char why[256];
    if (model_addr_split(addr, host, sizeof(host), &port, why,
                         sizeof(why)) != 0 || port == 0) {
        snprintf(err, errlen, "bad server address '%s'", addr);
        return NULL;
    }
    char portstr[16];
    snprintf(portstr, sizeof(portstr), "%d", port);
    struct addrinfo hints;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(host[0] != '\0' ? host : "127.0.0.1", portstr,
                          &hints, &res);
    if (gai != 0) {
        snprintf(err, errlen, "cannot resolve '%s': %s", addr,
                 gai_strerror(gai));
        return NULL;
    }
    long long deadline = clock_now_ms() + timeout_ms;
    int fd = -1;
    int last_errno = ECONNREFUSED;
    for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = rclient_try_connect(ai, deadline);
        if (fd < 0) {
            last_errno = errno;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(err, errlen, "cannot connect to '%s': %s", addr,
                 strerror(last_errno));
        return NULL;
    }
    struct rclient *c = mem_calloc(1, sizeof(*c));
    c->fd = fd;
    c->timeout_ms = timeout_ms;
    snprintf(c->addr, sizeof(c->addr), "%s", addr);
    if (password != NULL && password[0] != '\0') {
        struct rclient_reply *r = rclient_command(c, err, errlen, "AUTH",
                                                  password, NULL);
        if (r == NULL) {
            rclient_close(c);
            return NULL;
        }
        if (r->type == RCLIENT_ERROR) {
            snprintf(err, errlen, "'%s' refused AUTH: %s", addr, r->str);
            rclient_reply_free(r);
            rclient_close(c);
            return NULL;
        }
        rclient_reply_free(r);
    }
    return c;
}

void rclient_close(struct rclient *client)
{
    if (client == NULL) {
        return;
    }
    close(client->fd);
    mem_free(client->buf);
    mem_free(client);
}

/* Append 'n' bytes to a growing output buffer. */
static void rclient_append(char **out, size_t *len, size_t *cap,
                           const void *data, size_t n)
{
    if (*len + n > *cap) {
        size_t c = *cap ? *cap : 256;
        while (*len + n > c) {
            c *= 2;
        }
        *out = mem_realloc(*out, c);
        *cap = c;
    }
    memcpy(*out + *len, data, n);
    *len += n;
}

static int rclient_send(struct rclient *c, const char *data, size_t len,
                        long long deadline, char *err, size_t errlen)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n = send(c->fd, data + off, len - off, MSG_NOSIGNAL);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
            rclient_wait(c->fd, POLLOUT, deadline) == 0) {
            continue;
        }
        snprintf(err, errlen, "cannot write to '%s': %s", c->addr,
                 strerror(errno));
        return -1;
    }
    return 0;
}

/* Read until one whole reply is buffered; returns its length, or -1. */
static long long rclient_read_reply(struct rclient *c, long long deadline,
                                    char *err, size_t errlen)
{
    struct resp_scanner s;
    resp_scanner_init(&s);
    for (;;) {
        if (c->len > 0) {
            enum resp_status st = resp_scanner_scan(&s, c->buf, c->len);
            if (st == RESP_OK) {
                return (long long)s.pos;
            }
            if (st == RESP_ERROR) {
                snprintf(err, errlen, "bad reply from '%s': %s", c->addr,
                         s.err);
                return -1;
            }
        }
        if ((long long)c->len > RCLIENT_MAX_REPLY) {
            snprintf(err, errlen, "reply from '%s' is too large", c->addr);
            return -1;
        }
        if (c->cap - c->len < 4096) {
            c->cap = c->cap ? c->cap * 2 : 16384;
            c->buf = mem_realloc(c->buf, c->cap);
        }
        ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
        if (n > 0) {
            c->len += (size_t)n;
            continue;
        }
        if (n == 0) {
            snprintf(err, errlen, "'%s' closed the connection", c->addr);
            return -1;
        }
        if (errno == EINTR) {
            continue;
        }
        if ((errno == EAGAIN || errno == EWOULDBLOCK) &&
            rclient_wait(c->fd, POLLIN, deadline) == 0) {
            continue;
        }
        snprintf(err, errlen, "cannot read from '%s': %s", c->addr,
                 errno == ETIMEDOUT ? "timed out" : strerror(errno));
        return -1;
    }
}

struct rclient_reply *rclient_command_argv(struct rclient *client, int argc,
                                           const char *const *argv,
                                           const size_t *lens, char *err,
                                           size_t errlen)
{
    char *out = NULL;
    size_t len = 0;
    size_t cap = 0;
    char head[RESP_ENC_MAX];
    rclient_append(&out, &len, &cap, head,
                   resp_enc_header(head, RESP_ARRAY, argc, 2));
    for (int i = 0; i < argc; i++) {
        size_t alen = lens != NULL ? lens[i] : strlen(argv[i]);
        rclient_append(&out, &len, &cap, head,
                       resp_enc_header(head, RESP_BULK, (long long)alen, 2));
        rclient_append(&out, &len, &cap, argv[i], alen);
        rclient_append(&out, &len, &cap, "\r\n", 2);
    }
    long long deadline = clock_now_ms() + client->timeout_ms;
    int rc = rclient_send(client, out, len, deadline, err, errlen);
    mem_free(out);
    if (rc != 0) {
        return NULL;
    }
    long long size = rclient_read_reply(client, deadline, err, errlen);
    if (size < 0) {
        return NULL;
    }
    struct rclient_reply *reply = rclient_reply_parse(client->buf,
                                                      (size_t)size);
    if (reply == NULL) {
        snprintf(err, errlen, "bad reply from '%s'", client->addr);
        return NULL;
    }
    memmove(client->buf, client->buf + size, client->len - (size_t)size);
    client->len -= (size_t)size;
    return reply;
}

struct rclient_reply *rclient_command(struct rclient *client, char *err,
                                      size_t errlen, ...)
{
    const char *argv[64];
    int argc = 0;
    va_list ap;
    va_start(ap, errlen);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL) {
        if (argc == 64) {
            va_end(ap);
            snprintf(err, errlen, "too many arguments");
            return NULL;
        }
        argv[argc++] = a;
    }
    va_end(ap);
    return rclient_command_argv(client, argc, argv, NULL, err, errlen);
}

void rclient_reply_free(struct rclient_reply *reply)
{
    if (reply == NULL) {
        return;
    }
    for (size_t i = 0; i < reply->count; i++) {
        rclient_reply_free(reply->elements[i]);
    }
    mem_free(reply->elements);
    mem_free(reply->str);
    mem_free(reply);
}

/* Parse one reply at buf[*pos]; advances *pos. */
static struct rclient_reply *rclient_parse_at(const char *buf, size_t len,
                                              size_t *pos, int depth)
{
    if (*pos >= len || depth > RESP_MAX_DEPTH) {
        return NULL;
    }
    const char *line = buf + *pos;
    const char *crlf = memmem(line, len - *pos, "\r\n", 2);
    if (crlf == NULL) {
        return NULL;
    }
    size_t llen = (size_t)(crlf - line);
    size_t next = *pos + llen + 2;
    struct rclient_reply *r = mem_calloc(1, sizeof(*r));
    long long v = 0;
    switch (line[0]) {
    case '+':
    case '-':
        r->type = line[0] == '+' ? RCLIENT_STATUS : RCLIENT_ERROR;
        r->str = mem_strndup(line + 1, llen - 1);
        r->len = llen - 1;
        *pos = next;
        return r;
    case ':':
        if (resp_parse_ll(line + 1, llen - 1, &v) != 0) {
            break;
        }
        r->type = RCLIENT_INTEGER;
        r->integer = v;
        *pos = next;
        return r;
    case '$':
        if (resp_parse_ll(line + 1, llen - 1, &v) != 0) {
            break;
        }
        if (v < 0) {
            r->type = RCLIENT_NIL;
            *pos = next;
            return r;
        }
        if ((unsigned long long)v + 2 > len - next) {
            break;
        }
        r->type = RCLIENT_BULK;
        r->str = mem_strndup(buf + next, (size_t)v);
        r->len = (size_t)v;
        *pos = next + (size_t)v + 2;
        return r;
    case '*':
        if (resp_parse_ll(line + 1, llen - 1, &v) != 0) {
            break;
        }
        if (v < 0) {
            r->type = RCLIENT_NIL;
            *pos = next;
            return r;
        }
        if ((unsigned long long)v > len - next) {
            break; /* each element takes at least one byte */
        }
        r->type = RCLIENT_ARRAY;
        r->elements = mem_calloc(v ? (size_t)v : 1, sizeof(*r->elements));
        *pos = next;
        for (long long i = 0; i < v; i++) {
            r->elements[i] = rclient_parse_at(buf, len, pos, depth + 1);
            if (r->elements[i] == NULL) {
                rclient_reply_free(r);
                return NULL;
            }
            r->count++;
        }
        return r;
    default:
        break;
    }
    rclient_reply_free(r);
    return NULL;
}

struct rclient_reply *rclient_reply_parse(const char *buf, size_t len)
{
    size_t pos = 0;
    return rclient_parse_at(buf, len, &pos, 0);
}

int rclient_info_get(const char *info, const char *key, char *out,
                     size_t outlen)
{
    size_t klen = strlen(key);
    const char *p = info;
    while (*p != '\0') {
        const char *eol = strpbrk(p, "\r\n");
        size_t llen = eol != NULL ? (size_t)(eol - p) : strlen(p);
        if (llen > klen && strncmp(p, key, klen) == 0 && p[klen] == ':') {
            size_t vlen = llen - klen - 1;
            if (vlen >= outlen) {
                vlen = outlen - 1;
            }
            memcpy(out, p + klen + 1, vlen);
            out[vlen] = '\0';
            return 0;
        }
        p += llen;
        while (*p == '\r' || *p == '\n') {
            p++;
        }
    }
    return -1;
}

int rclient_oneshot(const char *addr, const char *password, int timeout_ms,
                    struct rclient_reply **reply, char *err, size_t errlen,
                    const char *const *argv)
{
    struct rclient *c = rclient_connect(addr, password, timeout_ms, err,
                                        errlen);
    if (c == NULL) {
        return -1;
    }
    int argc = 0;
    while (argv[argc] != NULL) {
        argc++;
    }
    struct rclient_reply *r = rclient_command_argv(c, argc, argv, NULL, err,
                                                   errlen);
    rclient_close(c);
    if (r == NULL) {
        return -1;
    }
    if (r->type == RCLIENT_ERROR) {
        snprintf(err, errlen, "'%s' replied to %s: %s", addr, argv[0], r->str);
        rclient_reply_free(r);
        return -1;
    }
    if (reply != NULL) {
        *reply = r;
    } else {
        rclient_reply_free(r);
    }
    return 0;
}
