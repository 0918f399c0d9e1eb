/* LOLWUT [VERSION v] [args...]: a piece of computer art and the server's
 * version. As in Redis 7.0, each version has its own drawing and the
 * default (the server's major version, 7) has none, only the version
 * line. Our drawings:
 *
 *   5  [cols] [squares per row] [squares per column]: a grid of squares
 *      that tilt and drift more the lower they sit (after Georg Nees's
 *      "Schotter"), plotted on a canvas of Braille characters, each of
 *      which holds 2x4 dots;
 *   6  [cols] [rows]: a night skyline in four shades of grey, drawn with
 *      ANSI background colours, one space per cell.
 *
 * The last line is always "... Redis ver. <version>". */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mem.h"
#include "redis/sds.h"
#include "redis/server.h"

/* A canvas of on/off dots. */
struct lolwut_canvas {
    int width;
    int height;
    uint8_t *dots;
};

static void lolwut_canvas_init(struct lolwut_canvas *cv, int width,
                               int height)
{
    cv->width = width;
    cv->height = height;
    cv->dots = mem_calloc((size_t)width * (size_t)height, 1);
}

static void lolwut_dot(struct lolwut_canvas *cv, int x, int y)
{
    if (x >= 0 && y >= 0 && x < cv->width && y < cv->height) {
        cv->dots[(size_t)y * (size_t)cv->width + (size_t)x] = 1;
    }
}

/* A straight line from (x0,y0) to (x1,y1), stepping along its longer
 * axis. */
static void lolwut_line(struct lolwut_canvas *cv, double x0, double y0,
                        double x1, double y1)
{
    double dx = x1 - x0, dy = y1 - y0;
    int steps = (int)ceil(fmax(fabs(dx), fabs(dy)));
    if (steps == 0) {
        lolwut_dot(cv, (int)lround(x0), (int)lround(y0));
        return;
    }
    for (int i = 0; i <= steps; i++) {
        double t = (double)i / steps;
        lolwut_dot(cv, (int)lround(x0 + dx * t), (int)lround(y0 + dy * t));
    }
}

/* The canvas as text: each character is a Braille cell of 2x4 dots
 * (U+2800 plus one bit per dot), UTF-8 encoded, rows ended by '\n'. */
static char *lolwut_braille(const struct lolwut_canvas *cv, char *s)
{
    /* Bit of each dot of a cell, by row then column. */
    static const int bit[4][2] = { { 0, 3 }, { 1, 4 }, { 2, 5 }, { 6, 7 } };
    for (int y = 0; y < cv->height; y += 4) {
        for (int x = 0; x < cv->width; x += 2) {
            unsigned code = 0x2800;
            for (int r = 0; r < 4; r++) {
                for (int k = 0; k < 2; k++) {
                    int px = x + k, py = y + r;
                    if (px < cv->width && py < cv->height &&
                        cv->dots[(size_t)py * (size_t)cv->width +
                                 (size_t)px]) {
                        code |= 1u << bit[r][k];
                    }
                }
            }
            char utf8[3] = { (char)(0xE0 | (code >> 12)),
                             (char)(0x80 | ((code >> 6) & 0x3F)),
                             (char)(0x80 | (code & 0x3F)) };
            s = sds_cat(s, utf8, 3);
        }
        s = sds_cat(s, "\n", 1);
    }
    return s;
}

/* A uniform number in [-1, 1]. */
static double lolwut_jitter(void)
{
    return (double)rand() / RAND_MAX * 2.0 - 1.0;
}

/* Version 5: tilting squares. */
static char *lolwut_squares(char *s, long long cols, long long per_row,
                            long long per_col)
{
    int width = (int)cols * 2;
    int side = (int)(width / per_row);
    if (side < 1) {
        side = 1;
    }
    int pad = side / 2 + 1;
    struct lolwut_canvas cv;
    lolwut_canvas_init(&cv, width, (int)per_col * side + pad * 2);
    for (long long row = 0; row < per_col; row++) {
        /* Disorder grows from nothing at the top to its most at the
         * bottom. */
        double chaos = per_col > 1 ? (double)row / (double)(per_col - 1)
                                   : 0;
        for (long long col = 0; col < per_row; col++) {
            double cx = (double)col * side + side / 2.0 +
                        lolwut_jitter() * chaos * side * 0.3;
            double cy = pad + (double)row * side + side / 2.0 +
                        lolwut_jitter() * chaos * side * 0.3;
            double angle = lolwut_jitter() * chaos * M_PI / 3;
            double r = side * 0.45 * M_SQRT2;
            double px[4], py[4];
            for (int k = 0; k < 4; k++) {
                double a = angle + M_PI / 4 + k * M_PI / 2;
                px[k] = cx + r * cos(a);
                py[k] = cy + r * sin(a);
            }
            for (int k = 0; k < 4; k++) {
                lolwut_line(&cv, px[k], py[k], px[(k + 1) % 4],
                            py[(k + 1) % 4]);
            }
        }
    }
    s = lolwut_braille(&cv, s);
    mem_free(cv.dots);
    return sds_catfmt(s, "\nSquares losing their order, after Georg Nees's "
                         "Schotter (1968). Redis ver. %s\n", SERVER_VERSION);
}

/* One cell of version 6 in shade 0 (darkest) .. 3 (lightest). */
static char *lolwut_cell(char *s, int shade)
{
    static const int colour[4][2] = {
        { 30, 40 }, { 90, 100 }, { 37, 47 }, { 97, 107 }
    };
    return sds_catfmt(s, "\033[0;%d;%dm \033[0m", colour[shade][0],
                      colour[shade][1]);
}

/* Version 6: buildings against a dark sky, a moon, lit windows. */
static char *lolwut_skyline(char *s, long long cols, long long rows)
{
    int w = (int)cols, h = (int)rows;
    int *top = mem_alloc(sizeof(*top) * (size_t)w);
    int *kind = mem_alloc(sizeof(*kind) * (size_t)w);
    for (int x = 0; x < w;) {
        int bw = 3 + rand() % 6;
        int bh = h / 5 + rand() % (h * 3 / 5 + 1);
        int k = rand() % 2;
        for (int i = 0; i < bw && x < w; i++, x++) {
            top[x] = h - bh;
            kind[x] = i == 0 || i == bw - 1 ? -1 : k;
        }
    }
    int moon_x = w * 3 / 4, moon_y = h / 6;
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            int shade = 0;
            if (y >= top[x]) {
                /* A building: walls mid grey, some windows lit. */
                bool window = kind[x] >= 0 && (y - top[x]) % 2 == 1 &&
                              (x + kind[x]) % 2 == 0;
                shade = window ? (rand() % 3 == 0 ? 3 : 0) : 1;
            } else {
                int dx = x - moon_x, dy = (y - moon_y) * 2;
                if (dx * dx + dy * dy <= 9) {
                    shade = 3;
                } else if (rand() % 40 == 0) {
                    shade = 2; /* a star */
                }
            }
            s = lolwut_cell(s, shade);
        }
        s = sds_cat(s, "\n", 1);
    }
    mem_free(top);
    mem_free(kind);
    return sds_catfmt(s, "\nA city asleep, drawn one cell at a time. "
                         "Redis ver. %s\n", SERVER_VERSION);
}

/* Read optional argument 'i' into '*v' (unchanged when absent), clamped
 * to [min, max]. Returns 0, or -1 after replying. */
static int lolwut_arg(struct client *c, int i, long long *v, long long min,
                      long long max)
{
    if (i >= c->argc) {
        return 0;
    }
    if (arg_ll_or_reply(c, &c->argv[i], v, NULL) != 0) {
        return -1;
    }
    *v = *v < min ? min : *v > max ? max : *v;
    return 0;
}

/* LOLWUT [VERSION v [args...]] */
void cmd_lolwut(struct client *c)
{
    long long version = SERVER_VERSION[0] - '0';
    if (c->argc >= 3 && arg_is(&c->argv[1], "version") &&
        arg_ll_or_reply(c, &c->argv[2], &version, NULL) != 0) {
        return;
    }
    char *s = sds_new_empty(4096);
    if (version == 5) {
        long long cols = 66, per_row = 8, per_col = 12;
        if (lolwut_arg(c, 3, &cols, 1, 1000) != 0 ||
            lolwut_arg(c, 4, &per_row, 1, 200) != 0 ||
            lolwut_arg(c, 5, &per_col, 1, 200) != 0) {
            sds_free(s);
            return;
        }
        s = lolwut_squares(s, cols, per_row, per_col);
    } else if (version == 6) {
        long long cols = 80, rows = 20;
        if (lolwut_arg(c, 3, &cols, 1, 1000) != 0 ||
            lolwut_arg(c, 4, &rows, 1, 1000) != 0) {
            sds_free(s);
            return;
        }
        s = lolwut_skyline(s, cols, rows);
    } else {
        s = sds_catfmt(s, "Redis ver. %s\n", SERVER_VERSION);
    }
    reply_verbatim(c, s, sds_len(s), "txt");
    sds_free(s);
}
