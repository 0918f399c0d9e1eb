#!/bin/sh
test_description='scripts and functions through codis-proxy over two groups

EVAL/EVALSHA/FCALL (and _RO) go to the owner of their keys (all in one
slot), or without keys to the owner of slot 0; SCRIPT and FUNCTION
LOAD/DELETE/FLUSH/KILL reach every master and are answered once; SCRIPT
EXISTS says 1 only when every master has the script. redis-py'"'"'s
register_script and pipeline().eval work through the proxy.'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-proxytest.sh"

test_expect_success 'two servers behind a proxy; keys of each server' '
    pt_start --cpu=2 &&
    set -- $(pt keys a ka 2) && A1=$1 A2=$2 &&
    set -- $(pt keys b kb 2) && B1=$1 B2=$2 &&
    test -n "$B2"
'

test_expect_success 'EVAL goes to the owner of its key' '
    pcli eval "return redis.call(\"set\", KEYS[1], ARGV[1])" 1 $A1 va \
        >out && echo OK >expect && test_cmp expect out &&
    pcli eval "return redis.call(\"set\", KEYS[1], ARGV[1])" 1 $B1 vb \
        >out && test_cmp expect out &&
    test "$(ca get $A1)" = va && test "$(cb get $B1)" = vb &&
    test "$(ca exists $B1)" = 0 &&
    pcli eval_ro "return redis.call(\"get\", KEYS[1])" 1 $B1 >out &&
    echo vb >expect && test_cmp expect out
'

test_expect_success 'keys of one script in different slots are refused' '
    perr eval "return 1" 2 $A1 $B1 >out &&
    echo "ERR handle request, keys of '"'"'EVAL'"'"' must all hash to one slot (use a {hash tag})" >expect &&
    test_cmp expect out &&
    pcli eval "return redis.call(\"mset\", KEYS[1], 1, KEYS[2], 2)" \
        2 "{t}x" "{t}y" >out && echo OK >expect && test_cmp expect out
'

test_expect_success 'a script without keys runs on the owner of slot 0' '
    test "$(pt slot "")" = 0 &&
    pcli eval "return redis.call(\"incr\", \"zero-keys\")" 0 >out &&
    echo 1 >expect && test_cmp expect out &&
    pcli eval "return redis.call(\"incr\", \"zero-keys\")" 0 >out &&
    echo 2 >expect && test_cmp expect out &&
    test "$(ca get zero-keys)" = 2 && test "$(cb exists zero-keys)" = 0
'

test_expect_success 'SCRIPT LOAD reaches every master; EVALSHA anywhere' '
    sha=$(pcli script load "return redis.call(\"get\", KEYS[1])") &&
    test "$(ca script exists $sha)" = 1 &&
    test "$(cb script exists $sha)" = 1 &&
    test "$(pcli evalsha $sha 1 $A1)" = va &&
    test "$(pcli evalsha $sha 1 $B1)" = vb
'

test_expect_success 'SCRIPT EXISTS says 1 only when every master has it' '
    one=$(ca script load "return 1") &&
    pcli script exists $sha $one ffffffffffffffffffffffffffffffffffffffff \
        >out &&
    printf "1\n0\n0\n" >expect && test_cmp expect out &&
    pcli script flush >out && echo OK >expect && test_cmp expect out &&
    test "$(ca script exists $sha)" = 0 && test "$(cb script exists $sha)" = 0
'

test_expect_success 'SCRIPT KILL and FUNCTION KILL reach every master' '
    perr script kill >out &&
    echo "NOTBUSY No scripts in execution right now." >expect &&
    test_cmp expect out &&
    perr function kill >out && test_cmp expect out
'

test_expect_success 'FUNCTION LOAD / DELETE on every master, FCALL by key' '
    pcli function load "#!lua name=plib
redis.register_function(\"pset\", function(keys, args)
    return redis.call(\"set\", keys[1], args[1]) end)
redis.register_function{function_name=\"pget\", flags={\"no-writes\"},
    callback=function(keys) return redis.call(\"get\", keys[1]) end}" \
        >out && echo plib >expect && test_cmp expect out &&
    test "$(pcli fcall pset 1 $A2 fa)" = OK &&
    test "$(pcli fcall pset 1 $B2 fb)" = OK &&
    test "$(ca get $A2)" = fa && test "$(cb get $B2)" = fb &&
    test "$(pcli fcall_ro pget 1 $B2)" = fb &&
    pcli function list >out && grep -q pget out &&
    perr function load "#!lua name=plib
redis.register_function(\"x\", function() return 1 end)" >out &&
    echo "ERR Library '"'"'plib'"'"' already exists" >expect &&
    test_cmp expect out &&
    pcli function delete plib >out && echo OK >expect &&
    test_cmp expect out &&
    test "$(cb function list)" = "" && test "$(ca function list)" = ""
'

test_expect_success 'redis-py register_script and pipeline().eval' '
    cat >py.py <<-PYEOF &&
	import redis
	r = redis.Redis(port=$PROXY_PORT)
	incr = r.register_script("return redis.call(\"incrby\", KEYS[1], ARGV[1])")
	print(incr(keys=["$A1:n"], args=[5]), incr(keys=["$B1:n"], args=[7]))
	r.script_flush()
	print(incr(keys=["$A1:n"], args=[1]))
	p = r.pipeline(transaction=False)
	p.eval("return redis.call(\"get\", KEYS[1])", 1, "$A1")
	p.eval("return redis.call(\"get\", KEYS[1])", 1, "$B1")
	p.evalsha(incr.sha, 1, "$B1:n", 3)
	print(p.execute())
	PYEOF
    "$PY" py.py >out &&
    cat >expect <<-\EOT &&
	5 7
	6
	[b'"'"'va'"'"', b'"'"'vb'"'"', 10]
	EOT
    test_cmp expect out
'

test_done
