#!/bin/sh
test_description='codis-proxy blocking commands on one slot: a private backend connection for the wait, timeouts, wake-ups from other clients, a blocked client that goes away'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-proxytest.sh"

test_expect_success 'two servers behind a proxy, and a redis-server' '
    pt_start --cpu=1 &&
    start_redis_ref
'

# blocked PORT: the server's count of blocked clients.
blocked() {
    redis-cli -p $1 info clients | tr -d "\r" | sed -n "s/^blocked_clients://p"
}

test_expect_success 'every blocking command answers as redis-server, with data and on timeout' '
    cat >cmds <<-\EOF &&
	RPUSH {b}l a b c d e f
	ZADD {b}z 1 x 2 y 3 z 4 w
	XADD {b}s 1-1 f v
	XGROUP CREATE {b}s g 0
	BLPOP {b}none {b}l 0
	BRPOP {b}l 0
	BLMOVE {b}l {b}l2 LEFT RIGHT 0
	BRPOPLPUSH {b}l {b}l2 0
	BLMPOP 0 2 {b}none {b}l LEFT COUNT 2
	BZPOPMIN {b}z 0
	BZPOPMAX {b}z 0
	BZMPOP 0 1 {b}z MIN COUNT 5
	XREAD BLOCK 0 STREAMS {b}s 0
	XREADGROUP GROUP g c BLOCK 0 STREAMS {b}s >
	BLPOP {b}none 0.01
	BRPOP {b}none 0.01
	BLMOVE {b}none {b}l2 LEFT RIGHT 0.01
	BZPOPMIN {b}none 0.01
	BLMPOP 0.01 1 {b}none LEFT
	BZMPOP 0.01 1 {b}none MAX
	XREAD BLOCK 10 STREAMS {b}s $
	XREADGROUP GROUP g c BLOCK 10 STREAMS {b}s >
	BLPOP {b}l
	BLPOP {b}l x
	LRANGE {b}l2 0 -1
	DEL {b}l {b}l2 {b}z {b}s
	EOF
    talk_same cmds
'

test_expect_success 'keys of two slots are refused' '
    printf "%s\n" "BLPOP {p}a {q}b 1" >cmds &&
    talk $PROXY_PORT <cmds >actual &&
    grep CROSSSLOT actual
'

test_expect_success 'redis-py BLPOP with a timeout returns None' '
    "$PY" - $PROXY_PORT <<-\EOF
	import sys, redis
	r = redis.Redis(port=int(sys.argv[1]))
	assert r.blpop("{q}empty", timeout=1) is None
	assert r.ping()
	EOF
'

test_expect_success 'BLPOP is woken by a push through another connection, others are served meanwhile' '
    KEY=$(pt keys a job 1) &&
    "$PY" - $PROXY_PORT $PORT_A "$KEY" <<-\EOF
	import sys, threading, time, redis
	pp, pa, key = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
	got = []
	def waiter():
	    got.append(redis.Redis(port=pp).blpop(key, timeout=0))
	t = threading.Thread(target=waiter)
	t.start()
	server = redis.Redis(port=pa)
	deadline = time.time() + 20
	while server.info("clients")["blocked_clients"] < 1:
	    assert time.time() < deadline, "never blocked"
	    time.sleep(0.02)
	other = redis.Redis(port=pp)
	# the shared connection to the same server is not held by the wait
	for i in range(50):
	    other.set(key + "x", i)
	    assert other.get(key + "x") == str(i).encode()
	other.rpush(key, "work")
	t.join(20)
	assert not t.is_alive(), "BLPOP was not woken"
	assert got == [(key.encode(), b"work")], got
	EOF
'

test_expect_success 'a blocked client that disconnects releases the server connection' '
    KEY=$(pt keys b gone 1) &&
    "$PY" - $PROXY_PORT $PORT_B "$KEY" <<-\EOF
	import socket, sys, time, redis
	pp, pb, key = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
	server = redis.Redis(port=pb)
	base = server.info("clients")["connected_clients"]
	s = socket.create_connection(("127.0.0.1", pp))
	s.sendall(b"*3\r\n$5\r\nBLPOP\r\n$%d\r\n%s\r\n$1\r\n0\r\n" % (len(key), key.encode()))
	deadline = time.time() + 20
	while server.info("clients")["blocked_clients"] < 1:
	    assert time.time() < deadline, "never blocked"
	    time.sleep(0.02)
	s.close()
	while server.info("clients")["blocked_clients"] > 0:
	    assert time.time() < deadline, "still blocked after the client left"
	    time.sleep(0.02)
	while server.info("clients")["connected_clients"] > base:
	    assert time.time() < deadline, "private connection not closed"
	    time.sleep(0.02)
	server.rpush(key, "left")
	assert server.lrange(key, 0, -1) == [b"left"], "a pop happened after the close"
	assert redis.Redis(port=pp).ping()
	EOF
'

test_done
