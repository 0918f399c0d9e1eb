#!/bin/sh
test_description='codis-proxy pub/sub: a channel lives on the group of its slot, patterns on every group; subscribe on one proxy, publish on another; PUBSUB CHANNELS / NUMSUB / NUMPAT summed over the groups; the subscribed state allows only what Redis allows'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-proxytest.sh"

test_expect_success 'two groups behind two proxies' '
    pt_start --cpu=2 && P1=$PROXY_PORT &&
    start_proxy --fillslots=slots.json && P2=$PROXY_PORT
'

test_expect_success 'redis-py: subscribe on one proxy, publish on the other, for channels of both groups and a pattern' '
    "$PY" - $P1 $P2 $PORT_A $PORT_B <<-\EOF
	import sys, time, zlib, redis
	p1, p2, a, b = map(int, sys.argv[1:])
	sub = redis.Redis(port=p1).pubsub()
	pub = redis.Redis(port=p2)
	# four channels of each group (slots 0-511 on A, 512-1023 on B)
	names = ["ch:%d" % i for i in range(100)]
	chans = [c for c in names if zlib.crc32(c.encode()) % 1024 < 512][:4] + \
	    [c for c in names if zlib.crc32(c.encode()) % 1024 >= 512][:4]
	sub.subscribe(*chans)
	sub.psubscribe("news.*")
	confirms = []
	while len(confirms) < 9:
	    m = sub.get_message(timeout=5)
	    assert m is not None, confirms
	    confirms.append((m["type"], m["channel"], m["data"]))
	assert [c[2] for c in confirms] == list(range(1, 10)), confirms
	assert confirms[-1] == ("psubscribe", b"news.*", 9), confirms
	# each channel is subscribed on its own group only
	na = redis.Redis(port=a).pubsub_numsub(*chans)
	nb = redis.Redis(port=b).pubsub_numsub(*chans)
	assert [x[1] for x in na] == [1] * 4 + [0] * 4, na
	assert [x[1] for x in nb] == [0] * 4 + [1] * 4, nb
	# the pattern on both
	assert redis.Redis(port=a).pubsub_numpat() == 1
	assert redis.Redis(port=b).pubsub_numpat() == 1
	for c in chans:
	    assert pub.publish(c, "hello " + c) == 1, c
	assert pub.publish("news.sport", "goal") == 1
	assert pub.publish("nobody", "x") == 0
	got = []
	while len(got) < 9:
	    m = sub.get_message(timeout=5)
	    assert m is not None, got
	    got.append((m["type"], m["channel"], m["data"]))
	want = [("message", c.encode(), b"hello " + c.encode()) for c in chans]
	assert sorted(got[:8]) == sorted(want), got
	assert got[8] == ("pmessage", b"news.sport", b"goal"), got
	assert sub.get_message(timeout=0.2) is None
	# PUBSUB through either proxy sums over the groups
	assert sorted(pub.pubsub_channels()) == sorted(c.encode() for c in chans)
	assert pub.pubsub_numsub(*chans, "nobody") == \
	    [(c.encode(), 1) for c in chans] + [(b"nobody", 0)]
	assert pub.pubsub_numpat() == 1
	sub.unsubscribe()
	sub.punsubscribe()
	left = []
	while len(left) < 9:
	    m = sub.get_message(timeout=5)
	    assert m is not None, left
	    left.append((m["type"], m["data"]))
	assert left[-1] == ("punsubscribe", 0), left
	assert pub.pubsub_numsub("ch:0") == [(b"ch:0", 0)]
	assert pub.pubsub_numpat() == 0
	sub.close()
	EOF
'

test_expect_success 'confirmations and the subscribed state answer like Redis (RESP2)' '
    "$PY" - $P1 <<-\EOF
	import sys, socket, time
	s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
	s.sendall(b"UNSUBSCRIBE\r\nPUNSUBSCRIBE\r\nSUBSCRIBE a a\r\nGET x\r\n"
	          b"PING\r\nPING hi\r\nUNSUBSCRIBE\r\nSUBSCRIBE b\r\nRESET\r\n"
	          b"GET x\r\n")
	want = (b"*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n"
	    b"*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n"
	    b"*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n"
	    b"*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n"
	    b"-ERR Can'"'"'t execute '"'"'get'"'"': only (P|S)SUBSCRIBE / "
	    b"(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"
	    b"*2\r\n$4\r\npong\r\n$0\r\n\r\n*2\r\n$4\r\npong\r\n$2\r\nhi\r\n"
	    b"*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:0\r\n"
	    b"*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:1\r\n+RESET\r\n$-1\r\n")
	got = b""
	deadline = time.time() + 10
	while len(got) < len(want) and time.time() < deadline:
	    got += s.recv(65536)
	assert got == want, got
	EOF
'

test_expect_success 'a subscriber that goes away leaves no subscription behind' '
    "$PY" - $P1 $P2 <<-\EOF
	import sys, time, redis
	p1, p2 = map(int, sys.argv[1:])
	sub = redis.Redis(port=p1).pubsub()
	sub.subscribe("gone")
	assert sub.get_message(timeout=5)["type"] == "subscribe"
	pub = redis.Redis(port=p2)
	assert pub.pubsub_numsub("gone") == [(b"gone", 1)]
	sub.close()
	deadline = time.time() + 10
	while pub.pubsub_numsub("gone") != [(b"gone", 0)]:
	    assert time.time() < deadline, "subscription still there"
	    time.sleep(0.05)
	EOF
'

test_expect_success 'a subscriber is not closed as idle; an idle client is' '
    printf "session_max_timeout=1\n" >idle.ini &&
    start_proxy -c idle.ini --fillslots=slots.json &&
    "$PY" - $PROXY_PORT $P2 <<-\EOF
	import sys, time, socket, redis
	p, p2 = map(int, sys.argv[1:])
	sub = redis.Redis(port=p).pubsub()
	sub.subscribe("idle:ch")
	assert sub.get_message(timeout=5)["type"] == "subscribe"
	idle = socket.create_connection(("127.0.0.1", p))
	idle.settimeout(30)
	assert idle.recv(10) == b"", "the idle client was not closed"
	# the subscriber, as quiet, is still there
	assert redis.Redis(port=p2).publish("idle:ch", "still") == 1
	m = sub.get_message(timeout=5)
	assert m and m["data"] == b"still", m
	EOF
'

test_expect_success 'a master that fails closes its subscribers, with a log line' '
    "$PY" - $P1 $PID_B <<-\EOF
	import os, sys, time, signal, zlib, redis
	p, pid = map(int, sys.argv[1:])
	sub = redis.Redis(port=p).pubsub()
	# channels of B (slots 512-1023), then B dies
	chans = [c for c in ("f:%d" % i for i in range(100))
	         if zlib.crc32(c.encode()) % 1024 >= 512][:5]
	sub.subscribe(*chans)
	for _ in range(5):
	    assert sub.get_message(timeout=5)["type"] == "subscribe"
	os.kill(pid, signal.SIGKILL)
	deadline = time.time() + 20
	try:
	    while time.time() < deadline:
	        sub.get_message(timeout=1)
	    assert False, "the subscriber was not closed"
	except redis.ConnectionError:
	    pass
	assert redis.Redis(port=p).ping()
	EOF
    grep "its pub/sub connection to .127.0.0.1:$PORT_B. failed" "$TRASH_DIRECTORY"/proxy-$P1.log
'

test_done
