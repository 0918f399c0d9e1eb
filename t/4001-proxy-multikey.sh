#!/bin/sh
test_description='codis-proxy multi-key commands over two groups: MGET/MSET/DEL/UNLINK/EXISTS/TOUCH split and merged; same-slot-only commands forwarded or refused'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-proxytest.sh"

test_expect_success 'two servers behind a proxy; keys of each server' '
    pt_start --cpu=2 &&
    set -- $(pt keys a ka 3) && A1=$1 A2=$2 A3=$3 &&
    set -- $(pt keys b kb 3) && B1=$1 B2=$2 B3=$3 &&
    test -n "$B3" &&
    TAG_SERVER=$(pt slot "{t}") &&
    echo "A: $A1 $A2 $A3  B: $B1 $B2 $B3  slot of {t}: $TAG_SERVER"
'

test_expect_success 'MSET over both servers: one OK, each key on its server' '
    SERVER_PORT=$PROXY_PORT raw_send "*9\r\n\$4\r\nMSET\r\n\$${#A1}\r\n$A1\r\n\$2\r\na1\r\n\$${#B1}\r\n$B1\r\n\$2\r\nb1\r\n\$${#A2}\r\n$A2\r\n\$2\r\na2\r\n\$${#B2}\r\n$B2\r\n\$2\r\nb2\r\nPING\r\n" >out
    printf "+OK\r\n+PONG\r\n" >expect && test_cmp expect out &&
    ca mget $A1 $A2 $B1 $B2 >out &&
    printf "a1\na2\n\n\n" >expect && test_cmp expect out &&
    cb mget $A1 $A2 $B1 $B2 >out &&
    printf "\n\nb1\nb2\n" >expect && test_cmp expect out
'

test_expect_success 'MSET with a key twice keeps the last value' '
    pcli mset $A3 first $B3 x $A3 last >out && echo OK >expect &&
    test_cmp expect out &&
    ca get $A3 >out && echo last >expect && test_cmp expect out
'

test_expect_success 'MGET over both servers is merged in the order asked' '
    pcli mget $B2 $A1 nosuch $B1 $A2 $A1 >out &&
    printf "b2\na1\n\nb1\na2\na1\n" >expect && test_cmp expect out &&
    pcli mget $A1 >out && echo a1 >expect && test_cmp expect out
'

test_expect_success 'EXISTS and TOUCH sum the counts of both servers' '
    pcli exists $A1 $B1 nosuch $A1 $B2 >out && echo 4 >expect &&
    test_cmp expect out &&
    pcli touch $A1 $B1 nosuch $A2 >out && echo 3 >expect &&
    test_cmp expect out
'

test_expect_success 'DEL and UNLINK sum the counts and delete on both servers' '
    pcli del $A1 $B1 nosuch >out && echo 2 >expect && test_cmp expect out &&
    ca exists $A1 >out && echo 0 >expect && test_cmp expect out &&
    cb exists $B1 >out && test_cmp expect out &&
    pcli unlink $B2 $A2 $B2 >out && echo 2 >expect && test_cmp expect out &&
    ca dbsize >a && cb dbsize >b && echo 1 >expect &&
    test_cmp expect a && test_cmp expect b
'

test_expect_success 'MSET, MGET, EXISTS and DEL of 3000 keys over both servers' '
    "$PY" - $PROXY_PORT $PORT_A $PORT_B <<-\EOF
	import redis, sys
	proxy, a, b = (redis.Redis(port=int(p)) for p in sys.argv[1:4])
	keys = ["many:%d" % i for i in range(3000)]
	assert proxy.mset({k: "v" + k for k in keys}) is True
	want = [("v" + k).encode() for k in keys]
	asked = keys[::-1] + ["many:none"]
	assert proxy.mget(asked) == want[::-1] + [None]
	assert a.dbsize() > 1000 and b.dbsize() > 1000
	assert proxy.exists(*keys, *keys[:10]) == 3010
	assert proxy.delete(*keys, "many:none") == 3000
	assert proxy.exists(*keys) == 0
	EOF
'

test_expect_success 'a part of MSET refused by its server: one error for the whole MSET' '
    cb config set maxmemory-policy noeviction >out &&
    cb config set maxmemory 1 >out && echo OK >expect && test_cmp expect out &&
    test_when_finished "cb config set maxmemory 0" &&
    SERVER_PORT=$PROXY_PORT raw_send "MSET $A1 oom-a $B1 oom-b\r\nPING\r\n" >out
    tr -d "\r" <out >lines && cat lines &&
    test_line_count = 2 lines &&
    grep "^-OOM" lines && tail -n 1 lines >last && echo +PONG >expect &&
    test_cmp expect last &&
    cb exists $B1 >out && echo 0 >expect && test_cmp expect out
'

test_expect_success '40 clients at once splitting MSET/MGET/DEL: each sees its own keys' '
    "$PY" - $PROXY_PORT <<-\EOF
	import redis, sys, threading
	port = int(sys.argv[1])
	errors = []
	def client(n):
	    r = redis.Redis(port=port)
	    try:
	        for round in range(100):
	            keys = ["c%d:r%d:k%d" % (n, round, i) for i in range(8)]
	            vals = ["%d-%d-%d" % (n, round, i) for i in range(8)]
	            assert r.mset(dict(zip(keys, vals))) is True
	            got = r.mget(keys[::-1])
	            assert got == [v.encode() for v in vals[::-1]], got
	            assert r.delete(*keys) == 8
	    except Exception as e:
	        errors.append("client %d: %r" % (n, e))
	threads = [threading.Thread(target=client, args=(n,)) for n in range(40)]
	for t in threads:
	    t.start()
	for t in threads:
	    t.join()
	assert not errors, errors[:3]
	EOF
'

test_expect_success 'a wrong number of arguments is refused before any split' '
    perr mset $A1 x $B1 >out &&
    echo "ERR wrong number of arguments for '\''mset'\'' command" >expect &&
    test_cmp expect out &&
    perr mget >out &&
    echo "ERR wrong number of arguments for '\''mget'\'' command" >expect &&
    test_cmp expect out &&
    cb exists $B1 >out && echo 0 >expect && test_cmp expect out
'

test_expect_success 'a WRONGTYPE in one part of MGET gives nil, like Redis' '
    pcli del $B3 >out && pcli rpush $B3 x >out && echo 1 >expect && test_cmp expect out &&
    pcli mget $A3 $B3 >out &&
    printf "last\n\n" >expect && test_cmp expect out &&
    pcli del $B3 >out
'

test_expect_success 'same-slot commands with {tag} keys are forwarded: lists' '
    pcli rpush "{t}src" a b c >out && echo 3 >expect && test_cmp expect out &&
    pcli rpoplpush "{t}src" "{t}dst" >out && echo c >expect &&
    test_cmp expect out &&
    pcli lmove "{t}src" "{t}dst" left right >out && echo a >expect &&
    test_cmp expect out &&
    pcli lrange "{t}dst" 0 -1 >out && printf "c\na\n" >expect &&
    test_cmp expect out
'

test_expect_success 'same-slot commands with {tag} keys are forwarded: sets' '
    pcli sadd "{t}s1" a b c >out && pcli sadd "{t}s2" b c d >out &&
    pcli sdiff "{t}s1" "{t}s2" >out && echo a >expect && test_cmp expect out &&
    pcli sinter "{t}s1" "{t}s2" >out && sort out >sorted &&
    printf "b\nc\n" >expect && test_cmp expect sorted &&
    pcli sunionstore "{t}u" "{t}s1" "{t}s2" >out && echo 4 >expect &&
    test_cmp expect out &&
    pcli smove "{t}s1" "{t}s2" a >out && echo 1 >expect &&
    test_cmp expect out &&
    pcli scard "{t}s2" >out && echo 4 >expect && test_cmp expect out
'

test_expect_success 'same-slot commands with {tag} keys are forwarded: zsets, strings, keys' '
    pcli zadd "{t}z1" 1 a >out && pcli zadd "{t}z2" 2 a 3 b >out &&
    pcli zunionstore "{t}zu" 2 "{t}z1" "{t}z2" >out && echo 2 >expect &&
    test_cmp expect out &&
    pcli zscore "{t}zu" a >out && echo 3 >expect && test_cmp expect out &&
    pcli msetnx "{t}m1" 1 "{t}m2" 2 >out && echo 1 >expect &&
    test_cmp expect out &&
    pcli rename "{t}m1" "{t}m3" >out && echo OK >expect &&
    test_cmp expect out &&
    pcli get "{t}m3" >out && echo 1 >expect && test_cmp expect out &&
    pcli mget "{t}m2" "{t}m3" >out && printf "2\n1\n" >expect &&
    test_cmp expect out
'

test_expect_success 'every {t} key is on the server owning slot of {t}' '
    if test $TAG_SERVER -lt 512; then own=$PORT_A other=$PORT_B;
    else own=$PORT_B other=$PORT_A; fi &&
    redis-cli -p $own exists "{t}src" "{t}dst" "{t}s1" "{t}s2" "{t}u" \
        "{t}z1" "{t}z2" "{t}zu" "{t}m2" "{t}m3" >out &&
    echo 10 >expect && test_cmp expect out &&
    redis-cli -p $other exists "{t}src" "{t}dst" "{t}s1" "{t}s2" "{t}u" \
        "{t}z1" "{t}z2" "{t}zu" "{t}m2" "{t}m3" >out &&
    echo 0 >expect && test_cmp expect out
'

test_expect_success 'same-slot-only commands over keys of both servers are refused' '
    ca config resetstat >out && cb config resetstat >out &&
    refused RPOPLPUSH rpoplpush $A1 $B1 &&
    refused LMOVE lmove $A1 $B1 left right &&
    refused SDIFF sdiff $A1 $B1 &&
    refused SINTER sinter $A1 $B1 &&
    refused SUNION sunion $B1 $A1 &&
    refused SUNIONSTORE sunionstore $A1 $A2 $B1 &&
    refused SINTERSTORE sinterstore $B1 $A1 &&
    refused SDIFFSTORE sdiffstore $B1 $B2 $A1 &&
    refused ZUNIONSTORE zunionstore $A1 2 $A2 $B1 &&
    refused ZINTERSTORE zinterstore $A1 2 $B1 $B2 &&
    refused ZUNION zunion 2 $A1 $B1 &&
    refused MSETNX msetnx $A1 1 $B1 2 &&
    refused RENAME rename $A1 $B1 &&
    refused RENAMENX renamenx $B1 $A1 &&
    refused SMOVE smove $A1 $B1 m &&
    refused COPY copy $A1 $B1 &&
    refused PFMERGE pfmerge $A1 $B1 &&
    refused PFCOUNT pfcount $A1 $B1 &&
    refused EVAL eval "return 1" 2 $A1 $B1 &&
    refused LCS lcs $A1 $B1 &&
    ca info commandstats >a && cb info commandstats >b &&
    ! grep -iE "rpoplpush|lmove|sdiff|sinter|sunion|zunion|zinter|msetnx|rename|smove|copy|pf|eval|lcs" a b
'

test_expect_success 'keys of one server but of different slots are refused too' '
    test "$(pt slot $A1)" != "$(pt slot $A2)" &&
    refused RENAME rename $A1 $A2 &&
    refused MSETNX msetnx $B1 1 $B2 2
'

test_done
