/* INFO of the group masters for the overview, kept fresh off the event
 * loop: a worker thread re-reads, once a second, the INFO of every server
 * the overview asked for in the last ten seconds, so a slow or hung
 * server never stalls the API (Codis 2 asked each master in turn inside
 * the request, codis-facts §10 item 9). The first time an address is
 * asked for, it is read at once in the caller (an HTTP worker, never the
 * event loop). Entry points:
 * serverinfo_start, serverinfo_get, serverinfo_fetch, serverinfo_stop. */
#ifndef CODIS_SERVERINFO_H
#define CODIS_SERVERINFO_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct serverinfo;

/* Read INFO of 'addr' (AUTH with 'password' unless NULL or "") as a flat
 * object of strings, plus "maxmemory" ("∞" when 0, as Codis 2 shows it).
 * Blocks up to 'timeout_ms' per command. Returns an owned object
 * (cJSON_Delete), or NULL with 'err' filled. */
cJSON *serverinfo_fetch(const char *addr, const char *password,
                        int timeout_ms, char *err, size_t errlen);

/* Start the refresher, reading servers with 'password' (copied) and
 * 'timeout_ms'. Returns an owned handle (serverinfo_stop), or NULL with
 * 'err' filled when the thread cannot start. */
struct serverinfo *serverinfo_start(const char *password, int timeout_ms,
                                    char *err, size_t errlen);

/* The INFO of 'addr' as last read (an owned copy), read now if it never
 * was; marks 'addr' as wanted. NULL with 'err' filled if the last read
 * failed. */
cJSON *serverinfo_get(struct serverinfo *s, const char *addr, char *err,
                      size_t errlen);

/* Stop the refresher, join it and free everything (NULL is fine). */
void serverinfo_stop(struct serverinfo *s);

#endif
