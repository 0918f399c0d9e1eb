#!/bin/sh
test_description='INFO memory: the allocator and its statistics'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"

test_expect_success 'start codis-server' '
    start_server
'

# info_field NAME: the value of NAME in INFO memory.
info_field() {
    cli info memory >info.txt &&
    tr -d "\r" <info.txt | sed -n "s/^$1://p"
}

test_expect_success 'mem_allocator names jemalloc with its version, or libc' '
    info_field mem_allocator >actual &&
    grep -E "^(jemalloc-[0-9]+\.[0-9]+\.[0-9]+|libc)$" actual
'

test_expect_success 'the allocator fields are present and consistent' '
    for f in allocator_allocated allocator_active allocator_resident \
        mem_fragmentation_ratio allocator_frag_ratio; do
        tr -d "\r" <info.txt | grep "^$f:[0-9.]*$" || return 1
    done &&
    allocated=$(info_field allocator_allocated) &&
    active=$(info_field allocator_active) &&
    test "$allocated" -gt 0 &&
    test "$active" -ge "$allocated"
'

test_expect_success 'allocator_allocated follows what the keyspace holds' '
    before=$(info_field allocator_allocated) &&
    cli eval "for i = 1, 20000 do
        redis.call(\"set\", \"key:\" .. i, string.rep(\"x\", 100)) end" 0 \
        >/dev/null &&
    after=$(info_field allocator_allocated) &&
    test "$after" -gt $((before + 2000000)) &&
    cli flushall >/dev/null &&
    wait_until "test \$(info_field allocator_allocated) -lt $((after - 2000000))" 30
'

test_done
