#!/bin/sh
test_description='codis-proxy memory bounds: a client that pipelines big replies and never reads is closed at session_max_reply while others are served (idle-client RSS is measured in bench/proxy.sh)'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-proxytest.sh"

test_expect_success 'two servers behind a proxy with session_max_reply=8000000' '
    printf "session_max_reply=8000000\n" >proxy.ini &&
    pt_start -c proxy.ini --cpu=2
'

test_expect_success 'a client asking for 200 MB of replies without reading is closed; others are served' '
    "$PY" - $PROXY_PORT <<-\EOF
	import socket, sys, time, redis
	pp = int(sys.argv[1])
	r = redis.Redis(port=pp)
	r.set("big", b"v" * (1 << 20))
	hog = socket.create_connection(("127.0.0.1", pp))
	hog.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
	hog.settimeout(60)
	req = b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n" * 200
	try:
	    hog.sendall(req)
	except OSError:
	    pass
	assert r.get("big") == b"v" * (1 << 20)
	# the proxy closed it: only r is left (reading what the kernel holds
	# through a 4 KB window would take minutes)
	deadline = time.time() + 60
	while r.info()["connected_clients"] != 1:
	    assert time.time() < deadline, r.info()["connected_clients"]
	    time.sleep(0.05)
	assert r.ping()
	EOF
    grep "over session_max_reply (8000000)" "$PROXY_LOG"
'

test_done
