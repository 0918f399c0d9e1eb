#!/bin/sh
test_description='RESP3: HELLO, the RESP3 type of each command family and
pub/sub pushes, byte for byte against redis-server over raw sockets'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_start_both

test_expect_success REDIS_REF 'HELLO: versions, AUTH, SETNAME, errors' '
    cat >hello.txt <<-\EOF &&
	HELLO
	HELLO 3
	HELLO
	HELLO 2
	HELLO 4
	HELLO 1
	HELLO abc
	HELLO 3 SETNAME a b
	HELLO 3 FOO
	HELLO 3 SETNAME
	HELLO 3 SETNAME "a b"
	HELLO 3 AUTH default anything
	HELLO 3 AUTH someone pass
	HELLO 3 SETNAME conn1
	CLIENT GETNAME
	HELLO 2 SETNAME conn2
	CLIENT GETNAME
	EOF
    replay_with_ref hello.txt
'

cat >types.txt <<\EOF
HELLO 3
FLUSHALL
GET nope
SET s 1
GET s
INCRBYFLOAT f 1.5
MGET s nope
HSET h a 1
HGETALL h
HGETALL nope
HKEYS h
HGET h nope
HMGET h a nope
HRANDFIELD h -2 WITHVALUES
HRANDFIELD h 1 WITHVALUES
HRANDFIELD nope
HRANDFIELD nope 2 WITHVALUES
HINCRBYFLOAT hf f 2.5
SADD st a
SMEMBERS st
SMEMBERS nope
SINTER st st
SUNION st nope
SDIFF st nope
SINTER st nope
SPOP nope
SPOP nope 2
SPOP st 0
SPOP st 1
SRANDMEMBER nope
SRANDMEMBER nope 2
SMISMEMBER st a b
ZADD z 1.5 a 2 b
ZSCORE z a
ZSCORE z nope
ZMSCORE z a nope
ZINCRBY z 1 a
ZADD z INCR 1 a
ZADD z NX INCR 1 a
ZADD z 0.1 t -inf m +inf p
ZRANGE z 0 -1 WITHSCORES
ZRANGE z 0 -1
ZREVRANGE z 0 -1 WITHSCORES
ZRANGEBYSCORE z -inf +inf WITHSCORES
ZREVRANGEBYSCORE z +inf -inf WITHSCORES LIMIT 1 2
ZRANGE z +inf -inf BYSCORE REV WITHSCORES
ZSCORE z t
ZSCORE z m
ZPOPMIN z
ZPOPMAX nope
ZPOPMAX nope 2
ZPOPMIN z 2
ZPOPMAX z 1
ZADD z 1 a 2 b 3 c
ZADD zr 7 only
ZRANDMEMBER zr -2 WITHSCORES
ZRANDMEMBER zr 3 WITHSCORES
ZRANDMEMBER nope 2 WITHSCORES
ZRANK z nope
ZMPOP 1 z MIN
ZMPOP 1 z MAX COUNT 5
ZMPOP 1 nope MIN
ZADD z1 1 a 2 b
ZADD z2 3 b
ZUNION 2 z1 z2 WITHSCORES
ZINTER 2 z1 z2 WITHSCORES
ZDIFF 2 z1 z2 WITHSCORES
ZUNION 2 z1 z2
LPUSH l a
LPOP nope
LPOP nope 2
LPOS l a
LPOS l zz
LPOS l zz COUNT 2
LMPOP 1 nope LEFT
BLPOP nope 0.01
BRPOP nope 0.01
BZPOPMIN nope 0.01
BZMPOP 0.01 1 nope MIN
BLMOVE nope x LEFT LEFT 0.01
ZADD z 5 e
BZPOPMIN z 0
RPOPLPUSH nope x
LINDEX l 5
CONFIG GET maxmemory
CONFIG GET nosuch
GEOADD g 13.361389 38.115556 p
GEOPOS g p nope
GEODIST g p p
GEODIST g p nope
GEOSEARCH g FROMLONLAT 13 38 BYRADIUS 100 km WITHDIST WITHCOORD
GEORADIUS g 13 38 100 km WITHCOORD
XADD x 1-1 a b
XRANGE x - +
XREAD STREAMS x 0
XREAD COUNT 1 STREAMS x nope 0 0
XREAD STREAMS nope 0
XINFO STREAM x
XGROUP CREATE x g 0
XINFO GROUPS x
XREADGROUP GROUP g c STREAMS x >
XREADGROUP GROUP g c STREAMS x 0
XPENDING x g
XAUTOCLAIM x g c 0 0
OBJECT ENCODING nope
TTL nope
DUMP nope
MULTI
GET nope
ZSCORE z b
HGETALL h
EXEC
WATCH s
SET s 2
MULTI
GET s
EXEC
EVAL "return redis.call('get','nope')" 0
EVAL "return {1,2,3}" 0
FUNCTION LIST
PUBSUB NUMSUB a
PUBSUB CHANNELS
SSCAN st 0
SORT l
TYPE nope
GETEX nope
GETDEL nope
SET k v GET
SET k2 v NX GET
SET k2 v NX
SET k2 v XX
SET k3 v XX GET
EXISTS nope
INFO keyspace
ECHO hi
PING
PING hi
EOF

test_expect_success REDIS_REF 'RESP3: maps, sets, doubles, nulls as Redis' '
    replay_with_ref types.txt
'

test_expect_success REDIS_REF 'the same commands under RESP2 are unchanged' '
    sed "s/^HELLO 3$/HELLO 2/" types.txt >types2.txt &&
    replay_with_ref types2.txt
'

test_expect_success REDIS_REF 'RESP3 pub/sub: pushes, any command while subscribed' '
    cat >pubsub.txt <<-\EOF &&
	HELLO 3
	@conn 1
	HELLO 3
	SUBSCRIBE ch1 ch2
	@push
	PSUBSCRIBE p*
	GET nope
	PING
	PING hi
	@conn 2
	SUBSCRIBE r2
	PING
	GET nope
	@conn 0
	PUBLISH ch1 hello
	PUBLISH pz x
	PUBLISH r2 y
	@conn 1
	@push
	@push
	UNSUBSCRIBE ch1
	PUNSUBSCRIBE
	UNSUBSCRIBE
	@conn 2
	@push
	UNSUBSCRIBE
	@conn 3
	HELLO 3
	SUBSCRIBE self
	PUBLISH self m
	@push
	EOF
    replay_with_ref pubsub.txt
'

test_expect_success REDIS_REF 'RESET returns to RESP2' '
    cat >reset.txt <<-\EOF &&
	HELLO 3
	GET nope
	RESET
	GET nope
	HGETALL nope
	EOF
    replay_with_ref reset.txt
'

test_expect_success 'the server still answers' '
    cli ping >actual &&
    echo PONG >expect &&
    test_cmp expect actual
'

test_done
