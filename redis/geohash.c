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
                    uint64_t *bits)
{
    if (lon > GEOHASH_LONG_MAX || lon < GEOHASH_LONG_MIN ||
        lat > GEOHASH_LAT_MAX || lat < GEOHASH_LAT_MIN ||
        lat < lat_min || lat > lat_max) {
        return false;
    }
    double lat_off = (lat - lat_min) / (lat_max - lat_min);
    double lon_off = (lon - GEOHASH_LONG_MIN) /
                     (GEOHASH_LONG_MAX - GEOHASH_LONG_MIN);
    lat_off *= (double)(1ULL << GEOHASH_STEP);
    lon_off *= (double)(1ULL << GEOHASH_STEP);
    *bits = geohash_spread((uint32_t)lat_off) |
            (geohash_spread((uint32_t)lon_off) << 1);
    return true;
}

void geohash_decode(uint64_t bits, double *lon, double *lat)
{
    double lat_scale = GEOHASH_LAT_MAX - GEOHASH_LAT_MIN;
    double lon_scale = GEOHASH_LONG_MAX - GEOHASH_LONG_MIN;
    uint32_t ilat = geohash_squash(bits);
    uint32_t ilon = geohash_squash(bits >> 1);
    double cells = (double)(1ULL << GEOHASH_STEP);
    double lat_lo = GEOHASH_LAT_MIN + (ilat * 1.0 / cells) * lat_scale;
    double lat_hi = GEOHASH_LAT_MIN + ((ilat + 1) * 1.0 / cells) * lat_scale;
    double lon_lo = GEOHASH_LONG_MIN + (ilon * 1.0 / cells) * lon_scale;
    double lon_hi = GEOHASH_LONG_MIN + ((ilon + 1) * 1.0 / cells) *
                                       lon_scale;
    *lon = (lon_lo + lon_hi) / 2;
    *lon = fmin(fmax(*lon, GEOHASH_LONG_MIN), GEOHASH_LONG_MAX);
    *lat = (lat_lo + lat_hi) / 2;
    *lat = fmin(fmax(*lat, GEOHASH_LAT_MIN), GEOHASH_LAT_MAX);
}

void geohash_text(uint64_t bits, char *out)
{
    static const char alphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
    double lon, lat;
    uint64_t h = 0;
    geohash_decode(bits, &lon, &lat);
    geohash_encode(lon, lat, -90, 90, &h);
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
