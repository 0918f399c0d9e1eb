#!/bin/sh
test_description='codis-proxy pub/sub across a slot migration: a channel whose slot moves to another group is resubscribed there, and its messages keep arriving'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"
. "$TEST_DIRECTORY/lib-proxy.sh"

test_have_prereq CURL || skip_all 'curl is missing'
for PY in /usr/bin/python3 python3; do
    "$PY" -c 'import redis' 2>/dev/null && break
done
"$PY" -c 'import redis' 2>/dev/null || skip_all 'python3-redis is missing'
proxy_first_server
server_has_command slotsmgrtslot || skip_all 'codis server lacks slotsmgrtslot'

test_expect_success 'two groups, a proxy online' '
    write_dashboard_config &&
    start_dashboard &&
    ok_json &&
    proxy_two_groups &&
    cat >proxy.ini <<-EOF_INI &&
	coordinator=filesystem
	zk=$TRASH_DIRECTORY/coord
	product=test
	proxy_id=p1
	EOF_INI
    start_proxy -c proxy.ini --cpu=2 &&
    codis-config proxy online p1 >out && test_cmp expect_ok out &&
    wait_until "pcli ping | grep -q PONG"
'

test_expect_success 'a subscriber of a channel of slot 5 hears it before and after slot 5 moves to group 2' '
    "$PY" - $PROXY_PORT $S1 $S2 <<-\EOF
	import subprocess, sys, time, zlib, redis
	pp, s1, s2 = (int(x) for x in sys.argv[1:])
	ch = [c for c in ("ch%d" % i for i in range(100000))
	      if zlib.crc32(c.encode()) % 1024 == 5][0]
	pat_ch = [c for c in ("pc%d" % i for i in range(100000))
	          if zlib.crc32(c.encode()) % 1024 == 5][0]
	sub = redis.Redis(port=pp).pubsub()
	sub.subscribe(ch)
	sub.psubscribe("pc*")
	def expect(kind, channel, data):
	    deadline = time.time() + 20
	    while time.time() < deadline:
	        m = sub.get_message(timeout=0.5)
	        if m is None or m["type"] in ("subscribe", "psubscribe"):
	            continue
	        got = (m["type"], m["channel"], m["data"])
	        assert got == (kind, channel, data), got
	        return
	    raise AssertionError("no %s on %s" % (kind, channel))
	def numsub(port):
	    return redis.Redis(port=port).pubsub_numsub(ch)[0][1]
	# the proxy confirms once the masters have: wait for both
	confirmed = set()
	deadline = time.time() + 20
	while len(confirmed) < 2:
	    assert time.time() < deadline, "no confirmations: %r" % confirmed
	    m = sub.get_message(timeout=0.5)
	    if m is not None:
	        confirmed.add(m["type"])
	pub = redis.Redis(port=pp)
	assert numsub(s1) == 1 and numsub(s2) == 0
	assert pub.publish(ch, "before") == 1
	expect("message", ch.encode(), b"before")
	subprocess.run(["codis-config", "slot", "migrate", "5", "5", "2"],
	               check=True, stdout=subprocess.DEVNULL)
	deadline = time.time() + 60
	while not (numsub(s2) == 1 and numsub(s1) == 0):
	    assert time.time() < deadline, \
	        "the subscription stayed on group 1: %d/%d" % (numsub(s1),
	                                                       numsub(s2))
	    time.sleep(0.1)
	# through the proxy, PUBLISH goes to group 2 now
	assert pub.publish(ch, "after") == 1
	expect("message", ch.encode(), b"after")
	assert pub.publish(pat_ch, "p") == 1
	expect("pmessage", pat_ch.encode(), b"p")
	sub.unsubscribe(ch)
	deadline = time.time() + 20
	while numsub(s2) != 0:
	    assert time.time() < deadline, "UNSUBSCRIBE missed group 2"
	    time.sleep(0.1)
	EOF
'

test_done
