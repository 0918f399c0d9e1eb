/* The embedded coordinator: the cluster store as a directory tree on one
 * machine, shared safely by every process that opens the same directory.
 * It implements coord.h (coordinator kind "filesystem"); callers use the
 * coord_* functions, not this file. */
#ifndef CODIS_COORD_FS_H
#define CODIS_COORD_FS_H

#include <stddef.h>

struct coord;
struct event_base;

/* Open the store in directory 'dir' (created with its parents if missing)
 * with a new session: ephemeral nodes created through the handle vanish
 * when it is closed or its process dies. Watches fire on 'base' (may be
 * NULL: no watches). Returns an owned handle (coord_close), or NULL with
 * 'err' filled ("cannot create 'x': Permission denied"). */
struct coord *coord_fs_open(const char *dir, struct event_base *base,
                            char *err, size_t errlen);

#endif
