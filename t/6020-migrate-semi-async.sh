#!/bin/sh
test_description='semi-async migration of many slots at once through the dashboard, while a client writes through a proxy: every key ends with its last acknowledged value'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"
. "$TEST_DIRECTORY/lib-proxy.sh"

proxy_first_server
server_has_command slotsmgrttagslot-async ||
    skip_all 'codis server lacks SLOTSMGRTTAGSLOT-ASYNC'

# writer.py PORT KEYFILE: SET each key of KEYFILE to "<key>:<n>" through
# PORT, n counting up, round after round until ./stop exists; then write
# the last acknowledged value of each key to writer.acked ("key value")
# and print "writes N errors M" (errors also printed).
cat >writer.py <<'EOF_PY'
import os, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
f = s.makefile("rb")
keys = open(sys.argv[2]).read().split()
last = {}
writes = errors = n = 0
while not os.path.exists("stop") or n == 0:
    n += 1
    for k in keys:
        v = "%s:%d" % (k, n)
        s.sendall(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n"
                  % (len(k), k.encode(), len(v), v.encode()))
        line = f.readline().strip()
        writes += 1
        if line == b"+OK":
            last[k] = v
        else:
            errors += 1
            print("write of %s: %r" % (k, line))
with open("writer.acked", "w") as out:
    for k in keys:
        out.write("%s %s\n" % (k, last.get(k, "")))
print("writes %d errors %d" % (writes, errors))
EOF_PY

test_expect_success 'two groups, slots split, a proxy online, semi-async by default' '
    write_dashboard_config &&
    start_dashboard &&
    ok_json &&
    proxy_two_groups &&
    cp config.ini proxy.ini &&
    echo proxy_id=p1 >>proxy.ini &&
    start_proxy -c proxy.ini &&
    codis-config proxy online p1 >out && test_cmp expect_ok out &&
    wait_until "pcli ping | grep -q PONG" &&
    dashboard_api GET /api/migrate/status >st &&
    grep "\"method\": \"semi-async\"" st &&
    grep "\"parallel_slots\": 100" st
'

test_expect_success 'slots 0-15 filled on group 1' '
    keys_for_slots 0 15 25 >moving &&
    fill $S1 moving &&
    redis-cli -p $S1 dbsize >out && echo 400 >expect && test_cmp expect out
'

test_expect_success 'slot migrate 0 15 2 --wait while a client writes every key through the proxy' '
    python3 writer.py $PROXY_PORT moving >writer.out 2>&1 &
    writer=$! &&
    wait_until "test -s writer.acked || test \$(redis-cli -p $S1 get \$(head -n 1 moving) | grep -c :) = 1" &&
    codis-config slot migrate 0 15 2 --wait >wait.out 2>wait.err &&
    touch stop &&
    wait $writer &&
    cat writer.out &&
    grep "^writes [1-9][0-9]* errors 0$" writer.out &&
    grep "^migrate: done, 16 slots in" wait.out &&
    grep "\"tasks\": 16" wait.out
'

test_expect_success 'every key is on group 2 with its last acknowledged value' '
    redis-cli -p $S1 slotsinfo 0 16 >s1 &&
    ! grep -q . s1 &&
    values $S2 moving >actual &&
    test_cmp writer.acked actual &&
    values $PROXY_PORT moving >actual &&
    test_cmp writer.acked actual
'

# The runner may take the first tasks while the rest are being queued:
# then the 16 slots take two waves.
test_expect_success 'the 16 slots moved in waves of many slots' '
    grep "migrate: \([2-9]\|1[0-6]\) slots in this wave" dashboard.log &&
    for s in 0 7 15; do
        codis-config slot info $s >out &&
        grep "\"group_id\": 2," out &&
        grep "\"status\": \"online\"" out || return 1
    done
'

test_expect_success 'the status has totals and the history of the finished tasks' '
    dashboard_api GET /api/migrate/status >st &&
    python3 - >check.out 2>&1 <<-\EOF_PY || { cat check.out; false; }
	import json
	st = json.load(open("st"))
	p = st["progress"]
	assert p["slots_done"] == 16 and p["slots_queued"] == 0, p
	# the proxy moves some keys itself, on access
	assert 0 < p["keys_moved"] <= 400 and p["eta_sec"] == 0, p
	assert st["running"] == [] and st["migrate_task"] is None, st
	done = [h for h in st["history"] if h["status"] == "done"]
	assert sorted(h["slot_id"] for h in done) == list(range(16)), st["history"]
	assert all(h["error"] == "" and h["new_group"] == 2 for h in done)
	EOF_PY
'

test_expect_success 'GET /api/rebalance/status says whether tasks are queued' '
    dashboard_api GET /api/rebalance/status >st &&
    echo "{\"is_rebalancing\":false}" >expect &&
    tr -d " \n" <st >actual && echo >>actual &&
    test_cmp expect actual &&
    rebalance_queued_then_done 60
'

test_expect_success 'sync and bad migration settings' '
    printf "migration_method=fast\n" >>config.ini &&
    test_expect_code 1 codis dashboard -c config.ini --addr=127.0.0.1:1 2>err &&
    grep "line 7: .migration_method. must be .semi-async. or .sync., not .fast." err &&
    sed -i -e "s/^migration_method=.*/migration_parallel_slots=0/" config.ini &&
    test_expect_code 1 codis dashboard -c config.ini --addr=127.0.0.1:1 2>err &&
    grep "migration_parallel_slots. must be 1..1024, not 0" err &&
    sed -i -e "s/^migration_parallel_slots=.*/migration_timeout=soon/" config.ini &&
    test_expect_code 1 codis dashboard -c config.ini --addr=127.0.0.1:1 2>err &&
    grep "migration_timeout. must be a duration" err
'

test_done
