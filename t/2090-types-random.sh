#!/bin/sh
test_description='random list, hash, set and sorted set commands get the
same replies from codis-server as from redis-server'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_start_both

for seed in 1 2 3; do
    test_expect_success REDIS_REF "3000 random commands, seed $seed" '
        python3 "$TEST_DIRECTORY/lib-types-fuzz.py" $REF_PORT $SERVER_PORT \
            $seed 3000
    '
done

test_expect_success 'every key is still in the slot index' '
    cli slotscheck >actual &&
    echo OK >expect &&
    test_cmp expect actual
'

test_done
