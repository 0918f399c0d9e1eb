/* Unit tests of lib/rclient: reply parsing, INFO fields, and a real
 * exchange with a scripted fake server on a thread (AUTH, a command, a
 * timeout, a refused connection). */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lib/rclient.h"
#include "t/unit/tap.h"

static void test_parse(void)
{
    const char *in = "*3\r\n$3\r\nfoo\r\n:-12\r\n*2\r\n+OK\r\n$-1\r\n";
    struct rclient_reply *r = rclient_reply_parse(in, strlen(in));
    tap_ok(r != NULL && r->type == RCLIENT_ARRAY && r->count == 3,
           "nested array parses");
    tap_ok(r != NULL && r->elements[0]->type == RCLIENT_BULK &&
               strcmp(r->elements[0]->str, "foo") == 0,
           "bulk element");
    tap_ok(r != NULL && r->elements[1]->integer == -12, "integer element");
    tap_ok(r != NULL && r->elements[2]->elements[1]->type == RCLIENT_NIL,
           "nil inside nested array");
    rclient_reply_free(r);
    r = rclient_reply_parse("-ERR bad\r\n", 10);
    tap_ok(r != NULL && r->type == RCLIENT_ERROR &&
               strcmp(r->str, "ERR bad") == 0,
           "error reply");
    rclient_reply_free(r);
    tap_ok(rclient_reply_parse("$5\r\nab\r\n", 8) == NULL,
           "short bulk refused");
    tap_ok(rclient_reply_parse("?x\r\n", 4) == NULL, "unknown type refused");
    tap_ok(rclient_reply_parse("*2\r\n:1\r\n", 8) == NULL,
           "short array refused");

    char v[64];
    const char *info = "# Server\r\nredis_version:7.0.0\r\nrole:master\r\n"
                       "db0:keys=3,expires=0\r\n";
    tap_ok(rclient_info_get(info, "role", v, sizeof(v)) == 0 &&
               strcmp(v, "master") == 0,
           "INFO field found");
    tap_ok(rclient_info_get(info, "db0", v, sizeof(v)) == 0 &&
               strcmp(v, "keys=3,expires=0") == 0,
           "INFO value with '=' kept");
    tap_int(rclient_info_get(info, "rol", v, sizeof(v)), -1,
            "a key prefix is not a match");
}

/* The fake server: answers AUTH then one PING, then goes silent. */
static int listen_fd;

static void *fake_server(void *arg)
{
    int fd = accept(listen_fd, NULL, NULL);
    char buf[256];
    size_t got = 0;
    /* "AUTH secret" as RESP: 4 + 10 + 12 bytes */
    while (got < 26) {
        ssize_t n = read(fd, buf + got, sizeof(buf) - got);
        if (n <= 0) {
            close(fd);
            return NULL;
        }
        got += (size_t)n;
    }
    write(fd, "+OK\r\n", 5);
    got = 0;
    while (got < 14) { /* *1 $4 PING */
        ssize_t n = read(fd, buf + got, sizeof(buf) - got);
        if (n <= 0) {
            close(fd);
            return NULL;
        }
        got += (size_t)n;
    }
    /* the reply comes in two pieces, to exercise resumed scanning */
    write(fd, "*2\r\n$4\r\nPO", 10);
    usleep(20000);
    write(fd, "NG\r\n:7\r\n", 8);
    /* then silence until the client gives up and closes */
    while (read(fd, buf, sizeof(buf)) > 0) {
    }
    close(fd);
    return NULL;
}

static void test_exchange(void)
{
    char err[256];
    listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa));
    listen(listen_fd, 4);
    socklen_t sl = sizeof(sa);
    getsockname(listen_fd, (struct sockaddr *)&sa, &sl);
    char addr[64];
    snprintf(addr, sizeof(addr), "127.0.0.1:%d", ntohs(sa.sin_port));
    pthread_t th;
    pthread_create(&th, NULL, fake_server, NULL);

    struct rclient *c = rclient_connect(addr, "secret", 300, err, sizeof(err));
    if (!tap_ok(c != NULL, "connect and AUTH")) {
        printf("# %s\n", err);
    }
    struct rclient_reply *r = c ? rclient_command(c, err, sizeof(err), "PING",
                                                  NULL)
                                : NULL;
    tap_ok(r != NULL && r->type == RCLIENT_ARRAY && r->count == 2 &&
               strcmp(r->elements[0]->str, "PONG") == 0 &&
               r->elements[1]->integer == 7,
           "a reply split over two reads");
    rclient_reply_free(r);
    r = c ? rclient_command(c, err, sizeof(err), "PING", NULL) : NULL;
    tap_ok(r == NULL && strstr(err, "timed out") != NULL,
           "a silent server times out");
    rclient_close(c);
    pthread_join(th, NULL);
    close(listen_fd);

    c = rclient_connect(addr, NULL, 300, err, sizeof(err));
    tap_ok(c == NULL && strstr(err, "cannot connect to") != NULL &&
               strstr(err, "refused") != NULL,
           "a closed port is refused with a message");
    c = rclient_connect("nohostport", NULL, 300, err, sizeof(err));
    tap_ok(c == NULL && strstr(err, "bad server address") != NULL,
           "a bad address is refused");
}

int main(void)
{
    test_parse();
    test_exchange();
    return tap_done();
}
