/* The `codis server` role: a Redis-compatible data server with Codis's
 * slot commands. This file only turns the command line and redis.conf into
 * the engine's configuration, daemonizes if asked, and runs the engine in
 * redis/ (server_init, server_run). Command line as redis-server's: an
 * optional config file, then any directive as --name value... */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "redis/server.h"

static const char server_main_usage[] =
    "usage: codis-server [/path/to/redis.conf] [--<directive> <value>...]\n"
    "       codis-server -v | --version\n"
    "       codis-server -h | --help\n"
    "\n"
    "Every redis.conf directive can be given as --<directive> <value>;\n"
    "the command line wins over the file. The usual ones:\n"
    "   --port <n>              TCP port (default 6379)\n"
    "   --bind <addr>...        addresses to listen on (default: all)\n"
    "   --daemonize yes|no      run in the background\n"
    "   --pidfile <file>        write the process id there\n"
    "   --logfile <file>        log there instead of stderr\n"
    "   --loglevel <level>      debug, verbose, notice or warning\n"
    "   --requirepass <pw>      clients must AUTH with this password\n"
    "   --maxmemory <bytes>     refuse writes above this (1gb, 100mb ...)\n"
    "   --databases <n>         number of databases (default 16)\n"
    "   --dir <dir>             working directory\n"
    "   --dbfilename <file>     RDB file name in --dir\n"
    "   --slaveof <host> <port> replicate from this master\n"
    "   --timeout <s>           close clients idle this long (0: never)\n"
    "   --maxclients <n>        refuse connections beyond this many\n";

/* Apply the --name value... groups of 'argv' from index 'i'. */
static int server_main_apply_args(int argc, char **argv, int i, char *err,
                                  size_t errlen)
{
    config_begin_source();
    while (i < argc) {
        if (strncmp(argv[i], "--", 2) != 0 || argv[i][2] == '\0') {
            snprintf(err, errlen, "unexpected argument '%s' (options are "
                     "--<directive> <value>)", argv[i]);
            return -1;
        }
        int start = i++;
        while (i < argc && strncmp(argv[i], "--", 2) != 0) {
            i++;
        }
        char **words = mem_alloc((size_t)(i - start) * sizeof(*words));
        words[0] = argv[start] + 2;
        for (int k = start + 1; k < i; k++) {
            words[k - start] = argv[k];
        }
        int rc = config_apply(i - start, words, err, errlen);
        mem_free(words);
        if (rc != 0) {
            return -1;
        }
    }
    return 0;
}

/* Fork into the background; the parent exits. Returns 0 in the child. */
/* Warn when a server without requirepass listens beyond this machine:
 * every address of 'bind' must be a loopback one (a leading '-' marks an
 * optional address) for it to stay quiet. */
static void server_main_warn_open(void)
{
    if (server.requirepass != NULL && server.requirepass[0] != '\0') {
        return;
    }
    const char *b = server.bind != NULL ? server.bind : "";
    bool local = b[0] != '\0';
    for (const char *p = b; *p != '\0' && local;) {
        p += strspn(p, " ");
        p += *p == '-';
        size_t n = strcspn(p, " ");
        local = n == 0 || strncmp(p, "127.", 4) == 0 ||
                (n == 3 && strncmp(p, "::1", 3) == 0) ||
                (n == 9 && strncmp(p, "localhost", 9) == 0);
        p += n;
    }
    if (!local) {
        log_warn("listening on '%s' port %d beyond this machine without "
                 "requirepass: anyone who reaches it reads and changes the "
                 "data; set requirepass (and product_auth in config.ini) "
                 "or bind 127.0.0.1", b[0] != '\0' ? b : "*", server.port);
    }
}

static int server_main_daemonize(char *err, size_t errlen)
{
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "cannot fork: %s", strerror(errno));
        return -1;
    }
    if (pid > 0) {
        exit(0);
    }
    if (setsid() < 0) {
        snprintf(err, errlen, "cannot start a session: %s", strerror(errno));
        return -1;
    }
    int fd = open("/dev/null", O_RDWR);
    if (fd >= 0) {
        dup2(fd, STDIN_FILENO);
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        if (fd > STDERR_FILENO) {
            close(fd);
        }
    }
    return 0;
}

/* Entry point of `codis server`; returns the exit status. */
/* The build's version (make passes `git describe` and the build day). */
#ifndef CODIS_VERSION
#define CODIS_VERSION "unknown"
#endif

int server_main(int argc, char **argv)
{
    char err[1024];
    int i = 1;
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 ||
                     strcmp(argv[1], "--help") == 0)) {
        fputs(server_main_usage, stdout);
        return 0;
    }
    if (argc > 1 && (strcmp(argv[1], "-v") == 0 ||
                     strcmp(argv[1], "--version") == 0)) {
        printf("codis-server v=%s (Redis-compatible), codis version %s\n",
               SERVER_VERSION, CODIS_VERSION);
        return 0;
    }
    server_init_config();
    if (argc > 1 && strncmp(argv[1], "--", 2) != 0) {
        char path[PATH_MAX];
        if (realpath(argv[1], path) == NULL) {
            fprintf(stderr, "codis-server: cannot open config file '%s': "
                    "%s\n", argv[1], strerror(errno));
            server_release();
            return 1;
        }
        server.config_file = mem_strdup(path);
        if (config_load_file(path, err, sizeof(err)) != 0) {
            fprintf(stderr, "codis-server: %s\n", err);
            server_release();
            return 1;
        }
        i = 2;
    }
    if (server_main_apply_args(argc, argv, i, err, sizeof(err)) != 0) {
        fprintf(stderr, "codis-server: %s\n%s", err, server_main_usage);
        server_release();
        return 2;
    }
    if (acl_load_at_start(err, sizeof(err)) != 0) {
        fprintf(stderr, "codis-server: %s\n", err);
        server_release();
        return 1;
    }
    if (log_init("server", server.logfile, err, sizeof(err)) != 0) {
        fprintf(stderr, "codis-server: %s\n", err);
        server_release();
        return 1;
    }
    if (server.daemonize && server_main_daemonize(err, sizeof(err)) != 0) {
        log_error("%s", err);
        server_release();
        log_close();
        return 1;
    }
    if (server_init(err, sizeof(err)) != 0) {
        log_error("%s", err);
        if (!server.daemonize) {
            fprintf(stderr, "codis-server: %s\n", err);
        }
        server_release();
        log_close();
        return 1;
    }
    server_main_warn_open();
    int rc = server_run();
    server_release();
    log_close();
    return rc;
}
