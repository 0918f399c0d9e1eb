#!/bin/sh
test_description='sets: members, random pops, moves, algebra and SSCAN'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success 'start a server' '
    start_server
'

test_expect_success 'SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS' '
    cli sadd s a b c a >actual &&
    cli sadd s c d >>actual &&
    cli scard s >>actual &&
    cli sismember s a >>actual &&
    cli sismember s z >>actual &&
    cli sismember noset a >>actual &&
    cli smismember s a z d >>actual &&
    cli srem s a z >>actual &&
    cli smembers s | sort >>actual &&
    cli smembers noset >>actual &&
    cli scard noset >>actual &&
    cli type s >>actual &&
    cli object encoding s >>actual &&
    cat >expect <<-\EOT &&
	3
	1
	4
	1
	0
	0
	1
	0
	1
	1
	b
	c
	d

	0
	set
	hashtable
	EOT
    test_cmp expect actual
'

test_expect_success 'SREM of the last member deletes the key' '
    cli srem s b c d >actual &&
    cli exists s >>actual &&
    printf "3\n0\n" >expect &&
    test_cmp expect actual
'

test_expect_success 'SPOP removes what it returns' '
    cli sadd p 1 2 3 4 5 >/dev/null &&
    cli spop p >one &&
    cli sismember p "$(cat one)" >actual &&
    cli spop p 2 >two &&
    test_line_count = 2 two &&
    cli scard p >>actual &&
    cli spop p 10 >rest &&
    cat one two rest | sort >all &&
    cli exists p >>actual &&
    cli spop p >>actual &&
    cli spop p 3 >>actual &&
    cli spop p -1 >>actual &&
    printf "0\n2\n0\n\n\nERR value is out of range, must be positive\n\n" >expect &&
    test_cmp expect actual &&
    printf "1\n2\n3\n4\n5\n" >expect &&
    test_cmp expect all
'

test_expect_success 'SRANDMEMBER with positive and negative counts' '
    cli sadd r a b c >/dev/null &&
    cli srandmember r >one &&
    grep -qx "[abc]" one &&
    cli srandmember r 2 | sort -u >two &&
    test_line_count = 2 two &&
    cli srandmember r 5 | sort >all &&
    printf "a\nb\nc\n" >expect &&
    test_cmp expect all &&
    cli srandmember r -6 >rep &&
    test_line_count = 6 rep &&
    cli scard r >actual &&
    cli srandmember noset >>actual &&
    cli srandmember noset 2 >>actual &&
    printf "3\n\n\n" >expect &&
    test_cmp expect actual
'

test_expect_success 'SMOVE between sets' '
    cli sadd m1 a b >/dev/null &&
    cli smove m1 m2 a >actual &&
    cli smove m1 m2 zz >>actual &&
    cli smove m1 m1 b >>actual &&
    cli smove m1 m2 b >>actual &&
    cli exists m1 >>actual &&
    cli smembers m2 | sort >>actual &&
    cli set str x >/dev/null &&
    cli smove m2 str a >>actual &&
    cat >expect <<-\EOT &&
	1
	0
	1
	1
	0
	a
	b
	WRONGTYPE Operation against a key holding the wrong kind of value

	EOT
    test_cmp expect actual
'

test_expect_success 'SINTER, SUNION, SDIFF and their STORE forms' '
    cli sadd x 1 2 3 4 >/dev/null &&
    cli sadd y 3 4 5 >/dev/null &&
    cli sadd z 4 5 6 >/dev/null &&
    cli sinter x y z >actual &&
    cli sunion x y z | sort | tr "\n" " " >>actual && echo >>actual &&
    cli sdiff x y z | sort | tr "\n" " " >>actual && echo >>actual &&
    cli sinter x nokey >>actual &&
    cli sdiff nokey x >>actual &&
    cli sunionstore u x z >>actual &&
    cli sinterstore i x y >>actual &&
    cli sdiffstore d y x >>actual &&
    cli smembers d >>actual &&
    cli sinterstore i x nokey >>actual &&
    cli exists i >>actual &&
    cli sinter x str >>actual &&
    cat >expect <<-\EOT &&
	4
	1 2 3 4 5 6 
	1 2 
	
	
	6
	2
	1
	5
	0
	0
	WRONGTYPE Operation against a key holding the wrong kind of value

	EOT
    test_cmp expect actual
'

test_expect_success 'SINTERCARD with LIMIT and its errors' '
    cli sintercard 2 x y >actual &&
    cli sintercard 3 x y z >>actual &&
    cli sintercard 1 x limit 3 >>actual &&
    cli sintercard 0 x >>actual &&
    cli sintercard 3 x y >>actual &&
    cli sintercard 1 x limit -1 >>actual &&
    cli sintercard 1 x bogus >>actual &&
    cat >expect <<-\EOT &&
	2
	1
	3
	ERR numkeys should be greater than 0

	ERR Number of keys can'"'"'t be greater than number of args

	ERR LIMIT can'"'"'t be negative

	ERR syntax error

	EOT
    test_cmp expect actual
'

test_expect_success 'SSCAN visits every member once' '
    seq 1 300 | sed "s/.*/sadd big m&/" | cli >/dev/null &&
    cursor=0 && : >seen &&
    while :; do
        cli sscan big $cursor count 20 >page &&
        cursor=$(head -n 1 page) &&
        tail -n +2 page | sed "/^\$/d" >>seen &&
        test "$cursor" != 0 || break
    done &&
    sort -u seen | wc -l >actual &&
    echo 300 >expect &&
    test_cmp expect actual &&
    cli sscan noset 0 >actual &&
    printf "0\n\n" >expect &&
    test_cmp expect actual
'

test_expect_success 'redis-benchmark sadd and spop run without errors' '
    redis-benchmark -p $SERVER_PORT -t sadd,spop -n 2000 -q >bench.out 2>&1 &&
    ! grep -i err bench.out &&
    server_alive
'

test_expect_success REDIS_REF 'start the reference redis-server' '
    start_redis_ref
'

test_expect_success REDIS_REF 'set replies and errors match redis-server' '
    cat >ref.txt <<-\EOT &&
	flushall
	sadd rs a b c
	sadd rs a d
	sadd rs
	srem rs a none
	srem rs
	sismember rs b
	smismember rs b none
	smismember rs
	scard rs
	spop rs -1
	spop rs x
	spop rs 1 2
	spop none
	spop none 0
	spop none 3
	srandmember rs x
	srandmember rs 1 2
	srandmember none
	srandmember none 5
	smove rs rs2 b
	smove rs rs2 none
	smove none rs2 b
	set str v
	smove rs str c
	smove str rs c
	sadd str a
	sinter rs str
	sunion str rs
	sdiff rs str
	sinterstore dst rs str
	sintercard 0 rs
	sintercard -1 rs
	sintercard x rs
	sintercard 3 rs rs2
	sintercard 1 rs limit
	sintercard 1 rs limit x
	sintercard 1 str
	sscan rs x
	sscan rs 0 count 0
	sscan str 0
	sunionstore dst none none2
	exists dst
	sdiffstore dst rs
	scard dst
	scard str
	type rs
	EOT
    compare_with_ref ref.txt
'

test_expect_success 'every key is still in the slot index' '
    cli slotscheck >actual &&
    echo OK >expect &&
    test_cmp expect actual
'

cat >intset.txt <<\EOT
SADD si 6 3 4 5 2 1
SMEMBERS si
OBJECT ENCODING si
SSCAN si 0
SSCAN si 0 MATCH 1*
SSCAN si 5
SADD si -5 100000000000
SMEMBERS si
SADD si 007
OBJECT ENCODING si
SREM si 007
OBJECT ENCODING si
SADD sj 10 2 3
SADD sk 3 2 1 0
SINTER sj sk
SUNION sj sk
SDIFF sk sj
SUNIONSTORE su sj sk
SMEMBERS su
OBJECT ENCODING su
SINTERSTORE sv sj sk
OBJECT ENCODING sv
SADD sx a 1
SUNIONSTORE sy sx sk
OBJECT ENCODING sy
SMOVE sk snew 0
OBJECT ENCODING snew
SMOVE sx snew2 a
OBJECT ENCODING snew2
SMOVE sk sj 3
SMEMBERS sj
SMEMBERS sk
EOT

test_expect_success REDIS_REF 'small sets of integers reply in intset order, as Redis' '
    cli flushall && redis-cli -p $REF_PORT flushall &&
    compare_with_ref intset.txt &&
    cli del big >/dev/null &&
    for i in $(seq 600 -1 1); do echo "SADD big $i"; done >big.txt &&
    echo "OBJECT ENCODING big" >>big.txt &&
    compare_with_ref big.txt
'

test_expect_success REDIS_REF 'SMOVE leaves a destination that has the member alone' '
    cat >smove.py <<-\PYEOF &&
	a, b = Conn(int(sys.argv[1])), Conn(int(sys.argv[1]))
	a.call("DEL", "src", "dst")
	a.call("SADD", "src", "m", "n")
	a.call("SADD", "dst", "m")
	print(a.call("WATCH", "dst"))
	print(b.call("SMOVE", "src", "dst", "m"))
	print(a.call("MULTI"), a.call("SCARD", "dst"), a.call("EXEC"))
	print(a.call("WATCH", "src"))
	print(b.call("SMOVE", "src", "dst", "n"))
	print(a.call("MULTI"), a.call("SCARD", "src"), a.call("EXEC"))
	PYEOF
    scenario_with_ref smove.py &&
    grep "^OK QUEUED \[1\]" smove.py.actual
'

# chi2 FILE: the chi-square statistic of the lines of FILE against a
# uniform spread over the distinct lines.
chi2() {
    python3 -c "
import collections, sys
c = collections.Counter(open(sys.argv[1]).read().split())
n = sum(c.values()); e = n / len(c)
print(int(sum((v - e) ** 2 / e for v in c.values())))" "$1"
}

test_expect_success 'SRANDMEMBER spreads evenly (chi-square below Redis s bound of 40)' '
    cli del h >/dev/null &&
    cli sadd h a b c d e f g h i j >/dev/null &&
    cli srandmember h -1000 >neg &&
    test $(wc -l <neg) = 1000 &&
    test $(chi2 neg) -lt 40 &&
    for i in $(seq 1 250); do cli srandmember h 2 || return 1; done >pos &&
    test $(wc -l <pos) = 500 &&
    test $(chi2 pos) -lt 40 &&
    for i in $(seq 1 500); do cli srandmember h || return 1; done >one &&
    test $(chi2 one) -lt 40
'

test_done
