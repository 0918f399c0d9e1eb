#!/bin/sh
test_description='maxmemory: OOM under noeviction, each eviction policy picks the right keys'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"

# info_field SECTION FIELD: FIELD of INFO SECTION of the server.
info_field() {
    cli info "$1" | tr -d '\r' | sed -n "s/^$2://p"
}

VALUE=$(printf '%01000d' 0)

# fill PREFIX FIRST LAST [SET-OPTIONS]: SET PREFIX:i to a 1000-byte
# value for i in FIRST..LAST, one connection, replies to PREFIX.out.
fill() {
    i=$2
    while [ $i -le "$3" ]; do
        echo "SET $1:$i $VALUE $4" || return 1
        i=$((i + 1))
    done >"$1.cmds" &&
    cli <"$1.cmds" >"$1.out"
}

# count PREFIX: keys matching PREFIX:*.
count() {
    cli --scan --pattern "$1:*" | wc -l
}

# limit_to_now PLUS_BYTES: maxmemory = used memory now + PLUS_BYTES.
limit_to_now() {
    used=$(info_field memory used_memory) &&
    cli config set maxmemory $((used + $1)) >/dev/null
}

# overflow ROWS MIN [SET-OPTIONS]: cap the memory 100 KB above what is
# used now, SET ROWS more keys (more:1 ...) and check that more than MIN
# keys were evicted.
overflow() {
    limit_to_now 100000 &&
    fill more 1 "$1" "$3" &&
    test "$(info_field stats evicted_keys)" -gt "$2"
}

# reset POLICY: an empty dataset, no limit, POLICY, evicted_keys 0.
reset() {
    cli config set maxmemory 0 >/dev/null &&
    cli flushall >/dev/null &&
    cli config resetstat >/dev/null &&
    cli config set maxmemory-policy "$1" >/dev/null &&
    cli config set maxmemory-samples 10 >/dev/null
}

test_expect_success 'start a server, maxmemory takes units' '
    start_server --maxmemory 1gb --enable-debug-command local &&
    test "$(cli config get maxmemory | tail -n 1)" = 1073741824 &&
    info_field memory maxmemory_policy >policy &&
    echo noeviction >expect &&
    test_cmp expect policy &&
    cli config set maxmemory-policy bogus >out 2>&1 &&
    grep "must be one of the following: noeviction, allkeys-lru" out &&
    used=$(info_field memory used_memory) &&
    test "$used" -gt 0
'

test_expect_success 'noeviction: writes that need memory get -OOM, others work' '
    reset noeviction &&
    fill base 1 300 &&
    limit_to_now 200000 &&
    i=1 && while [ $i -le 400 ]; do
        echo "SET more:$i $VALUE" || return 1
        i=$((i + 1))
    done >more.cmds &&
    printf "GET base:2\nSET again x\nDEL base:1\n" >>more.cmds &&
    cli <more.cmds >more.out &&
    grep "OOM command not allowed when used memory > .maxmemory.\." more.out &&
    grep -v "^$" more.out | tail -n 4 >got &&
    oom="OOM command not allowed when used memory > '"'maxmemory'"'." &&
    printf "%s\n%s\n%s\n1\n" "$oom" "$VALUE" "$oom" >expect &&
    test_cmp expect got &&
    test "$(info_field stats evicted_keys)" = 0 &&
    test "$(count base)" = 299
'

test_expect_success 'allkeys-random evicts any key, replicas get the DELs' '
    reset allkeys-random &&
    M=$SERVER_PORT &&
    M_PID=$SERVER_PID &&
    fill base 1 800 &&
    start_server --slaveof 127.0.0.1 $M &&
    R=$SERVER_PORT &&
    wait_until "test \"\$(redis-cli -p $R dbsize)\" = 800" &&
    SERVER_PORT=$M &&
    limit_to_now 300000 &&
    fill more 1 600 &&
    ! grep OOM more.out &&
    evicted=$(info_field stats evicted_keys) &&
    test "$evicted" -gt 300 &&
    used=$(info_field memory used_memory) &&
    max=$(cli config get maxmemory | tail -n 1) &&
    test "$used" -le $((max + 100000)) &&
    test "$(count base)" -lt 800 &&
    test "$(count more)" -lt 600 &&
    test "$(count more)" -gt 0 &&
    wait_until "test \"\$(redis-cli -p $R dbsize)\" = \"\$(cli dbsize)\"" &&
    stop_pid $SERVER_PID &&
    SERVER_PID=$M_PID &&
    wait_until "test \"\$(info_field replication connected_slaves)\" = 0"
'

test_expect_success 'volatile-random evicts only keys with an expiry' '
    reset volatile-random &&
    fill perm 1 300 &&
    fill vol 1 500 "EX 10000" &&
    overflow 400 200 "EX 10000" &&
    test "$(count perm)" = 300 &&
    test "$(count vol)" -lt 500
'

test_expect_success 'volatile-ttl evicts the keys that expire soonest' '
    reset volatile-ttl &&
    fill late 1 300 "EX 900000" &&
    fill soon 1 500 "EX 1000" &&
    fill perm 1 100 &&
    overflow 300 150 "EX 500000" &&
    test "$(count late)" = 300 &&
    test "$(count perm)" = 100 &&
    test "$(count soon)" -lt 500
'

test_expect_success 'allkeys-lru keeps the keys in use' '
    reset allkeys-lru &&
    fill cold 1 700 &&
    fill hot 1 50 &&
    wait_until "cli debug object cold:700 | grep -qv \"lru_seconds_idle:0\$\"" &&
    i=1 && while [ $i -le 50 ]; do echo "GET hot:$i"; i=$((i + 1)); done >gets &&
    cli <gets >/dev/null &&
    overflow 300 150 &&
    test "$(count hot)" = 50 &&
    test "$(count cold)" -lt 700
'

test_expect_success 'volatile-lru keeps keys without expiry and the keys in use' '
    reset volatile-lru &&
    fill perm 1 200 &&
    fill cold 1 500 "EX 10000" &&
    fill hot 1 50 "EX 10000" &&
    wait_until "cli debug object cold:500 | grep -qv \"lru_seconds_idle:0\$\"" &&
    cli <gets >/dev/null &&
    overflow 300 150 "EX 10000" &&
    test "$(count perm)" = 200 &&
    test "$(count hot)" = 50 &&
    test "$(count cold)" -lt 500
'

test_expect_success 'volatile policies with no volatile key left behave as noeviction' '
    reset volatile-lru &&
    fill perm 1 300 &&
    limit_to_now 50000 &&
    fill more 1 200 &&
    grep "^OOM command not allowed" more.out &&
    test "$(count perm)" = 300 &&
    test "$(info_field stats evicted_keys)" = 0
'

test_done
