/* libFuzzer target: redis.conf parsing (redis/config.c,
 * config_load_file), which splits each line into words Redis's way
 * (quotes, escapes) and applies it through the directive table. The input
 * is the file's text. Each run starts from the defaults
 * (server_init_config) and ends with config_release, and the working
 * directory (the 'dir' directive changes it) is put back, so runs do not
 * see each other. Properties: a file that loads leaves the bounded
 * directives within their bounds; a failure says why. */
#include "t/fuzz/fuzz.h"

#include <limits.h>

#include "redis/server.h"

static char fuzz_cwd[PATH_MAX];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_quiet_log();
    fuzz_check(getcwd(fuzz_cwd, sizeof(fuzz_cwd)) != NULL, "getcwd failed");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    server_init_config();
    char err[1024];
    err[0] = '\0';
    if (config_load_file(path, err, sizeof(err)) == 0) {
        fuzz_check(server.port >= 0 && server.port <= 65535, "port %d",
                   server.port);
        fuzz_check(server.databases >= 1 && server.databases <= 10000,
                   "databases %d", server.databases);
        fuzz_check(server.hz >= 1 && server.hz <= 500, "hz %d", server.hz);
        fuzz_check(server.maxmemory >= 0, "maxmemory %lld",
                   server.maxmemory);
        fuzz_check(server.masterhost == NULL ||
                       (server.masterport >= 1 && server.masterport <= 65535),
                   "replicaof port %d", server.masterport);
    } else {
        fuzz_check(err[0] != '\0', "config_load_file failed without a reason");
    }
    config_release();
    fuzz_check(chdir(fuzz_cwd) == 0, "cannot return to '%s'", fuzz_cwd);
    return 0;
}
