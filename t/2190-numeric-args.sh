#!/bin/sh
test_description='hostile numeric arguments and glob patterns: codis-server
answers like redis-server and keeps serving (no overflow, no hang)'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_start_both

test_expect_success 'SETRANGE at the largest offset is refused, server lives' '
    cli setrange k 9223372036854775807 A >actual &&
    grep "^ERR string exceeds maximum allowed size (proto-max-bulk-len)$" \
        actual &&
    cli set k v &&
    cli setrange k 9223372036854775807 A >actual &&
    grep "^ERR string exceeds maximum allowed size" actual &&
    cli setrange k 536870911 AB >actual &&
    grep "^ERR string exceeds maximum allowed size" actual &&
    cli append k "" &&
    cli get k >actual &&
    echo v >expect &&
    test_cmp expect actual &&
    server_alive
'

test_expect_success 'KEYS with many stars on a long key returns at once' '
    cli set aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 1 &&
    timeout 60 redis-cli -p $SERVER_PORT \
        keys "a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b" >actual &&
    echo >expect &&
    test_cmp expect actual &&
    timeout 60 redis-cli -p $SERVER_PORT scan 0 count 1000 \
        match "a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b" >actual &&
    printf "0\n\n" >expect &&
    test_cmp expect actual &&
    server_alive
'

for seed in 1 2 3; do
    test_expect_success REDIS_REF "1000 hostile numbers and patterns, seed $seed" '
        python3 "$TEST_DIRECTORY/lib-numeric-fuzz.py" $REF_PORT \
            $SERVER_PORT $seed 1000
    '
done

test_done
