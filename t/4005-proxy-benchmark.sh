#!/bin/sh
test_description='redis-benchmark (set, get, incr, mset, lpush; -P 1 and -P 100; -c 1000) runs against codis-proxy over two groups without errors, and the counts add up'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-proxytest.sh"

command -v redis-benchmark >/dev/null 2>&1 ||
    skip_all 'redis-benchmark (Debian redis-tools) is missing'

need_open_files 4096

# bench PIPELINE: run the five tests of 20000 requests each; each must
# report its rate and nothing may say error.
bench() {
    timeout 50 redis-benchmark -h 127.0.0.1 -p $PROXY_PORT \
        -t set,get,incr,mset,lpush -n 20000 -P $1 -q >bench.out 2>&1 ||
        { cat bench.out; return 1; }
    tr "\r" "\n" <bench.out | grep "requests per second" >rates &&
    cat rates &&
    for t in SET GET INCR "MSET (10 keys)" LPUSH; do
        grep "^$t: [0-9.]* requests per second" rates || return 1
    done &&
    ! grep -i error bench.out
}

test_expect_success 'two servers behind a proxy' '
    pt_start --cpu=2
'

test_expect_success 'redis-benchmark -P 1' '
    bench 1 &&
    pcli get counter:__rand_int__ >out && echo 20000 >expect &&
    test_cmp expect out &&
    pcli llen mylist >out && test_cmp expect out
'

test_expect_success 'redis-benchmark -P 100' '
    bench 100 &&
    pcli get counter:__rand_int__ >out && echo 40000 >expect &&
    test_cmp expect out &&
    pcli llen mylist >out && test_cmp expect out
'

test_expect_success 'redis-benchmark -c 1000: a thousand clients at once' '
    timeout 50 redis-benchmark -h 127.0.0.1 -p $PROXY_PORT -c 1000 \
        -t set,get -n 20000 -q >bench.out 2>&1 ||
        { cat bench.out; return 1; }
    tr "\r" "\n" <bench.out | grep "requests per second" >rates &&
    cat rates &&
    grep "^SET: [0-9.]* requests per second" rates &&
    grep "^GET: [0-9.]* requests per second" rates &&
    ! grep -i error bench.out
'

test_expect_success 'the proxy counted no errors but for CONFIG (redis-benchmark asks)' '
    curl -sf "http://$PROXY_HTTP/debug/vars" >vars.json &&
    "$PY" - vars.json <<-\EOF
	import json, sys
	cmds = json.load(open(sys.argv[1]))["router"]["cmds"]
	by_name = {c["cmd"]: c for c in cmds}
	for name in ("SET", "GET", "INCR", "MSET", "LPUSH"):
	    assert by_name[name]["calls"] >= 40000, by_name.get(name)
	bad = [c for c in cmds if c["errors"] and c["cmd"] != "CONFIG"]
	assert not bad, bad
	EOF
'

test_done
