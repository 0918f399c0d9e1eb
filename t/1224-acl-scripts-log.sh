#!/bin/sh
test_description='ACL inside scripts: redis.call/pcall of a command, key or
channel the caller may not use gets Redis'"'"'s script error,
redis.acl_check_cmd answers for the caller, and ACL LOG records each with
context "lua" (toplevel and multi otherwise); compared with redis-server
7.0, the log with its times and client ids masked'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success REDIS_REF 'start both servers' '
    start_redis_ref &&
    start_server
'

cat >lua.txt <<\EOT
acl setuser s on >pw +eval +get +set +fcall +publish +evalsha +multi +exec ~a* &c*
auth s pw
eval "return redis.call('del','a')" 0
eval "return redis.call('get','b')" 0
eval "return redis.call('publish','d','m')" 0
eval "return redis.pcall('get','b')" 0
eval "local r = redis.pcall('del','a') return r['err']" 0
eval "return redis.acl_check_cmd('get','b')" 0
eval "return redis.acl_check_cmd('get','a')" 0
eval "return redis.acl_check_cmd('del','a')" 0
eval "return redis.acl_check_cmd('publish','c1','m')" 0
eval "return redis.acl_check_cmd('publish','d1','m')" 0
eval "return redis.acl_check_cmd('nosuch','a','b')" 0
eval "return redis.call('get','b')" 1 b
eval "return redis.call('set','a1', 'x')" 0
eval "return redis.call('get','a1')" 0
eval "return redis.call('nosuch','b')" 0
multi
eval "return redis.call('get','b')" 0
exec
auth default x
EOT

test_expect_success REDIS_REF 'script errors for commands, keys and channels refused' '
    compare_with_ref lua.txt &&
    grep -c "The user executing the script" lua.txt.actual >n &&
    echo 6 >expect && test_cmp expect n
'

cat >mask.py <<\EOF_PY
import re, sys
# One ACL LOG entry per line: the fields with the age and the client's
# id, address, port, age and memory numbers masked.
out, cur = [], []
for line in sys.stdin.read().split("\n"):
    cur.append(line)
lines = [l for l in cur if l != ""]
i = 0
while i < len(lines):
    if lines[i] == "count":
        e = lines[i:i + 14]
        d = dict(zip(e[0::2], e[1::2]))
        ci = d["client-info"]
        keep = [f for f in ci.split(" ")
                if f.split("=")[0] in ("name", "flags", "db", "sub", "psub",
                                       "multi", "cmd", "user", "resp")]
        print(" ".join("%s=%s" % (k, d[k]) for k in
                       ("count", "reason", "context", "object", "username")),
              "age-seconds" in d, " ".join(keep))
        i += 14
    else:
        i += 1
EOF_PY

test_expect_success REDIS_REF 'ACL LOG: lua, multi and toplevel entries' '
    cat >log.txt <<-\EOT &&
	acl log reset
	acl setuser t on >pw +get +multi +exec +eval ~a*
	auth t pw
	get b
	get b
	multi
	get b
	exec
	eval "return redis.call(\"get\", \"x\")" 0
	eval "return redis.call(\"set\", \"a\", \"v\")" 0
	auth default x
	auth t nope
	auth nosuch pw
	auth default nope
	acl log
	acl log 2
	acl log -1
	acl log nonum
	acl log 1 2
	EOT
    redis-cli -p "$REF_PORT" <log.txt >log.expect 2>&1 &&
    redis-cli -p "$SERVER_PORT" <log.txt >log.actual 2>&1 &&
    python3 mask.py <log.expect >masked.expect &&
    python3 mask.py <log.actual >masked.actual &&
    test_cmp masked.expect masked.actual &&
    grep -q "context=lua object=set" masked.actual &&
    grep -q "context=multi" masked.actual &&
    grep -v "^count\|^reason\|^context\|^object\|^username\|^age\|^client\|^[0-9]\|^id=\|^[a-z]*$\|^lua$\|^multi$\|^toplevel$" \
        log.expect >rest.expect &&
    grep -v "^count\|^reason\|^context\|^object\|^username\|^age\|^client\|^[0-9]\|^id=\|^[a-z]*$\|^lua$\|^multi$\|^toplevel$" \
        log.actual >rest.actual &&
    test_cmp rest.expect rest.actual
'

test_done
