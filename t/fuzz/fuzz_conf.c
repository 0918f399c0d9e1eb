/* libFuzzer target: the roles' config files (lib/conf.c conf_load:
 * config.ini, or Codis 3.2's TOML through lib/toml.c and lib/conf_toml.c
 * when a value is quoted) and the typed reading every role does next
 * (model_config_load for the shared keys, conf_get_uint / conf_get_bool,
 * the unknown-key warnings, conf_set for command-line overrides). The
 * input is the file's text. Properties: a loaded file's keys are
 * non-empty;
 * conf_get gives the last value of a repeated key; an override replaces
 * the value conf_get returns; a refusal says why. */
#include "t/fuzz/fuzz.h"

#include <stdbool.h>

#include "lib/conf.h"
#include "lib/model.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_quiet_log();
    return 0;
}

static void count_unknown(const struct conf_entry *e, void *arg)
{
    fuzz_check(!e->used, "key '%s' is used but listed as unknown", e->key);
    (*(size_t *)arg)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512];
    struct conf *conf = conf_load(fuzz_file(data, size), err, sizeof(err));
    if (conf == NULL) {
        fuzz_check(err[0] != '\0', "conf_load failed without a reason");
        return 0;
    }
    for (size_t i = 0; i < conf->count; i++) {
        const struct conf_entry *e = &conf->items[i];
        /* config.ini trims keys and values, but TOML keeps the spaces of
         * a quoted key or string: only emptiness is wrong in both */
        fuzz_check(e->key[0] != '\0', "empty key (value '%s')", e->value);
        fuzz_check(e->line >= 0, "entry line %d", e->line);
    }
    if (conf->count > 0) {
        const struct conf_entry *last = &conf->items[conf->count - 1];
        const char *v = conf_get(conf, last->key, NULL);
        fuzz_check(v == last->value, "last value of '%s' not returned",
                   last->key);
    }

    struct model_config cfg;
    if (model_config_load(conf, &cfg, err, sizeof(err)) == 0) {
        fuzz_check(model_product_valid(cfg.product), "product '%s'",
                   cfg.product);
        fuzz_check(cfg.session_timeout_ms > 0, "session timeout %d",
                   cfg.session_timeout_ms);
    }
    static const char *const uints[] = {
        "backend_ping_period", "session_max_timeout", "session_max_bufsize",
        "session_max_pipeline", "action_timeout", "zk_session_timeout",
    };
    for (size_t i = 0; i < sizeof(uints) / sizeof(uints[0]); i++) {
        long long v;
        if (conf_get_uint(conf, uints[i], 7, &v, err, sizeof(err)) == 0) {
            fuzz_check(v >= 0, "'%s' is %lld", uints[i], v);
        }
    }
    bool b;
    (void)conf_get_bool(conf, "proxy_id", false, &b, err, sizeof(err));
    size_t unknown = 0;
    conf_each_unknown(conf, count_unknown, &unknown);
    fuzz_check(unknown <= conf->count, "%zu unknown of %zu", unknown,
               conf->count);
    conf_warn_unknown(conf, true);

    conf_set(conf, "product", "fuzz");
    fuzz_check(strcmp(conf_get(conf, "product", ""), "fuzz") == 0,
               "override of 'product' not seen");
    conf_free(conf);
    return 0;
}
