/* CLIENT for the proxy's sessions; see clientcmd.h. */
#include "roles/proxy/clientcmd.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <event2/buffer.h>

#include "roles/proxy/request.h"
#include "roles/proxy/session.h"
#include "roles/proxy/worker.h"

static bool clientcmd_is(const char *buf, const struct resp_arg *a,
                         const char *word)
{
    size_t n = strlen(word);
    return a->len == n && strncasecmp(buf + a->off, word, n) == 0;
}

/* "ip:port" of the socket 'fd' (its peer when 'peer'), into 'out'. */
static void clientcmd_addr(int fd, bool peer, char *out, size_t size)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int rc = peer ? getpeername(fd, (struct sockaddr *)&ss, &len)
                  : getsockname(fd, (struct sockaddr *)&ss, &len);
    char ip[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (rc == 0 && ss.ss_family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
        port = ntohs(a->sin_port);
    } else if (rc == 0 && ss.ss_family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
        port = ntohs(a->sin6_port);
    }
    snprintf(out, size, "%s:%d", ip, port);
}

/* One CLIENT LIST line for 's' (session_list_lock held, or 's' is the
 * caller's own) appended to 'out'. */
static void clientcmd_line(struct session *s, struct pbuf *out,
                           uint64_t now_ms)
{
    char addr[80], laddr[80], line[600];
    clientcmd_addr(s->fd, true, addr, sizeof(addr));
    clientcmd_addr(s->fd, false, laddr, sizeof(laddr));
    int n = snprintf(line, sizeof(line),
                     "id=%llu addr=%s laddr=%s fd=%d name=%s age=%llu "
                     "idle=%llu flags=%s db=%d sub=%u psub=%u multi=-1 "
                     "qbuf=0 qbuf-free=0 argv-mem=0 obl=0 oll=0 omem=0 "
                     "tot-mem=0 events=r cmd=NULL user=default resp=%d\n",
                     (unsigned long long)s->id, addr, laddr, s->fd,
                     s->name != NULL ? s->name : "",
                     (unsigned long long)((now_ms - s->start_ms) / 1000),
                     (unsigned long long)((now_ms - s->last_active_ms) /
                                          1000),
                     s->nsub + s->npsub > 0 ? "P" : "N", s->db, s->nsub,
                     s->npsub, s->proto);
    if (n > 0) {
        pbuf_append(out, line, (size_t)n < sizeof(line) ? (size_t)n
                                                        : sizeof(line) - 1);
    }
}

/* CLIENT LIST [TYPE normal] [ID id ...] */
static void clientcmd_list(struct session *self, struct request *r,
                           const char *buf, const struct resp_arg *argv,
                           int argc)
{
    struct worker *me = self->worker;
    bool none = false;
    int ids = 0;
    for (int i = 2; i < argc; i++) {
        if (clientcmd_is(buf, &argv[i], "type") && i + 1 < argc) {
            none = !clientcmd_is(buf, &argv[i + 1], "normal");
            i++;
        } else if (clientcmd_is(buf, &argv[i], "id") && i + 1 < argc) {
            ids = i + 1;
            break;
        } else {
            request_fail(r, "syntax error");
            return;
        }
    }
    uint64_t now = worker_now_ms(me);
    struct pbuf out;
    memset(&out, 0, sizeof(out));
    int n;
    struct worker **all = worker_all(&n);
    pthread_mutex_lock(&session_list_lock);
    for (int k = 0; k < n && !none; k++) {
        struct session *s;
        TAILQ_FOREACH(s, &all[k]->sessions, link) {
            bool want = ids == 0;
            for (int i = ids; ids > 0 && i < argc; i++) {
                long long id;
                want = want || (resp_parse_ll(buf + argv[i].off, argv[i].len,
                                              &id) == 0 &&
                                (uint64_t)id == s->id);
            }
            if (want) {
                clientcmd_line(s, &out, now);
            }
        }
    }
    pthread_mutex_unlock(&session_list_lock);
    resp_add_verbatim(me->scratch, pbuf_head(&out), pbuf_size(&out),
                      self->proto);
    pbuf_release(&out);
    request_reply_scratch(r);
}

/* CLIENT KILL addr:port | KILL [ID id] [ADDR a] [LADDR a] [SKIPME yes|no] */
static void clientcmd_kill(struct session *self, struct request *r,
                           const char *buf, const struct resp_arg *argv,
                           int argc)
{
    const struct resp_arg *addr = NULL, *laddr = NULL;
    long long id = -1;
    bool skipme = true, old = argc == 3;
    if (old) {
        addr = &argv[2];
        skipme = false;
    } else {
        for (int i = 2; i < argc; i += 2) {
            if (i + 1 >= argc) {
                request_fail(r, "syntax error");
                return;
            }
            const struct resp_arg *v = &argv[i + 1];
            if (clientcmd_is(buf, &argv[i], "id")) {
                if (resp_parse_ll(buf + v->off, v->len, &id) != 0 || id < 1) {
                    request_fail(r, "client-id should be greater than 0");
                    return;
                }
            } else if (clientcmd_is(buf, &argv[i], "addr")) {
                addr = v;
            } else if (clientcmd_is(buf, &argv[i], "laddr")) {
                laddr = v;
            } else if (clientcmd_is(buf, &argv[i], "skipme")) {
                if (clientcmd_is(buf, v, "yes")) {
                    skipme = true;
                } else if (clientcmd_is(buf, v, "no")) {
                    skipme = false;
                } else {
                    request_fail(r, "syntax error");
                    return;
                }
            } else if (clientcmd_is(buf, &argv[i], "type") ||
                       clientcmd_is(buf, &argv[i], "user")) {
                /* every session is a normal client of the default user */
                if (clientcmd_is(buf, &argv[i], "type") &&
                    !clientcmd_is(buf, v, "normal")) {
                    id = 0;
                }
            } else {
                request_fail(r, "syntax error");
                return;
            }
        }
    }
    long long killed = 0;
    bool kill_self = false;
    int n;
    struct worker **all = worker_all(&n);
    pthread_mutex_lock(&session_list_lock);
    for (int k = 0; k < n; k++) {
        struct session *s;
        TAILQ_FOREACH(s, &all[k]->sessions, link) {
            char a[80];
            if (id == 0 || (id > 0 && s->id != (uint64_t)id) ||
                (s == self && skipme)) {
                continue;
            }
            if (addr != NULL) {
                clientcmd_addr(s->fd, true, a, sizeof(a));
                if (strlen(a) != addr->len ||
                    memcmp(a, buf + addr->off, addr->len) != 0) {
                    continue;
                }
            }
            if (laddr != NULL) {
                clientcmd_addr(s->fd, false, a, sizeof(a));
                if (strlen(a) != laddr->len ||
                    memcmp(a, buf + laddr->off, laddr->len) != 0) {
                    continue;
                }
            }
            killed++;
            if (s == self) {
                kill_self = true;
            } else {
                /* its worker reads the end of the stream and closes it */
                shutdown(s->fd, SHUT_RDWR);
            }
        }
    }
    pthread_mutex_unlock(&session_list_lock);
    if (old && killed == 0) {
        request_fail(r, "No such client");
        return;
    }
    if (old) {
        resp_add_simple(self->worker->scratch, "OK");
    } else {
        resp_add_integer(self->worker->scratch, killed);
    }
    request_reply_scratch(r);
    if (kill_self) {
        session_quit(self);
    }
}

void clientcmd_client(struct session *s, struct request *r, const char *buf,
                      const struct resp_arg *argv, int argc)
{
    struct evbuffer *out = s->worker->scratch;
    const struct resp_arg *sub = &argv[1];
    if (clientcmd_is(buf, sub, "id") && argc == 2) {
        resp_add_integer(out, (long long)s->id);
    } else if (clientcmd_is(buf, sub, "getname") && argc == 2) {
        if (s->name != NULL) {
            resp_add_bulk_str(out, s->name);
        } else {
            resp_add_null_proto(out, RESP_BULK, s->proto);
        }
    } else if (clientcmd_is(buf, sub, "setname") && argc == 3) {
        if (session_set_name(s, buf + argv[2].off, argv[2].len) != 0) {
            request_fail(r, "Client names cannot contain spaces, newlines or "
                         "special characters.");
            return;
        }
        resp_add_simple(out, "OK");
    } else if (clientcmd_is(buf, sub, "info") && argc == 2) {
        struct pbuf line;
        memset(&line, 0, sizeof(line));
        clientcmd_line(s, &line, worker_now_ms(s->worker));
        resp_add_verbatim(out, pbuf_head(&line), pbuf_size(&line),
                          s->proto);
        pbuf_release(&line);
    } else if (clientcmd_is(buf, sub, "list")) {
        clientcmd_list(s, r, buf, argv, argc);
        return;
    } else if (clientcmd_is(buf, sub, "kill") && argc >= 3) {
        clientcmd_kill(s, r, buf, argv, argc);
        return;
    } else if (clientcmd_is(buf, sub, "id") ||
               clientcmd_is(buf, sub, "getname") ||
               clientcmd_is(buf, sub, "setname") ||
               clientcmd_is(buf, sub, "info") ||
               clientcmd_is(buf, sub, "kill")) {
        char lower[16];
        size_t n = sub->len < sizeof(lower) ? sub->len : sizeof(lower) - 1;
        for (size_t i = 0; i < n; i++) {
            char c = buf[sub->off + i];
            lower[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        }
        lower[n] = '\0';
        request_fail(r, "wrong number of arguments for 'client|%s' command",
                     lower);
        return;
    } else {
        request_fail(r, "handle request, CLIENT %.*s is not allowed through "
                     "the proxy (it answers ID, GETNAME, SETNAME, INFO, LIST "
                     "and KILL for its own clients)",
                     (int)(sub->len > 32 ? 32 : sub->len), buf + sub->off);
        return;
    }
    request_reply_scratch(r);
}
