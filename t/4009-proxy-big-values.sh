#!/bin/sh
test_description='codis-proxy big values: requests up to session_max_request (no 128 KB cap), 1-100 MB SET/GET through redis-py, replies equal to a single redis-server, buffers given back'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-proxytest.sh"

# proxy_rss_kb: the proxy's resident set, in KB.
proxy_rss_kb() {
    sed -n "s/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p" /proc/$PROXY_PID/status
}

test_expect_success 'two servers behind a proxy with default limits, and a redis-server' '
    pt_start --cpu=2 &&
    start_redis_ref
'

test_expect_success 'redis-py SETs and GETs 1, 10 and 100 MB values through the proxy' '
    proxy_rss_kb >rss.before &&
    "$PY" - $PROXY_PORT $PORT_A $PORT_B <<-\EOF
	import os, sys, redis
	pp, pa, pb = (int(x) for x in sys.argv[1:])
	r = redis.Redis(port=pp, socket_timeout=120)
	for mb in (1, 10, 100):
	    key = "big:%d" % mb
	    value = os.urandom(1 << 16) * (mb * 16)
	    assert r.set(key, value) is True, mb
	    got = r.get(key)
	    assert got == value, "%d MB value differs (%d bytes back)" % (mb, len(got or b""))
	    n = sum(redis.Redis(port=p).strlen(key) for p in (pa, pb))
	    assert n == len(value), (mb, n)
	    assert r.append(key, b"xyz") == len(value) + 3
	    assert r.getrange(key, len(value), -1) == b"xyz"
	    assert r.delete(key) == 1
	assert r.ping()
	EOF
'

test_expect_success 'a pipeline of 20 SETs of 1 MB each, then their GETs' '
    "$PY" - $PROXY_PORT <<-\EOF
	import sys, redis
	r = redis.Redis(port=int(sys.argv[1]), socket_timeout=120)
	p = r.pipeline(transaction=False)
	for i in range(20):
	    p.set("pipe:%d" % i, bytes([65 + i]) * (1 << 20))
	assert p.execute() == [True] * 20
	for i in range(20):
	    p.get("pipe:%d" % i)
	got = p.execute()
	for i in range(20):
	    assert got[i] == bytes([65 + i]) * (1 << 20), i
	EOF
'

test_expect_success 'a 3 MB GET reply is the same bytes as a single redis-server sends' '
    "$PY" - $PROXY_PORT $REF_PORT <<-\EOF
	import socket, sys
	def call(port, payload, want):
	    s = socket.create_connection(("127.0.0.1", port))
	    s.settimeout(120)
	    s.sendall(payload)
	    got = bytearray()
	    while len(got) < want:
	        chunk = s.recv(1 << 20)
	        if not chunk:
	            break
	        got += chunk
	    s.close()
	    return bytes(got)
	value = b"0123456789abcdef" * (3 << 16)
	setcmd = b"*3\r\n$3\r\nSET\r\n$5\r\nref:3\r\n$%d\r\n%s\r\n" % (len(value), value)
	getcmd = b"*2\r\n$3\r\nGET\r\n$5\r\nref:3\r\n"
	reqs = setcmd + getcmd + b"*2\r\n$6\r\nSTRLEN\r\n$5\r\nref:3\r\n"
	want = 5 + len("$%d\r\n" % len(value)) + len(value) + 2 + len(":%d\r\n" % len(value))
	a = call(int(sys.argv[1]), reqs, want)
	b = call(int(sys.argv[2]), reqs, want)
	assert a == b, (len(a), len(b), a[:40], b[:40])
	EOF
'

test_expect_success 'after the big values the proxy gives their buffers back' '
    wait_until "test \$(proxy_rss_kb) -lt \$(( \$(cat rss.before) + 65536 ))" 20
'

test_expect_success 'a request over session_max_request is refused, and the proxy stays up' '
    printf "session_max_request=2000000\n" >small.ini &&
    PORT_KEEP=$PROXY_PORT PID_KEEP=$PROXY_PID &&
    start_proxy -c small.ini --fillslots=slots.json &&
    "$PY" - $PROXY_PORT <<-\EOF
	import sys, redis
	r = redis.Redis(port=int(sys.argv[1]), socket_timeout=30)
	assert r.set("fits", b"f" * 1000000) is True
	try:
	    r.set("toobig", b"t" * 3000000)
	    raise SystemExit("3 MB accepted")
	except redis.exceptions.ResponseError as e:
	    assert "larger than session_max_request (2000000 bytes)" in str(e), e
	except redis.exceptions.ConnectionError:
	    pass
	r2 = redis.Redis(port=int(sys.argv[1]))
	assert r2.strlen("fits") == 1000000
	assert r2.exists("toobig") == 0
	EOF
'

test_done
