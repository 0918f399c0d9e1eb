/* crc32 and {tag} extraction for slot hashing; see slot.h. The CRC table is
 * built once, on first use, from the reflected IEEE polynomial. */
#include "lib/slot.h"

#include <pthread.h>
#include <string.h>

static uint32_t slot_crc_table[256];
static pthread_once_t slot_crc_once = PTHREAD_ONCE_INIT;

static void slot_crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        slot_crc_table[i] = c;
    }
}

uint32_t slot_crc32(const void *data, size_t len)
{
    pthread_once(&slot_crc_once, slot_crc_init);
    const unsigned char *p = data;
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) {
        crc = slot_crc_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    }
    return crc ^ 0xFFFFFFFFu;
}

bool slot_tag(const char *key, size_t len, const char **tag, size_t *tag_len)
{
    const char *open = memchr(key, '{', len);
    if (open != NULL) {
        size_t rest = len - (size_t)(open - key) - 1;
        const char *close = memchr(open + 1, '}', rest);
        if (close != NULL) {
            *tag = open + 1;
            *tag_len = (size_t)(close - open - 1);
            return true;
        }
    }
    *tag = key;
    *tag_len = len;
    return false;
}

uint32_t slot_key_crc(const char *key, size_t len)
{
    const char *tag;
    size_t tag_len;
    slot_tag(key, len, &tag, &tag_len);
    return slot_crc32(tag, tag_len);
}

unsigned slot_of_key(const char *key, size_t len)
{
    return slot_key_crc(key, len) % SLOT_COUNT;
}
