/* Geohash helpers for the GEO commands (geo.c): the 52-bit interleaved
 * geohash Redis stores as a sorted set score, its decoding to the centre
 * of the cell, the base32 text form and the great-circle distance. Knows
 * nothing of clients or databases. */
#ifndef CODIS_GEOHASH_H
#define CODIS_GEOHASH_H

#include <stdbool.h>
#include <stdint.h>

#define GEOHASH_STEP 26              /* bits per coordinate */
#define GEOHASH_LAT_MIN -85.05112878 /* the Web Mercator limits */
#define GEOHASH_LAT_MAX 85.05112878
#define GEOHASH_LONG_MIN -180.0
#define GEOHASH_LONG_MAX 180.0

/* Encode 'lon','lat' over latitudes [lat_min, lat_max] (longitudes over
 * [-180, 180]) into 2*'step' bits (step 1..GEOHASH_STEP): latitude bits
 * at even positions, longitude bits at odd ones. Returns false outside
 * the Web Mercator limits or the given range. */
bool geohash_encode(double lon, double lat, double lat_min, double lat_max,
                    unsigned step, uint64_t *bits);

/* The bounds of the cell 'bits' of 2*'step' bits (Web Mercator
 * latitudes): 'area' gets lon_min, lat_min, lon_max, lat_max. */
void geohash_area(uint64_t bits, unsigned step, double *area);

/* The cell 'dx' (-1, 0, 1) cells east and 'dy' cells north of 'bits' at
 * 'step', wrapping around at the edges as Redis's neighbours do. */
uint64_t geohash_move(uint64_t bits, unsigned step, int dx, int dy);

/* The centre of the cell of 52-bit hash 'bits' (Web Mercator latitudes),
 * clamped to the limits: '*lon', '*lat'. */
void geohash_decode(uint64_t bits, double *lon, double *lat);

/* The 11-character standard geohash text of a stored 52-bit hash (Redis's
 * GEOHASH: decoded, re-encoded over latitudes -90..90, last char '0').
 * 'out' gets 12 bytes with the NUL. */
void geohash_text(uint64_t bits, char *out);

/* Great-circle distance in meters (haversine on Redis's earth radius). */
double geohash_distance(double lon1, double lat1, double lon2, double lat2);

#endif
