#!/bin/sh
test_description='codis-proxy INFO (the Proxy section plus the servers sections merged over the masters: keyspace summed per db, memory summed, redis_version), RANDOMKEY over the groups that have keys, SLOTSSCAN forwarded to the slot master'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-proxytest.sh"

test_expect_success 'two groups behind a proxy, keys in db 0 and db 2' '
    pt_start &&
    "$PY" - $PROXY_PORT <<-\EOF
	import sys, redis
	r = redis.Redis(port=int(sys.argv[1]))
	for i in range(200):
	    r.set("k:%d" % i, i)
	r.expire("k:1", 1000)
	r.expire("k:2", 1000)
	r2 = redis.Redis(port=int(sys.argv[1]), db=2)
	for i in range(30):
	    r2.set("d2:%d" % i, i)
	EOF
'

test_expect_success 'INFO keyspace is the sum of the masters per db' '
    "$PY" - $PROXY_PORT $PORT_A $PORT_B <<-\EOF
	import sys, redis
	p, a, b = [redis.Redis(port=int(x)) for x in sys.argv[1:]]
	ka, kb, kp = a.info("keyspace"), b.info("keyspace"), p.info("keyspace")
	assert ka["db0"]["keys"] > 0 and kb["db0"]["keys"] > 0, (ka, kb)
	assert kp["db0"]["keys"] == 200, kp
	assert kp["db0"]["expires"] == 2, kp
	assert kp["db2"]["keys"] == 30, kp
	assert set(kp) == {"db0", "db2"}, kp
	EOF
'

test_expect_success 'INFO has the Proxy section and the servers sections; memory is summed' '
    "$PY" - $PROXY_PORT $PORT_A $PORT_B <<-\EOF
	import sys, socket, redis
	def raw(port, *args):
	    s = socket.create_connection(("127.0.0.1", port))
	    s.sendall(("*%d\r\n" % len(args) + "".join(
	        "$%d\r\n%s\r\n" % (len(x), x) for x in args)).encode())
	    data = b""
	    while not data.endswith(b"\r\n") or len(data) < int(
	            data.split(b"\r\n")[0][1:]) + len(data.split(b"\r\n")[0]) + 4:
	        data += s.recv(1 << 20)
	    s.close()
	    return data.split(b"\r\n", 1)[1][:-2].decode()
	port = int(sys.argv[1])
	p, a, b = [redis.Redis(port=int(x)) for x in sys.argv[1:]]
	text = raw(port, "INFO")
	heads = [l for l in text.split("\r\n") if l.startswith("# ")]
	assert heads[0] == "# Proxy", heads
	for h in ("# Server", "# Clients", "# Memory", "# Stats", "# Keyspace"):
	    assert h in heads, heads
	assert "# Commandstats" not in heads, heads
	info = p.info()
	assert info["redis_version"] == a.info("server")["redis_version"]
	assert info["masters"] == 2, info
	ma, mb, mp = a.info("memory"), b.info("memory"), p.info("memory")
	# the servers keep allocating between the calls: bounds, not equality
	assert mp["used_memory"] >= min(ma["used_memory"], mb["used_memory"]) * 2 * 0.9, (ma["used_memory"], mb["used_memory"], mp["used_memory"])
	assert mp["used_memory"] <= (ma["used_memory"] + mb["used_memory"]) * 1.5
	assert mp["used_memory_human"].endswith(("K", "M", "G")), mp
	# INFO <section> and INFO all
	assert set(p.info("keyspace")) == {"db0", "db2"}
	allt = raw(port, "INFO", "all")
	assert "# Proxy" in allt and "# Commandstats" in allt, allt[:200]
	calls = [l for l in allt.split("\r\n") if l.startswith("cmdstat_set:")]
	assert calls and "calls=230," in calls[0], calls
	only = raw(port, "INFO", "proxy")
	assert only.startswith("# Proxy") and "# Server" not in only, only
	srv = raw(port, "INFO", "server")
	assert srv.startswith("# Server") and "# Proxy" not in srv, srv[:100]
	EOF
'

test_expect_success 'RANDOMKEY gives keys of both groups, nil on an empty db' '
    "$PY" - $PROXY_PORT <<-\EOF
	import sys, zlib, redis
	r = redis.Redis(port=int(sys.argv[1]))
	groups = set()
	for i in range(200):
	    k = r.randomkey()
	    assert k is not None and k.startswith(b"k:"), k
	    groups.add(zlib.crc32(k) % 1024 < 512)
	    if len(groups) == 2:
	        break
	assert groups == {True, False}, groups
	assert redis.Redis(port=int(sys.argv[1]), db=5).randomkey() is None
	# a db with keys on one group only
	r3 = redis.Redis(port=int(sys.argv[1]), db=3)
	r3.set("only", 1)
	assert all(r3.randomkey() == b"only" for _ in range(20))
	EOF
'

test_expect_success 'SLOTSSCAN goes to the master of the slot' '
    "$PY" - $PROXY_PORT <<-\EOF
	import sys, zlib, redis
	r = redis.Redis(port=int(sys.argv[1]))
	for slot in (3, 700):
	    want = set(b"k:%d" % i for i in range(200)
	               if zlib.crc32(b"k:%d" % i) % 1024 == slot)
	    got, cursor = set(), 0
	    while True:
	        cursor, keys = r.execute_command("SLOTSSCAN", slot, cursor,
	                                         "COUNT", 5)
	        got |= set(keys)
	        if int(cursor) == 0:
	            break
	    assert got == want, (slot, got, want)
	try:
	    r.execute_command("SLOTSSCAN", 1024, 0)
	    assert False
	except redis.ResponseError as e:
	    assert "invalid slot" in str(e), e
	EOF
'

test_done
