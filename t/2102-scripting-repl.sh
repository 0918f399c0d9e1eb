#!/bin/sh
test_description='script effects reach replicas and the AOF, never the script

A script'"'"'s writes are propagated as MULTI ... EXEC of what they did,
so a replica and an AOF reload never run Lua (their script caches stay
empty) and non-deterministic scripts give the same data everywhere.
redis.set_repl picks the targets. FUNCTION LOAD / DELETE reach both.'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"

# aof_text DIR: the incremental AOF files of DIR, CR removed.
aof_text() {
    cat "$1"/appendonlydir/*.incr.aof | tr -d '\r'
}

test_expect_success 'a master with an AOF and a replica' '
    start_server --appendonly yes &&
    M=$SERVER_PORT && M_DIR=$SERVER_DIR && M_PID=$SERVER_PID &&
    start_server &&
    R=$SERVER_PORT &&
    redis-cli -p $R slaveof 127.0.0.1 $M >/dev/null &&
    wait_until "synced $M $R"
'

test_expect_success 'writes of a script arrive as MULTI ... EXEC of effects' '
    redis-cli -p $M eval "
        redis.call(\"set\", \"t\", redis.call(\"time\")[1])
        redis.call(\"rpush\", \"l\", math.random(), \"x\")
        redis.call(\"incr\", \"n\")
        return redis.call(\"get\", \"n\")" 0 >out &&
    echo 1 >expect &&
    test_cmp expect out &&
    wait_until "synced $M $R" &&
    for k in t n; do
        test "$(redis-cli -p $M get $k)" = "$(redis-cli -p $R get $k)" ||
        return 1
    done &&
    redis-cli -p $M lrange l 0 -1 >m.out &&
    redis-cli -p $R lrange l 0 -1 >r.out &&
    test_cmp m.out r.out &&
    test "$(server_info $R memory number_of_cached_scripts)" = 0 &&
    aof_text "$M_DIR" >aof &&
    ! grep -qi "^eval" aof &&
    grep -A30 "^MULTI" aof >tx &&
    grep -q "^EXEC" tx &&
    grep -q "^rpush" tx &&
    grep -q "^incr" tx
'

test_expect_success 'a script with one write propagates just that write' '
    redis-cli -p $M eval "return redis.call(\"set\", \"one\", \"1\")" 0 \
        >/dev/null &&
    aof_text "$M_DIR" | tail -n 7 >tail &&
    ! grep -q MULTI tail &&
    grep -q "^one" tail &&
    wait_until "synced $M $R" &&
    test "$(redis-cli -p $R get one)" = 1
'

test_expect_success 'EVAL inside MULTI: one transaction, not two nested' '
    printf "MULTI\nEVAL \"redis.call(\x27set\x27, \x27m1\x27, 1) redis.call(\x27set\x27, \x27m2\x27, 2)\" 0\nSET m3 3\nEXEC\n" |
        redis-cli -p $M >out &&
    test "$(tail -n 1 out)" = OK &&
    aof_text "$M_DIR" >aof &&
    grep -B8 "^m1\$" aof >before &&
    test "$(grep -c "^MULTI" before)" = 1 &&
    test "$(grep -c "^MULTI" aof)" = "$(grep -c "^EXEC" aof)" &&
    sed -n "/^m1\$/,\$p" aof >tail &&
    test "$(grep -c "^EXEC" tail)" = 1 &&
    grep -q "^m3" tail &&
    wait_until "synced $M $R" &&
    test "$(redis-cli -p $R mget m1 m2 m3 | tr "\n" " ")" = "1 2 3 "
'

test_expect_success 'redis.set_repl chooses the AOF, the replicas or neither' '
    redis-cli -p $M eval "
        redis.set_repl(redis.REPL_NONE)
        redis.call(\"set\", \"none\", \"1\")
        redis.set_repl(redis.REPL_AOF)
        redis.call(\"set\", \"aofonly\", \"1\")
        redis.set_repl(redis.REPL_REPLICA)
        redis.call(\"set\", \"replonly\", \"1\")
        redis.set_repl(redis.REPL_ALL)
        redis.call(\"set\", \"both\", \"1\")" 0 >/dev/null &&
    wait_until "synced $M $R" &&
    test "$(redis-cli -p $R exists none aofonly replonly both)" = 2 &&
    test "$(redis-cli -p $R get replonly)" = 1 &&
    aof_text "$M_DIR" >aof &&
    ! grep -q "^none" aof &&
    grep -q "^aofonly" aof &&
    ! grep -q "^replonly" aof &&
    grep -q "^both" aof
'

test_expect_success 'a script refused on the replica, read-only runs there' '
    redis-cli -p $R eval "return redis.call(\"set\", \"x\", 1)" 0 >out &&
    grep -q "READONLY You can.t write against a read only replica" out &&
    test "$(redis-cli -p $R eval "return redis.call(\"get\", \"n\")" 0)" = 1
'

test_expect_success 'SCRIPT LOAD is not replicated; a replica loads its own' '
    sha=$(redis-cli -p $M script load "return redis.call(\"get\", KEYS[1])") &&
    wait_until "synced $M $R" &&
    test "$(redis-cli -p $R script exists $sha)" = 0 &&
    redis-cli -p $R script load "return redis.call(\"get\", KEYS[1])" \
        >/dev/null &&
    test "$(redis-cli -p $R evalsha $sha 1 n)" = 1
'

test_expect_success 'FUNCTION LOAD and DELETE reach the replica and the AOF' '
    redis-cli -p $M function load "#!lua name=rl
redis.register_function{function_name=\"rget\", flags={\"no-writes\"},
    callback=function(keys) return redis.call(\"get\", keys[1]) end}
redis.register_function(\"rincr\", function(keys)
    return redis.call(\"incr\", keys[1]) end)" >/dev/null &&
    test "$(redis-cli -p $M fcall rincr 1 n)" = 2 &&
    wait_until "synced $M $R" &&
    test "$(redis-cli -p $R fcall_ro rget 1 n)" = 2 &&
    aof_text "$M_DIR" >aof &&
    grep -q "^#!lua name=rl" aof &&
    ! grep -qi "^fcall" aof
'

test_expect_success 'the AOF rebuilds data and libraries without running Lua' '
    redis-cli -p $M shutdown nosave >/dev/null 2>&1;
    wait_until "! kill -0 $M_PID" &&
    start_server --appendonly yes --dir "$M_DIR" &&
    test "$(redis-cli -p $SERVER_PORT get n)" = 2 &&
    test "$(redis-cli -p $SERVER_PORT get aofonly)" = 1 &&
    test "$(redis-cli -p $SERVER_PORT exists replonly none)" = 0 &&
    test "$(server_info $SERVER_PORT memory number_of_cached_scripts)" = 0 &&
    test "$(redis-cli -p $SERVER_PORT fcall_ro rget 1 n)" = 2
'

test_done
