#!/bin/sh
test_description='DEBUG: refused unless enable-debug-command allows it,
the subcommands operators and tools use, compared with redis-server 7.0
where the reply is deterministic, and DIGEST as a fingerprint of the data'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success REDIS_REF 'DEBUG is refused by default, with Redis text' '
    start_redis_ref &&
    start_server &&
    redis-cli -p "$REF_PORT" debug digest >expect &&
    cli debug digest >actual &&
    test_cmp expect actual &&
    grep "DEBUG command not allowed" actual &&
    printf "MULTI\nDEBUG SLEEP 0\nEXEC\n" >multi.txt &&
    compare_with_ref multi.txt
'

test_expect_success REDIS_REF 'enable-debug-command local lets loopback clients in' '
    restart_both --enable-debug-command local &&
    cli debug sleep 0 >actual &&
    echo OK >expect &&
    test_cmp expect actual
'

test_expect_success REDIS_REF 'deterministic replies are Redis replies' '
    cat >dbg.txt <<\EOT &&
debug digest
debug digest-value
debug digest-value nokey
debug nosuch
debug object nokey
debug object
debug sleep 0
debug sleep x
set a 1
debug reload
get a
debug reload nosave
get a
debug reload bogus
debug protocol xx
debug protocol
debug protocol string
debug protocol integer
debug protocol double
debug protocol bignum
debug protocol null
debug protocol array
debug protocol set
debug protocol map
debug protocol attrib
debug protocol push
debug protocol verbatim
debug protocol true
debug protocol false
debug populate
debug populate -1
debug populate x
debug populate 3
dbsize
get key:2
debug populate 2 pre 5
strlen pre:0
get pre:0
debug populate 2 big 20
strlen big:1
debug populate 5
dbsize
debug quicklist-packed-threshold 100
debug quicklist-packed-threshold 1x
debug quicklist-packed-threshold 0
debug listpack a
debug listpack nokey
debug listpack
debug htstats 99
debug htstats x
debug htstats
debug htstats-key a
debug htstats-key nokey
debug set-active-expire 1
debug pause-cron 0
debug set-disable-deny-scripts 0
debug replybuffer
debug replybuffer resizing 1
debug replybuffer peak-reset-time 100
debug replybuffer peak-reset-time never
debug replybuffer bad 1
debug change-repl-id
debug change-repl-id x
debug log hello
debug log
debug jmap
EOT
    restart_both --enable-debug-command yes &&
    compare_with_ref dbg.txt
'

test_expect_success REDIS_REF 'DEBUG PROTOCOL in RESP3 is byte for byte Redis' '
    cli flushall && redis-cli -p "$REF_PORT" flushall &&
    { echo "HELLO 3" &&
      for t in string integer double bignum null array set map attrib \
               push verbatim true false; do
          echo "DEBUG PROTOCOL $t"
      done; } >proto.txt &&
    replay_with_ref proto.txt &&
    sed -e "/^HELLO/d" proto.txt >proto2.txt &&
    replay_with_ref proto2.txt
'

test_expect_success 'DIGEST is 40 zeros when empty, follows the data, not the order' '
    cli flushall &&
    printf "%040d\n" 0 >zeros &&
    cli debug digest >actual &&
    test_cmp zeros actual &&
    cli rpush l a b c >/dev/null && cli hset h f1 v1 f2 v2 >/dev/null &&
    cli sadd s 3 1 2 >/dev/null && cli zadd z 1 a 2 b >/dev/null &&
    cli set str hello >/dev/null && cli pexpireat str 99999999999000 &&
    cli xadd x 1-1 f v >/dev/null &&
    cli debug digest >d1 &&
    ! test_cmp zeros d1 &&
    cli flushall &&
    cli xadd x 1-1 f v >/dev/null &&
    cli set str hello && cli pexpireat str 99999999999000 &&
    cli zadd z 2 b 1 a >/dev/null && cli sadd s 2 3 1 >/dev/null &&
    cli hset h f2 v2 f1 v1 >/dev/null && cli rpush l a b c >/dev/null &&
    cli debug digest >d2 &&
    test_cmp d1 d2 &&
    cli debug reload >/dev/null &&
    cli debug digest >d3 &&
    test_cmp d1 d3 &&
    cli lset l 0 A >/dev/null &&
    cli debug digest >d4 &&
    ! test_cmp d1 d4
'

test_expect_success 'DIGEST-VALUE: equal values, equal digests, whatever the encoding' '
    cli hset small f v >/dev/null &&
    cli hset big f v >/dev/null &&
    cli config set hash-max-listpack-entries 0 >/dev/null &&
    cli hset big2 f v >/dev/null &&
    cli object encoding small >enc1 && cli object encoding big2 >enc2 &&
    ! test_cmp enc1 enc2 &&
    cli debug digest-value small big2 >actual &&
    test "$(sed -n 1p actual)" = "$(sed -n 2p actual)" &&
    cli debug digest-value small nokey | tail -1 >actual &&
    test_cmp zeros actual
'

test_expect_success 'HTSTATS-KEY of a table-encoded hash, HTSTATS FULL' '
    cli debug htstats-key big2 >actual &&
    grep "number of elements: 1" actual &&
    cli debug htstats 0 full >actual &&
    grep "Chain length distribution" actual
'

test_expect_success 'SET-ACTIVE-EXPIRE 0 keeps expired keys until touched' '
    cli debug set-active-expire 0 &&
    cli set gone v px 1 &&
    cli dbsize >before &&
    sleep 0.3 &&
    cli dbsize >after &&
    test_cmp before after &&
    cli get gone >actual && echo >expect && test_cmp expect actual &&
    cli debug set-active-expire 1
'

test_expect_success 'SET-DISABLE-DENY-SCRIPTS lets a script call a noscript command' '
    test_must_fail_out=$(cli eval "return redis.call(\"client\", \"id\")" 0) ;
    echo "$test_must_fail_out" | grep "not allowed from script" &&
    cli debug set-disable-deny-scripts 1 &&
    cli eval "return redis.call(\"client\", \"id\")" 0 >actual &&
    grep -E "^[0-9]+$" actual &&
    cli debug set-disable-deny-scripts 0
'

test_expect_success 'LISTPACK logs a listpack value; DEBUG LOG' '
    cli debug listpack small >actual &&
    echo "Listpack structure printed on stdout" >expect &&
    test_cmp expect actual &&
    grep "DEBUG LISTPACK" "$SERVER_LOG" &&
    cli debug log "marker-1014" && grep marker-1014 "$SERVER_LOG"
'

# start_rw: a server started from config file rw.conf (RW_PORT, RW_PID).
start_rw() {
    RW_PORT=$(free_port) &&
    printf "port %s\nbind 127.0.0.1\nenable-debug-command yes\n" \
        "$RW_PORT" >rw.conf || return 1
    codis-server "$TRASH_DIRECTORY/rw.conf" --dir "$TRASH_DIRECTORY" \
        --save "" >rw.log 2>&1 &
    RW_PID=$!
    test_atexit "stop_pid $RW_PID"
    server_wait_ready $RW_PID $RW_PORT rw.log
}

test_expect_success 'CONFIG-REWRITE-FORCE-ALL writes the defaults too' '
    start_rw &&
    ! grep "^hz " rw.conf &&
    redis-cli -p $RW_PORT debug config-rewrite-force-all >actual &&
    echo OK >expect && test_cmp expect actual &&
    grep "^hz 10$" rw.conf && grep "^port $RW_PORT$" rw.conf
'

test_done
