/* codis: one binary, several roles. This file holds the role table and the
 * dispatch, nothing else. The role comes from the name the binary was run
 * as (codis-proxy -> proxy, through the symlinks in bin/) or, when run as
 * plain "codis", from the first argument (codis proxy ...). Each role's
 * entry point is <role>_main(argc, argv) in roles/<role>/<role>_main.c; its
 * argv[0] is "codis-<role>" whichever way it was reached, and its return
 * value is the exit status. `--version` or `-v` (alone) is answered here for every
 * role but those that print their own (the server, in Redis's form). */
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Entry points of the roles, one per roles/<role>/. */
int server_main(int argc, char **argv);
int proxy_main(int argc, char **argv);
int dashboard_main(int argc, char **argv);
int config_main(int argc, char **argv);
int ha_main(int argc, char **argv);
int demo_main(int argc, char **argv);

/* The build's version (make passes `git describe`). */
#ifndef CODIS_VERSION
#define CODIS_VERSION "unknown"
#endif

/* One role: its name, its entry point, a line for the role list, and
 * whether it answers `--version` itself. */
struct codis_role {
    const char *name;
    int (*main)(int argc, char **argv);
    const char *summary;
    bool own_version;
};

/* Every role that is built, in the order `codis --help` lists them; a
 * NULL name ends the table. */
static const struct codis_role codis_roles[] = {
    { "server", server_main, "Redis-compatible data server with slots", true },
    { "proxy", proxy_main, "the Redis-speaking, slot-routing proxy", false },
    { "dashboard", dashboard_main, "the cluster's management HTTP API", false },
    { "config", config_main, "the codis-config CLI (talks to the dashboard)",
      false },
    { "ha", ha_main, "promotes a slave when a group's master dies", false },
    { "demo", demo_main, "a whole local cluster in one command (make run)",
      false },
    { NULL, NULL, NULL, false },
};

static void codis_usage(FILE *out)
{
    fprintf(out, "usage: codis <role> [<args>...]\n"
                 "       codis-<role> [<args>...]\n\n"
                 "roles:\n");
    for (const struct codis_role *r = codis_roles; r->name != NULL; r++) {
        fprintf(out, "   %-12s%s\n", r->name, r->summary);
    }
    fprintf(out, "\n'codis <role> --help' shows the usage of a role.\n");
}

static const struct codis_role *codis_find_role(const char *name)
{
    for (const struct codis_role *r = codis_roles; r->name != NULL; r++) {
        if (strcmp(r->name, name) == 0) {
            return r;
        }
    }
    return NULL;
}

static bool codis_is_version_flag(const char *arg)
{
    return strcmp(arg, "--version") == 0 || strcmp(arg, "-v") == 0;
}

/* Run 'role' with argv[0] replaced by "codis-<role>". */
static int codis_run(const struct codis_role *role, int argc, char **argv)
{
    char argv0[64];
    snprintf(argv0, sizeof(argv0), "codis-%s", role->name);
    argv[0] = argv0;
    if (argc == 2 && codis_is_version_flag(argv[1]) && !role->own_version) {
        printf("%s version %s\n", argv0, CODIS_VERSION);
        return 0;
    }
    return role->main(argc, argv);
}

int main(int argc, char **argv)
{
    char self[256];
    snprintf(self, sizeof(self), "%s", argc > 0 ? argv[0] : "codis");
    const char *base = basename(self);

    if (strncmp(base, "codis-", 6) == 0) {
        const struct codis_role *role = codis_find_role(base + 6);
        if (role == NULL) {
            fprintf(stderr, "codis: '%s' is not a codis role. "
                            "See 'codis --help'.\n", base + 6);
            return 127;
        }
        return codis_run(role, argc, argv);
    }
    if (argc < 2) {
        codis_usage(stderr);
        return 1;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        codis_usage(stdout);
        return 0;
    }
    if (codis_is_version_flag(argv[1])) {
        printf("codis version %s\n", CODIS_VERSION);
        return 0;
    }
    const struct codis_role *role = codis_find_role(argv[1]);
    if (role == NULL) {
        fprintf(stderr, "codis: '%s' is not a codis role. "
                        "See 'codis --help'.\n", argv[1]);
        return 127;
    }
    return codis_run(role, argc - 1, argv + 1);
}
