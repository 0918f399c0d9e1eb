#!/bin/sh
test_description='codis-proxy key iteration: SCAN over every group (the cursor names the group), KEYS joined over every group, redis-cli --scan and --bigkeys, per db'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-proxytest.sh"

test_expect_success 'two servers behind a proxy, 100000 keys through it, and a redis-server' '
    pt_start --cpu=2 &&
    start_redis_ref &&
    "$PY" - $PROXY_PORT <<-\EOF
	import sys, redis
	r = redis.Redis(port=int(sys.argv[1]))
	p = r.pipeline(transaction=False)
	for i in range(100000):
	    p.set("k:%d" % i, i)
	    if i % 5000 == 4999:
	        p.execute()
	p.execute()
	EOF
'

test_expect_success 'both groups hold keys' '
    ca dbsize >a && cb dbsize >b &&
    test $(cat a) -gt 1000 && test $(cat b) -gt 1000 &&
    test $(($(cat a) + $(cat b))) = 100000
'

test_expect_success 'redis-py scan_iter returns each of the 100000 keys exactly once' '
    "$PY" - $PROXY_PORT <<-\EOF
	import sys, redis
	r = redis.Redis(port=int(sys.argv[1]))
	seen = {}
	for k in r.scan_iter(count=1000):
	    seen[k] = seen.get(k, 0) + 1
	dups = [k for k, n in seen.items() if n > 1]
	assert not dups, dups[:5]
	assert len(seen) == 100000, len(seen)
	assert set(seen) == set(b"k:%d" % i for i in range(100000))
	EOF
'

test_expect_success 'SCAN with MATCH, COUNT and TYPE; cursors end at 0' '
    pcli sadd aset x >out &&
    "$PY" - $PROXY_PORT <<-\EOF
	import sys, redis
	r = redis.Redis(port=int(sys.argv[1]))
	got = set(r.scan_iter(match="k:1234*", count=500))
	assert got == set([b"k:1234"] + [b"k:1234%d" % i for i in range(10)]), got
	assert list(r.scan_iter(_type="set", count=5000)) == [b"aset"]
	cursor, steps = 0, 0
	while True:
	    cursor, keys = r.scan(cursor, count=20000)
	    steps += 1
	    if cursor == 0:
	        break
	assert steps >= 2, steps
	EOF
'

test_expect_success 'SCAN argument errors are the bytes a single redis-server sends' '
    cat >cmds <<-\EOF &&
	SCAN abc
	SCAN -1
	SCAN
	SCAN 0 COUNT x
	SCAN 0 BOGUS 1
	SCAN 0 COUNT 0
	KEYS
	KEYS nomatch*
	EOF
    talk_same cmds
'

test_expect_success 'KEYS joins the keys of every group' '
    pcli keys "k:9999*" >out &&
    sort out >got &&
    printf "k:9999\nk:99990\nk:99991\nk:99992\nk:99993\nk:99994\nk:99995\nk:99996\nk:99997\nk:99998\nk:99999\n" >expect &&
    test_cmp expect got &&
    pcli keys "*" >all && test_line_count = 100001 all
'

test_expect_success 'redis-cli --scan and --bigkeys walk the cluster' '
    redis-cli -p $PROXY_PORT --scan --pattern "k:5555*" >out &&
    sort out >got && test_line_count = 11 got &&
    redis-cli -p $PROXY_PORT --bigkeys >big 2>&1 &&
    grep "100000 strings" big && grep "1 sets" big
'

test_expect_success 'SCAN and KEYS see only the session db' '
    redis-cli -p $PROXY_PORT -n 2 set only:in:2 x >out &&
    redis-cli -p $PROXY_PORT -n 2 --scan >out && echo only:in:2 >expect &&
    test_cmp expect out &&
    redis-cli -p $PROXY_PORT -n 2 keys "*" >out && test_cmp expect out
'

test_done
