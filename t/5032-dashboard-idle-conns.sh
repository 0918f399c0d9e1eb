#!/bin/sh
test_description='the dashboard keeps answering while 1,100 idle or half-sent HTTP connections stay open under a 1024 file limit'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"

test_have_prereq CURL || skip_all 'curl is missing'

# flood.py HOST PORT N: open N connections, each sending the start of a
# request and then one more header byte every second (so no idle
# timeout closes them: a slow-loris), write "open <n>" to 'flood.ready'
# once all are connected, and hold them until killed.
cat >flood.py <<'EOF'
import socket, sys, threading, time
host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
socks, lock = [], threading.Lock()
def opener(k):
    for _ in range(k):
        s = socket.socket()
        s.settimeout(30)
        try:
            s.connect((host, port))
            s.sendall(b"GET /api/overview HTTP/1.1\r\nHost: x\r\nX-a: ")
        except OSError:
            pass
        with lock:
            socks.append(s)
threads = [threading.Thread(target=opener, args=(n // 10,)) for _ in range(10)]
for t in threads:
    t.start()
for t in threads:
    t.join()
with open("flood.ready", "w") as f:
    f.write("open %d\n" % len(socks))
while True:
    time.sleep(1)
    for s in socks:
        try:
            s.send(b"a")
        except OSError:
            pass
EOF

test_expect_success 'config.ini' '
    write_dashboard_config
'

test_expect_success 'a dashboard limited to 1024 open files' '
    (ulimit -n 1024 && exec codis dashboard -c config.ini -L dashboard.log \
        --addr="$DASHBOARD_ADDR" --http-log=request.log >dashboard.out 2>&1) &
    DASHBOARD_PID=$! &&
    test_atexit "stop_pid $DASHBOARD_PID" &&
    wait_until "curl -sf http://$DASHBOARD_ADDR/api/server_groups" &&
    grep "Max open files *1024" /proc/$DASHBOARD_PID/limits
'

test_expect_success '1,100 slow connections are opened and held' '
    python3 flood.py 127.0.0.1 ${DASHBOARD_ADDR#*:} 1100 &
    FLOOD_PID=$! &&
    test_atexit "stop_pid $FLOOD_PID" &&
    wait_until "test -s flood.ready" 60 &&
    echo "open 1100" >expect && test_cmp expect flood.ready
'

test_expect_success 'the dashboard still answers the API and codis config' '
    wait_until "curl -sf -m 5 http://$DASHBOARD_ADDR/api/server_groups" 30 &&
    codis-config server add-group 1 >out &&
    grep "\"msg\": \"OK\"" out &&
    curl -sf -m 5 "http://$DASHBOARD_ADDR/api/server_group/1" >group &&
    grep "\"id\": 1" group
'

test_expect_success 'it stayed below its file limit and said why it closed some' '
    ls /proc/$DASHBOARD_PID/fd >fds &&
    test $(wc -l <fds) -lt 1024 &&
    grep "connections open, the most allowed: closing the oldest" \
        dashboard.log &&
    ! grep "Error from accept" dashboard.out
'

test_expect_success 'when the flood ends the dashboard is as before' '
    stop_pid $FLOOD_PID &&
    wait_until "test \$(ls /proc/$DASHBOARD_PID/fd | wc -l) -lt 100" 60 &&
    curl -sf http://$DASHBOARD_ADDR/api/server_groups >/dev/null
'

test_done
