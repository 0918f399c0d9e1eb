#!/bin/sh
test_description='redis-cli --rdb and --replica against codis-server:
REPLCONF rdb-only, SYNC, diskless ($EOF:) and disk ($len) transfers; the
file is one redis-check-rdb and redis-server accept'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success 'start a server with some data' '
    start_server &&
    cli rpush l a b c >/dev/null && cli hset h f v >/dev/null &&
    cli set s hello px 100000000 >/dev/null && cli sadd set 1 2 3 >/dev/null &&
    cli zadd z 1 m >/dev/null && cli xadd x 1-1 f v >/dev/null &&
    cli select 1 >/dev/null && redis-cli -p "$SERVER_PORT" -n 1 set other 1
'

test_expect_success 'redis-cli --rdb, diskless (the default)' '
    redis-cli -p "$SERVER_PORT" --rdb diskless.rdb >out 2>&1 &&
    grep "EOF marker" out &&
    grep "Transfer finished with success" out &&
    wait_until "cli info replication | grep -q connected_slaves:0"
'

test_expect_success 'redis-cli --rdb with repl-diskless-sync no' '
    cli config set repl-diskless-sync no &&
    redis-cli -p "$SERVER_PORT" --rdb disk.rdb >out 2>&1 &&
    ! grep "EOF marker" out &&
    grep "Transfer finished with success" out &&
    cli config set repl-diskless-sync yes
'

test_expect_success REDIS_REF 'redis-check-rdb and redis-server accept both files' '
    redis-check-rdb diskless.rdb >check.out 2>&1 &&
    grep "RDB looks OK" check.out &&
    redis-check-rdb disk.rdb >check.out 2>&1 &&
    grep "RDB looks OK" check.out &&
    mkdir -p ref && cp diskless.rdb ref/dump.rdb &&
    start_redis_ref --dbfilename dump.rdb &&
    test "$(redis-cli -p "$REF_PORT" dbsize)" = 6 &&
    test "$(redis-cli -p "$REF_PORT" -n 1 get other)" = 1 &&
    redis-cli -p "$REF_PORT" lrange l 0 -1 >actual &&
    printf "a\nb\nc\n" >expect && test_cmp expect actual &&
    test "$(redis-cli -p "$REF_PORT" xlen x)" = 1
'

test_expect_success 'redis-cli --replica sees a write' '
    { redis-cli -p "$SERVER_PORT" --replica >replica.out 2>&1 & } &&
    cli_pid=$! &&
    test_atexit "stop_pid $cli_pid" &&
    wait_until "grep -q \"Logging commands from master\" replica.out" &&
    cli set seen-by-replica yes >/dev/null &&
    wait_until "grep -q seen-by-replica replica.out" &&
    grep "\"set\",\"seen-by-replica\",\"yes\"" replica.out
'

test_expect_success 'a codis replica syncs diskless' '
    main_port=$SERVER_PORT && main_log=$SERVER_LOG &&
    start_server --replicaof 127.0.0.1 "$main_port" &&
    wait_until "test \"\$(cli dbsize)\" = 7" &&
    grep "diskless, to the sockets" "$main_log"
'

test_done
