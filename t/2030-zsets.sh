#!/bin/sh
test_description='sorted sets: scores, ranks, ranges, stores and ZSCAN

Most checks run the same commands against codis-server and against
Debian'"'"'s redis-server and compare the replies byte for byte.'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_start_both

test_expect_success REDIS_REF 'ZADD flags, ZINCRBY, ZSCORE, ZMSCORE like Redis' '
    cat >zadd.txt <<-\EOT &&
	zadd z 1 a 2 b 3 c
	zadd z 1 a 5 b
	zadd z ch 1 a 6 b 7 d
	zadd z nx 10 a 10 e
	zadd z xx 20 a 20 nope
	zadd z gt ch 1 a 30 b
	zadd z lt ch 100 c 1 d
	zadd z incr 2.5 a
	zadd z incr nx 1 a
	zadd z incr xx 1 nope
	zadd z incr gt -1 a
	zadd z nx xx 1 a
	zadd z gt lt 1 a
	zadd z nx gt 1 a
	zadd z incr 1 a 2 b
	zadd z 1 a 2
	zadd z
	zadd z abc a
	zadd z nan a
	zadd z inf i -inf j
	zadd z incr -inf i
	zincrby z 5 a
	zincrby z x a
	zincrby new 2 m
	zincrby z +inf i
	zscore z a
	zscore z nope
	zscore nokey a
	zmscore z a nope b
	zmscore nokey a
	zcard z
	zcard nokey
	zrange z 0 -1 withscores
	zadd z 0.1 tenth 1e20 big -3.75 neg
	zrange z 0 -1 withscores
	EOT
    compare_with_ref zadd.txt
'

test_expect_success REDIS_REF 'ranks, counts and ZRANGE in all its forms like Redis' '
    cat >range.txt <<-\EOT &&
	zadd r 1 a 2 b 3 c 4 d 5 e 5 ee 6 f
	zrank r c
	zrevrank r c
	zrank r nope
	zrank nokey a
	zcount r 2 5
	zcount r (2 (5
	zcount r -inf +inf
	zcount r 5 2
	zcount r x 2
	zrange r 0 2
	zrange r -2 -1 withscores
	zrange r 5 100
	zrange r 4 1
	zrevrange r 0 2 withscores
	zrange r 0 1 rev
	zrangebyscore r 2 4
	zrangebyscore r (2 4 withscores
	zrangebyscore r -inf +inf limit 2 3
	zrangebyscore r -inf +inf limit 2 -1
	zrangebyscore r -inf +inf limit -1 2
	zrevrangebyscore r 4 2
	zrevrangebyscore r +inf -inf withscores limit 1 2
	zrange r 2 4 byscore
	zrange r 4 2 byscore rev withscores
	zrange r (1 5 byscore limit 1 2
	zrange r 0 1 limit 0 1
	zrange r a b bylex withscores
	zrange r x y byscore
	zrange r 0 1 bogus
	zrevrange r 0 1 withscores extra
	EOT
    compare_with_ref range.txt
'

test_expect_success REDIS_REF 'lex ranges like Redis' '
    cat >lex.txt <<-\EOT &&
	zadd l 0 a 0 b 0 c 0 d 0 e 0 f 0 g
	zrangebylex l - +
	zrangebylex l [b (e
	zrangebylex l (b [e limit 1 2
	zrevrangebylex l + - limit 0 3
	zrevrangebylex l [e [b
	zrange l [c + bylex
	zrange l + [c bylex rev limit 1 1
	zlexcount l - +
	zlexcount l [b (d
	zlexcount l [d [b
	zlexcount l b d
	zrangebylex l b [d
	zrangebylex l [a [c withscores
	zremrangebylex l [f +
	zrangebylex l - +
	EOT
    compare_with_ref lex.txt
'

test_expect_success REDIS_REF 'removals, pops and emptied keys like Redis' '
    cat >rem.txt <<-\EOT &&
	zadd m 1 a 2 b 3 c 4 d 5 e 6 f 7 g 8 h
	zrem m a nope
	zrem nokey a
	zremrangebyrank m 0 0
	zremrangebyrank m -2 -1
	zrange m 0 -1
	zremrangebyscore m (3 5
	zremrangebyscore m x 1
	zrange m 0 -1 withscores
	zpopmin m
	zpopmax m 2
	zpopmin m 0
	zpopmin m -1
	zpopmin nokey
	exists m
	zadd p 1 a 2 b
	zpopmax p 10
	exists p
	zadd q 1 a
	zrem q a
	exists q
	zadd q 1 a 2 b 3 c
	zremrangebyscore q -inf +inf
	exists q
	EOT
    compare_with_ref rem.txt
'

test_expect_success REDIS_REF 'ZUNIONSTORE and ZINTERSTORE like Redis' '
    cat >store.txt <<-\EOT &&
	zadd s1 1 a 2 b 3 c
	zadd s2 10 b 20 c 30 d
	sadd plain c d e
	zunionstore u 2 s1 s2
	zrange u 0 -1 withscores
	zinterstore i 2 s1 s2
	zrange i 0 -1 withscores
	zunionstore u 2 s1 s2 weights 2 0.5
	zrange u 0 -1 withscores
	zunionstore u 2 s1 s2 aggregate max
	zrange u 0 -1 withscores
	zinterstore i 2 s1 s2 aggregate min weights 1 -1
	zrange i 0 -1 withscores
	zunionstore u 3 s1 s2 plain
	zrange u 0 -1 withscores
	zinterstore i 2 s1 nokey
	exists i
	zunionstore u 1 nokey
	exists u
	zunionstore s1 2 s1 s2
	zrange s1 0 -1 withscores
	zunionstore u 0 s1
	zunionstore u 3 s1 s2
	zunionstore u 2 s1 s2 weights 1
	zunionstore u 2 s1 s2 weights 1 x
	zunionstore u 2 s1 s2 aggregate avg
	set str v
	zunionstore u 2 s1 str
	EOT
    compare_with_ref store.txt
'

test_expect_success REDIS_REF 'wrong types and arity like Redis' '
    cat >wrong.txt <<-\EOT &&
	set str v
	zadd str 1 a
	zscore str a
	zrange str 0 -1
	zrangebyscore str 0 1
	zcard str
	zrem str a
	zpopmin str
	zadd
	zrange z
	zscan str 0
	EOT
    compare_with_ref wrong.txt
'

test_expect_success REDIS_REF 'bad scores, ranges, options and counts like Redis' '
    cat >badinput.txt <<-\EOT &&
	zadd bz 1 a 2 b 3 c
	zadd bz xx nx 1 a
	zadd bz gt lt 1 a
	zadd bz gt nx 1 a
	zadd bz incr 1 a 2 b
	zadd bz notafloat a
	zadd bz 1
	zadd bz nan a
	zadd bz inf a
	zincrby bz -inf a
	zincrby bz x a
	zrangebyscore bz x 1
	zrangebyscore bz 0 (x
	zrangebylex bz a c
	zrangebylex bz [a x
	zrange bz 0 -1 limit 0 1
	zrange bz 0 -1 byscore limit 0
	zrange bz a b bylex withscores
	zrange bz 0 -1 rev byscore bylex
	zrangestore dst bz 0 -1 withscores
	zrank bz a withscore extra
	zcount bz a b
	zlexcount bz a b
	zremrangebyscore bz a b
	zremrangebylex bz a b
	zremrangebyrank bz a 1
	zpopmin bz -1
	zpopmin bz 0
	zpopmax bz x
	zrandmember bz x
	zrandmember bz 2 withscores extra
	zunionstore dst 0 bz
	zunionstore dst -1 bz
	zunionstore dst 2 bz
	zunionstore dst 1 bz weights x
	zunionstore dst 1 bz weights 1 2
	zunionstore dst 1 bz aggregate avg
	zunionstore dst 1 bz withscores
	zinter 1 bz limit 1
	zintercard 0 bz
	zintercard 1 bz limit -1
	zintercard 1 bz limit x
	zdiff 1 bz weights 1
	zmpop 0 bz min
	zmpop 1 bz middle
	zmpop 1 bz min count 0
	zmpop 1 bz min count -1
	bzpopmin bz -1
	bzpopmin bz x
	bzmpop -1 1 bz min
	zscan bz x
	zscan bz 0 count 0
	zscan bz 0 bogus 1
	zrange bz 0 -1 byscore byscore
	zrange bz 0 -1 bylex byscore
	zrange bz 0 -1 byscore bylex limit x 1
	zrangestore d bz 0 -1 bylex byscore
	EOT
    compare_with_ref badinput.txt
'

test_expect_success REDIS_REF 'ZUNION, ZINTER, ZDIFF, ZINTERCARD, ZRANGESTORE like Redis' '
    cat >more.txt <<-\EOT &&
	flushall
	zadd a 1 x 2 y 3 z
	zadd b 10 y 20 z 30 w
	sadd c z w v
	zunion 2 a b withscores
	zunion 3 a b c weights 1 2 3 aggregate max withscores
	zinter 2 a b
	zinter 3 a b c withscores
	zdiff 2 a b withscores
	zdiff 1 nokey
	zdiff 2 a b weights 1 1
	zdiffstore d 2 b a
	zrange d 0 -1 withscores
	zdiffstore d 2 a a
	exists d
	zintercard 2 a b
	zintercard 2 a b limit 1
	zintercard 0 a
	zintercard 3 a b
	zintercard 1 a limit -1
	zunion 0 a
	zunion 3 a b
	zunion 2 a b withscores extra
	zunionstore u 2 a b withscores
	zrangestore r a 0 1
	zrange r 0 -1 withscores
	zrangestore r b (10 +inf byscore
	zrange r 0 -1 withscores
	zrangestore r b +inf -inf byscore rev limit 0 1
	zrange r 0 -1 withscores
	zrangestore r a 5 10
	exists r
	zrangestore r nokey 0 -1
	zrangestore r a 0 -1 withscores
	set str v
	zrangestore r str 0 -1
	zunion 2 a str
	bzpopmin a b 0
	bzpopmax a b 0
	bzpopmin nokey1 nokey2 0.01
	bzpopmin str 0
	bzpopmax a -1
	zrange a 0 -1 withscores
	zadd mz 1 a 2 b 3 c
	zmpop 2 none mz min
	zmpop 1 mz max count 5
	zmpop 1 mz max
	exists mz
	zmpop 0 mz min
	zmpop 1 mz middle
	zmpop 1 mz min count -1
	zmpop 1 str min
	bzmpop 0.01 1 mz min
	zadd mz 5 e
	bzmpop 0 2 none mz max count 3
	EOT
    compare_with_ref more.txt
'

test_expect_success 'BZPOPMIN waits for ZADD; BZPOPMAX for the highest' '
    cli del bz >/dev/null &&
    cli bzpopmin bz 0 >min.out &
    wait_until "cli info clients | grep -q ^blocked_clients:1" &&
    cli bzpopmax bz 0 >max.out &
    wait_until "cli info clients | grep -q ^blocked_clients:2" &&
    cli zadd bz 5 five 1 one 9 nine >actual &&
    wait_until "test -s min.out" &&
    wait_until "test -s max.out" &&
    cat min.out max.out >>actual &&
    cli zrange bz 0 -1 >>actual &&
    cat >expect <<-\EOT &&
	3
	bz
	one
	1
	bz
	nine
	9
	five
	EOT
    test_cmp expect actual
'

test_expect_success 'a large sorted set keeps order and ranks' '
    seq 1 2000 | awk "{ printf \"zadd big %d m%d\\n\", (\$1 * 7919) % 2000, \$1 }" |
        cli >/dev/null &&
    cli zcard big >actual &&
    cli zrange big 0 0 withscores >>actual &&
    cli zrange big -1 -1 withscores >>actual &&
    cli zrank big m1 >>actual &&
    cli zcount big 100 199 >>actual &&
    cli zremrangebyrank big 0 999 >>actual &&
    cli zrange big 0 0 withscores >>actual &&
    cat >expect <<-\EOT &&
	2000
	m2000
	0
	m321
	1999
	1919
	100
	1000
	m1000
	1000
	EOT
    test_cmp expect actual
'

test_expect_success 'ZRANDMEMBER and ZSCAN' '
    cli zadd rnd 1 a 2 b 3 c >/dev/null &&
    cli zrandmember rnd >one &&
    grep -qx "[abc]" one &&
    cli zrandmember rnd 5 withscores | paste - - | sort >all &&
    printf "a\t1\nb\t2\nc\t3\n" >expect &&
    test_cmp expect all &&
    cli zrandmember rnd -5 >rep &&
    test_line_count = 5 rep &&
    cli zrandmember nokey >actual &&
    cli zrandmember nokey 2 >>actual &&
    printf "\n\n" >expect &&
    test_cmp expect actual &&
    cli zscan rnd 0 >scan &&
    tail -n +2 scan | paste - - | sort >pairs &&
    printf "a\t1\nb\t2\nc\t3\n" >expect &&
    test_cmp expect pairs
'

test_expect_success 'OBJECT ENCODING and TYPE: small sets are listpacks' '
    cli type rnd >actual &&
    cli object encoding rnd >>actual &&
    printf "zset\nlistpack\n" >expect &&
    test_cmp expect actual
'

test_expect_success 'redis-benchmark runs lpush,lpop,sadd,hset,spop,zadd' '
    redis-benchmark -p $SERVER_PORT -t lpush,lpop,sadd,hset,spop,zadd \
        -n 20000 -q >bench.out 2>&1 &&
    ! grep -i err bench.out &&
    grep -o "[A-Z]*: [0-9.]* requests per second" bench.out >rates &&
    test_line_count = 6 rates &&
    server_alive
'

test_expect_success 'every key is still in the slot index' '
    cli slotscheck >actual &&
    echo OK >expect &&
    test_cmp expect actual
'

test_done
