#!/bin/sh
test_description='codis-proxy databases: SELECT n below backend_number_databases, per session, on shared backend connections; redis-py Redis(db=1); replies as a single redis-server'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-proxytest.sh"

test_expect_success 'two servers behind a proxy (one worker), and a redis-server' '
    pt_start --cpu=1 &&
    start_redis_ref
'

test_expect_success 'SELECT replies are the bytes a single redis-server sends' '
    cat >cmds <<-\EOF &&
	SELECT 1
	SET sel:k one
	GET sel:k
	SELECT 0
	GET sel:k
	SELECT 15
	SELECT 16
	SELECT -1
	SELECT x
	SELECT
	SELECT 1 2
	DEL sel:k
	SELECT 1
	DEL sel:k
	DBSIZE
	EOF
    talk_same cmds
'

test_expect_success 'redis-py Redis(db=1) and db=0 clients see their own keys, interleaved' '
    "$PY" - $PROXY_PORT $PORT_A $PORT_B <<-\EOF
	import sys, redis
	pp, pa, pb = (int(x) for x in sys.argv[1:])
	r0 = redis.Redis(port=pp, db=0)
	r1 = redis.Redis(port=pp, db=1)
	r7 = redis.Redis(port=pp, db=7)
	for i in range(200):
	    k = "iso:%d" % i
	    assert r0.set(k, "zero%d" % i)
	    assert r1.set(k, "one%d" % i)
	    assert r7.set(k, "seven%d" % i)
	p0 = r0.pipeline(transaction=False)
	p1 = r1.pipeline(transaction=False)
	for i in range(200):
	    p0.get("iso:%d" % i)
	    p1.get("iso:%d" % i)
	got0, got1 = p0.execute(), p1.execute()
	assert got0 == [b"zero%d" % i for i in range(200)]
	assert got1 == [b"one%d" % i for i in range(200)]
	assert r7.get("iso:3") == b"seven3"
	assert r1.mget(["iso:1", "iso:2", "iso:3"]) == [b"one1", b"one2", b"one3"]
	assert r1.dbsize() == 200 and r0.dbsize() == 200 and r7.dbsize() == 200
	assert r1.delete("iso:1", "iso:2") == 2
	assert r0.exists("iso:1", "iso:2") == 2
	# the servers hold them in their own db 1
	n = sum(redis.Redis(port=p, db=1).dbsize() for p in (pa, pb))
	assert n == 198, n
	assert redis.Redis(port=pa, db=2).dbsize() == 0
	EOF
'

test_expect_success 'a SELECT changes only its own session' '
    "$PY" - $PROXY_PORT <<-\EOF
	import sys, redis
	pp = int(sys.argv[1])
	a = redis.Redis(port=pp, single_connection_client=True)
	b = redis.Redis(port=pp, single_connection_client=True)
	a.execute_command("SELECT", "3")
	a.set("own", "three")
	b.set("own", "zero")
	assert a.get("own") == b"three" and b.get("own") == b"zero"
	EOF
'

test_expect_success 'backend_number_databases=4 limits SELECT; servers with fewer dbs are refused, nothing runs in a wrong db' '
    printf "backend_number_databases=4\n" >four.ini &&
    start_server --databases 2 && PORT_S=$SERVER_PORT &&
    pt slots $PORT_S $PORT_S >one.json &&
    start_proxy -c four.ini --fillslots=one.json --cpu=1 &&
    perr select 4 >out && echo "ERR DB index is out of range" >expect &&
    test_cmp expect out &&
    printf "select 3\nset x 1\nselect 0\nset x 0\n" >cmds &&
    pcli <cmds >out 2>&1 &&
    sed -n 1p out >first && echo OK >expect && test_cmp expect first &&
    grep -c "the server lacks a db below backend_number_databases" out >n &&
    echo 2 >expect && test_cmp expect n &&
    redis-cli -p $PORT_S -n 0 exists x >out && echo 0 >expect && test_cmp expect out &&
    redis-cli -p $PORT_S -n 1 exists x >out && echo 0 >expect && test_cmp expect out
'

test_expect_success 'with backend_number_databases=2 the same server serves db 0 and 1' '
    printf "backend_number_databases=2\n" >two.ini &&
    start_proxy -c two.ini --fillslots=one.json --cpu=1 &&
    printf "select 1\nset x 1\nselect 0\nset x 0\nselect 2\n" >cmds &&
    pcli <cmds >out 2>&1 &&
    printf "OK\nOK\nOK\nOK\nERR DB index is out of range\n\n" >expect &&
    test_cmp expect out &&
    redis-cli -p $PORT_S -n 1 get x >out && echo 1 >expect && test_cmp expect out
'

test_done
