#!/bin/sh
test_description='integers in listpacks: MEMORY USAGE equal to redis-server

Lists, hashes and sorted sets whose elements are integers of every
listpack width (7, 13, 16, 24, 32 and 64 bits), strings that only look
like integers ("01", "-0", "+1"), small and multi-node lists: the same
commands on codis-server and redis-server give the same values and the
same MEMORY USAGE, byte for byte, as our listpack is laid out as Redis
lays it out.'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success REDIS_REF 'start both servers with the same values' '
    start_server &&
    start_redis_ref &&
    {
        echo "rpush l7 0 1 2 127 5 6" &&
        echo "rpush l13 128 -1 -4096 4095 1000" &&
        echo "rpush l16 4096 -4097 32767 -32768" &&
        echo "rpush l24 32768 -32769 8388607 -8388608" &&
        echo "rpush l32 8388608 2147483647 -2147483648" &&
        echo "rpush l64 2147483648 9223372036854775807 -9223372036854775808" &&
        echo "rpush lfake 01 -0 +1 00 1.0 9223372036854775808 a1 1a" &&
        echo "rpush lmix 1 x 22 yy 333 zzz -4444" &&
        echo "lset lmix 1 70000" &&
        echo "linsert lmix before 22 abc" &&
        echo "hset h1 1 2 3 4 -5 6 70000 80000 f 9000000000 g 01" &&
        echo "hset h2 a 100 b 200 c -300" &&
        echo "hincrby h2 a 100000" &&
        echo "zadd z1 1 10 2 20 3.5 30 -4 40 1e6 50 0 60" &&
        echo "zadd z2 100 1 200 2 300 3" &&
        echo "zincrby z2 0.5 1" &&
        i=0 &&
        while [ $i -lt 3000 ]; do
            echo "rpush lbig $((i * 37))" &&
            echo "lpush lbig2 $((i - 1500))" &&
            i=$((i + 1)) || return 1
        done
    } >data.txt &&
    cli <data.txt >/dev/null &&
    redis-cli -p $REF_PORT <data.txt >/dev/null
'

KEYS="l7 l13 l16 l24 l32 l64 lfake lmix h1 h2 z1 z2 lbig lbig2"

test_expect_success REDIS_REF 'values and encodings read the same' '
    for k in l7 l13 l16 l24 l32 l64 lfake lmix lbig lbig2; do
        echo "lrange $k 0 -1" && echo "object encoding $k" || return 1
    done >check.txt &&
    cat >>check.txt <<-\EOT &&
	hgetall h1
	hget h1 70000
	hget h1 g
	hexists h1 01
	hexists h1 1
	hgetall h2
	object encoding h1
	zrange z1 0 -1 withscores
	zscore z1 60
	zrank z1 40
	zrange z2 0 -1 withscores
	object encoding z1
	lpos lbig 370
	lindex lbig2 -1
	EOT
    compare_with_ref check.txt
'

test_expect_success REDIS_REF 'MEMORY USAGE is equal for every key' '
    for k in $KEYS; do
        echo "memory usage $k" && echo "memory usage $k samples 0" ||
            return 1
    done >usage.txt &&
    compare_with_ref usage.txt
'

test_expect_success REDIS_REF 'integers take less than their text' '
    test "$(cli memory usage lbig samples 0)" -lt 24000
'

test_expect_success REDIS_REF 'after changes in place, still equal' '
    cat >change.txt <<-\EOT &&
	lset lbig 5 hello
	lset lbig 6 -77
	ltrim lbig2 10 -10
	hdel h1 1 f
	hset h1 1 x 2 -2
	zadd z1 7 10 8 70
	zrem z1 60
	EOT
    cli <change.txt >/dev/null &&
    redis-cli -p $REF_PORT <change.txt >/dev/null &&
    compare_with_ref usage.txt &&
    compare_with_ref check.txt
'

test_done
