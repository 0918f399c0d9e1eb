/* Geohash encoding, decoding and distances; see geohash.h. The formulas
 * (offsets scaled to 2^26 cells, the cell centre, the haversine with a
 * shortcut when the longitudes are equal) follow Redis's arithmetic step
 * by step, so coordinates and distances print the same digits. */
#include "redis/geohash.h"

#include <math.h>

#define GEOHASH_EARTH_RADIUS 6372797.560856 /* meters */

/* Spread the low 32 bits of 'v' to the even bit positions. */
static uint64_t geohash_spread(uint32_t v)
{
    uint64_t x = v;
    x = (x | (x << 16)) & 0x0000FFFF0000FFFFULL;
    x = (x | (x << 8)) & 0x00FF00FF00FF00FFULL;
    x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FULL;
    x = (x | (x << 2)) & 0x3333333333333333ULL;
    x = (x | (x << 1)) & 0x5555555555555555ULL;
    return x;
}

/* Gather the even bits of 'x' into 32 bits. */
static uint32_t geohash_squash(uint64_t x)
{
    x &= 0x5555555555555555ULL;
    x = (x | (x >> 1)) & 0x3333333333333333ULL;
    x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
    x = (x | (x >> 4)) & 0x00FF00FF00FF00FFULL;
    x = (x | (x >> 8)) & 0x0000FFFF0000FFFFULL;
    x = (x | (x >> 16)) & 0x00000000FFFFFFFFULL;
    return (uint32_t)x;
}

bool geohash_encode(double lon, double lat, double lat_min, double lat_max,
                    unsigned step, uint64_t *bits)
{
    if (lon > GEOHASH_LONG_MAX || lon < GEOHASH_LONG_MIN ||
        lat > GEOHASH_LAT_MAX || lat < GEOHASH_LAT_MIN ||
        lat < lat_min || lat > lat_max) {
        return false;
    }
    double lat_off = (lat - lat_min) / (lat_max - lat_min);
    double lon_off = (lon - GEOHASH_LONG_MIN) /
                     (GEOHASH_LONG_MAX - GEOHASH_LONG_MIN);
    lat_off *= (double)(1ULL << step);
    lon_off *= (double)(1ULL << step);
    *bits = geohash_spread((uint32_t)lat_off) |
            (geohash_spread((uint32_t)lon_off) << 1);
    return true;
}

void geohash_area(uint64_t bits, unsigned step, double *area)
{
    double lat_scale = GEOHASH_LAT_MAX - GEOHASH_LAT_MIN;
    double lon_scale = GEOHASH_LONG_MAX - GEOHASH_LONG_MIN;
    uint32_t ilat = geohash_squash(bits);
    uint32_t ilon = geohash_squash(bits >> 1);
    double cells = (double)(1ULL << step);
    area[0] = GEOHASH_LONG_MIN + (ilon * 1.0 / cells) * lon_scale;
    area[1] = GEOHASH_LAT_MIN + (ilat * 1.0 / cells) * lat_scale;
    area[2] = GEOHASH_LONG_MIN + ((ilon + 1) * 1.0 / cells) * lon_scale;
    area[3] = GEOHASH_LAT_MIN + ((ilat + 1) * 1.0 / cells) * lat_scale;
}

void geohash_decode(uint64_t bits, double *lon, double *lat)
{
    double area[4];
    geohash_area(bits, GEOHASH_STEP, area);
    *lon = (area[0] + area[2]) / 2;
    *lon = fmin(fmax(*lon, GEOHASH_LONG_MIN), GEOHASH_LONG_MAX);
    *lat = (area[1] + area[3]) / 2;
    *lat = fmin(fmax(*lat, GEOHASH_LAT_MIN), GEOHASH_LAT_MAX);
}

uint64_t geohash_move(uint64_t bits, unsigned step, int dx, int dy)
{
    /* Longitude bits sit at odd positions, latitude bits at even ones.
     * To add one to the bits of one coordinate, the other's positions are
     * set to ones so the carry runs through them; to subtract, the same
     * after filling them. Only a moved coordinate is cut to 'step' cells
     * (so a move past an edge wraps around, and the extra bit a latitude
     * at the very top encodes to stays on an unmoved one, as in Redis). */
    uint64_t odd = 0xaaaaaaaaaaaaaaaaULL >> (64 - step * 2);
    uint64_t even = 0x5555555555555555ULL >> (64 - step * 2);
    uint64_t lon = bits & 0xaaaaaaaaaaaaaaaaULL;
    uint64_t lat = bits & 0x5555555555555555ULL;
    if (dx != 0) {
        lon = dx > 0 ? lon + (even + 1) : (lon | even) - (even + 1);
        lon &= odd;
    }
    if (dy != 0) {
        lat = dy > 0 ? lat + (odd + 1) : (lat | odd) - (odd + 1);
        lat &= even;
    }
    return lon | lat;
}

void geohash_text(uint64_t bits, char *out)
{
    static const char alphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
    double lon, lat;
    uint64_t h = 0;
    geohash_decode(bits, &lon, &lat);
    geohash_encode(lon, lat, -90, 90, GEOHASH_STEP, &h);
    for (int i = 0; i < 11; i++) {
        int idx = i == 10 ? 0 : (int)((h >> (52 - (i + 1) * 5)) & 0x1f);
        out[i] = alphabet[idx];
    }
    out[11] = '\0';
}

static double geohash_rad(double deg)
{
    return deg * (M_PI / 180.0);
}

double geohash_distance(double lon1, double lat1, double lon2, double lat2)
{
    double v = sin((geohash_rad(lon2) - geohash_rad(lon1)) / 2);
    if (v == 0.0) {
        return GEOHASH_EARTH_RADIUS *
               fabs(geohash_rad(lat2) - geohash_rad(lat1));
    }
    double lat1r = geohash_rad(lat1), lat2r = geohash_rad(lat2);
    double u = sin((lat2r - lat1r) / 2);
    double a = u * u + cos(lat1r) * cos(lat2r) * v * v;
    return 2.0 * GEOHASH_EARTH_RADIUS * asin(sqrt(a));
}
