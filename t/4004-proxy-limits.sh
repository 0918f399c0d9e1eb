#!/bin/sh
test_description='codis-proxy session limits: 1000 clients at once, idle clients closed after session_max_timeout, session_max_bufsize, session_max_pipeline'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-proxytest.sh"

need_open_files 4096

# proxy_clients_are N: the proxy's INFO says N clients are connected
# (the redis-cli asking included).
proxy_clients_are() {
    pcli info | tr -d '\r' | grep -qx "connected_clients:$1"
}

test_expect_success 'two servers behind a proxy with a short idle timeout and a small buffer' '
    printf "session_max_timeout=2\nsession_max_bufsize=4096\nsession_max_request=4096\nsession_max_pipeline=16\n" >proxy.ini &&
    pt_start -c proxy.ini --cpu=2
'

test_expect_success '1000 clients connected at once are all served' '
    pt clients $PROXY_PORT 1000 &&
    pcli get client:999 >out && echo val999 >expect && test_cmp expect out &&
    redis-cli -p $PORT_A dbsize >a && redis-cli -p $PORT_B dbsize >b &&
    test $(($(cat a) + $(cat b))) = 1000
'

test_expect_success 'the proxy counted the 1000 clients and dropped them' '
    pcli info >info &&
    total=$(sed -n "s/^total_connections_received:\([0-9]*\).*/\1/p" info) &&
    test "$total" -ge 1000 &&
    wait_until "proxy_clients_are 1" 20
'

test_expect_success 'an idle client is closed after session_max_timeout' '
    "$PY" - $PROXY_PORT <<-\EOF
	import os, sys, time
	exec(open(os.environ["TEST_DIRECTORY"] + "/lib-resp.py").read())
	c = Conn(int(sys.argv[1]))
	assert c.call("PING") == "PONG"
	c.sock.settimeout(20)
	start = time.time()
	try:
	    c.read()
	    raise SystemExit("the proxy sent something to an idle client")
	except EOFError:
	    pass
	print("closed after %.1f s" % (time.time() - start))
	EOF
'

test_expect_success 'a client that keeps talking outlives an idle one' '
    "$PY" - $PROXY_PORT <<-\EOF
	import os, sys, time
	exec(open(os.environ["TEST_DIRECTORY"] + "/lib-resp.py").read())
	idle = Conn(int(sys.argv[1]))
	talker = Conn(int(sys.argv[1]))
	assert idle.call("PING") == "PONG"
	# the talker pings until the proxy closes the idle client, which
	# started with it: so it lived past session_max_timeout
	deadline = time.time() + 30
	while not idle.pending(0.2):
	    assert talker.call("PING") == "PONG"
	    if time.time() > deadline:
	        raise SystemExit("the idle client was never closed")
	try:
	    idle.read()
	    raise SystemExit("the proxy sent something to an idle client")
	except EOFError:
	    pass
	assert talker.call("PING") == "PONG"
	EOF
'

test_expect_success 'a request larger than session_max_request: an error, then closed' '
    big=$(head -c 6000 /dev/zero | tr "\0" x) &&
    praw "*3\r\n\$3\r\nSET\r\n\$3\r\nbig\r\n\$6000\r\n$big\r\n" >out &&
    printf -- "-ERR handle request, request is larger than session_max_request (4096 bytes)\r\n" >expect &&
    test_cmp expect out &&
    pcli exists big >out && echo 0 >expect && test_cmp expect out
'

test_expect_success 'the same request sent in pieces is refused as well' '
    "$PY" - $PROXY_PORT <<-\EOF
	import os, sys
	exec(open(os.environ["TEST_DIRECTORY"] + "/lib-resp.py").read())
	c = Conn(int(sys.argv[1]))
	c.sock.sendall(b"*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$6000\r\n" + b"x" * 2000)
	assert not c.pending(0.3)
	c.sock.sendall(b"x" * 2500)
	got = c.read()
	assert got.startswith("(error) ERR handle request, request is larger"), got
	try:
	    c.read()
	    raise SystemExit("still open")
	except EOFError:
	    pass
	EOF
    pcli exists big >out && echo 0 >expect && test_cmp expect out
'

test_expect_success 'a client pipelining 20000 GETs of 3 KB gets every reply, in order' '
    "$PY" - $PROXY_PORT <<-\EOF
	import socket, sys, threading
	port = int(sys.argv[1])
	value = b"z" * 3000
	s = socket.create_connection(("127.0.0.1", port))
	s.sendall(b"*3\r\n$3\r\nSET\r\n$4\r\nbp:v\r\n$3000\r\n" + value + b"\r\n")
	assert s.recv(5) == b"+OK\r\n"
	n = 20000
	req = b"*2\r\n$3\r\nGET\r\n$4\r\nbp:v\r\n" * n
	sender = threading.Thread(target=s.sendall, args=(req,))
	sender.start()
	want = (b"$3000\r\n" + value + b"\r\n") * n
	got = bytearray()
	s.settimeout(20)
	while len(got) < len(want):
	    chunk = s.recv(1 << 20)
	    assert chunk, "closed after %d bytes" % len(got)
	    got += chunk
	sender.join()
	assert bytes(got) == want
	EOF
'

test_expect_success 'requests under session_max_bufsize, and pipelines longer than session_max_pipeline, still work' '
    val=$(head -c 3000 /dev/zero | tr "\0" y) &&
    pcli set small $val >out && echo OK >expect && test_cmp expect out &&
    pcli strlen small >out && echo 3000 >expect && test_cmp expect out &&
    pt pipeline $PROXY_PORT 5000
'

test_done
