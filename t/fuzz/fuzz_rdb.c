/* libFuzzer target: the RDB loader (redis/rdb.c rdb_load_fd, the path of
 * a full resync's payload and, through rdb_load_file, of the file read at
 * start and by DEBUG RELOAD). The input is an RDB stream, read from an
 * in-memory file. The databases are set up once (default config, 16
 * databases) and emptied after every run, with the function libraries
 * the stream loaded flushed and the loader's state put back, so runs do
 * not see each other. Properties: a stream that loads
 * counts as many keys as the databases hold; saving them (rdb_save_fd)
 * and loading that back gives the same number of keys in each database
 * (expired keys are kept on that second load, as a replica keeps them, so
 * the clock cannot change the count); a refusal is logged, never a
 * crash. */
#include "t/fuzz/fuzz.h"

#include <fcntl.h>

#include "lib/mem.h"
#include "redis/rdb.h"
#include "redis/script.h"
#include "redis/server.h"

static struct rdb_state fuzz_rdb_initial;
static int fuzz_saved = -1; /* memfd our own save goes to */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_quiet_log();
    server_init_config();
    server.db = mem_calloc((size_t)server.databases, sizeof(*server.db));
    for (int i = 0; i < server.databases; i++) {
        db_init(&server.db[i], i);
    }
    fuzz_rdb_initial = rdb_state;
    fuzz_saved = memfd_create("fuzz-rdb-saved", 0);
    fuzz_check(fuzz_saved >= 0, "memfd_create failed");
    return 0;
}

/* Load 'len' bytes of 'fd' from its start. */
static int load(int fd, long long len)
{
    fuzz_check(lseek(fd, 0, SEEK_SET) == 0, "lseek failed");
    return rdb_load_fd(fd, len);
}

static long long total_keys(long long *per_db)
{
    long long total = 0;
    for (int i = 0; i < server.databases; i++) {
        per_db[i] = (long long)db_size(&server.db[i]);
        total += per_db[i];
    }
    return total;
}

/* Delete every key. Key by key rather than db_empty, which clears all
 * 1024 slot tables of a database and would make most of each run. */
static void empty_all(void)
{
    for (int i = 0; i < server.databases; i++) {
        struct db *db = &server.db[i];
        size_t n = db_size(db), k = 0;
        if (n == 0) {
            continue;
        }
        char **keys = mem_calloc(n, sizeof(*keys));
        struct db_iter it;
        struct dict_entry *e;
        db_iter_init(&it, db);
        while ((e = db_iter_next(&it)) != NULL) {
            keys[k++] = sds_new(e->key, sds_len(e->key));
        }
        db_iter_release(&it);
        for (k = 0; k < n; k++) {
            fuzz_check(db_delete(db, keys[k], sds_len(keys[k])),
                       "key vanished");
            sds_free(keys[k]);
        }
        mem_free(keys);
        fuzz_check(db_size(db) == 0 && dict_size(db->expires) == 0,
                   "db %d not empty", i);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = open(fuzz_file(data, size), O_RDONLY | O_CLOEXEC);
    fuzz_check(fd >= 0, "cannot open the input");
    int rc = load(fd, (long long)size);
    close(fd);
    if (rc == 0) {
        long long before[16], after[16];
        fuzz_check(server.databases <= 16, "%d databases", server.databases);
        long long n = total_keys(before);
        fuzz_check(n == rdb_state.keys_loaded, "%lld keys loaded, %lld held",
                   rdb_state.keys_loaded, n);

        fuzz_check(ftruncate(fuzz_saved, 0) == 0, "ftruncate failed");
        fuzz_check(lseek(fuzz_saved, 0, SEEK_SET) == 0, "lseek failed");
        fuzz_check(rdb_save_fd(fuzz_saved) == 0, "cannot save what loaded");
        off_t saved = lseek(fuzz_saved, 0, SEEK_CUR);
        empty_all();
        function_flush_libraries();
        static char replica_of[] = "fuzz";
        server.masterhost = replica_of;
        rc = load(fuzz_saved, (long long)saved);
        server.masterhost = NULL;
        fuzz_check(rc == 0, "our own RDB of %lld bytes does not load",
                   (long long)saved);
        total_keys(after);
        for (int i = 0; i < server.databases; i++) {
            fuzz_check(before[i] == after[i], "db %d: %lld keys became %lld",
                       i, before[i], after[i]);
        }
    }
    empty_all();
    /* a stream may hold function libraries (RDB_OP_FUNCTION2) */
    function_flush_libraries();
    rdb_state = fuzz_rdb_initial;
    return 0;
}
