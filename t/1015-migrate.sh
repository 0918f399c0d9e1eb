#!/bin/sh
test_description='MIGRATE between codis-server and redis-server 7.0 both
ways: COPY, REPLACE, KEYS, TTLs, AUTH and AUTH2, NOKEY, BUSYKEY from the
target, IOERR, argument errors compared with redis-server, and the DEL a
replica sees'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

# start_target ARGS...: a second redis-server (TARGET_PORT), the target
# of redis-server's own MIGRATEs.
start_target() {
    TARGET_PORT=$(free_port) &&
    mkdir -p target || return 1
    redis-server --port "$TARGET_PORT" --bind 127.0.0.1 --save "" \
        --dir "$TRASH_DIRECTORY/target" "$@" >target.log 2>&1 &
    TARGET_PID=$!
    test_atexit "stop_pid $TARGET_PID"
    server_wait_ready "$TARGET_PID" "$TARGET_PORT" target.log
}

test_expect_success REDIS_REF 'start codis-server, redis-server and a target' '
    start_redis_ref &&
    start_server &&
    start_target --requirepass tpw
'

test_expect_success REDIS_REF 'codis -> redis: values, TTL, the key gone here' '
    cli rpush l a b c >/dev/null &&
    cli hset h f v >/dev/null &&
    cli set s v px 100000 >/dev/null &&
    cli zadd z 1 m >/dev/null &&
    cli xadd x 1-1 f v >/dev/null &&
    cli migrate 127.0.0.1 "$REF_PORT" s 0 5000 >actual &&
    echo OK >expect && test_cmp expect actual &&
    # the connection stays cached (10 s idle) and INFO counts it
    cli info stats | grep "^migrate_cached_sockets:1" &&
    test "$(cli exists s)" = 0 &&
    ttl=$(redis-cli -p "$REF_PORT" pttl s) &&
    test "$ttl" -gt 90000 && test "$ttl" -le 100000 &&
    cli migrate 127.0.0.1 "$REF_PORT" "" 0 5000 keys l h nokey z x >actual &&
    test_cmp expect actual &&
    test "$(cli dbsize)" = 0 &&
    redis-cli -p "$REF_PORT" lrange l 0 -1 >actual &&
    printf "a\nb\nc\n" >expect && test_cmp expect actual &&
    test "$(redis-cli -p "$REF_PORT" xlen x)" = 1 &&
    test "$(redis-cli -p "$REF_PORT" zscore z m)" = 1
'

test_expect_success REDIS_REF 'redis -> codis, and COPY keeps the source' '
    redis-cli -p "$REF_PORT" migrate 127.0.0.1 "$SERVER_PORT" "" 0 5000 \
        copy keys l h s >actual &&
    echo OK >expect && test_cmp expect actual &&
    cli lrange l 0 -1 >actual &&
    printf "a\nb\nc\n" >expect && test_cmp expect actual &&
    test "$(cli hget h f)" = v &&
    test "$(cli pttl s)" -gt 0 &&
    test "$(redis-cli -p "$REF_PORT" exists l h s)" = 3 &&
    redis-cli -p "$REF_PORT" migrate 127.0.0.1 "$SERVER_PORT" z 0 5000 \
        >actual &&
    echo OK >expect && test_cmp expect actual &&
    test "$(redis-cli -p "$REF_PORT" exists z)" = 0
'

test_expect_success REDIS_REF 'BUSYKEY from the target, then REPLACE' '
    cli set busy mine >/dev/null &&
    redis-cli -p "$REF_PORT" set busy theirs >/dev/null &&
    cli migrate 127.0.0.1 "$REF_PORT" busy 0 5000 >actual &&
    redis-cli -p "$REF_PORT" set busy2 theirs >/dev/null &&
    cli set busy2 mine >/dev/null &&
    redis-cli -p "$REF_PORT" migrate 127.0.0.1 "$SERVER_PORT" busy2 0 5000 \
        >expect &&
    test_cmp expect actual &&
    test "$(cli get busy)" = mine &&
    cli migrate 127.0.0.1 "$REF_PORT" busy 0 5000 replace >actual &&
    echo OK >expect && test_cmp expect actual &&
    test "$(redis-cli -p "$REF_PORT" get busy)" = mine
'

test_expect_success REDIS_REF 'AUTH and AUTH2 to a target with a password' '
    cli set a1 v >/dev/null &&
    cli migrate 127.0.0.1 "$TARGET_PORT" a1 0 5000 >actual &&
    redis-cli -p "$REF_PORT" set a1 v >/dev/null &&
    redis-cli -p "$REF_PORT" migrate 127.0.0.1 "$TARGET_PORT" a1 0 5000 \
        >expect &&
    test_cmp expect actual &&
    cli migrate 127.0.0.1 "$TARGET_PORT" a1 0 5000 auth wrong >actual &&
    redis-cli -p "$REF_PORT" migrate 127.0.0.1 "$TARGET_PORT" a1 0 5000 \
        auth wrong >expect &&
    test_cmp expect actual &&
    cli migrate 127.0.0.1 "$TARGET_PORT" a1 0 5000 auth tpw >actual &&
    echo OK >expect && test_cmp expect actual &&
    cli set a2 v >/dev/null &&
    cli migrate 127.0.0.1 "$TARGET_PORT" a2 3 5000 auth2 default tpw \
        >actual &&
    test_cmp expect actual &&
    test "$(redis-cli -p "$TARGET_PORT" -a tpw --no-auth-warning -n 3 get a2)" = v
'

test_expect_success REDIS_REF 'argument errors, NOKEY and IOERR as redis-server' '
    closed=$(free_port) &&
    cli set e v >/dev/null && redis-cli -p "$REF_PORT" set e v >/dev/null &&
    cat >err.txt <<EOT &&
MIGRATE 127.0.0.1 $TARGET_PORT nokey 0 1000
MIGRATE 127.0.0.1 $TARGET_PORT "" 0 1000 KEYS nokey1 nokey2
MIGRATE 127.0.0.1 $TARGET_PORT e 0 1000 KEYS e
MIGRATE 127.0.0.1 $TARGET_PORT e 0 1000 BOGUS
MIGRATE 127.0.0.1 $TARGET_PORT e 0 1000 AUTH
MIGRATE 127.0.0.1 $TARGET_PORT e 0 1000 AUTH2 user
MIGRATE 127.0.0.1 $TARGET_PORT e x 1000
MIGRATE 127.0.0.1 $TARGET_PORT e 0 x
MIGRATE 127.0.0.1 $TARGET_PORT e 99 1000 AUTH tpw COPY
MIGRATE 127.0.0.1 $TARGET_PORT e 0
MIGRATE 127.0.0.1 $closed e 0 1000
EXISTS e
EOT
    compare_with_ref err.txt
'

test_expect_success REDIS_REF 'a replica of the source sees the moved keys deleted' '
    save_port=$SERVER_PORT && save_pid=$SERVER_PID &&
    start_server --replicaof 127.0.0.1 "$save_port" &&
    replica_port=$SERVER_PORT &&
    SERVER_PORT=$save_port && SERVER_PID=$save_pid &&
    cli set moved v >/dev/null && cli set kept v >/dev/null &&
    wait_until "test \"\$(redis-cli -p $replica_port exists moved kept)\" = 2" &&
    cli migrate 127.0.0.1 "$REF_PORT" "" 0 5000 keys moved >/dev/null &&
    cli migrate 127.0.0.1 "$REF_PORT" kept 0 5000 copy >/dev/null &&
    wait_until "test \"\$(redis-cli -p $replica_port exists moved)\" = 0" &&
    test "$(redis-cli -p $replica_port exists kept)" = 1
'

test_done
