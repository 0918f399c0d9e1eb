#!/bin/sh
test_description='codis-proxy transactions across a slot migration: a WATCH held while the slot moves fails EXEC, a queued MULTI runs on the new owner only'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"
. "$TEST_DIRECTORY/lib-proxytest.sh"
proxy_first_server
server_has_command slotsmgrtslot || skip_all 'codis server lacks slotsmgrtslot'

test_expect_success 'two groups, a proxy online' '
    write_dashboard_config &&
    start_dashboard &&
    ok_json &&
    proxy_two_groups &&
    proxy_online p1 --cpu=1
'

test_expect_success 'WATCH, the slot migrates to group 2, EXEC: nothing runs anywhere' '
    "$PY" - $PROXY_PORT $S1 $S2 <<-\EOF
	import subprocess, sys, time, zlib, redis
	pp, s1, s2 = (int(x) for x in sys.argv[1:])
	# two keys of slot 5 (group 1 now)
	keys = [k for k in ("t%d" % i for i in range(100000))
	        if zlib.crc32(k.encode()) % 1024 == 5][:2]
	watched, queued = keys
	r = redis.Redis(port=pp)
	r.set(watched, "v0")
	r.set(queued, "q0")
	p = r.pipeline()
	p.watch(watched)
	assert p.get(watched) == b"v0"
	# a transaction queued (no WATCH) before the move, sent after it
	tx = redis.Redis(port=pp, single_connection_client=True)
	assert tx.execute_command("MULTI") in (True, b"OK")
	assert tx.execute_command("SET", queued, "fromtx") in (False, b"QUEUED")
	subprocess.run(["codis-config", "slot", "migrate", "5", "5", "2"],
	               check=True, stdout=subprocess.DEVNULL)
	deadline = time.time() + 60
	# the proxy routes slot 5 to group 2 once it reads the key from there
	while not (redis.Redis(port=s2).exists(watched) and
	           redis.Redis(port=s1).exists(watched) == 0 and
	           r.get(watched) == b"v0" and
	           redis.Redis(port=s2).exists(queued)):
	    assert time.time() < deadline, "slot 5 never moved"
	    time.sleep(0.1)
	p.multi()
	p.set(watched, "mine")
	try:
	    p.execute()
	    raise SystemExit("EXEC ran although its slot moved since WATCH")
	except redis.WatchError:
	    pass
	assert r.get(watched) == b"v0"
	for port in (s1, s2):
	    assert redis.Redis(port=port).get(watched) in (None, b"v0")
	assert tx.execute_command("EXEC") == [b"OK"]
	assert redis.Redis(port=s2).get(queued) == b"fromtx", "not on the new owner"
	assert redis.Redis(port=s1).exists(queued) == 0, "written to the old owner"
	EOF
'

test_done
