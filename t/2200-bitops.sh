#!/bin/sh
test_description='bitmaps and bit fields: SETBIT, GETBIT, BITCOUNT, BITPOS,
BITOP, BITFIELD and BITFIELD_RO answer like redis-server, bad arguments
included, and bitmaps move between the two by DUMP/RESTORE'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success 'start codis-server' '
    start_server
'

test_expect_success 'BITFIELD at the edges' '
    cli bitfield bf set i64 0 -9223372036854775808 \
        incrby i64 0 -1 overflow sat incrby i64 0 -1 \
        overflow fail incrby u63 64 9223372036854775807 \
        incrby u63 64 1 get u63 64 >actual &&
    cat >expect <<-\EOT &&
	0
	9223372036854775807
	9223372036854775806
	9223372036854775807

	9223372036854775807
	EOT
    test_cmp expect actual &&
    cli bitfield_ro bf set u8 0 1 >actual &&
    grep "^ERR BITFIELD_RO only supports the GET subcommand$" actual &&
    cli bitfield bf get u64 0 >actual &&
    grep "^ERR Invalid bitfield type" actual &&
    cli setbit bf 4294967296 1 >actual &&
    grep "^ERR bit offset is not an integer or out of range$" actual &&
    server_alive
'

test_expect_success 'BITOP NOT and AND over missing keys' '
    cli set a "\xff\x0f" >/dev/null &&
    cli bitop not dest a >actual &&
    cli bitop and dest2 a missing >>actual &&
    cli bitcount dest2 >>actual &&
    cli bitop or dest3 missing >>actual &&
    cli exists dest3 >>actual &&
    printf "8\n8\n0\n0\n0\n" >expect &&
    test_cmp expect actual
'

test_expect_success REDIS_REF 'start the reference redis-server' '
    start_redis_ref
'

for seed in 1 2 3; do
    test_expect_success REDIS_REF "3000 random bit commands, seed $seed" '
        python3 "$TEST_DIRECTORY/lib-bitops-fuzz.py" $REF_PORT \
            $SERVER_PORT $seed 3000
    '
done

test_expect_success REDIS_REF 'a bitmap moves both ways by DUMP/RESTORE' '
    cli del bm &&
    cli setbit bm 100 1 &&
    cli bitfield bm set i16 "#3" -300 &&
    redis-cli -p $SERVER_PORT --no-raw dump bm >dump.ours &&
    python3 "$TEST_DIRECTORY/lib-dump-move.py" $SERVER_PORT $REF_PORT bm &&
    redis-cli -p $REF_PORT bitcount bm >actual &&
    cli bitcount bm >expect &&
    test_cmp expect actual &&
    redis-cli -p $REF_PORT setbit bm 7 1 &&
    python3 "$TEST_DIRECTORY/lib-dump-move.py" $REF_PORT $SERVER_PORT bm &&
    cli bitfield bm get i16 "#3" get u1 7 >actual &&
    printf "%s\n" -300 1 >expect &&
    test_cmp expect actual
'

test_done
