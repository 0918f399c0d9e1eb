#!/bin/sh
test_description='sorted set encodings: listpack until a threshold, then skiplist

OBJECT ENCODING and the replies of the sorted set commands are compared
with Debian'"'"'s redis-server across the crossings of
zset-max-listpack-entries and zset-max-listpack-value (ZADD, ZINCRBY,
ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE, ZRANGESTORE, GEOADD, removals),
also after CONFIG SET of both and of their zset-max-ziplist-* aliases.'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_start_both

test_expect_success REDIS_REF 'every command on a small sorted set (a listpack)' '
    cat >small.txt <<-\EOT &&
	zadd z 3 c 1 a 2 b 2 bb 1.5 x -0 zero -inf ninf +inf pinf
	object encoding z
	zrange z 0 -1 withscores
	zrevrange z 1 3 withscores
	zrangebyscore z (1 2 withscores
	zrevrangebyscore z +inf 1 limit 1 2
	zrangebylex z - +
	zrange z 0 -1 rev
	zrange z (1 +inf byscore limit 1 3 withscores
	zrank z bb
	zrevrank z bb
	zrank z nope
	zscore z x
	zmscore z a nope c
	zcount z 1 2
	zcount z (1 (2
	zlexcount z - +
	zincrby z 0.25 a
	zadd z xx ch 7 a 8 new
	zadd z nx 9 a 9 new
	zadd z gt ch 1 c 10 b
	zadd z incr 1 zero
	zrange z 0 -1 withscores
	zscan z 0
	zrem z nope x
	zpopmin z
	zpopmax z 2
	zmpop 1 z min count 2
	zrange z 0 -1 withscores
	zcard z
	object encoding z
	zadd sc 4503599627370495 a 4503599627370496 b -4503599627370495 c 1e16 d 0.1 e 1.5e-300 f 12345678901234567890 g
	zscan sc 0
	zrange sc 0 -1 withscores
	zadd lex 0 a 0 b 0 c 0 d 0 e
	zrangebylex lex [b (d
	zrevrangebylex lex + (b limit 0 2
	zlexcount lex (a [e
	zremrangebylex lex [b [c
	zremrangebyrank lex -1 -1
	zremrangebyscore lex -inf (0
	zrange lex 0 -1
	zremrangebyscore lex 0 0
	exists lex
	zadd p 1 a 2 b 3 c
	zadd q 10 b 20 c 30 d
	zunionstore u 2 p q weights 2 1
	object encoding u
	zrange u 0 -1 withscores
	zinterstore i 2 p q aggregate max
	object encoding i
	zrange i 0 -1 withscores
	zdiffstore d 2 p q
	object encoding d
	zunion 2 p q withscores
	zinter 2 p q withscores
	zdiff 2 q p withscores
	zintercard 2 p q
	zrangestore rs q 0 1
	object encoding rs
	zrange rs 0 -1 withscores
	zrangestore rs2 q (10 +inf byscore
	zrange rs2 0 -1 withscores
	geoadd g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
	object encoding g
	geodist g Palermo Catania km
	geopos g Palermo
	geosearch g fromlonlat 15 37 byradius 200 km asc withdist
	geosearchstore gs g fromlonlat 15 37 byradius 200 km
	object encoding gs
	zrange gs 0 -1
	EOT
    compare_with_ref small.txt
'

test_expect_success REDIS_REF 'a long member converts, and removals do not convert back' '
    long=$(printf "%064d" 1) &&
    longer=$(printf "%065d" 1) &&
    {
        echo "zadd l1 1 $long" &&
        echo "object encoding l1" &&
        echo "zadd l1 2 $longer" &&
        echo "object encoding l1" &&
        echo "zrem l1 $longer" &&
        echo "object encoding l1" &&
        echo "zadd l2 1 $longer" &&
        echo "object encoding l2" &&
        echo "zadd l3 1 a 2 $longer" &&
        echo "object encoding l3" &&
        echo "zincrby l4 1 $longer" &&
        echo "object encoding l4" &&
        echo "zadd l5 1 a" &&
        echo "zunionstore l6 2 l1 l5" &&
        echo "object encoding l6" &&
        echo "zrangestore l7 l1 0 -1" &&
        echo "object encoding l7"
    } >long.txt &&
    compare_with_ref long.txt
'

test_expect_success REDIS_REF 'the entries threshold converts at 129 members' '
    {
        seq_lines 128 "zadd big %d m%d" &&
        echo "zadd dup 1 a 1 a 1 a" &&
        echo "object encoding dup" &&
        echo "object encoding big" &&
        echo "zadd big 5 m5" &&
        echo "object encoding big" &&
        echo "zrangestore half big 0 127" &&
        echo "object encoding half" &&
        echo "zadd big 128 m128" &&
        echo "object encoding big" &&
        echo "zrangestore all big 0 -1" &&
        echo "object encoding all" &&
        echo "zrangestore few big 0 9" &&
        echo "object encoding few" &&
        echo "zremrangebyrank big 0 100" &&
        echo "object encoding big" &&
        echo "zunionstore small 1 big" &&
        echo "object encoding small" &&
        echo "zrange big 0 -1 withscores"
    } >entries.txt &&
    compare_with_ref entries.txt
'

test_expect_success REDIS_REF 'CONFIG SET of the thresholds and their aliases' '
    cat >config.txt <<-\EOT &&
	config set zset-max-ziplist-entries 3
	config get zset-max-listpack-entries
	zadd c 1 a 2 b 3 c
	object encoding c
	zadd c 4 d
	object encoding c
	zinterstore c1 1 c
	object encoding c1
	config set zset-max-listpack-value 2
	config get zset-max-ziplist-value
	zadd c2 1 abc
	object encoding c2
	zadd c3 1 ab
	object encoding c3
	zadd c3 2 abc
	object encoding c3
	config set zset-max-listpack-entries 0
	zadd c5 1 a
	object encoding c5
	zunionstore c6 1 c3
	object encoding c6
	config set zset-max-listpack-entries 128
	config set zset-max-listpack-value 64
	zunionstore c7 1 c3
	object encoding c7
	EOT
    compare_with_ref config.txt
'

test_expect_success REDIS_REF 'ZRANDMEMBER on a listpack picks distinct members' '
    cli del r >/dev/null &&
    cli zadd r 1 a 2 b 3 c 4 d 5 e >/dev/null &&
    cli zrandmember r 3 >picked &&
    test_line_count = 3 picked &&
    sort -u picked >uniq &&
    test_line_count = 3 uniq &&
    cli zrandmember r -20 withscores >many &&
    test_line_count = 40 many &&
    cli zrandmember r 9 >all &&
    sort all >sorted &&
    printf "a\nb\nc\nd\ne\n" >expect &&
    test_cmp expect sorted
'

test_done
