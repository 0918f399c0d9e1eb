#!/bin/sh
test_description='codis-proxy memory bounds: a client that pipelines big replies and never reads is closed at session_max_reply while others are served; idle clients opened and closed give their memory back'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-proxy.sh"
. "$TEST_DIRECTORY/lib-proxytest.sh"

if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4096 ]; then
    ulimit -n 4096 2>/dev/null ||
        skip_all "cannot raise the open file limit to 4096"
fi

proxy_rss_kb() {
    sed -n "s/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p" /proc/$PROXY_PID/status
}

test_expect_success 'two servers behind a proxy with session_max_reply=8000000' '
    start_server && PORT_A=$SERVER_PORT &&
    start_server && PORT_B=$SERVER_PORT &&
    pt slots $PORT_A $PORT_B >slots.json &&
    printf "session_max_reply=8000000\n" >proxy.ini &&
    start_proxy -c proxy.ini --fillslots=slots.json --cpu=2
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
	# the proxy closed it: reading ends before 200 replies
	got = 0
	try:
	    while True:
	        chunk = hog.recv(1 << 20)
	        if not chunk:
	            break
	        got += len(chunk)
	except ConnectionResetError:
	    pass
	assert got < 200 * (1 << 20), got
	assert r.ping()
	EOF
    grep "over session_max_reply (8000000)" "$PROXY_LOG"
'

# idle_round N: open 2000 clients to the proxy, check that some answer,
# close them all, N times.
idle_round() {
    "$PY" - $PROXY_PORT $1 <<-\EOF
	import socket, sys
	pp, n = int(sys.argv[1]), int(sys.argv[2])
	for round in range(n):
	    conns = [socket.create_connection(("127.0.0.1", pp)) for _ in range(2000)]
	    for c in conns[::100]:
	        c.sendall(b"*1\r\n$4\r\nPING\r\n")
	        assert c.recv(16) == b"+PONG\r\n"
	    for c in conns:
	        c.close()
	EOF
}

test_expect_success '2000 idle clients opened and closed 5 times: RSS comes back within 8 MB of the start' '
    proxy_rss_kb >rss.start &&
    idle_round 1 &&
    wait_until "pcli info | grep -q connected_clients:1" 20 &&
    proxy_rss_kb >rss.one &&
    idle_round 4 &&
    wait_until "pcli info | grep -q connected_clients:1" 20 &&
    start=$(cat rss.start) one=$(cat rss.one) &&
    # what stays after 10000 clients came and went must be small
    wait_until "test \$(proxy_rss_kb) -le \$(( start + 8192 ))" 20 &&
    echo "rss: start ${start} kB, after 1 round ${one} kB, after 5 rounds $(proxy_rss_kb) kB"
'

test_done
