/* ACL users: who may run which commands on which keys and channels, and
 * the ACL command that manages them. A user has a name, on/off, password
 * hashes (SHA-256) or nopass, a bit per command and subcommand of
 * lib/cmdspec, key patterns with read/write permissions (~, %R~, %W~) and
 * channel patterns (&). The user "default" always exists; its password is
 * requirepass. New connections run as "default", authenticated only when
 * it is on and needs no password.
 *
 * Entry points: acl_init (the default user), acl_refuse (the dispatcher's
 * check: replies -NOPERM), acl_auth (AUTH, HELLO AUTH), acl_set_requirepass
 * (CONFIG requirepass), acl_client_autoauth (a new connection), cmd_acl.
 * ACL LOG keeps the latest refusals (acllog-max-len); ACL LOAD / SAVE
 * read and write the aclfile, which is also loaded at start.
 * Selectors (Redis 7's "(...)" rules) are nameless acl_users kept in
 * their user's 'selectors': they carry command, key and channel rules
 * only; a command is allowed if the user's own rules or one selector
 * allow it.
 * Not here: the AUTH command's replies (server.c). */
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/cmdspec.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "redis/server.h"
#include "redis/sds.h"

#define ACL_HASH_HEX 64 /* SHA-256 as hex */

/* Key pattern permissions. */
#define ACL_KEY_READ (1u << 0)
#define ACL_KEY_WRITE (1u << 1)

struct acl_pattern {
    char *text;     /* owned */
    unsigned perms; /* ACL_KEY_*; 0 for channel patterns */
};

/* One user. Command bits: cmdspec_count for the top rows, then
 * cmdspec_subcount for the subcommand rows. */
struct acl_user {
    char *name;
    bool enabled;
    bool nopass;
    bool allcommands; /* the last +@all/allcommands not undone by -@all */
    bool allchannels;
    bool unrestricted; /* every command, key and channel: no checks */
    const char *payload; /* "sanitize-payload", "skip-sanitize-payload"
                          * (RESTORE checks; stored only) or NULL */
    char (*passwords)[ACL_HASH_HEX + 1];
    size_t npasswords;
    unsigned char *bits;
    struct acl_pattern *keys;
    size_t nkeys;
    struct acl_pattern *channels;
    size_t nchannels;
    struct acl_user **selectors; /* owned; "(...)" rules, in order */
    size_t nselectors;
    struct acl_user *next; /* NULL in a selector */
};

static struct acl_user *acl_users; /* sorted by name; "default" in it */
static struct acl_user *acl_default;

/* ------------------------------------------------------------------------
 * Users */

static size_t acl_nbits(void)
{
    return cmdspec_count + cmdspec_subcount;
}

/* The bit index of a command or subcommand row. */
static size_t acl_bit_of(const struct cmdspec *spec)
{
    if (spec >= cmdspec_subtable && spec < cmdspec_subtable + cmdspec_subcount) {
        return cmdspec_count + (size_t)(spec - cmdspec_subtable);
    }
    return cmdspec_index(spec);
}

static bool acl_bit(const struct acl_user *u, size_t i)
{
    return (u->bits[i / 8] >> (i % 8)) & 1;
}

static void acl_set_bit(struct acl_user *u, size_t i, bool on)
{
    if (on) {
        u->bits[i / 8] |= (unsigned char)(1u << (i % 8));
    } else {
        u->bits[i / 8] &= (unsigned char)~(1u << (i % 8));
    }
}

/* The row of bit 'i'. */
static const struct cmdspec *acl_row(size_t i)
{
    return i < cmdspec_count ? &cmdspec_table[i]
                             : &cmdspec_subtable[i - cmdspec_count];
}

static void acl_patterns_clear(struct acl_pattern **p, size_t *n)
{
    for (size_t i = 0; i < *n; i++) {
        mem_free((*p)[i].text);
    }
    mem_free(*p);
    *p = NULL;
    *n = 0;
}

static void acl_user_free(struct acl_user *u);
static char *acl_strndup(const char *p, size_t len);

static void acl_selectors_clear(struct acl_user *u)
{
    for (size_t i = 0; i < u->nselectors; i++) {
        acl_user_free(u->selectors[i]);
    }
    mem_free(u->selectors);
    u->selectors = NULL;
    u->nselectors = 0;
}

/* Back to a new user's state: off, no passwords, no commands, no keys,
 * no channels (acl-pubsub-default resetchannels), no selectors. */
static void acl_user_reset(struct acl_user *u)
{
    u->enabled = false;
    u->nopass = false;
    u->payload = NULL;
    u->allcommands = false;
    u->allchannels = false;
    mem_free(u->passwords);
    u->passwords = NULL;
    u->npasswords = 0;
    memset(u->bits, 0, (acl_nbits() + 7) / 8);
    acl_patterns_clear(&u->keys, &u->nkeys);
    acl_patterns_clear(&u->channels, &u->nchannels);
    acl_selectors_clear(u);
}

/* A user named 'name' not in the list yet, or a selector (NULL name). */
static struct acl_user *acl_user_alloc(const char *name, size_t len)
{
    struct acl_user *u = mem_calloc(1, sizeof(*u));
    if (name != NULL) {
        u->name = mem_alloc(len + 1);
        memcpy(u->name, name, len);
        u->name[len] = '\0';
    }
    u->bits = mem_calloc((acl_nbits() + 7) / 8, 1);
    return u;
}

static struct acl_user *acl_user_new(const char *name, size_t len)
{
    struct acl_user *u = acl_user_alloc(name, len);
    struct acl_user **p = &acl_users;
    while (*p != NULL && strcmp((*p)->name, u->name) < 0) {
        p = &(*p)->next;
    }
    u->next = *p;
    *p = u;
    return u;
}

static void acl_user_free(struct acl_user *u)
{
    acl_user_reset(u);
    mem_free(u->bits);
    mem_free(u->name);
    mem_free(u);
}

static struct acl_user *acl_find(const char *name, size_t len)
{
    for (struct acl_user *u = acl_users; u != NULL; u = u->next) {
        if (strlen(u->name) == len && memcmp(u->name, name, len) == 0) {
            return u;
        }
    }
    return NULL;
}

/* SHA-256 of 'len' bytes at 'p' as lower-case hex into 'out'. */
static void acl_hash(const char *p, size_t len, char out[ACL_HASH_HEX + 1])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    if (EVP_Digest(p, len, digest, &dlen, EVP_sha256(), NULL) != 1 ||
        dlen != 32) {
        memset(out, '0', ACL_HASH_HEX); /* matches no password's hash */
        out[ACL_HASH_HEX] = '\0';
        return;
    }
    for (unsigned int i = 0; i < dlen; i++) {
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
    }
}

static void acl_password_add(struct acl_user *u, const char *hex)
{
    for (size_t i = 0; i < u->npasswords; i++) {
        if (strcmp(u->passwords[i], hex) == 0) {
            return;
        }
    }
    u->passwords = mem_realloc(u->passwords,
                               (u->npasswords + 1) * sizeof(*u->passwords));
    memcpy(u->passwords[u->npasswords++], hex, ACL_HASH_HEX + 1);
}

/* Removes 'hex'; false if the user has no such password. */
static bool acl_password_del(struct acl_user *u, const char *hex)
{
    for (size_t i = 0; i < u->npasswords; i++) {
        if (strcmp(u->passwords[i], hex) == 0) {
            memmove(u->passwords[i], u->passwords[i + 1],
                    (u->npasswords - i - 1) * sizeof(*u->passwords));
            u->npasswords--;
            return true;
        }
    }
    return false;
}

static void acl_pattern_add(struct acl_pattern **p, size_t *n,
                            const char *text, size_t len, unsigned perms)
{
    for (size_t i = 0; i < *n; i++) {
        if (strlen((*p)[i].text) == len &&
            memcmp((*p)[i].text, text, len) == 0) {
            (*p)[i].perms |= perms;
            return;
        }
    }
    *p = mem_realloc(*p, (*n + 1) * sizeof(**p));
    (*p)[*n].text = mem_alloc(len + 1);
    memcpy((*p)[*n].text, text, len);
    (*p)[*n].text[len] = '\0';
    (*p)[*n].perms = perms;
    (*n)++;
}

/* Recompute 'u->unrestricted' after its rules changed. */
static void acl_user_settle(struct acl_user *u)
{
    bool all = u->allchannels && u->nkeys == 1 &&
               strcmp(u->keys[0].text, "*") == 0 &&
               u->keys[0].perms == (ACL_KEY_READ | ACL_KEY_WRITE);
    for (size_t i = 0; i < acl_nbits() && all; i++) {
        all = acl_bit(u, i);
    }
    u->unrestricted = all;
}

/* ------------------------------------------------------------------------
 * Rules (ACL SETUSER) */

/* Allow or deny every row with category bit 'cat' (all rows if 0). */
static void acl_set_category(struct acl_user *u, uint32_t cat, bool on)
{
    for (size_t i = 0; i < acl_nbits(); i++) {
        if (cat == 0 || (cmdspec_acl_categories(acl_row(i)) & cat)) {
            acl_set_bit(u, i, on);
        }
    }
}

/* Allow or deny a command (and all its subcommands) or one subcommand,
 * named "name" or "name|sub". -1 if there is no such command. */
static int acl_set_command(struct acl_user *u, const char *name, size_t len,
                           bool on)
{
    const struct cmdspec *spec = cmdspec_lookup_full(name, len);
    if (spec == NULL) {
        return -1;
    }
    acl_set_bit(u, acl_bit_of(spec), on);
    size_t nsubs;
    const struct cmdspec *subs = cmdspec_subcommands(spec, &nsubs);
    for (size_t i = 0; i < nsubs; i++) {
        acl_set_bit(u, acl_bit_of(&subs[i]), on);
    }
    if (on && spec >= cmdspec_subtable) {
        /* A subcommand needs its parent's bit to be dispatched. */
        const char *bar = strchr(spec->name, '|');
        const struct cmdspec *parent =
            cmdspec_lookup(spec->name, (size_t)(bar - spec->name));
        if (parent != NULL) {
            acl_set_bit(u, acl_bit_of(parent), true);
        }
    }
    return 0;
}

static int acl_apply_rule(struct acl_user *u, const char *r, size_t len,
                          char *err, size_t errlen);

/* A copy of the rules of 'src' (a user's or a selector's) into 'dst',
 * which has none yet. */
static void acl_user_copy_rules(struct acl_user *dst,
                                const struct acl_user *src)
{
    dst->enabled = src->enabled;
    dst->nopass = src->nopass;
    dst->allcommands = src->allcommands;
    dst->allchannels = src->allchannels;
    dst->payload = src->payload;
    memcpy(dst->bits, src->bits, (acl_nbits() + 7) / 8);
    for (size_t i = 0; i < src->npasswords; i++) {
        acl_password_add(dst, src->passwords[i]);
    }
    for (size_t i = 0; i < src->nkeys; i++) {
        acl_pattern_add(&dst->keys, &dst->nkeys, src->keys[i].text,
                        strlen(src->keys[i].text), src->keys[i].perms);
    }
    for (size_t i = 0; i < src->nchannels; i++) {
        acl_pattern_add(&dst->channels, &dst->nchannels,
                        src->channels[i].text,
                        strlen(src->channels[i].text), 0);
    }
    for (size_t i = 0; i < src->nselectors; i++) {
        struct acl_user *sel = acl_user_alloc(NULL, 0);
        acl_user_copy_rules(sel, src->selectors[i]);
        dst->selectors = mem_realloc(dst->selectors, (dst->nselectors + 1) *
                                                     sizeof(*dst->selectors));
        dst->selectors[dst->nselectors++] = sel;
    }
}

/* "(rule rule ...)": a new selector for 'u' with those rules, each
 * separated by spaces. 0, or -1 and 'err'. */
static int acl_add_selector(struct acl_user *u, const char *r, size_t len,
                            char *err, size_t errlen)
{
    struct acl_user *sel = acl_user_alloc(NULL, 0);
    size_t i = 1;
    while (i < len - 1) {
        size_t end = i;
        while (end < len - 1 && r[end] != ' ') {
            end++;
        }
        if (end > i && acl_apply_rule(sel, r + i, end - i, err, errlen) != 0) {
            acl_user_free(sel);
            return -1;
        }
        i = end + 1;
    }
    u->selectors = mem_realloc(u->selectors,
                               (u->nselectors + 1) * sizeof(*u->selectors));
    u->selectors[u->nselectors++] = sel;
    return 0;
}

/* Apply one rule of ACL SETUSER to 'u' (a user, or a selector: 'u->name'
 * NULL, which takes only command, key and channel rules). 0, or -1 and
 * 'err'. */
static int acl_apply_rule(struct acl_user *u, const char *r, size_t len,
                          char *err, size_t errlen)
{
#define IS(word) (len == strlen(word) && strncasecmp(r, word, len) == 0)
    char hex[ACL_HASH_HEX + 1];
    if (u->name == NULL &&
        (IS("on") || IS("off") || IS("nopass") || IS("resetpass") ||
         IS("reset") || IS("sanitize-payload") ||
         IS("skip-sanitize-payload") || IS("clearselectors") ||
         (len > 0 && strchr("><#!(", r[0]) != NULL))) {
        snprintf(err, errlen, "Syntax error");
        return -1;
    }
    if (IS("clearselectors")) {
        acl_selectors_clear(u);
    } else if (len >= 2 && r[0] == '(' && r[len - 1] == ')') {
        return acl_add_selector(u, r, len, err, errlen);
    } else if (IS("on")) {
        u->enabled = true;
    } else if (IS("off")) {
        u->enabled = false;
    } else if (IS("nopass")) {
        u->nopass = true;
        mem_free(u->passwords);
        u->passwords = NULL;
        u->npasswords = 0;
    } else if (IS("resetpass")) {
        u->nopass = false;
        mem_free(u->passwords);
        u->passwords = NULL;
        u->npasswords = 0;
    } else if (IS("allkeys")) {
        acl_patterns_clear(&u->keys, &u->nkeys);
        acl_pattern_add(&u->keys, &u->nkeys, "*", 1,
                        ACL_KEY_READ | ACL_KEY_WRITE);
    } else if (IS("resetkeys")) {
        acl_patterns_clear(&u->keys, &u->nkeys);
    } else if (IS("allchannels")) {
        acl_patterns_clear(&u->channels, &u->nchannels);
        u->allchannels = true;
    } else if (IS("resetchannels")) {
        acl_patterns_clear(&u->channels, &u->nchannels);
        u->allchannels = false;
    } else if (IS("allcommands") || IS("+@all")) {
        acl_set_category(u, 0, true);
        u->allcommands = true;
    } else if (IS("nocommands") || IS("-@all")) {
        acl_set_category(u, 0, false);
        u->allcommands = false;
    } else if (IS("reset")) {
        acl_user_reset(u);
        u->payload = "sanitize-payload";
    } else if (IS("sanitize-payload")) {
        u->payload = "sanitize-payload";
    } else if (IS("skip-sanitize-payload")) {
        u->payload = "skip-sanitize-payload";
    } else if (len > 0 && strchr("><#!", r[0]) != NULL) {
        /* > and < take a password, # and ! its hash. */
        if (r[0] == '>' || r[0] == '<') {
            acl_hash(r + 1, len - 1, hex);
        } else {
            bool hexok = len == ACL_HASH_HEX + 1;
            for (size_t i = 1; i < len && hexok; i++) {
                hexok = strchr("0123456789abcdef", r[i]) != NULL;
            }
            if (!hexok) {
                snprintf(err, errlen, "The password hash must be exactly 64 "
                         "characters and contain only lowercase hexadecimal "
                         "characters");
                return -1;
            }
            memcpy(hex, r + 1, ACL_HASH_HEX);
            hex[ACL_HASH_HEX] = '\0';
        }
        if (r[0] == '>' || r[0] == '#') {
            acl_password_add(u, hex);
            u->nopass = false;
        } else if (!acl_password_del(u, hex)) {
            snprintf(err, errlen, "The password you are trying to remove "
                     "from the user does not exist");
            return -1;
        }
    } else if (len > 0 && r[0] == '~') {
        if (u->nkeys == 1 && strcmp(u->keys[0].text, "*") == 0 &&
            u->keys[0].perms == (ACL_KEY_READ | ACL_KEY_WRITE)) {
            snprintf(err, errlen, "Adding a pattern after the * pattern (or "
                     "the 'allkeys' flag) is not valid and does not have any "
                     "effect. Try 'resetkeys' to start with an empty list of "
                     "patterns");
            return -1;
        }
        acl_pattern_add(&u->keys, &u->nkeys, r + 1, len - 1,
                        ACL_KEY_READ | ACL_KEY_WRITE);
    } else if (len > 1 && r[0] == '%') {
        unsigned perms = 0;
        size_t i = 1;
        for (; i < len && r[i] != '~'; i++) {
            if (r[i] == 'R' || r[i] == 'r') {
                perms |= ACL_KEY_READ;
            } else if (r[i] == 'W' || r[i] == 'w') {
                perms |= ACL_KEY_WRITE;
            } else {
                perms = 0;
                break;
            }
        }
        if (perms == 0 || i >= len) {
            snprintf(err, errlen, "Syntax error");
            return -1;
        }
        acl_pattern_add(&u->keys, &u->nkeys, r + i + 1, len - i - 1, perms);
    } else if (len > 0 && r[0] == '&') {
        if (u->allchannels) {
            snprintf(err, errlen, "Adding a pattern after the * pattern (or "
                     "the 'allchannels' flag) is not valid and does not have "
                     "any effect. Try 'resetchannels' to start with an empty "
                     "list of channels");
            return -1;
        }
        if (len == 2 && r[1] == '*') {
            acl_patterns_clear(&u->channels, &u->nchannels);
            u->allchannels = true;
        } else {
            acl_pattern_add(&u->channels, &u->nchannels, r + 1, len - 1, 0);
        }
    } else if (len > 2 && (r[0] == '+' || r[0] == '-') && r[1] == '@') {
        int bit = cmdspec_acl_bit(r + 2, len - 2);
        if (bit < 0) {
            snprintf(err, errlen, "Unknown command or category name in ACL");
            return -1;
        }
        acl_set_category(u, 1u << bit, r[0] == '+');
    } else if (len > 1 && (r[0] == '+' || r[0] == '-')) {
        if (acl_set_command(u, r + 1, len - 1, r[0] == '+') != 0) {
            snprintf(err, errlen, "Unknown command or category name in ACL");
            return -1;
        }
    } else {
        snprintf(err, errlen, "Syntax error");
        return -1;
    }
    return 0;
#undef IS
}

/* The rules 'argv' with each selector given over several arguments
 * ("(+get" "~a*)") joined into one, by single spaces, as Redis does:
 * 'argc' owned strings (free with acl_args_free), or NULL if a "(" is
 * never closed, with '*unmatched' the owned text of the argument that
 * opened it. */
static struct arg *acl_merge_args(int *argc, const struct arg *argv,
                                  char **unmatched)
{
    struct arg *out = mem_calloc((size_t)*argc + 1, sizeof(*out));
    int n = 0;
    char *open = NULL;
    int opened = 0;
    for (int i = 0; i < *argc; i++) {
        const struct arg *a = &argv[i];
        if (open == NULL && !(a->len > 0 && a->ptr[0] == '(' &&
                              a->ptr[a->len - 1] != ')')) {
            out[n].ptr = mem_alloc(a->len + 1);
            memcpy(out[n].ptr, a->ptr, a->len);
            out[n].ptr[a->len] = '\0';
            out[n++].len = a->len;
            continue;
        }
        if (open == NULL) {
            open = sds_new(a->ptr, a->len);
            opened = i;
        } else {
            open = sds_cat(open, " ", 1);
            open = sds_cat(open, a->ptr, a->len);
        }
        if (open[sds_len(open) - 1] == ')' && sds_len(open) > a->len) {
            out[n].ptr = mem_alloc(sds_len(open) + 1);
            memcpy(out[n].ptr, open, sds_len(open) + 1);
            out[n++].len = sds_len(open);
            sds_free(open);
            open = NULL;
        }
    }
    if (open != NULL) {
        *unmatched = acl_strndup(argv[opened].ptr, argv[opened].len);
        sds_free(open);
        for (int i = 0; i < n; i++) {
            mem_free(out[i].ptr);
        }
        mem_free(out);
        return NULL;
    }
    *argc = n;
    return out;
}

static void acl_args_free(struct arg *args, int argc)
{
    for (int i = 0; i < argc; i++) {
        mem_free(args[i].ptr);
    }
    mem_free(args);
}

/* ------------------------------------------------------------------------
 * Describing a user (ACL LIST, GETUSER) */

/* The command rules that give 'u' its bits: "+@all" or "-@all", then each
 * category that most of its commands follow, then single commands. */
static char *acl_describe_commands(const struct acl_user *u)
{
    struct acl_user fake = { 0 };
    fake.bits = mem_calloc((acl_nbits() + 7) / 8, 1);
    bool additive = !u->allcommands;
    char *s = sds_new(additive ? "-@all" : "+@all", 5);
    if (!additive) {
        acl_set_category(&fake, 0, true);
    }
    /* A category is worth naming when, of its commands the description
     * does not yet get right, more follow it than not. */
    for (int c = 0; c < CMDSPEC_ACL_COUNT; c++) {
        uint32_t cat = 1u << c;
        size_t on = 0, off = 0;
        for (size_t i = 0; i < acl_nbits(); i++) {
            if (!(cmdspec_acl_categories(acl_row(i)) & cat)) {
                continue;
            }
            bool mine = acl_bit(u, i);
            bool wrong = mine != acl_bit(&fake, i);
            if (mine) {
                on += !additive || wrong;
            } else {
                off += additive || wrong;
            }
        }
        if ((additive && on > off) || (!additive && off > on)) {
            acl_set_category(&fake, cat, additive);
            s = sds_catfmt(s, " %c@%s", additive ? '+' : '-',
                           cmdspec_acl_name(c));
        }
    }
    for (size_t i = 0; i < acl_nbits(); i++) {
        if (acl_bit(u, i) != acl_bit(&fake, i)) {
            const struct cmdspec *spec = acl_row(i);
            size_t nsubs;
            cmdspec_subcommands(spec, &nsubs);
            /* A container's own bit follows its subcommands'. */
            if (nsubs > 0 && i < cmdspec_count) {
                continue;
            }
            s = sds_catfmt(s, " %c%s", acl_bit(u, i) ? '+' : '-',
                           spec->name);
        }
    }
    mem_free(fake.bits);
    return s;
}

/* The key patterns as rules ("~a* %R~b*"). */
static char *acl_describe_keys(const struct acl_user *u, char *s)
{
    for (size_t i = 0; i < u->nkeys; i++) {
        const struct acl_pattern *p = &u->keys[i];
        if (sds_len(s) > 0) {
            s = sds_cat(s, " ", 1);
        }
        if (p->perms == (ACL_KEY_READ | ACL_KEY_WRITE)) {
            s = sds_catfmt(s, "~%s", p->text);
        } else {
            s = sds_catfmt(s, "%%%s~%s",
                           p->perms == ACL_KEY_READ ? "R" : "W", p->text);
        }
    }
    return s;
}

static char *acl_describe_channels(const struct acl_user *u, char *s)
{
    if (u->allchannels) {
        return sds_cat(s, "&*", 2);
    }
    for (size_t i = 0; i < u->nchannels; i++) {
        s = sds_catfmt(s, "%s&%s", i > 0 ? " " : "", u->channels[i].text);
    }
    return s;
}

/* A selector as ACL LIST shows it, without its parentheses: keys,
 * channels, commands. */
/* Append the key, channel and command rules of 'u' (a user or one of its
 * selectors) to 's', space-separated from what 's' holds. */
static char *acl_describe_rules(const struct acl_user *u, char *s)
{
    s = acl_describe_keys(u, s);
    if (sds_len(s) > 0) {
        s = sds_cat(s, " ", 1);
    }
    if (u->allchannels) {
        s = sds_cat(s, "&*", 2);
    } else {
        s = sds_cat(s, "resetchannels", 13);
        if (u->nchannels > 0) {
            s = sds_cat(s, " ", 1);
            s = acl_describe_channels(u, s);
        }
    }
    char *cmds = acl_describe_commands(u);
    s = sds_catfmt(s, " %s", cmds);
    sds_free(cmds);
    return s;
}

/* One ACL LIST line. */
static char *acl_describe(const struct acl_user *u)
{
    char *s = sds_new_empty(128);
    s = sds_catfmt(s, "user %s %s", u->name, u->enabled ? "on" : "off");
    if (u->nopass) {
        s = sds_cat(s, " nopass", 7);
    }
    if (u->payload != NULL) {
        s = sds_catfmt(s, " %s", u->payload);
    }
    for (size_t i = 0; i < u->npasswords; i++) {
        s = sds_catfmt(s, " #%s", u->passwords[i]);
    }
    s = acl_describe_rules(u, s);
    for (size_t i = 0; i < u->nselectors; i++) {
        char *sel = acl_describe_rules(u->selectors[i], sds_new_empty(64));
        s = sds_catfmt(s, " (%s)", sel);
        sds_free(sel);
    }
    return s;
}

/* ------------------------------------------------------------------------
 * Checks */

/* ------------------------------------------------------------------------
 * ACL LOG */

struct acl_log_entry {
    long long count;
    const char *reason; /* "command", "key", "channel", "auth" */
    const char *context; /* "toplevel", "multi", "lua" */
    char *object;        /* owned */
    char *username;      /* owned */
    long long ctime;     /* ms of the first refusal */
    long long mtime;     /* ms of the last */
    char *client_info;   /* owned sds */
};

/* Newest first. */
static struct acl_log_entry *acl_log;
static size_t acl_log_len;

static void acl_log_entry_release(struct acl_log_entry *e)
{
    mem_free(e->object);
    mem_free(e->username);
    sds_free(e->client_info);
}

static void acl_log_reset(void)
{
    for (size_t i = 0; i < acl_log_len; i++) {
        acl_log_entry_release(&acl_log[i]);
    }
    mem_free(acl_log);
    acl_log = NULL;
    acl_log_len = 0;
}

static char *acl_strndup(const char *p, size_t len)
{
    char *s = mem_alloc(len + 1);
    memcpy(s, p, len);
    s[len] = '\0';
    return s;
}

/* Record a refusal of 'reason' about 'object' for user 'username' by
 * client 'c' in 'context' ("lua"; NULL: "multi" or "toplevel"): an
 * entry with the same reason, context, object and user from the last 60
 * seconds is counted again instead. */
static void acl_log_add(struct client *c, const char *context,
                        const char *reason, const char *object, size_t olen,
                        const char *username)
{
    if (context == NULL) {
        context = (c->flags & CLIENT_MULTI) ? "multi" : "toplevel";
    }
    char *info = client_info_line(sds_new_empty(256), c);
    if (sds_len(info) > 0 && info[sds_len(info) - 1] == '\n') {
        char *trimmed = sds_new(info, sds_len(info) - 1);
        sds_free(info);
        info = trimmed;
    }
    for (size_t i = 0; i < acl_log_len; i++) {
        struct acl_log_entry *e = &acl_log[i];
        if (strcmp(e->reason, reason) == 0 &&
            strcmp(e->context, context) == 0 &&
            strlen(e->object) == olen && memcmp(e->object, object, olen) == 0 &&
            strcmp(e->username, username) == 0 &&
            server.mstime - e->mtime < 60000) {
            struct acl_log_entry hit = *e;
            hit.count++;
            hit.mtime = server.mstime;
            sds_free(hit.client_info);
            hit.client_info = info;
            memmove(acl_log + 1, acl_log, i * sizeof(*acl_log));
            acl_log[0] = hit;
            return;
        }
    }
    long long max = atoll(config_stored_get("acllog-max-len"));
    if (max <= 0) {
        sds_free(info);
        acl_log_reset();
        return;
    }
    while (acl_log_len >= (size_t)max) {
        acl_log_entry_release(&acl_log[--acl_log_len]);
    }
    acl_log = mem_realloc(acl_log, (acl_log_len + 1) * sizeof(*acl_log));
    memmove(acl_log + 1, acl_log, acl_log_len * sizeof(*acl_log));
    acl_log_len++;
    acl_log[0] = (struct acl_log_entry){
        .count = 1, .reason = reason, .context = context,
        .object = acl_strndup(object, olen),
        .username = mem_strdup(username), .ctime = server.mstime,
        .mtime = server.mstime, .client_info = info,
    };
}

/* ACL LOG [count | RESET] */
static void acl_cmd_log(struct client *c)
{
    long long count = 10;
    if (c->argc > 3) {
        reply_error(c, "unknown subcommand or wrong number of arguments for "
                       "'%.128s'. Try ACL HELP.", c->argv[1].ptr);
        return;
    }
    if (c->argc == 3) {
        if (arg_is(&c->argv[2], "reset")) {
            acl_log_reset();
            reply_ok(c);
            return;
        }
        if (resp_parse_ll(c->argv[2].ptr, c->argv[2].len, &count) != 0) {
            reply_error(c, "value is not an integer or out of range");
            return;
        }
    }
    size_t n = count < 0 ? 0
               : (size_t)count < acl_log_len ? (size_t)count : acl_log_len;
    reply_array(c, (long long)n);
    for (size_t i = 0; i < n; i++) {
        const struct acl_log_entry *e = &acl_log[i];
        reply_array(c, 14);
        reply_bulk_str(c, "count");
        reply_integer(c, e->count);
        reply_bulk_str(c, "reason");
        reply_bulk_str(c, e->reason);
        reply_bulk_str(c, "context");
        reply_bulk_str(c, e->context);
        reply_bulk_str(c, "object");
        reply_bulk_str(c, e->object);
        reply_bulk_str(c, "username");
        reply_bulk_str(c, e->username);
        reply_bulk_str(c, "age-seconds");
        reply_double(c, (double)(server.mstime - e->ctime) / 1000.0);
        reply_bulk_str(c, "client-info");
        reply_bulk_sds(c, e->client_info);
    }
}

/* ------------------------------------------------------------------------
 * aclfile */

static const char acl_no_file[] =
    "This Redis instance is not configured to use an ACL file. You may "
    "want to specify users via the ACL SETUSER command and then issue a "
    "CONFIG REWRITE (assuming you have a Redis configuration file set) in "
    "order to store users in the Redis configuration.";

/* Replace every user with those of the aclfile, all or nothing: each
 * line "user <name> <rule> ..." (blank lines and # comments skipped);
 * "default" is created as new if the file lacks it. Clients of users
 * that go are closed. 0, or -1 and 'err'. */
static int acl_load_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "Error loading ACLs, opening file '%s': %s",
                 path, strerror(errno));
        return -1;
    }
    struct acl_user *old_users = acl_users;
    struct acl_user *old_default = acl_default;
    acl_users = NULL;
    acl_default = NULL;
    char line[64 * 1024];
    int lineno = 0;
    int rc = 0;
    struct resp_request split;
    resp_request_init(&split);
    while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
        lineno++;
        const char *first = line + strspn(line, " \t\r\n");
        if (*first == '\0') {
            continue;
        }
        resp_request_clear(&split);
        if (resp_request_split(&split, line, strlen(line)) != RESP_OK ||
            split.argc < 2 ||
            strcmp(split.line + split.argv[0].off, "user") != 0) {
            snprintf(err, errlen, "%s:%d should start with user keyword "
                     "followed by the username. ", path, lineno);
            rc = -1;
            break;
        }
        const char *name = split.line + split.argv[1].off;
        if (acl_find(name, strlen(name)) != NULL) {
            snprintf(err, errlen, "WARNING: Duplicate user '%s' found on "
                     "line %d. ", name, lineno);
            rc = -1;
            break;
        }
        int nrules = split.argc - 2;
        struct arg *raw = mem_calloc((size_t)nrules + 1, sizeof(*raw));
        for (int i = 0; i < nrules; i++) {
            raw[i].ptr = split.line + split.argv[i + 2].off;
            raw[i].len = split.argv[i + 2].len;
        }
        char *unmatched = NULL;
        struct arg *rules = acl_merge_args(&nrules, raw, &unmatched);
        mem_free(raw);
        if (rules == NULL) {
            snprintf(err, errlen, "%s:%d: Unmatched parenthesis in acl "
                     "selector starting at '%s'. ", path, lineno, unmatched);
            mem_free(unmatched);
            rc = -1;
            break;
        }
        struct acl_user *u = acl_user_new(name, strlen(name));
        for (int i = 0; i < nrules && rc == 0; i++) {
            char why[256];
            if (acl_apply_rule(u, rules[i].ptr, rules[i].len, why,
                               sizeof(why)) != 0) {
                snprintf(err, errlen, "%s:%d: Error in applying operation "
                         "'%s': %s. ", path, lineno, rules[i].ptr, why);
                rc = -1;
            }
        }
        acl_args_free(rules, nrules);
        acl_user_settle(u);
    }
    resp_request_release(&split);
    fclose(f);
    if (rc != 0) {
        size_t used = strlen(err);
        snprintf(err + used, errlen - used, "WARNING: ACL errors detected, "
                 "no change to the previously active ACL rules was "
                 "performed");
    }
    struct acl_user *gone = rc == 0 ? old_users : acl_users;
    if (rc != 0) {
        acl_users = old_users;
        acl_default = old_default;
    } else {
        acl_default = acl_find("default", 7);
        if (acl_default == NULL) {
            acl_init();
            acl_set_requirepass(server.requirepass);
        }
    }
    /* Clients keep users that still exist by name; others are closed. */
    for (struct client *k = server.clients; k != NULL; k = k->next) {
        if (rc == 0 && k->user != NULL) {
            struct acl_user *now = acl_find(k->user->name,
                                            strlen(k->user->name));
            if (now == NULL || now == acl_default) {
                k->flags |= CLIENT_CLOSE_AFTER_REPLY;
                k->authenticated = false;
            }
            k->user = now == acl_default ? NULL : now;
        }
    }
    while (gone != NULL) {
        struct acl_user *next = gone->next;
        acl_user_free(gone);
        gone = next;
    }
    return rc;
}

/* "user" lines of the config file, applied once the whole file is read
 * (acl_load_at_start): each an array of owned rules, name first. */
static struct {
    struct arg *words;
    int count;
} *acl_conf_users;
static size_t acl_conf_nusers;

int acl_conf_user(int argc, char **argv, char *err, size_t errlen)
{
    cmdspec_init();
    acl_init();
    if (argc < 1) {
        snprintf(err, errlen, "'user' needs a name and rules");
        return -1;
    }
    for (size_t i = 0; i < acl_conf_nusers; i++) {
        if (strcmp(acl_conf_users[i].words[0].ptr, argv[0]) == 0) {
            snprintf(err, errlen, "Duplicate user '%s' found", argv[0]);
            return -1;
        }
    }
    int n = argc - 1;
    struct arg *raw = mem_calloc((size_t)argc, sizeof(*raw));
    for (int i = 0; i < n; i++) {
        raw[i].ptr = argv[i + 1];
        raw[i].len = strlen(argv[i + 1]);
    }
    char *unmatched = NULL;
    struct arg *rules = acl_merge_args(&n, raw, &unmatched);
    mem_free(raw);
    if (rules == NULL) {
        snprintf(err, errlen, "Unmatched parenthesis in acl selector "
                 "starting at '%s'.", unmatched);
        mem_free(unmatched);
        return -1;
    }
    /* Try the rules on a scratch user so a bad one stops the start. */
    struct acl_user *scratch = acl_user_alloc(argv[0], strlen(argv[0]));
    for (int i = 0; i < n; i++) {
        char why[256];
        if (acl_apply_rule(scratch, rules[i].ptr, rules[i].len, why,
                           sizeof(why)) != 0) {
            snprintf(err, errlen, "Error in user declaration '%s': %s",
                     rules[i].ptr, why);
            acl_user_free(scratch);
            acl_args_free(rules, n);
            return -1;
        }
    }
    acl_user_free(scratch);
    struct arg *words = mem_calloc((size_t)n + 1, sizeof(*words));
    words[0].ptr = mem_strdup(argv[0]);
    words[0].len = strlen(argv[0]);
    memcpy(words + 1, rules, (size_t)n * sizeof(*rules));
    mem_free(rules);
    acl_conf_users = mem_realloc(acl_conf_users, (acl_conf_nusers + 1) *
                                                 sizeof(*acl_conf_users));
    acl_conf_users[acl_conf_nusers].words = words;
    acl_conf_users[acl_conf_nusers].count = n + 1;
    acl_conf_nusers++;
    return 0;
}

/* Create the users of the config file's "user" lines ("default" starts
 * over from reset) and forget the lines. */
static void acl_conf_apply(void)
{
    for (size_t i = 0; i < acl_conf_nusers; i++) {
        const struct arg *w = acl_conf_users[i].words;
        struct acl_user *u = acl_find(w[0].ptr, w[0].len);
        char err[256];
        if (u == NULL) {
            u = acl_user_new(w[0].ptr, w[0].len);
        } else {
            acl_apply_rule(u, "reset", 5, err, sizeof(err));
        }
        for (int k = 1; k < acl_conf_users[i].count; k++) {
            /* Checked by acl_conf_user. */
            acl_apply_rule(u, w[k].ptr, w[k].len, err, sizeof(err));
        }
        acl_user_settle(u);
        acl_args_free(acl_conf_users[i].words, acl_conf_users[i].count);
    }
    mem_free(acl_conf_users);
    acl_conf_users = NULL;
    acl_conf_nusers = 0;
}

int acl_load_at_start(char *err, size_t errlen)
{
    cmdspec_init(); /* rules name commands before the server is set up */
    acl_init();
    const char *path = config_stored_get("aclfile");
    if (acl_conf_nusers > 0 && path[0] != '\0') {
        snprintf(err, errlen, "Configuring Redis with users defined in "
                 "redis.conf and at the same setting an ACL file path is "
                 "invalid. This setup is very likely to lead to "
                 "configuration errors and security holes, please define "
                 "either an ACL file or declare users directly in your "
                 "redis.conf, but not both.");
        return -1;
    }
    if (path[0] == '\0') {
        acl_conf_apply();
        return 0;
    }
    return acl_load_file(path, err, errlen);
}

char *acl_user_line(size_t i)
{
    acl_init();
    const struct acl_user *u = acl_users;
    while (u != NULL && i-- > 0) {
        u = u->next;
    }
    return u != NULL ? acl_describe(u) : NULL;
}

/* Write every user as ACL LIST shows it to the aclfile, through a
 * temporary file and a rename. 0, or -1 and 'err'. */
static int acl_save_file(const char *path, char *err, size_t errlen)
{
    char *out = sds_new_empty(1024);
    for (struct acl_user *u = acl_users; u != NULL; u = u->next) {
        char *line = acl_describe(u);
        out = sds_cat(out, line, sds_len(line));
        out = sds_cat(out, "\n", 1);
        sds_free(line);
    }
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.tmp-%d", path, (int)getpid());
    FILE *f = fopen(tmp, "w");
    int rc = 0;
    if (f == NULL || fwrite(out, 1, sds_len(out), f) != sds_len(out) ||
        fflush(f) != 0 || fsync(fileno(f)) != 0) {
        rc = -1;
    }
    if (f != NULL && fclose(f) != 0) {
        rc = -1;
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        rc = -1;
    }
    if (rc != 0) {
        snprintf(err, errlen, "There was an error trying to save the ACLs. "
                 "Please check the server logs for more information");
        log_warn("cannot save ACLs to '%s': %s", path, strerror(errno));
        unlink(tmp);
    }
    sds_free(out);
    return rc;
}

/* The user a client runs as. */
static struct acl_user *acl_client_user(const struct client *c)
{
    return c->user != NULL ? c->user : acl_default;
}

/* True if 'u' may touch key 'k' with 'perms' (ACL_KEY_*). */
static bool acl_key_ok(const struct acl_user *u, const struct arg *k,
                       unsigned perms)
{
    for (size_t i = 0; i < u->nkeys; i++) {
        const struct acl_pattern *p = &u->keys[i];
        if ((p->perms & perms) == perms &&
            util_glob_match(p->text, strlen(p->text), k->ptr, k->len,
                            false)) {
            return true;
        }
    }
    return false;
}

/* True if 'u' may use channel 'ch'; 'literal' for PSUBSCRIBE's patterns,
 * which must equal one of the user's patterns. */
static bool acl_channel_ok(const struct acl_user *u, const struct arg *ch,
                           bool literal)
{
    if (u->allchannels) {
        return true;
    }
    for (size_t i = 0; i < u->nchannels; i++) {
        const char *p = u->channels[i].text;
        if (literal ? strlen(p) == ch->len && memcmp(p, ch->ptr, ch->len) == 0
                    : util_glob_match(p, strlen(p), ch->ptr, ch->len,
                                      false)) {
            return true;
        }
    }
    return false;
}

static const char *acl_arg(const void *argv, int i, size_t *len)
{
    const struct arg *a = (const struct arg *)argv + i;
    *len = a->len;
    return a->ptr;
}

/* Why 'u' may not run 'argv' ('cmd's row): NULL if it may, else
 * "command", "key" or "channel"; '*what' names the command or
 * subcommand refused. */
static const char *acl_why(const struct acl_user *u,
                           const struct cmdspec *spec, int argc,
                           const struct arg *argv, const char **what,
                           const struct arg **bad)
{
    *what = spec->name;
    size_t nsubs;
    cmdspec_subcommands(spec, &nsubs);
    const struct cmdspec *row = spec;
    if (nsubs > 0 && argc > 1) {
        const struct cmdspec *sub =
            cmdspec_lookup_sub(spec, argv[1].ptr, argv[1].len);
        if (sub != NULL) {
            row = sub;
            *what = sub->name;
        }
    }
    /* AUTH and HELLO (no-auth commands) are never refused. */
    if (!(spec->flags & CMDSPEC_NO_AUTH) && !acl_bit(u, acl_bit_of(row)) &&
        !(row != spec && acl_bit(u, acl_bit_of(spec)) && nsubs == 0)) {
        return "command";
    }
    if (cmdspec_has_keys(row) &&
        !(u->nkeys == 1 && strcmp(u->keys[0].text, "*") == 0 &&
          u->keys[0].perms == (ACL_KEY_READ | ACL_KEY_WRITE))) {
        int *keys = mem_alloc((size_t)argc * sizeof(*keys));
        int n = cmdspec_keys(row, argc, acl_arg, argv, keys);
        bool ok = true;
        for (int i = 0; i < n && ok; i++) {
            const char *flags;
            size_t len = cmdspec_key_flags(row, i, &flags);
            unsigned perms = 0;
            if (memmem(flags, len, "RO", 2) || memmem(flags, len, "RW", 2)) {
                perms |= ACL_KEY_READ;
            }
            if (memmem(flags, len, "OW", 2) || memmem(flags, len, "RW", 2) ||
                memmem(flags, len, "RM", 2)) {
                perms |= ACL_KEY_WRITE;
            }
            ok = acl_key_ok(u, &argv[keys[i]], perms);
            *bad = &argv[keys[i]];
        }
        mem_free(keys);
        if (!ok) {
            return "key";
        }
    }
    bool publish = strcmp(row->name, "publish") == 0;
    bool subscribe = strcmp(row->name, "subscribe") == 0;
    bool psubscribe = strcmp(row->name, "psubscribe") == 0;
    if (!u->allchannels && (publish || subscribe || psubscribe)) {
        int last = publish ? 1 : argc - 1;
        for (int i = 1; i <= last; i++) {
            if (!acl_channel_ok(u, &argv[i], psubscribe)) {
                *bad = &argv[i];
                return "channel";
            }
        }
    }
    return NULL;
}

/* The rank of a refusal: when no selector allows a command, the one
 * refused the furthest (channel > key > command) says why. */
static int acl_why_rank(const char *why)
{
    return strcmp(why, "channel") == 0 ? 3 : strcmp(why, "key") == 0 ? 2 : 1;
}

/* acl_why over 'u's own rules and then each of its selectors: NULL if one
 * of them allows the command; else the most relevant refusal, and among
 * equal ones that of the later argument. */
static const char *acl_check(const struct acl_user *u,
                             const struct cmdspec *spec, int argc,
                             const struct arg *argv, const char **what,
                             const struct arg **bad)
{
    const char *why = acl_why(u, spec, argc, argv, what, bad);
    for (size_t i = 0; i < u->nselectors && why != NULL; i++) {
        const char *swhat;
        const struct arg *sbad = NULL;
        const char *swhy = acl_why(u->selectors[i], spec, argc, argv, &swhat,
                                   &sbad);
        if (swhy == NULL) {
            return NULL;
        }
        int rank = acl_why_rank(swhy), best = acl_why_rank(why);
        if (rank > best || (rank == best && sbad != NULL &&
                            (*bad == NULL || sbad > *bad))) {
            why = swhy;
            *what = swhat;
            *bad = sbad;
        }
    }
    return why;
}

bool acl_refuse(struct client *c, const struct command *cmd)
{
    if (c->flags & (CLIENT_MASTER | CLIENT_LOADER)) {
        return false;
    }
    acl_init();
    const struct acl_user *u = acl_client_user(c);
    if (u->unrestricted) {
        return false; /* the common case: no ACLs in use */
    }
    const char *what;
    const struct arg *bad = NULL;
    const char *why = acl_check(u, cmd->spec, c->argc, c->argv, &what,
                                &bad);
    if (why == NULL) {
        return false;
    }
    c->last_cmd = cmd; /* the entry's client info names it, as Redis */
    if (strcmp(why, "command") == 0) {
        acl_log_add(c, NULL, "command", what, strlen(what), u->name);
    } else {
        acl_log_add(c, NULL, why, bad->ptr, bad->len, u->name);
    }
    if (strcmp(why, "command") == 0) {
        reply_error(c, "NOPERM this user has no permissions to run the "
                       "'%s' command", what);
    } else {
        reply_error(c, "NOPERM this user has no permissions to access one "
                       "of the %ss used as arguments", why);
    }
    return true;
}

const char *acl_script_refuse(struct client *caller,
                              const struct command *cmd, int argc,
                              const struct arg *argv, bool log)
{
    if (caller->flags & (CLIENT_MASTER | CLIENT_LOADER)) {
        return NULL;
    }
    acl_init();
    const struct acl_user *u = acl_client_user(caller);
    if (u->unrestricted) {
        return NULL;
    }
    const char *what;
    const struct arg *bad = NULL;
    const char *why = acl_check(u, cmd->spec, argc, argv, &what, &bad);
    if (why == NULL) {
        return NULL;
    }
    if (log) {
        bool is_cmd = strcmp(why, "command") == 0;
        acl_log_add(caller, "lua", why, is_cmd ? what : bad->ptr,
                    is_cmd ? strlen(what) : bad->len, u->name);
    }
    return strcmp(why, "command") == 0
               ? "The user executing the script can't run this command or "
                 "subcommand"
           : strcmp(why, "key") == 0
               ? "The user executing the script can't access at least one "
                 "of the keys mentioned in the command arguments"
               : "The user executing the script can't publish to the "
                 "channel mentioned in the command";
}

/* ------------------------------------------------------------------------
 * Authentication */

void acl_init(void)
{
    if (acl_default != NULL) {
        return;
    }
    acl_default = acl_user_new("default", 7);
    char err[128];
    static const char *const rules[] = { "on", "nopass", "~*", "&*",
                                         "+@all" };
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        acl_apply_rule(acl_default, rules[i], strlen(rules[i]), err,
                       sizeof(err));
    }
    acl_user_settle(acl_default);
}

void acl_release(void)
{
    acl_log_reset();
    for (size_t i = 0; i < acl_conf_nusers; i++) {
        acl_args_free(acl_conf_users[i].words, acl_conf_users[i].count);
    }
    mem_free(acl_conf_users);
    acl_conf_users = NULL;
    acl_conf_nusers = 0;
    while (acl_users != NULL) {
        struct acl_user *u = acl_users;
        acl_users = u->next;
        acl_user_free(u);
    }
    acl_default = NULL;
}

void acl_set_requirepass(const char *pass)
{
    acl_init();
    char err[128];
    acl_apply_rule(acl_default, "resetpass", 9, err, sizeof(err));
    if (pass == NULL || pass[0] == '\0') {
        acl_apply_rule(acl_default, "nopass", 6, err, sizeof(err));
    } else {
        char hex[ACL_HASH_HEX + 1];
        acl_hash(pass, strlen(pass), hex);
        acl_password_add(acl_default, hex);
    }
    acl_user_settle(acl_default);
}

const char *acl_user_name(const struct client *c)
{
    acl_init();
    return acl_client_user(c)->name;
}

bool acl_client_autoauth(void)
{
    acl_init();
    return acl_default->enabled && acl_default->nopass;
}

bool acl_default_nopass(void)
{
    acl_init();
    return acl_default->nopass;
}

int acl_auth(struct client *c, const struct arg *user, const struct arg *pass)
{
    acl_init();
    struct acl_user *u = user != NULL ? acl_find(user->ptr, user->len)
                                      : acl_default;
    bool ok = u != NULL && u->enabled && u->nopass;
    if (!ok && u != NULL && u->enabled) {
        char hex[ACL_HASH_HEX + 1];
        acl_hash(pass->ptr, pass->len, hex);
        for (size_t i = 0; i < u->npasswords && !ok; i++) {
            ok = strcmp(u->passwords[i], hex) == 0;
        }
    }
    if (!ok) {
        const char *who = user != NULL ? user->ptr : "default";
        size_t len = user != NULL ? user->len : 7;
        char *name = acl_strndup(who, len);
        /* The object is the command as typed (AUTH or HELLO). */
        acl_log_add(c, NULL, "auth", c->argv[0].ptr, c->argv[0].len, name);
        mem_free(name);
    }
    if (!ok) {
        return -1;
    }
    c->user = u == acl_default ? NULL : u;
    c->authenticated = true;
    return 0;
}

/* ------------------------------------------------------------------------
 * ACL */

/* ACL SETUSER name [rule ...]: all rules or none. */
static void acl_cmd_setuser(struct client *c)
{
    const struct arg *name = &c->argv[2];
    struct acl_user *u = acl_find(name->ptr, name->len);
    struct acl_user *work = acl_user_new(name->ptr, name->len);
    /* acl_user_new linked 'work' into the list; unlink it while it is a
     * scratch copy. */
    struct acl_user **p = &acl_users;
    while (*p != work) {
        p = &(*p)->next;
    }
    *p = work->next;
    int nrules = c->argc - 3;
    char *unmatched = NULL;
    struct arg *rules = acl_merge_args(&nrules, c->argv + 3, &unmatched);
    if (rules == NULL) {
        reply_error(c, "Unmatched parenthesis in acl selector starting at "
                       "'%s'.", unmatched);
        mem_free(unmatched);
        acl_user_free(work);
        return;
    }
    if (u != NULL) {
        acl_user_copy_rules(work, u);
    }
    for (int i = 0; i < nrules; i++) {
        char err[256];
        if (acl_apply_rule(work, rules[i].ptr, rules[i].len, err,
                           sizeof(err)) != 0) {
            reply_error(c, "Error in ACL SETUSER modifier '%s': %s",
                        rules[i].ptr, err);
            acl_args_free(rules, nrules);
            acl_user_free(work);
            return;
        }
    }
    acl_args_free(rules, nrules);
    if (u == NULL) {
        struct acl_user *n = acl_user_new(name->ptr, name->len);
        u = n;
    }
    /* Move the scratch state into the listed user (clients keep their
     * pointer to it). */
    struct acl_user tmp = *u;
    u->enabled = work->enabled;
    u->nopass = work->nopass;
    u->allcommands = work->allcommands;
    u->allchannels = work->allchannels;
    u->payload = work->payload;
    u->passwords = work->passwords;
    u->npasswords = work->npasswords;
    u->bits = work->bits;
    u->keys = work->keys;
    u->nkeys = work->nkeys;
    u->channels = work->channels;
    u->nchannels = work->nchannels;
    u->selectors = work->selectors;
    u->nselectors = work->nselectors;
    work->selectors = tmp.selectors;
    work->nselectors = tmp.nselectors;
    work->passwords = tmp.passwords;
    work->npasswords = tmp.npasswords;
    work->bits = tmp.bits;
    work->keys = tmp.keys;
    work->nkeys = tmp.nkeys;
    work->channels = tmp.channels;
    work->nchannels = tmp.nchannels;
    acl_user_free(work);
    acl_user_settle(u);
    reply_ok(c);
}

/* ACL GETUSER name: flags, passwords, commands, keys, channels,
 * selectors. */
static void acl_cmd_getuser(struct client *c)
{
    const struct acl_user *u = acl_find(c->argv[2].ptr, c->argv[2].len);
    if (u == NULL) {
        reply_null(c);
        return;
    }
    reply_map(c, 6);
    reply_bulk_str(c, "flags");
    reply_array(c, 1 + u->nopass + (u->payload != NULL));
    reply_bulk_str(c, u->enabled ? "on" : "off");
    if (u->nopass) {
        reply_bulk_str(c, "nopass");
    }
    if (u->payload != NULL) {
        reply_bulk_str(c, u->payload);
    }
    reply_bulk_str(c, "passwords");
    reply_array(c, (long long)u->npasswords);
    for (size_t i = 0; i < u->npasswords; i++) {
        reply_bulk_str(c, u->passwords[i]);
    }
    reply_bulk_str(c, "commands");
    char *s = acl_describe_commands(u);
    reply_bulk_sds(c, s);
    sds_free(s);
    reply_bulk_str(c, "keys");
    s = acl_describe_keys(u, sds_new_empty(32));
    reply_bulk_sds(c, s);
    sds_free(s);
    reply_bulk_str(c, "channels");
    s = acl_describe_channels(u, sds_new_empty(32));
    reply_bulk_sds(c, s);
    sds_free(s);
    reply_bulk_str(c, "selectors");
    reply_array(c, (long long)u->nselectors);
    for (size_t i = 0; i < u->nselectors; i++) {
        const struct acl_user *sel = u->selectors[i];
        reply_map(c, 3);
        reply_bulk_str(c, "commands");
        s = acl_describe_commands(sel);
        reply_bulk_sds(c, s);
        sds_free(s);
        reply_bulk_str(c, "keys");
        s = acl_describe_keys(sel, sds_new_empty(32));
        reply_bulk_sds(c, s);
        sds_free(s);
        reply_bulk_str(c, "channels");
        s = acl_describe_channels(sel, sds_new_empty(32));
        reply_bulk_sds(c, s);
        sds_free(s);
    }
}

/* ACL DELUSER name [name ...]: the number deleted; their clients are
 * closed. "default" cannot go. */
static void acl_cmd_deluser(struct client *c)
{
    for (int i = 2; i < c->argc; i++) {
        if (arg_is(&c->argv[i], "default")) {
            reply_error(c, "The 'default' user cannot be removed");
            return;
        }
    }
    long long n = 0;
    for (int i = 2; i < c->argc; i++) {
        struct acl_user *u = acl_find(c->argv[i].ptr, c->argv[i].len);
        if (u == NULL) {
            continue;
        }
        for (struct client *k = server.clients; k != NULL; k = k->next) {
            if (k->user == u) {
                k->user = NULL;
                k->authenticated = false;
                k->flags |= CLIENT_CLOSE_AFTER_REPLY;
            }
        }
        struct acl_user **p = &acl_users;
        while (*p != u) {
            p = &(*p)->next;
        }
        *p = u->next;
        acl_user_free(u);
        n++;
    }
    reply_integer(c, n);
}

/* ACL CAT [category]: the categories, or the commands in one. */
static void acl_cmd_cat(struct client *c)
{
    if (c->argc == 2) {
        reply_array(c, CMDSPEC_ACL_COUNT);
        for (int i = 0; i < CMDSPEC_ACL_COUNT; i++) {
            reply_bulk_str(c, cmdspec_acl_name(i));
        }
        return;
    }
    int bit = cmdspec_acl_bit(c->argv[2].ptr, c->argv[2].len);
    if (bit < 0) {
        reply_error(c, "Unknown category '%.128s'", c->argv[2].ptr);
        return;
    }
    size_t handle = reply_defer_len(c);
    long long n = 0;
    for (size_t i = 0; i < cmdspec_count; i++) {
        const struct cmdspec *spec = &cmdspec_table[i];
        if (commands_lookup(spec->name, strlen(spec->name)) == NULL) {
            continue;
        }
        if (cmdspec_acl_categories(spec) & (1u << bit)) {
            reply_bulk_str(c, spec->name);
            n++;
        }
        size_t nsubs;
        const struct cmdspec *subs = cmdspec_subcommands(spec, &nsubs);
        for (size_t k = 0; k < nsubs; k++) {
            if (!(subs[k].flags & CMDSPEC_NOT_SERVED) &&
                (cmdspec_acl_categories(&subs[k]) & (1u << bit))) {
                reply_bulk_str(c, subs[k].name);
                n++;
            }
        }
    }
    reply_set_array_len(c, handle, n);
}

/* ACL DRYRUN user command [arg ...] */
static void acl_cmd_dryrun(struct client *c)
{
    const struct acl_user *u = acl_find(c->argv[2].ptr, c->argv[2].len);
    if (u == NULL) {
        reply_error(c, "User '%.128s' not found", c->argv[2].ptr);
        return;
    }
    const struct command *cmd = commands_lookup(c->argv[3].ptr,
                                                c->argv[3].len);
    if (cmd == NULL) {
        reply_error(c, "Command '%.128s' not found", c->argv[3].ptr);
        return;
    }
    int argc = c->argc - 3;
    if (!cmdspec_arity_ok(cmd->spec, argc)) {
        reply_error(c, "wrong number of arguments for '%s' command",
                    cmd->spec->name);
        return;
    }
    const char *what;
    const struct arg *bad = NULL;
    const char *why = acl_check(u, cmd->spec, argc, c->argv + 3, &what,
                                &bad);
    if (why == NULL) {
        reply_ok(c);
    } else if (strcmp(why, "command") == 0) {
        char *s = sds_new_empty(128);
        s = sds_catfmt(s, "This user has no permissions to run the '%s' "
                          "command", what);
        reply_bulk_sds(c, s);
        sds_free(s);
    } else {
        char *s = sds_new_empty(128);
        s = sds_catfmt(s, "This user has no permissions to access the ");
        s = sds_cat(s, "'", 1);
        s = sds_cat(s, bad->ptr, bad->len);
        s = sds_catfmt(s, "' %s", why);
        reply_bulk_sds(c, s);
        sds_free(s);
    }
}

/* ACL GENPASS [bits]: random hex, 256 bits unless told. */
static void acl_cmd_genpass(struct client *c)
{
    long long bits = 256;
    if (c->argc == 3 &&
        resp_parse_ll(c->argv[2].ptr, c->argv[2].len, &bits) != 0) {
        reply_error(c, "value is not an integer or out of range");
        return;
    }
    if (bits <= 0 || bits > 4096) {
        reply_error(c, "ACL GENPASS argument must be the number of bits for "
                       "the output password, a positive number up to 4096");
        return;
    }
    size_t chars = (size_t)(bits + 3) / 4;
    unsigned char raw[512];
    if (RAND_bytes(raw, (int)((chars + 1) / 2)) != 1) {
        reply_error(c, "cannot get random bytes");
        return;
    }
    char out[1025];
    for (size_t i = 0; i < chars; i++) {
        out[i] = "0123456789abcdef"[(raw[i / 2] >> ((i % 2) ? 0 : 4)) & 15];
    }
    out[chars] = '\0';
    reply_bulk_str(c, out);
}

/* ACL SETUSER|GETUSER|DELUSER|LIST|USERS|WHOAMI|CAT|DRYRUN|GENPASS|HELP */
void cmd_acl(struct client *c)
{
    acl_init();
    const struct arg *sub = &c->argv[1];
    if (commands_subcommand_or_reply(c) == NULL) {
        return;
    }
    if (arg_is(sub, "setuser")) {
        acl_cmd_setuser(c);
    } else if (arg_is(sub, "getuser")) {
        acl_cmd_getuser(c);
    } else if (arg_is(sub, "deluser")) {
        acl_cmd_deluser(c);
    } else if (arg_is(sub, "list") || arg_is(sub, "users")) {
        long long n = 0;
        for (struct acl_user *u = acl_users; u != NULL; u = u->next) {
            n++;
        }
        reply_array(c, n);
        for (struct acl_user *u = acl_users; u != NULL; u = u->next) {
            if (arg_is(sub, "users")) {
                reply_bulk_str(c, u->name);
                continue;
            }
            char *s = acl_describe(u);
            reply_bulk_sds(c, s);
            sds_free(s);
        }
    } else if (arg_is(sub, "whoami")) {
        reply_bulk_str(c, acl_client_user(c)->name);
    } else if (arg_is(sub, "cat")) {
        acl_cmd_cat(c);
    } else if (arg_is(sub, "dryrun")) {
        acl_cmd_dryrun(c);
    } else if (arg_is(sub, "genpass")) {
        acl_cmd_genpass(c);
    } else if (arg_is(sub, "log")) {
        acl_cmd_log(c);
    } else if (arg_is(sub, "load") || arg_is(sub, "save")) {
        const char *path = config_stored_get("aclfile");
        char err[1024];
        if (path[0] == '\0') {
            reply_error(c, "%s", acl_no_file);
        } else if ((arg_is(sub, "load") ? acl_load_file(path, err,
                                                        sizeof(err))
                                        : acl_save_file(path, err,
                                                        sizeof(err))) != 0) {
            reply_error(c, "%s", err);
        } else {
            reply_ok(c);
        }
    } else {
        static const char *const help[] = {
            "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "CAT [<category>]", "DELUSER <username> [<username> ...]",
            "DRYRUN <username> <command> [<arg> ...]",
            "GETUSER <username>", "LIST", "USERS", "WHOAMI",
            "SETUSER <username> <attribs> ...", "GENPASS [<bits>]",
            "LOG [<count> | RESET]", "LOAD", "SAVE", "HELP",
        };
        reply_array(c, sizeof(help) / sizeof(help[0]));
        for (size_t i = 0; i < sizeof(help) / sizeof(help[0]); i++) {
            reply_simple(c, help[i]);
        }
    }
}

bool acl_skip_sanitize(const struct client *c)
{
    const struct acl_user *u = c->user != NULL ? c->user : acl_default;
    return u != NULL && u->payload != NULL &&
           strcmp(u->payload, "skip-sanitize-payload") == 0;
}
