/* libFuzzer target: the DUMP payload decoder behind RESTORE, SLOTSRESTORE
 * and SLOTSRESTORE-ASYNC (redis/rdb.c rdb_payload_valid and
 * rdb_payload_load, redis/rdb_value.c and the blob walkers of
 * redis/rdb_blob.c). An input that is already a valid payload (the seeds:
 * DUMP replies of redis-server and of codis-server) is used as it is;
 * any other input is taken as the payload's body (type byte and value)
 * and given a valid footer (RDB version and CRC-64), so mutations reach
 * the decoder instead of stopping at the checksum. Properties: a value
 * that loads dumps again into a valid payload that loads into a value of
 * the same type, which dumps to the same bytes (lists, sorted sets,
 * strings) or as many bytes (sets and hashes, whose order is the hash
 * table's); a refusal says why. */
#include "t/fuzz/fuzz.h"

#include "redis/crc64.h"
#include "redis/rdb.h"
#include "redis/server.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_quiet_log();
    /* the defaults a server starts with: encodings' thresholds, the
     * eviction policy new objects' clocks follow */
    server_init_config();
    return 0;
}

/* 'body' with the footer DUMP puts after a value: the RDB version (2
 * bytes) and the CRC-64 of all before it (8 bytes), little endian. */
static uint8_t *with_footer(const uint8_t *body, size_t len, size_t *outlen)
{
    uint8_t *p = malloc(len + 10);
    fuzz_check(p != NULL, "out of memory");
    if (len > 0) {
        memcpy(p, body, len);
    }
    p[len] = RDB_VERSION & 0xff;
    p[len + 1] = RDB_VERSION >> 8;
    uint64_t crc = crc64(0, p, len + 2);
    for (int k = 0; k < 8; k++) {
        p[len + 2 + k] = (uint8_t)(crc >> (8 * k));
    }
    *outlen = len + 10;
    return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len = size;
    uint8_t *payload = (uint8_t *)fuzz_copy(data, size);
    if (!rdb_payload_valid(payload, len)) {
        free(payload);
        payload = with_footer(data, size, &len);
        fuzz_check(rdb_payload_valid(payload, len), "footer not accepted");
    }
    char err[128] = "";
    struct object *o = rdb_payload_load(payload, len, err, sizeof(err));
    free(payload);
    if (o == NULL) {
        fuzz_check(err[0] != '\0', "refused without a reason");
        return 0;
    }
    char *first = rdb_dump_payload(o);
    fuzz_check(rdb_payload_valid(first, sds_len(first)),
               "our own DUMP payload is not valid");
    struct object *again = rdb_payload_load(first, sds_len(first), err,
                                            sizeof(err));
    fuzz_check(again != NULL, "our own DUMP payload does not load: %s", err);
    char *second = rdb_dump_payload(again);
    fuzz_check(again->type == o->type, "type %d became %d", o->type,
               again->type);
    if (o->type == OBJ_SET || o->type == OBJ_HASH) {
        fuzz_check(sds_len(first) == sds_len(second),
                   "dump of %zu bytes became %zu", sds_len(first),
                   sds_len(second));
    } else {
        fuzz_check(sds_len(first) == sds_len(second) &&
                       memcmp(first, second, sds_len(first)) == 0,
                   "dumping a loaded dump changes it");
    }
    sds_free(first);
    sds_free(second);
    object_decr_ref(o);
    object_decr_ref(again);
    return 0;
}
