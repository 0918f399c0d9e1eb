/* GEO commands: GEOADD, GEODIST, GEOHASH, GEOPOS, GEOSEARCH,
 * GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and their _RO forms. A
 * geo set is a sorted set whose scores are 52-bit geohashes (geohash.c),
 * so ZRANGE and friends work on it and it moves like any sorted set.
 *
 * Searches scan the geohash cells Redis scans (the centre's cell and its
 * eight neighbours, geo_shape_cells) and test their members against the
 * shape (a circle or a box around a point) with Redis's distance
 * arithmetic, so they find the members Redis finds, in its order, even
 * where it misses far parts of huge shapes. Argument checks follow Redis
 * 7.0's order so errors match it byte for byte. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/geohash.h"
#include "redis/notify.h"
#include "redis/server.h"
#include "redis/t_zset.h"

/* Parse a float with Redis's rules, replying 'msg' (or the usual text)
 * when it is not one. */
static int geo_double_or_reply(struct client *c, const struct arg *a,
                               double *v, const char *msg)
{
    char buf[128];
    char *end;
    if (a->len == 0 || a->len >= sizeof(buf) || a->ptr[0] == ' ' ||
        a->ptr[0] == '\t' || a->ptr[0] == '\n' || a->ptr[0] == '\r' ||
        a->ptr[0] == '\v' || a->ptr[0] == '\f') {
        goto bad;
    }
    memcpy(buf, a->ptr, a->len);
    buf[a->len] = '\0';
    errno = 0;
    *v = strtod(buf, &end);
    if ((size_t)(end - buf) != a->len || isnan(*v) ||
        (errno == ERANGE && (*v == HUGE_VAL || *v == -HUGE_VAL ||
                             fpclassify(*v) == FP_ZERO))) {
        goto bad;
    }
    return 0;
bad:
    reply_error(c, "%s", msg != NULL ? msg : "value is not a valid float");
    return -1;
}

/* Parse "lon lat" at argv[i], i+1 within the Web Mercator limits. */
static int geo_lonlat_or_reply(struct client *c, int i, double *xy)
{
    if (geo_double_or_reply(c, &c->argv[i], &xy[0], NULL) != 0 ||
        geo_double_or_reply(c, &c->argv[i + 1], &xy[1], NULL) != 0) {
        return -1;
    }
    if (xy[0] < GEOHASH_LONG_MIN || xy[0] > GEOHASH_LONG_MAX ||
        xy[1] < GEOHASH_LAT_MIN || xy[1] > GEOHASH_LAT_MAX) {
        reply_error(c, "invalid longitude,latitude pair %f,%f", xy[0], xy[1]);
        return -1;
    }
    return 0;
}

/* Meters per unit named by 'a', or -1 after an error reply. */
static double geo_unit_or_reply(struct client *c, const struct arg *a)
{
    if (arg_is(a, "m")) {
        return 1;
    }
    if (arg_is(a, "km")) {
        return 1000;
    }
    if (arg_is(a, "ft")) {
        return 0.3048;
    }
    if (arg_is(a, "mi")) {
        return 1609.34;
    }
    reply_error(c, "unsupported unit provided. please use M, KM, FT, MI");
    return -1;
}

/* The score of 'member' in geo set 'z', or false if it has none. */
static bool geo_score(struct object *z, const struct arg *member,
                      double *score)
{
    if (z == NULL) {
        return false;
    }
    return zset_score(z, member->ptr, member->len, score);
}

/* Reply a distance in the unit's text: "%.4f" as a bulk string. */
static void geo_reply_distance(struct client *c, double d)
{
    char buf[128];
    int n = snprintf(buf, sizeof(buf), "%.4f", d);
    reply_bulk(c, buf, (size_t)n);
}

/* Reply a coordinate as Redis's human long double text. */
static void geo_reply_coord(struct client *c, double v)
{
    char buf[5 * 1024];
    size_t n = util_ld2str(buf, sizeof(buf), (long double)v);
    reply_double_text(c, buf, n);
}

/* GEOADD key [NX|XX] [CH] longitude latitude member [...]: becomes ZADD
 * with the geohashes as scores. */
void cmd_geoadd(struct client *c)
{
    int first = 2;
    bool nx = false, xx = false;
    while (first < c->argc) {
        if (arg_is(&c->argv[first], "nx")) {
            nx = true;
        } else if (arg_is(&c->argv[first], "xx")) {
            xx = true;
        } else if (!arg_is(&c->argv[first], "ch")) {
            break;
        }
        first++;
    }
    if ((c->argc - first) % 3 != 0 || (nx && xx)) {
        reply_syntax_error(c);
        return;
    }
    int n = (c->argc - first) / 3;
    int argc = first + n * 2;
    struct arg *argv = mem_calloc((size_t)argc, sizeof(*argv));
    char (*scores)[SERVER_LONG_STR_SIZE] =
        mem_calloc((size_t)(n > 0 ? n : 1), sizeof(*scores));
    argv[0].ptr = "zadd";
    argv[0].len = 4;
    for (int i = 1; i < first; i++) {
        argv[i] = c->argv[i];
    }
    for (int i = 0; i < n; i++) {
        double xy[2];
        uint64_t bits;
        if (geo_lonlat_or_reply(c, first + i * 3, xy) != 0) {
            goto done;
        }
        geohash_encode(xy[0], xy[1], GEOHASH_LAT_MIN, GEOHASH_LAT_MAX,
                       GEOHASH_STEP, &bits);
        argv[first + i * 2].ptr = scores[i];
        argv[first + i * 2].len = util_ll2str(scores[i], (long long)bits);
        argv[first + i * 2 + 1] = c->argv[first + i * 3 + 2];
    }
    /* ZADD reads c->argv; the original arguments come back after it. */
    struct arg *saved = c->argv;
    int saved_argc = c->argc;
    c->argv = argv;
    c->argc = argc;
    cmd_zadd(c);
    c->argv = saved;
    c->argc = saved_argc;
done:
    mem_free(argv);
    mem_free(scores);
}

/* GEODIST key member1 member2 [M|KM|FT|MI] */
void cmd_geodist(struct client *c)
{
    double to_meter = 1;
    if (c->argc == 5) {
        to_meter = geo_unit_or_reply(c, &c->argv[4]);
        if (to_meter < 0) {
            return;
        }
    } else if (c->argc > 5) {
        reply_syntax_error(c);
        return;
    }
    struct object *z = db_lookup_read_or_reply(c, &c->argv[1], "$-1\r\n");
    if (z == NULL || object_check_type_or_reply(c, z, OBJ_ZSET) != 0) {
        return;
    }
    double s1, s2;
    if (!geo_score(z, &c->argv[2], &s1) || !geo_score(z, &c->argv[3], &s2)) {
        reply_null(c);
        return;
    }
    double x1, y1, x2, y2;
    geohash_decode((uint64_t)s1, &x1, &y1);
    geohash_decode((uint64_t)s2, &x2, &y2);
    geo_reply_distance(c, geohash_distance(x1, y1, x2, y2) / to_meter);
}

/* The geo set at argv[1] for GEOHASH/GEOPOS: NULL when missing (no
 * reply) or after WRONGTYPE ('*wrong'). */
static struct object *geo_lookup_members(struct client *c, bool *wrong)
{
    struct object *o = db_lookup_read(c->db, c->argv[1].ptr,
                                      c->argv[1].len);
    *wrong = o != NULL && object_check_type_or_reply(c, o, OBJ_ZSET) != 0;
    return o != NULL && !*wrong ? o : NULL;
}

/* GEOHASH ('as_pos' false) or GEOPOS key [member ...]: per member, its
 * 11-character geohash or its [lon, lat]; a null for a missing one. */
static void geo_reply_members(struct client *c, bool as_pos)
{
    bool wrong;
    struct object *z = geo_lookup_members(c, &wrong);
    if (wrong) {
        return;
    }
    reply_array(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        double score, lon, lat;
        if (!geo_score(z, &c->argv[i], &score)) {
            if (as_pos) {
                reply_null_array(c);
            } else {
                reply_null(c);
            }
        } else if (as_pos) {
            geohash_decode((uint64_t)score, &lon, &lat);
            reply_array(c, 2);
            geo_reply_coord(c, lon);
            geo_reply_coord(c, lat);
        } else {
            char text[12];
            geohash_text((uint64_t)score, text);
            reply_bulk(c, text, 11);
        }
    }
}

/* GEOHASH key [member ...] */
void cmd_geohash(struct client *c)
{
    geo_reply_members(c, false);
}

/* GEOPOS key [member ...] */
void cmd_geopos(struct client *c)
{
    geo_reply_members(c, true);
}

/* ------------------------------------------------------------------------
 * Searches */

#define GEO_RADIUS_COORDS (1u << 0)  /* GEORADIUS: lon lat radius unit */
#define GEO_RADIUS_MEMBER (1u << 1)  /* GEORADIUSBYMEMBER: member radius */
#define GEO_NOSTORE (1u << 2)        /* the _RO forms */
#define GEO_SEARCH (1u << 3)         /* GEOSEARCH: FROM... BY... */
#define GEO_SEARCHSTORE (1u << 4)    /* GEOSEARCHSTORE dest src ... */

/* The area searched: a circle ('radius') or a box ('width' x 'height')
 * around 'xy', in the unit 'conversion' meters long. */
struct geo_shape {
    bool box;
    double xy[2];
    double conversion;
    double radius, width, height;
};

/* One member found. */
struct geo_point {
    const char *member;  /* borrowed from the set */
    size_t len;
    double dist;         /* meters, then in the unit */
    double score;
    double xy[2];
};

/* Parse "radius unit" at argv[i]. */
static int geo_radius_or_reply(struct client *c, int i, struct geo_shape *s)
{
    if (geo_double_or_reply(c, &c->argv[i], &s->radius,
                            "need numeric radius") != 0) {
        return -1;
    }
    if (s->radius < 0) {
        reply_error(c, "radius cannot be negative");
        return -1;
    }
    s->conversion = geo_unit_or_reply(c, &c->argv[i + 1]);
    s->box = false;
    return s->conversion < 0 ? -1 : 0;
}

/* Parse "width height unit" at argv[i]. */
static int geo_box_or_reply(struct client *c, int i, struct geo_shape *s)
{
    if (geo_double_or_reply(c, &c->argv[i], &s->width,
                            "need numeric width") != 0 ||
        geo_double_or_reply(c, &c->argv[i + 1], &s->height,
                            "need numeric height") != 0) {
        return -1;
    }
    if (s->height < 0 || s->width < 0) {
        reply_error(c, "height or width cannot be negative");
        return -1;
    }
    s->conversion = geo_unit_or_reply(c, &c->argv[i + 2]);
    s->box = true;
    return s->conversion < 0 ? -1 : 0;
}

/* The position of 'member' of 'z' into 'xy', or an error reply. */
static int geo_member_or_reply(struct client *c, struct object *z,
                               const struct arg *member, double *xy)
{
    double score;
    if (!geo_score(z, member, &score)) {
        reply_error(c, "could not decode requested zset member");
        return -1;
    }
    geohash_decode((uint64_t)score, &xy[0], &xy[1]);
    return 0;
}

/* True if the point at score 's' lies in 'shape'; fills 'p'. */
static bool geo_in_shape(const struct geo_shape *shape, double s,
                         struct geo_point *p)
{
    geohash_decode((uint64_t)s, &p->xy[0], &p->xy[1]);
    p->score = s;
    if (!shape->box) {
        p->dist = geohash_distance(shape->xy[0], shape->xy[1], p->xy[0],
                                   p->xy[1]);
        return p->dist <= shape->radius * shape->conversion;
    }
    double lat_dist = geohash_distance(0, p->xy[1], 0, shape->xy[1]);
    if (lat_dist > shape->height * shape->conversion / 2) {
        return false;
    }
    double lon_dist = geohash_distance(p->xy[0], p->xy[1], shape->xy[0],
                                       p->xy[1]);
    if (lon_dist > shape->width * shape->conversion / 2) {
        return false;
    }
    p->dist = geohash_distance(shape->xy[0], shape->xy[1], p->xy[0],
                               p->xy[1]);
    return true;
}

static int geo_cmp_asc(const void *a, const void *b)
{
    double x = ((const struct geo_point *)a)->dist;
    double y = ((const struct geo_point *)b)->dist;
    return x > y ? 1 : x < y ? -1 : 0;
}

static int geo_cmp_desc(const void *a, const void *b)
{
    return -geo_cmp_asc(a, b);
}

/* A geohash cell: 'step' bits per coordinate; step 0 means none. */
struct geo_cell {
    uint64_t bits;
    unsigned step;
};

/* How many bits per coordinate make a cell about as wide as 'meters'
 * (so the cell and its neighbours cover it), fewer near the poles. */
static unsigned geo_step_for(double meters, double lat)
{
    if (meters == 0) {
        return GEOHASH_STEP;
    }
    int step = 1;
    while (meters < 20037726.37) { /* half the Mercator world's width */
        meters *= 2;
        step++;
    }
    step -= 2;
    if (lat > 66 || lat < -66) {
        step -= lat > 80 || lat < -80 ? 2 : 1;
    }
    return step < 1 ? 1 : step > GEOHASH_STEP ? GEOHASH_STEP : (unsigned)step;
}

/* The cells to scan for 'shape', as Redis picks them: the cell of the
 * centre at the step estimated from the radius (or half diagonal), one
 * step coarser if a side neighbour ends inside the shape's bounding box,
 * then the centre and its eight neighbours (N, S, E, W, NE, NW, SE, SW),
 * without those lying wholly outside the box. Far parts of very large
 * shapes fall outside these cells and are not found, as in Redis. */
static void geo_shape_cells(const struct geo_shape *shape,
                            struct geo_cell *cells)
{
    static const int moves[9][2] = { { 0, 0 }, { 0, 1 }, { 0, -1 },
                                     { 1, 0 }, { -1, 0 }, { 1, 1 },
                                     { -1, 1 }, { 1, -1 }, { -1, -1 } };
    double lon = shape->xy[0], lat = shape->xy[1];
    double half_h = shape->conversion *
                    (shape->box ? shape->height / 2 : shape->radius);
    double half_w = shape->conversion *
                    (shape->box ? shape->width / 2 : shape->radius);
    double meters = shape->box ? sqrt(shape->width / 2 * shape->width / 2 +
                                      shape->height / 2 * shape->height / 2)
                               : shape->radius;
    meters *= shape->conversion;
    /* The bounding box: longitudes widen towards the pole side. */
    double radius = 6372797.560856, deg = 180 / M_PI;
    double dlat = half_h / radius * deg;
    double dlon = half_w / radius /
                  cos((lat < 0 ? lat - dlat : lat + dlat) / deg) * deg;
    double min_lon = lon - dlon, max_lon = lon + dlon;
    double min_lat = lat - dlat, max_lat = lat + dlat;
    unsigned step = geo_step_for(meters, lat);
    uint64_t bits;
    double n[4], s[4], e[4], w[4], area[4];
    geohash_encode(lon, lat, GEOHASH_LAT_MIN, GEOHASH_LAT_MAX, step, &bits);
    geohash_area(geohash_move(bits, step, 0, 1), step, n);
    geohash_area(geohash_move(bits, step, 0, -1), step, s);
    geohash_area(geohash_move(bits, step, 1, 0), step, e);
    geohash_area(geohash_move(bits, step, -1, 0), step, w);
    if (step > 1 && (n[3] < max_lat || s[1] > min_lat || e[2] < max_lon ||
                     w[0] > min_lon)) {
        step--;
        geohash_encode(lon, lat, GEOHASH_LAT_MIN, GEOHASH_LAT_MAX, step,
                       &bits);
    }
    geohash_area(bits, step, area);
    for (int i = 0; i < 9; i++) {
        int dx = moves[i][0], dy = moves[i][1];
        bool useless = step >= 2 && ((dy < 0 && area[1] < min_lat) ||
                                     (dy > 0 && area[3] > max_lat) ||
                                     (dx < 0 && area[0] < min_lon) ||
                                     (dx > 0 && area[2] > max_lon));
        cells[i].bits = useless ? 0 : geohash_move(bits, step, dx, dy);
        cells[i].step = useless ? 0 : step;
    }
}

/* Points of 'shape' found so far. */
struct geo_found {
    struct geo_point *pts;
    size_t used, cap;
};

/* Add to 'f' the members of 'z' in 'cell' that lie in 'shape', stopping
 * once 'limit' (0: none) were found. */
static void geo_scan_cell(struct object *z,
                          const struct geo_shape *shape,
                          struct geo_cell cell, size_t limit,
                          struct geo_found *f)
{
    unsigned shift = 2 * (GEOHASH_STEP - cell.step);
    struct zsl_range r = { (double)(cell.bits << shift),
                           (double)((cell.bits + 1) << shift), false, true };
    struct zset_pos pos;
    for (zset_first_in(z, &r, false, &pos);
         zset_pos_ok(&pos) && zset_pos_in(&pos, &r, false); zset_next(&pos)) {
        if (f->used == f->cap) {
            f->cap = f->cap * 2 + 16;
            f->pts = mem_realloc(f->pts, f->cap * sizeof(*f->pts));
        }
        struct geo_point *p = &f->pts[f->used];
        const char *m;
        size_t len;
        if (geo_in_shape(shape, zset_get(&pos, &m, &len), p)) {
            p->member = m;
            p->len = len;
            f->used++;
        }
        if (limit != 0 && f->used >= limit) {
            break;
        }
    }
}

/* Find the members of 'z' in 'shape' the way Redis does (see
 * geo_shape_cells), in the order it finds them; a cell equal to the one
 * scanned just before it is skipped. */
static void geo_find(struct object *z,
                     const struct geo_shape *shape, size_t limit,
                     struct geo_found *f)
{
    struct geo_cell cells[9];
    int last = -1;
    geo_shape_cells(shape, cells);
    for (int i = 0; i < 9; i++) {
        if (cells[i].step == 0 && cells[i].bits == 0) {
            continue;
        }
        if (last >= 0 && cells[i].bits == cells[last].bits &&
            cells[i].step == cells[last].step) {
            continue;
        }
        if (limit != 0 && f->used >= limit) {
            break;
        }
        geo_scan_cell(z, shape, cells[i], limit, f);
        last = i;
    }
}

/* GEOSEARCH's FROMMEMBER m | FROMLONLAT lon lat (the centre) and
 * BYRADIUS r unit | BYBOX w h unit (the shape) at argv[i], with 'after'
 * arguments after it, into 'shape'; the centre of a member only if 'z'
 * exists. '*from' and '*by' record which form was given (1 + its index):
 * the other form of the same kind is then not recognised (a syntax
 * error, as in Redis), the same one again overrides. Returns how many
 * arguments follow the name, 0 if argv[i] is not one of them, -1 after
 * an error reply. */
static int geo_search_option(struct client *c, struct object *z,
                             int i, int after, struct geo_shape *shape,
                             int *from, int *by)
{
    static const struct {
        const char *name;
        int nargs;
        bool is_by;
    } opts[] = { { "frommember", 1, false }, { "fromlonlat", 2, false },
                 { "byradius", 2, true }, { "bybox", 3, true } };
    for (int k = 0; k < 4; k++) {
        int *seen = opts[k].is_by ? by : from;
        if (!arg_is(&c->argv[i], opts[k].name) || opts[k].nargs > after ||
            (*seen != 0 && *seen != k + 1)) {
            continue;
        }
        int rc = 0;
        if (k == 0 && z != NULL) {
            rc = geo_member_or_reply(c, z, &c->argv[i + 1], shape->xy);
        } else if (k == 1) {
            rc = geo_lonlat_or_reply(c, i + 1, shape->xy);
        } else if (k == 2) {
            rc = geo_radius_or_reply(c, i + 1, shape);
        } else if (k == 3) {
            rc = geo_box_or_reply(c, i + 1, shape);
        }
        if (rc != 0) {
            return -1;
        }
        *seen = k + 1;
        return opts[k].nargs;
    }
    return 0;
}

/* Every GEOSEARCH / GEORADIUS form; 'src' is the index of the source
 * key. */
static void geo_search_generic(struct client *c, int src, unsigned flags)
{
    struct object *zo = db_lookup_read(c->db, c->argv[src].ptr,
                                       c->argv[src].len);
    if (zo != NULL && object_check_type_or_reply(c, zo, OBJ_ZSET) != 0) {
        return;
    }
    struct object *z = zo;
    struct geo_shape shape = { 0 };
    const struct arg *store = NULL;
    bool storedist = false;
    int base;
    if (flags & GEO_RADIUS_COORDS) {
        base = 6;
        if (geo_lonlat_or_reply(c, 2, shape.xy) != 0 ||
            geo_radius_or_reply(c, 4, &shape) != 0) {
            return;
        }
    } else if (flags & GEO_RADIUS_MEMBER) {
        base = 5;
        if (z != NULL && (geo_member_or_reply(c, z, &c->argv[2],
                                              shape.xy) != 0 ||
                          geo_radius_or_reply(c, 3, &shape) != 0)) {
            return;
        }
    } else {
        base = 2;
        if (flags & GEO_SEARCHSTORE) {
            base = 3;
            store = &c->argv[1];
        }
    }
    bool withdist = false, withhash = false, withcoord = false, any = false;
    int from = 0, by = 0, taken;
    int sort = 0; /* 0 none, 1 ASC, -1 DESC */
    long long count = 0;
    int rest = c->argc - base;
    for (int i = 0; i < rest; i++) {
        const struct arg *a = &c->argv[base + i];
        bool search = (flags & GEO_SEARCH) != 0;
        bool radius_store = !(flags & GEO_NOSTORE) && !search;
        if (arg_is(a, "withdist")) {
            withdist = true;
        } else if (arg_is(a, "withhash")) {
            withhash = true;
        } else if (arg_is(a, "withcoord")) {
            withcoord = true;
        } else if (arg_is(a, "any")) {
            any = true;
        } else if (arg_is(a, "asc")) {
            sort = 1;
        } else if (arg_is(a, "desc")) {
            sort = -1;
        } else if (arg_is(a, "count") && i + 1 < rest) {
            if (arg_ll_or_reply(c, &c->argv[base + i + 1], &count,
                                NULL) != 0) {
                return;
            }
            if (count <= 0) {
                reply_error(c, "COUNT must be > 0");
                return;
            }
            i++;
        } else if ((arg_is(a, "store") || arg_is(a, "storedist")) &&
                   i + 1 < rest && radius_store) {
            store = &c->argv[base + i + 1];
            storedist = arg_is(a, "storedist");
            i++;
        } else if (arg_is(a, "storedist") && (flags & GEO_SEARCHSTORE)) {
            storedist = true;
        } else if (search &&
                   (taken = geo_search_option(c, z, base + i, rest - i - 1,
                                              &shape, &from, &by)) != 0) {
            if (taken < 0) {
                return;
            }
            i += taken;
        } else {
            reply_syntax_error(c);
            return;
        }
    }
    if (store != NULL && (withdist || withhash || withcoord)) {
        reply_error(c, "%s is not compatible with WITHDIST, WITHHASH and "
                       "WITHCOORD options",
                    (flags & GEO_SEARCHSTORE) ? "GEOSEARCHSTORE"
                                              : "STORE option in GEORADIUS");
        return;
    }
    if ((flags & GEO_SEARCH) && from == 0) {
        reply_error(c, "exactly one of FROMMEMBER or FROMLONLAT can be "
                       "specified for %s", c->argv[0].ptr);
        return;
    }
    if ((flags & GEO_SEARCH) && by == 0) {
        reply_error(c, "exactly one of BYRADIUS and BYBOX can be specified "
                       "for %s", c->argv[0].ptr);
        return;
    }
    if (any && count == 0) {
        reply_error(c, "the ANY argument requires COUNT argument");
        return;
    }
    if (z == NULL) {
        if (store != NULL) {
            if (db_delete(c->db, store->ptr, store->len)) {
                notify_arg(NOTIFY_GENERIC, "del", store, c->db->id);
                server.dirty++;
            }
            reply_integer(c, 0);
        } else {
            reply_array(c, 0);
        }
        return;
    }
    if (count != 0 && sort == 0 && !any) {
        sort = 1;
    }
    struct geo_found found = { NULL, 0, 0 };
    geo_find(z, &shape, any ? (size_t)count : 0, &found);
    struct geo_point *pts = found.pts;
    size_t used = found.used;
    if (used == 0 && store == NULL) {
        reply_array(c, 0);
        mem_free(pts);
        return;
    }
    long long returned = count == 0 || (long long)used < count
                             ? (long long)used : count;
    if (sort != 0) {
        qsort(pts, used, sizeof(*pts), sort > 0 ? geo_cmp_asc : geo_cmp_desc);
    }
    for (long long i = 0; i < returned; i++) {
        pts[i].dist /= shape.conversion;
    }
    if (store == NULL) {
        int opts = withdist + withhash + withcoord;
        reply_array(c, returned);
        for (long long i = 0; i < returned; i++) {
            const struct geo_point *p = &pts[i];
            if (opts > 0) {
                reply_array(c, opts + 1);
            }
            reply_bulk(c, p->member, p->len);
            if (withdist) {
                geo_reply_distance(c, p->dist);
            }
            if (withhash) {
                reply_integer(c, (long long)p->score);
            }
            if (withcoord) {
                reply_array(c, 2);
                geo_reply_coord(c, p->xy[0]);
                geo_reply_coord(c, p->xy[1]);
            }
        }
    } else if (returned > 0) {
        struct object *dest = zset_type_new();
        for (long long i = 0; i < returned; i++) {
            zset_type_add(dest, pts[i].member, pts[i].len,
                          storedist ? pts[i].dist : pts[i].score);
        }
        db_set_key(c->db, store->ptr, store->len, dest, false);
        notify_arg(NOTIFY_ZSET, strncmp(c->cmd->spec->name, "geosearch", 9) == 0
                   ? "geosearchstore" : "georadiusstore", store, c->db->id);
        server.dirty += returned;
        reply_integer(c, returned);
    } else {
        if (db_delete(c->db, store->ptr, store->len)) {
            notify_arg(NOTIFY_GENERIC, "del", store, c->db->id);
            server.dirty++;
        }
        reply_integer(c, 0);
    }
    mem_free(pts);
}

/* GEORADIUS key lon lat radius unit [options] [STORE k] [STOREDIST k] */
void cmd_georadius(struct client *c)
{
    geo_search_generic(c, 1, GEO_RADIUS_COORDS);
}

void cmd_georadius_ro(struct client *c)
{
    geo_search_generic(c, 1, GEO_RADIUS_COORDS | GEO_NOSTORE);
}

/* GEORADIUSBYMEMBER key member radius unit [options] [STORE k] ... */
void cmd_georadiusbymember(struct client *c)
{
    geo_search_generic(c, 1, GEO_RADIUS_MEMBER);
}

void cmd_georadiusbymember_ro(struct client *c)
{
    geo_search_generic(c, 1, GEO_RADIUS_MEMBER | GEO_NOSTORE);
}

/* GEOSEARCH key FROMMEMBER m|FROMLONLAT lon lat BYRADIUS r unit|BYBOX w h
 * unit [ASC|DESC] [COUNT n [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH] */
void cmd_geosearch(struct client *c)
{
    geo_search_generic(c, 1, GEO_SEARCH);
}

/* GEOSEARCHSTORE dest src ... [STOREDIST] */
void cmd_geosearchstore(struct client *c)
{
    geo_search_generic(c, 2, GEO_SEARCH | GEO_SEARCHSTORE);
}
