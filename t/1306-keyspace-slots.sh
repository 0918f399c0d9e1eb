#!/bin/sh
test_description='keyspace kept as one table per slot: DBSIZE, SCAN, KEYS,
RANDOMKEY, SWAPDB, SLOTSINFO and SLOTSCHECK agree; MEMORY USAGE of keys
against redis-server'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success 'start codis-server' '
    start_server
'

test_expect_success 'load 300 keys over many slots, 60 of them tagged' '
    seq_lines 240 "set key:%d v%d" >load.txt &&
    i=0 &&
    while [ $i -lt 60 ]; do
        echo "sadd {tag$((i % 3))}:s$i m$i" && i=$((i + 1)) || return 1
    done >>load.txt &&
    cli <load.txt >/dev/null &&
    test "$(cli dbsize)" = 300 &&
    cli slotscheck >check &&
    echo OK >expect &&
    test_cmp expect check
'

# scan_all [ARGS...]: every key SCAN returns from cursor 0 to the end,
# sorted and unique, into 'scanned'.
scan_all() {
    cursor=0 &&
    : >scan.raw &&
    while :; do
        cli scan $cursor "$@" >step || return 1
        cursor=$(head -n 1 step) &&
        sed '1d;/^$/d' step >>scan.raw &&
        if [ "$cursor" = 0 ]; then
            break
        fi
    done &&
    sort -u scan.raw >scanned
}

test_expect_success 'SCAN walks every slot and returns each key' '
    cli keys "*" | sort >all &&
    test_line_count = 300 all &&
    scan_all count 25 &&
    test_cmp all scanned &&
    scan_all match "{tag1}*" count 60 &&
    grep "^{tag1}" all >tag1 &&
    test_line_count = 20 tag1 &&
    test_cmp tag1 scanned &&
    scan_all type set count 60 &&
    grep "^{tag" all >sets &&
    test_cmp sets scanned
'

test_expect_success 'SLOTSINFO counts add up to DBSIZE' '
    cli slotsinfo 0 1024 >info &&
    awk "NR % 2 == 0 { n += \$1 } END { print n }" info >sum &&
    echo 300 >expect &&
    test_cmp expect sum &&
    test "$(wc -l <info)" -gt 100
'

test_expect_success 'RANDOMKEY returns existing keys from many slots' '
    seq_lines 60 randomkey >rk.txt &&
    cli <rk.txt | sort -u >random &&
    comm -23 random all >unknown &&
    test_line_count = 0 unknown &&
    test "$(wc -l <random)" -gt 10
'

test_expect_success 'deleting keys keeps the slot tables and tag index in step' '
    i=0 &&
    while [ $i -lt 240 ]; do
        echo "del key:$i" && i=$((i + 2)) || return 1
    done >del.txt &&
    echo "del {tag0}:s0 {tag0}:s3" >>del.txt &&
    cli <del.txt >/dev/null &&
    test "$(cli dbsize)" = 178 &&
    cli slotscheck >check &&
    echo OK >expect &&
    test_cmp expect check &&
    scan_all count 50 &&
    cli keys "*" | sort >all &&
    test_line_count = 178 all &&
    test_cmp all scanned
'

test_expect_success 'SWAPDB moves the slot tables with the keys' '
    cli -n 1 set other 1 >/dev/null &&
    cli swapdb 0 1 >/dev/null &&
    test "$(cli dbsize)" = 1 &&
    test "$(cli -n 1 dbsize)" = 178 &&
    test "$(cli slotsinfo 0 1024 | wc -l)" = 2 &&
    cli -n 1 slotscheck >check &&
    test_cmp expect check &&
    cli swapdb 0 1 >/dev/null &&
    test "$(cli dbsize)" = 178
'

test_expect_success 'FLUSHDB empties every slot' '
    cli flushdb >/dev/null &&
    test "$(cli dbsize)" = 0 &&
    test "$(cli randomkey)" = "" &&
    cli scan 0 >step0 && head -n 1 step0 >step &&
    echo 0 >expect &&
    test_cmp expect step &&
    test "$(cli slotsinfo 0 1024)" = ""
'

test_expect_success REDIS_REF 'start the reference redis-server' '
    start_redis_ref
'

# Same magnitude: we count the 32 bytes a keyspace entry takes where
# Redis counts the 24 it asks for, and a set member's entry has no value
# field here (16 bytes, Redis's 24 take 32): between half and 1.25x.
test_expect_success REDIS_REF 'MEMORY USAGE of keys near redis-server' '
    i=0 &&
    while [ $i -lt 300 ]; do
        echo "hset bighash field:$i value:$i" &&
        echo "sadd bigset member:$i" &&
        echo "rpush biglist item:$i" &&
        echo "zadd bigzset $i member:$i" && i=$((i + 1)) || return 1
    done >mem.txt &&
    cat >>mem.txt <<-\EOT &&
	set str:int 123456
	set str:emb hello-world
	set str:raw aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
	rpush list a b c
	zadd zset 1 a 2 b 3 c
	EOT
    cli <mem.txt >/dev/null &&
    redis-cli -p "$REF_PORT" <mem.txt >/dev/null &&
    for k in str:int str:emb str:raw bighash bigset list biglist zset \
            bigzset; do
        ours=$(cli memory usage $k samples 0) &&
        ref=$(redis-cli -p "$REF_PORT" memory usage $k samples 0) &&
        say "$k: codis $ours, redis $ref" &&
        test $((ours * 100)) -le $((ref * 125)) &&
        test $((ours * 100)) -ge $((ref * 50)) || return 1
    done
'

test_done
