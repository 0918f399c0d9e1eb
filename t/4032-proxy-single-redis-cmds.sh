#!/bin/sh
test_description='codis-proxy commands a single-Redis client expects, with their cluster meaning: SORT by its key (BY/GET patterns within its {tag}), OBJECT, DUMP/RESTORE, BITOP and GEORADIUS STORE on one slot, CLIENT for the proxy sessions, FLUSHDB/FLUSHALL to every master (proxy_allow_flush), CONFIG GET from a master and CONFIG SET/RESETSTAT for the admin only, ECHO, TIME, QUIT, RESET'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-proxytest.sh"

test_expect_success 'two groups behind a proxy with an admin password' '
    printf "proxy_admin_auth=adm1n\n" >admin.ini &&
    pt_start -c admin.ini --cpu=2
'

test_expect_success 'SORT by its key; BY/GET patterns only with the key tag' '
    "$PY" - $PROXY_PORT <<-\EOF
	import sys, redis
	r = redis.Redis(port=int(sys.argv[1]))
	r.rpush("{u}list", 3, 1, 2)
	for i in (1, 2, 3):
	    r.set("{u}w_%d" % i, 10 - i)
	    r.set("{u}name_%d" % i, "n%d" % i)
	    r.hset("{u}h_%d" % i, "f", i * 7)
	assert r.sort("{u}list") == [b"1", b"2", b"3"]
	assert r.sort("{u}list", desc=True) == [b"3", b"2", b"1"]
	assert r.sort("{u}list", by="{u}w_*") == [b"3", b"2", b"1"]
	assert r.sort("{u}list", by="nosort") == [b"3", b"1", b"2"]
	assert r.sort("{u}list", by="{u}w_*", get=["#", "{u}name_*", "{u}h_*->f"]) == \
	    [b"3", b"n3", b"21", b"2", b"n2", b"14", b"1", b"n1", b"7"]
	assert r.sort("{u}list", store="{u}sorted") == 3
	assert r.lrange("{u}sorted", 0, -1) == [b"1", b"2", b"3"]
	for bad in (dict(by="w_*"), dict(get="name_*"), dict(by="*_{u}"),
	            dict(get="{*}x"), dict(get="{v}name_*")):
	    try:
	        r.sort("{u}list", **bad)
	        assert False, bad
	    except redis.ResponseError as e:
	        assert "hash tag" in str(e), (bad, e)
	try:
	    r.sort("{u}list", store="elsewhere")
	    assert False
	except redis.ResponseError as e:
	    assert "one slot" in str(e), e
	assert r.sort("nolist") == []
	EOF
'

test_expect_success 'OBJECT, DUMP/RESTORE, BITOP and GEORADIUS STORE on one slot' '
    "$PY" - $PROXY_PORT <<-\EOF
	import sys, redis
	r = redis.Redis(port=int(sys.argv[1]))
	for k in ("a", "b", "c", "d"):
	    r.set(k, "12345")
	    assert r.object("encoding", k) == b"int", k
	    assert r.object("refcount", k) == 1
	assert r.object("encoding", "missing") is None
	r.rpush("l1", "x", "y")
	blob = r.dump("l1")
	assert r.restore("l2", 0, blob) == b"OK"
	assert r.lrange("l2", 0, -1) == [b"x", b"y"]
	try:
	    r.restore("l2", 0, blob)
	    assert False
	except redis.ResponseError as e:
	    assert "BUSYKEY" in str(e)
	assert r.restore("l2", 0, blob, replace=True) == b"OK"
	r.set("{b}1", b"\xff")
	r.set("{b}2", b"\x0f")
	assert r.bitop("AND", "{b}dst", "{b}1", "{b}2") == 1
	assert r.get("{b}dst") == b"\x0f"
	try:
	    r.bitop("AND", "dst", "{b}1", "{b}2")
	    assert False
	except redis.ResponseError as e:
	    assert "one slot" in str(e), e
	r.geoadd("{g}pts", (13.361389, 38.115556, "Palermo",
	                    15.087269, 37.502669, "Catania"))
	assert r.georadius("{g}pts", 15, 37, 200, "km", store="{g}near") == 2
	assert r.zcard("{g}near") == 2
	EOF
'

test_expect_success 'CLIENT SETNAME / GETNAME / ID / INFO / LIST / KILL for the proxy sessions' '
    "$PY" - $PROXY_PORT <<-\EOF
	import sys, time, redis
	port = int(sys.argv[1])
	a = redis.Redis(port=port, single_connection_client=True)
	b = redis.Redis(port=port, single_connection_client=True)
	assert a.client_getname() is None
	assert a.client_setname("alpha") is True
	assert a.client_getname() in ("alpha", b"alpha")
	b.client_setname("beta")
	ida, idb = a.client_id(), b.client_id()
	assert ida != idb and ida > 0
	info = a.client_info()
	assert info["name"] == "alpha" and int(info["id"]) == ida, info
	names = {c["name"]: c for c in a.client_list()}
	assert "alpha" in names and "beta" in names, names
	assert int(names["beta"]["id"]) == idb
	assert [c["name"] for c in a.client_list(client_id=[str(idb)])] == ["beta"]
	try:
	    a.client_setname("a b")
	    assert False
	except redis.ResponseError as e:
	    assert "cannot contain spaces" in str(e)
	assert a.client_kill_filter(_id=idb) == 1
	deadline = time.time() + 10
	while "beta" in [c["name"] for c in a.client_list()]:
	    assert time.time() < deadline
	    time.sleep(0.05)
	try:
	    b.ping()
	    assert False, "b still served"
	except redis.ConnectionError:
	    pass
	try:
	    a.client_kill("1.2.3.4:5")
	    assert False
	except redis.ResponseError as e:
	    assert "No such client" in str(e)
	try:
	    a.execute_command("CLIENT", "PAUSE", 10)
	    assert False
	except redis.ResponseError as e:
	    assert "not allowed" in str(e)
	EOF
'

test_expect_success 'FLUSHDB and FLUSHALL reach every master' '
    pcli mset x1 1 x2 2 x3 3 x4 4 x5 5 x6 6 >out &&
    pcli -n 1 set y 1 >out &&
    test $(ca dbsize) -gt 0 && test $(cb dbsize) -gt 0 &&
    pcli flushdb >out && echo OK >expect && test_cmp expect out &&
    test $(ca dbsize) = 0 && test $(cb dbsize) = 0 &&
    test $(pcli -n 1 dbsize) = 1 &&
    pcli set x1 1 >out &&
    pcli flushall >out && test_cmp expect out &&
    test $(pcli -n 1 dbsize) = 0 && test $(pcli dbsize) = 0
'

test_expect_success 'CONFIG GET from a master; SET and RESETSTAT only for the admin' '
    ca config set maxmemory-policy allkeys-lru >out &&
    pcli config get maxmemory-policy >out &&
    printf "maxmemory-policy\nallkeys-lru\n" >expect && test_cmp expect out &&
    perr config set maxmemory-policy volatile-lru >out &&
    grep "^NOPERM CONFIG SET and RESETSTAT need an admin session" out &&
    perr config resetstat >out && grep "^NOPERM" out &&
    perr config rewrite >out && grep "not allowed" out &&
    "$PY" - $PROXY_PORT $PORT_A $PORT_B <<-\EOF
	import sys, redis
	p, a, b = [int(x) for x in sys.argv[1:]]
	r = redis.Redis(port=p, single_connection_client=True)
	try:
	    r.execute_command("AUTH", "admin", "wrong")
	    assert False
	except redis.ResponseError as e:
	    assert "WRONGPASS" in str(e)
	assert r.execute_command("AUTH", "admin", "adm1n") in (True, b"OK")
	assert r.config_set("maxmemory-policy", "volatile-lru") is True
	for port in (a, b):
	    got = redis.Redis(port=port).config_get("maxmemory-policy")
	    assert got == {"maxmemory-policy": "volatile-lru"}, got
	assert r.config_resetstat() is True
	for port in (a, b):
	    assert redis.Redis(port=port).info("stats")["total_commands_processed"] <= 3
	try:
	    r.config_set("no-such-param", "1")
	    assert False
	except redis.ResponseError as e:
	    assert "no-such-param" in str(e), e
	# RESET drops the admin right
	assert r.execute_command("RESET") in (b"RESET", "RESET")
	try:
	    r.config_set("maxmemory-policy", "noeviction")
	    assert False
	except redis.ResponseError as e:
	    assert "need an admin session" in str(e), e
	EOF
'

test_expect_success 'ECHO, TIME, QUIT, RESET' '
    pcli echo hello >out && echo hello >expect && test_cmp expect out &&
    pcli time >out && test $(wc -l <out) = 2 &&
    "$PY" - $PROXY_PORT <<-\EOF
	import sys, socket, time
	s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
	s.sendall(b"SELECT 3\r\nCLIENT SETNAME x\r\nRESET\r\nCLIENT GETNAME\r\n"
	          b"SET k 1\r\nGET k\r\nSELECT 3\r\nGET k\r\nQUIT\r\nPING\r\n")
	want = (b"+OK\r\n+OK\r\n+RESET\r\n$-1\r\n+OK\r\n$1\r\n1\r\n+OK\r\n"
	        b"$-1\r\n+OK\r\n")
	got = b""
	while True:
	    d = s.recv(65536)
	    if not d:
	        break
	    got += d
	assert got == want, got
	EOF
'

test_expect_success 'proxy_allow_flush=false refuses FLUSHDB and FLUSHALL' '
    printf "proxy_allow_flush=false\n" >noflush.ini &&
    start_proxy -c noflush.ini --fillslots=slots.json &&
    pcli set k 1 >out &&
    perr flushdb >out &&
    grep "^ERR handle request, command '\''FLUSHDB'\'' is not allowed: proxy_allow_flush is false" out &&
    perr flushall >out && grep "FLUSHALL" out &&
    pcli get k >out && echo 1 >expect && test_cmp expect out &&
    printf "proxy_allow_flush=maybe\n" >bad.ini &&
    test_must_fail codis proxy -c bad.ini --fillslots=slots.json --addr=127.0.0.1:$(free_port) >err 2>&1 &&
    grep "proxy_allow_flush" err
'

test_done
