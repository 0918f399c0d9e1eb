#!/bin/sh
test_description='hashes: fields, counters, random fields and HSCAN'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success 'start a server' '
    start_server
'

test_expect_success 'HSET, HGET, HMGET, HLEN, HEXISTS, HSTRLEN' '
    cli hset h f1 v1 f2 v2 >actual &&
    cli hset h f1 new f3 v3 >>actual &&
    cli hget h f1 >>actual &&
    cli hget h nope >>actual &&
    cli hget nohash f >>actual &&
    cli hmget h f1 nope f3 >>actual &&
    cli hmget nohash a >>actual &&
    cli hlen h >>actual &&
    cli hlen nohash >>actual &&
    cli hexists h f2 >>actual &&
    cli hexists h nope >>actual &&
    cli hstrlen h f1 >>actual &&
    cli hstrlen h nope >>actual &&
    cli type h >>actual &&
    cli object encoding h >>actual &&
    cat >expect <<-\EOT &&
	2
	1
	new


	new

	v3

	3
	0
	1
	0
	3
	0
	hash
	listpack
	EOT
    test_cmp expect actual
'

test_expect_success 'HSETNX and HMSET' '
    cli hsetnx h f1 x >actual &&
    cli hsetnx h f4 v4 >>actual &&
    cli hsetnx fresh a b >>actual &&
    cli hmset h f5 v5 f6 v6 >>actual &&
    cli hset h odd >>actual &&
    cli hmset h a b c >>actual &&
    cli hget h f4 >>actual &&
    cli hget fresh a >>actual &&
    cat >expect <<-\EOT &&
	0
	1
	1
	OK
	ERR wrong number of arguments for '"'"'hset'"'"' command

	ERR wrong number of arguments for '"'"'hmset'"'"' command

	v4
	b
	EOT
    test_cmp expect actual
'

test_expect_success 'HKEYS, HVALS, HGETALL' '
    cli del g &&
    cli hset g a 1 b 2 c 3 >/dev/null &&
    cli hkeys g | sort >actual &&
    cli hvals g | sort >>actual &&
    cli hgetall g | paste - - | sort >>actual &&
    cli hgetall nohash >>actual &&
    printf "a\nb\nc\n1\n2\n3\na\t1\nb\t2\nc\t3\n\n" >expect &&
    test_cmp expect actual
'

test_expect_success 'HDEL removes fields and the emptied key' '
    cli hdel g a nope >actual &&
    cli hdel g b c >>actual &&
    cli exists g >>actual &&
    cli hdel g a >>actual &&
    printf "1\n2\n0\n0\n" >expect &&
    test_cmp expect actual
'

test_expect_success 'HINCRBY and HINCRBYFLOAT' '
    cli hincrby n c 5 >actual &&
    cli hincrby n c -7 >>actual &&
    cli hincrby n c x >>actual &&
    cli hset n s abc >>actual &&
    cli hincrby n s 1 >>actual &&
    cli hset n big 9223372036854775807 >>actual &&
    cli hincrby n big 1 >>actual &&
    cli hincrbyfloat n f 10.5 >>actual &&
    cli hincrbyfloat n f -0.25 >>actual &&
    cli hincrbyfloat n s 1 >>actual &&
    cli hincrbyfloat n f abc >>actual &&
    cli hincrbyfloat n c 1.5 >>actual &&
    cli hget n f >>actual &&
    cat >expect <<-\EOT &&
	5
	-2
	ERR value is not an integer or out of range

	1
	ERR hash value is not an integer

	1
	ERR increment or decrement would overflow

	10.5
	10.25
	ERR hash value is not a float

	ERR value is not a valid float

	-0.5
	10.25
	EOT
    test_cmp expect actual
'

test_expect_success 'HRANDFIELD with and without a count' '
    cli del r &&
    cli hset r a 1 b 2 c 3 >/dev/null &&
    cli hrandfield r >one &&
    grep -qx "[abc]" one &&
    cli hrandfield r 2 | sort -u >two &&
    test_line_count = 2 two &&
    cli hrandfield r 10 | sort >all &&
    printf "a\nb\nc\n" >expect &&
    test_cmp expect all &&
    cli hrandfield r -7 >rep &&
    test_line_count = 7 rep &&
    cli hrandfield r 3 withvalues | paste - - | sort >pairs &&
    printf "a\t1\nb\t2\nc\t3\n" >expect &&
    test_cmp expect pairs &&
    cli hrandfield nohash >actual &&
    cli hrandfield nohash 3 >>actual &&
    cli hrandfield r 1 nope >>actual &&
    printf "\n\nERR syntax error\n\n" >expect &&
    test_cmp expect actual
'

test_expect_success 'HSCAN returns every field once across a full scan' '
    seq 1 500 | sed "s/.*/hset sc f& v&/" | cli >/dev/null &&
    cursor=0 && : >seen &&
    while :; do
        cli hscan sc $cursor count 50 >page &&
        cursor=$(head -n 1 page) &&
        tail -n +2 page | sed "/^\$/d" | paste - - >>seen &&
        test "$cursor" != 0 || break
    done &&
    sort -u seen >unique &&
    wc -l <unique >actual &&
    grep -c "^f\([0-9]*\)	v\1$" unique >>actual &&
    printf "500\n500\n" >expect &&
    test_cmp expect actual &&
    cli hscan sc 0 match f1?? count 1000 | tail -n +2 | paste - - |
        wc -l >actual &&
    echo 100 >expect &&
    test_cmp expect actual
'

test_expect_success 'hash commands against other types get WRONGTYPE' '
    cli rpush list a >/dev/null &&
    cli hset list a b >actual &&
    cli hget list a >>actual &&
    cli hgetall list >>actual &&
    cli hscan list 0 >>actual &&
    cat >expect <<-\EOT &&
	WRONGTYPE Operation against a key holding the wrong kind of value

	WRONGTYPE Operation against a key holding the wrong kind of value

	WRONGTYPE Operation against a key holding the wrong kind of value

	WRONGTYPE Operation against a key holding the wrong kind of value

	EOT
    test_cmp expect actual
'

test_expect_success 'redis-benchmark hset runs without errors' '
    redis-benchmark -p $SERVER_PORT -t hset -n 2000 -q >bench.out 2>&1 &&
    ! grep -i err bench.out &&
    server_alive
'

test_expect_success REDIS_REF 'start the reference redis-server' '
    start_redis_ref
'

test_expect_success REDIS_REF 'hash replies and errors match redis-server' '
    cat >ref.txt <<-\EOT &&
	flushall
	hset rh a 1 b 2 c 3
	hset rh a 1 b
	hset rh
	hmset rh d 4
	hsetnx rh a 9
	hget rh a
	hget rh none
	hmget rh a none c
	hlen rh
	hstrlen rh a
	hexists rh none
	hincrby rh a 10
	hincrby rh a x
	hincrby rh a 9223372036854775807
	hincrby rh new -5
	hincrbyfloat rh a 0.5
	hincrbyfloat rh a x
	hincrbyfloat rh fl 1e308
	hincrbyfloat rh fl 1e308
	hincrbyfloat rh fl -inf
	hset rh s str
	hincrby rh s 1
	hincrbyfloat rh s 1
	hdel rh a none
	hdel rh
	hrandfield rh 0
	hrandfield rh x
	hrandfield rh 1 withvalues extra
	hrandfield rh 1 notwithvalues
	hrandfield none
	hrandfield none 5
	hscan rh x
	hscan rh 0 count 0
	hscan rh 0 match
	hscan rh 0 bogus 1
	hscan none 0
	set str v
	hset str a b
	hget str a
	hgetall str
	hkeys str
	hlen str
	hdel str a
	hincrby str a 1
	type rh
	EOT
    compare_with_ref ref.txt
'

test_expect_success 'every key is still in the slot index' '
    cli slotscheck >actual &&
    echo OK >expect &&
    test_cmp expect actual
'

test_done
