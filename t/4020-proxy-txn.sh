#!/bin/sh
test_description='codis-proxy transactions: MULTI/EXEC/DISCARD and WATCH on one slot, replies as a single redis-server, redis-py pipelines and WATCH retries, cross-slot and migrating slots refused whole'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-proxytest.sh"

test_expect_success 'two servers behind a proxy, and a redis-server' '
    pt_start --cpu=1 &&
    start_redis_ref
'

test_expect_success 'MULTI, EXEC, DISCARD and WATCH replies are the bytes redis-server sends' '
    cat >cmds <<-\EOF &&
	EXEC
	DISCARD
	MULTI
	SET {t}a 1
	INCR {t}a
	LPUSH {t}a x
	GET {t}a
	PING
	ECHO hi
	EXEC
	MULTI
	MULTI
	GET {t}a
	DISCARD
	GET {t}a
	MULTI
	GET
	SET {t}b 2
	EXEC
	EXISTS {t}b
	MULTI
	NOSUCHCOMMAND {t}a zz
	EXEC
	MULTI
	EXEC
	WATCH {t}a {t}c
	GET {t}a
	MULTI
	WATCH {t}a
	INCRBY {t}a 10
	EXEC
	UNWATCH
	WATCH {t}a
	UNWATCH
	MULTI
	INCR {t}a
	DISCARD
	GET {t}a
	MULTI
	SET {t}a 5
	RESET
	GET {t}a
	EXEC
	WATCH {t}a
	RESET
	EXEC
	DEL {t}a
	EOF
    talk_same cmds
'

test_expect_success 'a watched key changed by another client fails EXEC with a null array' '
    "$PY" - $PROXY_PORT <<-\EOF
	import sys, redis
	r = redis.Redis(port=int(sys.argv[1]))
	other = redis.Redis(port=int(sys.argv[1]))
	r.set("{w}k", 1)
	p = r.pipeline()
	p.watch("{w}k")
	assert p.get("{w}k") == b"1"
	other.set("{w}k", 5)
	p.multi()
	p.set("{w}k", 2)
	try:
	    p.execute()
	    raise SystemExit("EXEC ran despite the changed watched key")
	except redis.WatchError:
	    pass
	assert r.get("{w}k") == b"5"
	EOF
'

test_expect_success 'redis-py transaction pipeline on one slot' '
    "$PY" - $PROXY_PORT <<-\EOF
	import sys, redis
	r = redis.Redis(port=int(sys.argv[1]))
	p = r.pipeline(transaction=True)
	p.set("{u1}name", "ann").incr("{u1}visits").incr("{u1}visits")
	p.hset("{u1}h", "f", "v").lrange("{u1}none", 0, -1)
	assert p.execute() == [True, 1, 2, 1, []], "bad replies"
	assert r.get("{u1}visits") == b"2"
	EOF
'

test_expect_success 'a WATCH retry loop under a concurrent writer loses no increment' '
    "$PY" - $PROXY_PORT <<-\EOF
	import sys, threading, redis
	port = int(sys.argv[1])
	redis.Redis(port=port).set("{c}n", 0)
	retries = [0]
	def watcher():
	    r = redis.Redis(port=port)
	    for _ in range(60):
	        with r.pipeline() as p:
	            while True:
	                try:
	                    p.watch("{c}n")
	                    v = int(p.get("{c}n"))
	                    p.multi()
	                    p.set("{c}n", v + 1)
	                    p.execute()
	                    break
	                except redis.WatchError:
	                    retries[0] += 1
	def writer():
	    r = redis.Redis(port=port)
	    for _ in range(300):
	        r.incr("{c}n")
	ts = [threading.Thread(target=watcher), threading.Thread(target=watcher),
	      threading.Thread(target=writer)]
	for t in ts:
	    t.start()
	for t in ts:
	    t.join()
	got = int(redis.Redis(port=port).get("{c}n"))
	assert got == 420, "counter is %d, not 420 (%d retries)" % (got, retries[0])
	print("# retries: %d" % retries[0])
	EOF
'

test_expect_success 'a command of another slot dooms the transaction: EXECABORT, nothing applied' '
    "$PY" - $PROXY_PORT $PORT_A $PORT_B <<-\EOF
	import sys, redis
	pp, pa, pb = (int(x) for x in sys.argv[1:])
	r = redis.Redis(port=pp)
	p = r.pipeline(transaction=True)
	p.set("{x}one", 1).set("{y}two", 2)
	try:
	    p.execute()
	    raise SystemExit("a cross-slot transaction ran")
	except redis.exceptions.ExecAbortError as e:
	    assert "previous errors" in str(e), str(e)
	except redis.ResponseError as e:
	    assert "CROSSSLOT" in str(e) or "EXECABORT" in str(e), str(e)
	for port in (pa, pb):
	    s = redis.Redis(port=port)
	    assert s.exists("{x}one", "{y}two") == 0, "half applied on %d" % port
	EOF
'

test_expect_success 'raw replies of a cross-slot transaction' '
    printf "%s\n" MULTI "SET {x}a 1" "SET {y}b 2" EXEC "EXISTS {x}a" >cmds &&
    talk $PROXY_PORT <cmds >actual &&
    cat >expect <<-\EOF &&
	b"+OK\r\n
	+QUEUED\r\n
	-CROSSSLOT Keys in request don'"'"'t hash to the same slot\r\n
	-EXECABORT Transaction discarded because of previous errors.\r\n
	:0\r\n
	+OK\r\n
	"
	EOF
    test_cmp expect actual
'

test_expect_success 'a WATCH whose backend connection was lost never lets EXEC run' '
    KEY="{lost}k" &&
    "$PY" - $PROXY_PORT $PORT_A $PORT_B "$KEY" <<-\EOF
	import sys, time, redis
	pp, pa, pb, key = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
	r = redis.Redis(port=pp)
	r.set(key, "start")
	p = r.pipeline()
	p.watch(key)
	victim = None
	for port in (pa, pb):
	    for c in redis.Redis(port=port).client_list():
	        if c["cmd"] == "watch":
	            victim = (port, c["id"])
	assert victim, "no server connection ran WATCH"
	redis.Redis(port=victim[0]).execute_command("CLIENT", "KILL", "ID", victim[1])
	redis.Redis(port=pp).set(key, "other")
	p.multi()
	p.set(key, "mine")
	try:
	    p.execute()
	    raise SystemExit("EXEC ran without the watch")
	except (redis.WatchError, redis.ResponseError):
	    pass
	assert r.get(key) == b"other", r.get(key)
	EOF
'

test_expect_success 'a proxy whose slots migrate from A to B' '
    python3 -c "import json, sys
print(json.dumps([{\"id\": i, \"backend_addr\": \"127.0.0.1:\" + sys.argv[2],
                   \"migrate_from\": \"127.0.0.1:\" + sys.argv[1]}
                  for i in range(1024)]))" $PORT_A $PORT_B >moving.json &&
    PORT_P1=$PROXY_PORT &&
    start_proxy --fillslots=moving.json --cpu=1 &&
    PORT_MOVING=$PROXY_PORT && PROXY_PORT=$PORT_P1
'

test_expect_success 'EXEC on a migrating slot is refused whole, WATCH too' '
    printf "%s\n" MULTI "SET {m}a 1" "INCR {m}b" EXEC "WATCH {m}a" >cmds &&
    talk $PORT_MOVING <cmds >actual &&
    grep "EXECABORT Transaction discarded because slot [0-9]* is migrating" actual &&
    grep "TRYAGAIN slot [0-9]* is migrating" actual &&
    for port in $PORT_A $PORT_B
    do
        redis-cli -p $port exists "{m}a" "{m}b" >out &&
        echo 0 >expect && test_cmp expect out || return 1
    done
'

test_done
