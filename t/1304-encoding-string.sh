#!/bin/sh
test_description='string encodings: int, embstr, raw, shared integers

OBJECT ENCODING and OBJECT REFCOUNT of strings are compared with
Debian'"'"'s redis-server: integers 0 to 9999 are shared objects, other
canonical integers are int, strings up to 44 bytes embstr, longer ones
and any string changed in place raw.'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_start_both

test_expect_success REDIS_REF 'encodings and refcounts as Redis' '
    {
        for v in 0 5 9999 10000 -1 007 12345678901234567890 \
            -9223372036854775808 hello; do
            echo "set k$v $v" &&
            echo "object encoding k$v" &&
            echo "object refcount k$v" || return 1
        done &&
        echo "set e44 $(printf "%044d" 0)x" &&
        echo "object encoding e44" &&
        echo "set e44 $(printf "%043d" 0)x" &&
        echo "object encoding e44" &&
        echo "set n 5" &&
        echo "incr n" &&
        echo "object refcount n" &&
        echo "incrby n 20000" &&
        echo "object encoding n" &&
        echo "object refcount n" &&
        echo "incr n" &&
        echo "get n" &&
        echo "decrby n 20000" &&
        echo "object refcount n" &&
        echo "append k5 x" &&
        echo "get k5" &&
        echo "object encoding k5" &&
        echo "get k0" &&
        echo "setrange k0 1 yz" &&
        echo "get k0" &&
        echo "set s1 42" &&
        echo "set s2 42" &&
        echo "append s1 !" &&
        echo "mget s1 s2" &&
        echo "object encoding s2" &&
        echo "getset s2 x" &&
        echo "object encoding s2"
    } >strings.txt &&
    compare_with_ref strings.txt
'

test_expect_success 'shared integers survive deleting every key that held them' '
    cli set a 77 &&
    cli set b 77 &&
    cli del a b &&
    cli set c 77 &&
    test "$(cli get c)" = 77 &&
    test "$(cli object refcount c)" = 2147483647
'

test_done
