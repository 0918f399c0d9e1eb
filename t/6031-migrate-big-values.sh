#!/bin/sh
test_description='semi-async migration of big lists (packed and not), a big hash, set and sorted set beside small keys of many slots: every value arrives whole and in order; tasks in flight show "migrating"'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"
. "$TEST_DIRECTORY/lib-proxy.sh"

test_have_prereq CURL || skip_all 'curl is missing'
test_have_prereq PYTHON3 || skip_all 'python3 is missing'

proxy_first_server
server_has_command slotsmgrttagslot-async ||
    skip_all 'codis server lacks SLOTSMGRTTAGSLOT-ASYNC'

# A tag whose slot group 1 owns (0-511), and that slot.
TAG=$(python3 -c '
import zlib
i = 0
while zlib.crc32(b"t%d" % i) % 1024 >= 512:
    i += 1
print("t%d" % i)')
BIG=$(python3 -c "import zlib; print(zlib.crc32(b'$TAG') % 1024)")

# big_values PORT: the big values of tag TAG, one line per element, in
# the order the commands give them (lists as stored, the rest sorted).
big_values() {
    for k in list plist; do
        redis-cli -p "$1" lrange "{$TAG}$k" 0 -1 | sed -e "s/^/$k /"
    done
    redis-cli -p "$1" hgetall "{$TAG}hash" | paste -d ' ' - - | sort |
        sed -e 's/^/hash /'
    redis-cli -p "$1" smembers "{$TAG}set" | sort | sed -e 's/^/set /'
    redis-cli -p "$1" zrange "{$TAG}zset" 0 -1 withscores |
        paste -d ' ' - - | sed -e 's/^/zset /'
}

test_expect_success 'two groups, slots split, small lists nodes; no proxy' '
    write_dashboard_config &&
    echo migration_async_maxbulks=64 >>config.ini &&
    start_dashboard &&
    ok_json &&
    proxy_two_groups &&
    redis-cli -p $S1 config set list-max-listpack-size 16 >out &&
    echo OK >expect && test_cmp expect out
'

test_expect_success 'big values of one tag (a list packed by list-compress-depth 1) and small keys in 24 slots' '
    python3 - "$TAG" >big.cmds <<-\EOF_PY &&
	import sys
	tag = sys.argv[1]
	for i in range(0, 3000, 100):
	    print("RPUSH {%s}list %s" % (tag, " ".join(
	        "e%d" % j if j % 3 else str(j) for j in range(i, i + 100))))
	    print("HSET {%s}hash %s" % (tag, " ".join(
	        "f%d v%d" % (j, j) for j in range(i, i + 100))))
	    print("SADD {%s}set %s" % (tag, " ".join(
	        "m%d" % j for j in range(i, i + 100))))
	    print("ZADD {%s}zset %s" % (tag, " ".join(
	        "%d.5 z%d" % (j % 50, j) for j in range(i, i + 100))))
	for i in range(20):
	    print("SET {%s}small%d v%d" % (tag, i, i))
	print("CONFIG SET list-compress-depth 1")
	for i in range(0, 2000, 100):
	    print("RPUSH {%s}plist %s" % (tag, " ".join(
	        "p%d" % j for j in range(i, i + 100))))
	EOF_PY
    redis-cli -p $S1 <big.cmds >big.out &&
    redis-cli -p $S1 config set list-compress-depth 0 >out &&
    redis-cli -p $S1 llen "{$TAG}list" >out && echo 3000 >expect &&
    test_cmp expect out &&
    redis-cli -p $S1 llen "{$TAG}plist" >out && echo 2000 >expect &&
    test_cmp expect out &&
    big_values $S1 >before &&
    keys_for_slots 0 23 10 >small &&
    fill $S1 small &&
    values $S1 small >small.before
'

test_expect_success 'while paused, the tasks in flight show status migrating' '
    dashboard_api POST /api/migrate/pause >out &&
    codis-config slot migrate 0 23 2 >out &&
    codis-config slot migrate $BIG $BIG 2 >out &&
    wait_until migrate_held &&
    dashboard_api GET /api/migrate/tasks >tasks &&
    python3 - >check.out 2>&1 <<-\EOF_PY || { cat check.out tasks; false; }
	import json
	tasks = json.load(open("tasks"))
	flying = [t for t in tasks if "stage" in t]
	assert flying, tasks
	assert all(t["status"] == "migrating" for t in flying), flying
	assert all(t["status"] == "pending" for t in tasks if "stage" not in t)
	EOF_PY
'

test_expect_success 'resumed, every slot ends on group 2' '
    dashboard_api POST /api/migrate/resume >out &&
    wait_until tasks_done 60 &&
    redis-cli -p $S1 dbsize >out && echo 0 >expect && test_cmp expect out
'

test_expect_success 'the big values arrived whole, lists in order' '
    big_values $S2 >after &&
    test_cmp before after &&
    values $S2 small >small.after &&
    test_cmp small.before small.after &&
    for i in 0 7 19; do
        redis-cli -p $S2 get "{$TAG}small$i" >out &&
        echo v$i >expect && test_cmp expect out || return 1
    done
'

test_expect_success 'the source sent them in chunks from its event loop' '
    grep "async migration of [0-9]* keys to 127.0.0.1:$S2 done after" \
        $(grep -l "async migration of" *.log)
'

test_done
