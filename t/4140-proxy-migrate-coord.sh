#!/bin/sh
test_description='codis-proxy online while the dashboard migrates slots: pre_migrate locks, migrate moves keys on access, every read stays right'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"
. "$TEST_DIRECTORY/lib-proxy.sh"

# The dashboard sends SLAVEOF NO ONE to a new master, migrates with
# SLOTSMGRTTAGSLOT (migration_method=sync); the proxy moves keys on access
# with SLOTSMGRTTAGONE.
proxy_first_server
for cmd in slotsmgrtslot slotsmgrttagone; do
    server_has_command $cmd || skip_all "codis server lacks ${cmd}"
done

KEYS=2000

# reader.py PORT: GET each key named in ./moving through PORT, over and
# over until ./stop exists; print "reads N bad M" (M: wrong values or
# errors, each also printed).
cat >reader.py <<'EOF_PY'
import os, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
f = s.makefile("rb")
def get(k):
    s.sendall(b"*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n" % (len(k), k))
    line = f.readline()
    if line[:1] == b"$" and int(line[1:]) >= 0:
        return f.read(int(line[1:]) + 2)[:-2]
    return line.strip()
keys = open("moving").read().split()
reads = bad = 0
while not os.path.exists("stop"):
    for k in keys:
        v = get(k.encode())
        reads += 1
        if v != ("v" + k[1:]).encode():
            bad += 1
            print("bad read of %s: %r" % (k, v))
print("reads %d bad %d" % (reads, bad))
EOF_PY

test_expect_success 'two groups, slots split, a proxy online, keys written through it' '
    write_dashboard_config &&
    echo migration_method=sync >>config.ini &&
    start_dashboard &&
    ok_json &&
    proxy_two_groups &&
    proxy_online p1 --cpu=2 &&
    awk -v n=$KEYS "BEGIN { for (i = 0; i < n; i++) print \"SET k\" i \" v\" i }" \
        >load.txt &&
    redis-cli -p $PROXY_PORT <load.txt >load.out &&
    test "$(grep -c OK load.out)" = $KEYS
'

# The keys of slots 0-15 (those that migrate), by SLOTSHASHKEY-free
# python: crc32 % 1024 (no hash tags in these names).
test_expect_success 'the keys of slots 0-15 are on group 1' '
    python3 -c "import zlib
for i in range($KEYS):
    k = \"k%d\" % i
    if zlib.crc32(k.encode()) % 1024 < 16:
        print(k)" >moving &&
    test -s moving &&
    redis-cli -p $S1 exists $(cat moving) >out &&
    echo $(wc -l <moving) >expect && test_cmp expect out
'

test_expect_success 'slot migrate 0 15 2 while a client reads through the proxy' '
    python3 "$TRASH_DIRECTORY/reader.py" $PROXY_PORT >reader.out 2>&1 &
    reader=$! &&
    # held mid-task, so the reader surely meets keys still to move
    dashboard_api POST /api/migrate/pause >out &&
    codis-config slot migrate 0 15 2 >out && migrate_queued out &&
    wait_until migrate_held &&
    wait_until "curl -sf http://$PROXY_HTTP/debug/vars | tr -d \" \t\n\" | grep -q \"\\\"slotsmgrt\\\":[1-9]\"" &&
    dashboard_api POST /api/migrate/resume >out &&
    wait_until "dashboard_api GET /api/migrate/tasks | tr -d \" \n\" | grep -qx \"\\[\\]\"" 60 &&
    dashboard_api GET /api/slot/15 | tr -d " \n" >slot &&
    grep "\"group_id\":2" slot && grep "\"status\":\"online\"" slot &&
    touch stop &&
    wait $reader &&
    cat reader.out &&
    grep "^reads [1-9][0-9]* bad 0$" reader.out &&
    curl -sf http://$PROXY_HTTP/debug/vars | tr -d " \t\n" >vars &&
    grep "\"slotsmgrt\":[1-9]" vars
'

test_expect_success 'afterwards every key is on group 2 and reads back' '
    redis-cli -p $S1 exists $(cat moving) >out &&
    echo 0 >expect && test_cmp expect out &&
    redis-cli -p $S2 exists $(cat moving) >out &&
    echo $(wc -l <moving) >expect && test_cmp expect out &&
    for k in $(cat moving); do
        pcli get $k >out && echo "v${k#k}" >expect && test_cmp expect out ||
        return 1
    done
'

test_done
