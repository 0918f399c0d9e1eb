/* Unit tests for lib/slot: the key -> slot vectors of Codis. */
#include "t/unit/tap.h"

#include "lib/slot.h"

struct slot_vector {
    const char *key;
    unsigned crc;
    unsigned slot;
};

static const struct slot_vector vectors[] = {
    { "foo", 0x8c736521, 289 },
    { "bar", 0x76ff8caa, 170 },
    { "hello", 0x3610a686, 646 },
    { "user:1000", 0x9f7417e3, 995 },
    { "{user1000}.following", 0x125adb66, 870 },
    { "{user1000}.followers", 0x125adb66, 870 },
    { "user1000", 0x125adb66, 870 },
    { "foo{}bar", 0x00000000, 0 },
    { "foo{bar", 0xa24a8997, 407 },
    { "foo}bar{zap}", 0x8ac41f4e, 846 },
    { "a{b}{c}", 0x71beeff9, 1017 },
    { "{{a}}", 0xb7a7e30c, 780 },
    { "123456789", 0xcbf43926, 294 },
    { "", 0, 0 },
};

int main(void)
{
    char title[128];
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        const struct slot_vector *v = &vectors[i];
        size_t len = strlen(v->key);
        snprintf(title, sizeof(title), "crc of '%s'", v->key);
        tap_int(slot_key_crc(v->key, len), v->crc, title);
        snprintf(title, sizeof(title), "slot of '%s'", v->key);
        tap_int(slot_of_key(v->key, len), v->slot, title);
    }
    const char *tag;
    size_t tag_len;
    tap_ok(slot_tag("foo{}bar", 8, &tag, &tag_len) && tag_len == 0,
           "empty tag counts as a tag");
    tap_ok(!slot_tag("foo{bar", 7, &tag, &tag_len) && tag_len == 7,
           "unclosed brace is no tag");
    tap_ok(slot_tag("a\0{x}", 5, &tag, &tag_len) && tag_len == 1 &&
               tag[0] == 'x',
           "binary key with a NUL still finds its tag");
    return tap_done();
}
