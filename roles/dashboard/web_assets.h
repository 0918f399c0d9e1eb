/* The files of web/, embedded into the binary at build time by
 * tools/embed.sh (the generated C lives in the build directory). The
 * dashboard serves them; nothing else uses them. */
#ifndef CODIS_WEB_ASSETS_H
#define CODIS_WEB_ASSETS_H

#include <stddef.h>

/* One embedded file: its base name, its bytes (NUL-terminated for
 * convenience, the NUL not counted in len) and its length. */
struct web_asset {
    const char *name;
    const unsigned char *data;
    size_t len;
};

/* Return the asset called 'name' (a base name such as "index.html"), or
 * NULL if web/ had no such file. The result is static: never freed. */
const struct web_asset *web_assets_find(const char *name);

#endif
