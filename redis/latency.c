/* The latency monitor and the per-command latency histograms:
 *
 *   LATENCY LATEST | HISTORY event | RESET [event ...] | GRAPH event |
 *           DOCTOR | HISTOGRAM [command ...] | HELP
 *
 * With latency-monitor-threshold (ms) above 0, every command that takes
 * at least that long adds a sample to the event "command" (or
 * "fast-command" for commands flagged fast); the active expiry cycle and
 * eviction add "expire-cycle" and "eviction-cycle". Each event keeps the
 * last LATENCY_SAMPLES samples, one per second (a second's worst), and
 * its all-time maximum. Histograms count every command's duration in
 * power-of-two microsecond buckets, whatever the threshold.
 *
 * Not here: the slow log (slowlog.c). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/mem.h"
#include "redis/notify.h"
#include "redis/server.h"
#include "redis/slowlog.h"

#define LATENCY_SAMPLES 160 /* samples kept per event */
#define LATENCY_EVENTS 32   /* distinct events */
#define LATENCY_BUCKETS 64  /* histogram buckets: 2^0 .. 2^63 us */

/* One sample: the worst latency seen in second 'time'. */
struct latency_sample {
    long long time; /* s since the epoch; 0: unused */
    long long ms;
};

/* The samples of one event, a ring whose next slot is 'next'. */
struct latency_event {
    char name[32];
    struct latency_sample samples[LATENCY_SAMPLES];
    size_t next;
    long long max;
};

static struct latency_event *latency_events[LATENCY_EVENTS];
static size_t latency_event_count;

/* Per command (indexed as commands_table): calls per bucket, or NULL. */
static long long **latency_hist;
static size_t latency_hist_count;

static struct latency_event *latency_find(const char *name, size_t len)
{
    for (size_t i = 0; i < latency_event_count; i++) {
        if (strlen(latency_events[i]->name) == len &&
            strncasecmp(latency_events[i]->name, name, len) == 0) {
            return latency_events[i];
        }
    }
    return NULL;
}

void latency_add_sample(const char *event, long long ms)
{
    if (server.latency_monitor_threshold <= 0 ||
        ms < server.latency_monitor_threshold) {
        return;
    }
    struct latency_event *e = latency_find(event, strlen(event));
    if (e == NULL) {
        if (latency_event_count == LATENCY_EVENTS) {
            return;
        }
        e = mem_calloc(1, sizeof(*e));
        snprintf(e->name, sizeof(e->name), "%s", event);
        latency_events[latency_event_count++] = e;
    }
    long long now = server_mstime() / 1000;
    if (ms > e->max) {
        e->max = ms;
    }
    struct latency_sample *prev =
        &e->samples[(e->next + LATENCY_SAMPLES - 1) % LATENCY_SAMPLES];
    if (prev->time == now) {
        if (ms > prev->ms) {
            prev->ms = ms;
        }
        return;
    }
    e->samples[e->next].time = now;
    e->samples[e->next].ms = ms;
    e->next = (e->next + 1) % LATENCY_SAMPLES;
}

void latency_command(const struct command *cmd, long long usec)
{
    size_t count;
    const struct command *table = commands_table(&count);
    size_t i = (size_t)(cmd - table);
    if (i < count) {
        if (latency_hist == NULL) {
            latency_hist = mem_calloc(count, sizeof(*latency_hist));
            latency_hist_count = count;
        }
        if (latency_hist[i] == NULL) {
            latency_hist[i] = mem_calloc(LATENCY_BUCKETS,
                                         sizeof(**latency_hist));
        }
        unsigned b = 0;
        while (b < LATENCY_BUCKETS - 1 && (1LL << b) < usec) {
            b++;
        }
        latency_hist[i][b]++;
    }
    latency_add_sample((cmd->spec->flags & CMDSPEC_FAST) ? "fast-command"
                                                         : "command",
                       usec / 1000);
}

void latency_release(void)
{
    for (size_t i = 0; i < latency_event_count; i++) {
        mem_free(latency_events[i]);
    }
    latency_event_count = 0;
    for (size_t i = 0; i < latency_hist_count; i++) {
        mem_free(latency_hist[i]);
    }
    mem_free(latency_hist);
    latency_hist = NULL;
    latency_hist_count = 0;
}

/* The newest sample of 'e' (there is one: events exist once sampled). */
static const struct latency_sample *latency_newest(
    const struct latency_event *e)
{
    return &e->samples[(e->next + LATENCY_SAMPLES - 1) % LATENCY_SAMPLES];
}

static void latency_reply_latest(struct client *c)
{
    reply_array(c, (long long)latency_event_count);
    for (size_t i = 0; i < latency_event_count; i++) {
        const struct latency_event *e = latency_events[i];
        const struct latency_sample *s = latency_newest(e);
        reply_array(c, 4);
        reply_bulk_str(c, e->name);
        reply_integer(c, s->time);
        reply_integer(c, s->ms);
        reply_integer(c, e->max);
    }
}

/* Call 'fn' on each used sample of 'e', oldest first. */
static size_t latency_used(const struct latency_event *e,
                           const struct latency_sample **out)
{
    size_t n = 0;
    for (size_t k = 0; k < LATENCY_SAMPLES; k++) {
        const struct latency_sample *s =
            &e->samples[(e->next + k) % LATENCY_SAMPLES];
        if (s->time != 0) {
            out[n++] = s;
        }
    }
    return n;
}

static void latency_reply_history(struct client *c, const struct arg *name)
{
    const struct latency_event *e = latency_find(name->ptr, name->len);
    if (e == NULL) {
        reply_array(c, 0);
        return;
    }
    const struct latency_sample *used[LATENCY_SAMPLES];
    size_t n = latency_used(e, used);
    reply_array(c, (long long)n);
    for (size_t i = 0; i < n; i++) {
        reply_array(c, 2);
        reply_integer(c, used[i]->time);
        reply_integer(c, used[i]->ms);
    }
}

/* LATENCY GRAPH: one column per sample, oldest left, scaled between the
 * smallest and the largest sample over LATENCY_ROWS rows; under the
 * graph, each column's age ("13s", "2m" ...) written downwards. */
#define LATENCY_ROWS 4
static void latency_reply_graph(struct client *c, const struct arg *name)
{
    const struct latency_event *e = latency_find(name->ptr, name->len);
    if (e == NULL) {
        reply_error(c, "No samples available for event '%.*s'",
                    (int)(name->len > 64 ? 64 : name->len), name->ptr);
        return;
    }
    const struct latency_sample *used[LATENCY_SAMPLES];
    size_t n = latency_used(e, used);
    long long lo = used[0]->ms, hi = used[0]->ms;
    for (size_t i = 1; i < n; i++) {
        lo = used[i]->ms < lo ? used[i]->ms : lo;
        hi = used[i]->ms > hi ? used[i]->ms : hi;
    }
    char line[LATENCY_SAMPLES + 2];
    char head[160];
    int hn = snprintf(head, sizeof(head), "%s - high %lld ms, low %lld ms "
                      "(all time high %lld ms)\n", e->name, hi, lo, e->max);
    char *out = sds_new(head, (size_t)hn);
    for (int row = LATENCY_ROWS; row >= 1; row--) {
        for (size_t i = 0; i < n; i++) {
            long long level = hi == lo ? LATENCY_ROWS
                              : 1 + (used[i]->ms - lo) * (LATENCY_ROWS - 1) /
                                        (hi - lo);
            line[i] = level >= row ? '#' : ' ';
        }
        line[n] = '\n';
        out = sds_cat(out, line, n + 1);
    }
    long long now = server_mstime() / 1000;
    char ages[LATENCY_SAMPLES][24];
    size_t depth = 0;
    for (size_t i = 0; i < n; i++) {
        long long age = now - used[i]->time;
        if (age < 60) {
            snprintf(ages[i], sizeof(ages[i]), "%llds", age);
        } else if (age < 3600) {
            snprintf(ages[i], sizeof(ages[i]), "%lldm", age / 60);
        } else {
            snprintf(ages[i], sizeof(ages[i]), "%lldh", age / 3600);
        }
        depth = strlen(ages[i]) > depth ? strlen(ages[i]) : depth;
    }
    for (size_t r = 0; r < depth; r++) {
        for (size_t i = 0; i < n; i++) {
            line[i] = r < strlen(ages[i]) ? ages[i][r] : ' ';
        }
        line[n] = '\n';
        out = sds_cat(out, line, n + 1);
    }
    reply_bulk_sds(c, out);
    sds_free(out);
}

/* LATENCY DOCTOR: a plain report of each event's samples and advice. */
static void latency_reply_doctor(struct client *c)
{
    char *out = sds_new(NULL, 0);
    char buf[512];
    int n;
    if (latency_event_count == 0) {
        n = snprintf(buf, sizeof(buf), "No latency event reached "
                     "latency-monitor-threshold (%lld ms) since the start "
                     "or the last LATENCY RESET.%s\n",
                     server.latency_monitor_threshold,
                     server.latency_monitor_threshold == 0
                     ? " The monitor is off: set latency-monitor-threshold "
                       "to a number of milliseconds to turn it on." : "");
        out = sds_cat(out, buf, (size_t)n);
    }
    for (size_t i = 0; i < latency_event_count; i++) {
        const struct latency_event *e = latency_events[i];
        const struct latency_sample *used[LATENCY_SAMPLES];
        size_t k = latency_used(e, used);
        long long sum = 0;
        for (size_t j = 0; j < k; j++) {
            sum += used[j]->ms;
        }
        n = snprintf(buf, sizeof(buf), "%zu. %s: %zu latency spikes "
                     "(average %lld ms, worst of all time %lld ms).\n",
                     i + 1, e->name, k, k ? sum / (long long)k : 0, e->max);
        out = sds_cat(out, buf, (size_t)n);
        const char *advice = NULL;
        if (strcmp(e->name, "command") == 0) {
            advice = "   Slow commands: see SLOWLOG GET for which ones; "
                     "avoid O(N) commands on big values (KEYS, SMEMBERS, "
                     "LRANGE 0 -1, SORT ...).\n";
        } else if (strcmp(e->name, "fast-command") == 0) {
            advice = "   Even O(1) commands were slow: the machine may be "
                     "overloaded, swapping, or the process paused.\n";
        } else if (strcmp(e->name, "expire-cycle") == 0) {
            advice = "   Many keys expire at the same time: spread their "
                     "expiry times.\n";
        } else if (strcmp(e->name, "eviction-cycle") == 0) {
            advice = "   maxmemory eviction is slow: raise maxmemory or "
                     "write less at once.\n";
        }
        if (advice != NULL) {
            out = sds_cat(out, advice, strlen(advice));
        }
    }
    reply_bulk_sds(c, out);
    sds_free(out);
}

/* LATENCY HISTOGRAM [command ...] */
static void latency_reply_histogram(struct client *c)
{
    size_t count;
    const struct command *table = commands_table(&count);
    size_t handle = reply_defer_len(c);
    long long items = 0;
    for (size_t i = 0; i < latency_hist_count; i++) {
        const long long *h = latency_hist[i];
        if (h == NULL) {
            continue;
        }
        if (c->argc > 2) {
            bool asked = false;
            for (int j = 2; j < c->argc && !asked; j++) {
                asked = arg_is(&c->argv[j], table[i].spec->name);
            }
            if (!asked) {
                continue;
            }
        }
        long long calls = 0;
        long long buckets = 0;
        for (size_t b = 0; b < LATENCY_BUCKETS; b++) {
            calls += h[b];
            buckets += h[b] != 0;
        }
        reply_bulk_str(c, table[i].spec->name);
        reply_array(c, 4);
        reply_bulk_str(c, "calls");
        reply_integer(c, calls);
        reply_bulk_str(c, "histogram_usec");
        reply_array(c, buckets * 2);
        long long cumulative = 0;
        for (size_t b = 0; b < LATENCY_BUCKETS; b++) {
            if (h[b] != 0) {
                cumulative += h[b];
                reply_integer(c, 1LL << b);
                reply_integer(c, cumulative);
            }
        }
        items += 2;
    }
    reply_set_array_len(c, handle, items);
}

char *latency_info(char *s)
{
    size_t count;
    const struct command *table = commands_table(&count);
    static const double pct[3] = { 50, 99, 99.9 };
    for (size_t i = 0; i < latency_hist_count; i++) {
        const long long *h = latency_hist[i];
        if (h == NULL) {
            continue;
        }
        long long calls = 0;
        for (size_t b = 0; b < LATENCY_BUCKETS; b++) {
            calls += h[b];
        }
        double at[3] = { 0, 0, 0 };
        for (int p = 0; p < 3; p++) {
            long long cumulative = 0;
            for (size_t b = 0; b < LATENCY_BUCKETS; b++) {
                cumulative += h[b];
                if ((double)cumulative * 100 >= pct[p] * (double)calls) {
                    at[p] = (double)(1ULL << b);
                    break;
                }
            }
        }
        s = sds_catfmt(s, "latency_percentiles_usec_%s:p50=%.3f,p99=%.3f,"
                          "p99.9=%.3f\r\n", table[i].spec->name, at[0],
                       at[1], at[2]);
    }
    return s;
}

static void latency_help(struct client *c)
{
    static const char *help[] = {
        "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DOCTOR",
        "    Reply a report of the latency events, in plain words.",
        "GRAPH <event>",
        "    Reply an ASCII graph of the samples of <event>.",
        "HISTORY <event>",
        "    Reply the samples of <event>: [time, latency in ms] pairs.",
        "LATEST",
        "    Reply the newest sample and the maximum of each event.",
        "RESET [<event> ...]",
        "    Forget the samples of the events (all events by default).",
        "HISTOGRAM [COMMAND ...]",
        "    Reply the cumulative latency histogram of each command",
        "    (of every command that ran, if none is named).",
        "HELP",
        "    Print this help.",
    };
    reply_array(c, sizeof(help) / sizeof(help[0]));
    for (size_t i = 0; i < sizeof(help) / sizeof(help[0]); i++) {
        reply_simple(c, help[i]);
    }
}

/* LATENCY RESET [event ...]: replies the number of events reset. */
static void latency_reset(struct client *c)
{
    long long reset = 0;
    for (size_t i = 0; i < latency_event_count;) {
        bool match = c->argc == 2;
        for (int j = 2; j < c->argc && !match; j++) {
            match = arg_is(&c->argv[j], latency_events[i]->name);
        }
        if (match) {
            mem_free(latency_events[i]);
            latency_events[i] = latency_events[--latency_event_count];
            reset++;
        } else {
            i++;
        }
    }
    reply_integer(c, reset);
}

void cmd_latency(struct client *c)
{
    const struct arg *sub = &c->argv[1];
    if (arg_is(sub, "latest") && c->argc == 2) {
        latency_reply_latest(c);
    } else if (arg_is(sub, "history") && c->argc == 3) {
        latency_reply_history(c, &c->argv[2]);
    } else if (arg_is(sub, "graph") && c->argc == 3) {
        latency_reply_graph(c, &c->argv[2]);
    } else if (arg_is(sub, "doctor") && c->argc == 2) {
        latency_reply_doctor(c);
    } else if (arg_is(sub, "reset")) {
        latency_reset(c);
    } else if (arg_is(sub, "histogram")) {
        latency_reply_histogram(c);
    } else if (arg_is(sub, "help") && c->argc == 2) {
        latency_help(c);
    } else if (arg_is(sub, "latest") || arg_is(sub, "history") ||
               arg_is(sub, "graph") || arg_is(sub, "doctor") ||
               arg_is(sub, "help")) {
        slowlog_reply_arity(c, "latency");
    } else {
        reply_error(c, "unknown subcommand '%.128s'. Try LATENCY HELP.",
                    sub->ptr);
    }
}
