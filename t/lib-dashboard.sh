# t/lib-dashboard.sh: start a codis dashboard for a test.
#
#   write_dashboard_config [COORDINATOR [ADDR]]
#       write config.ini in the scratch dir: coordinator filesystem on
#       ./coord (default), or COORDINATOR/ADDR (zookeeper host:port);
#       dashboard_addr on a free port (DASHBOARD_PORT, DASHBOARD_ADDR);
#       product "test"; extra lines may be appended by the caller.
#   start_dashboard [ARGS...]
#       start `codis dashboard -c config.ini ARGS` in the background,
#       wait until its API answers, fail fast if it died. Sets
#       DASHBOARD_PID; stops it by PID at exit.
#   dashboard_api METHOD PATH [BODY]
#       curl the API: prints the body, exit 0 for any HTTP status; the
#       status goes to the file 'status'.

write_dashboard_config() {
    DASHBOARD_PORT=$(free_port) &&
    DASHBOARD_ADDR=127.0.0.1:$DASHBOARD_PORT &&
    cat >config.ini <<EOF_CONF
coordinator=${1:-filesystem}
zk=${2:-$TRASH_DIRECTORY/coord}
product=test
dashboard_addr=$DASHBOARD_ADDR
action_timeout=2000
EOF_CONF
}

start_dashboard() {
    codis dashboard -c config.ini -L dashboard.log --addr="$DASHBOARD_ADDR" \
        --http-log=request.log "$@" >dashboard.out 2>&1 &
    DASHBOARD_PID=$!
    test_atexit "stop_pid $DASHBOARD_PID"
    dashboard_deadline=$(( $(date +%s) + 20 ))
    while ! curl -sf "http://$DASHBOARD_ADDR/api/server_groups" >/dev/null 2>&1; do
        if ! kill -0 $DASHBOARD_PID 2>/dev/null; then
            echo "start_dashboard: dashboard died:" >&2
            cat dashboard.out dashboard.log >&2 2>/dev/null
            return 1
        fi
        if [ "$(date +%s)" -ge "$dashboard_deadline" ]; then
            echo "start_dashboard: no answer on $DASHBOARD_ADDR" >&2
            return 1
        fi
        sleep 0.05
    done
}

dashboard_api() {
    if [ -n "$3" ]; then
        curl -s -o api.out -w '%{http_code}\n' -X "$1" -d "$3" \
            "http://$DASHBOARD_ADDR$2" >status
    else
        curl -s -o api.out -w '%{http_code}\n' -X "$1" \
            "http://$DASHBOARD_ADDR$2" >status
    fi
    cat api.out
}

# start_codis_server: start a server the dashboard accepts as a codis
# server, on a free port; sets SERVER_ADDR. Until `codis server` is built
# this is the RESP stand-in t/lib-fake-codis.py (it answers PING,
# SLOTSINFO, SLAVEOF, INFO as the dashboard needs). Stopped at exit.
start_codis_server() {
    server_port=$(free_port)
    python3 "$TEST_DIRECTORY/lib-fake-codis.py" "$server_port" \
        "${CODIS_SERVER_PASSWORD:-}" >"server-$server_port.log" 2>&1 &
    server_pid=$!
    test_atexit "stop_pid $server_pid"
    SERVER_ADDR=127.0.0.1:$server_port
    wait_until "kill -0 $server_pid && redis-cli -p $server_port \
        ${CODIS_SERVER_PASSWORD:+-a $CODIS_SERVER_PASSWORD --no-auth-warning} \
        ping | grep -q PONG" 10
}

# start_plain_redis: start Debian's redis-server (not a codis server) on a
# free port; sets REDIS_ADDR. Stopped at exit.
start_plain_redis() {
    redis_port=$(free_port)
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' \
        --daemonize no >"redis-$redis_port.log" 2>&1 &
    redis_pid=$!
    test_atexit "stop_pid $redis_pid"
    REDIS_ADDR=127.0.0.1:$redis_port
    wait_until "kill -0 $redis_pid && redis-cli -p $redis_port ping | grep -q PONG" 10
}

# coord_node PATH: print the data of coordinator node PATH
# ("/zk/codis/db_test/slots/slot_5") of the embedded store in ./coord,
# with a newline; fails if the node does not exist.
coord_node() {
    coord_node_dir=$TRASH_DIRECTORY/coord/tree$(echo "$1" | sed -e 's|/|/_|g') &&
    test -f "$coord_node_dir/@node" &&
    tail -n +2 "$coord_node_dir/@node" &&
    echo
}

# coord_children PATH: list the children of node PATH, one per line.
coord_children() {
    coord_node_dir=$TRASH_DIRECTORY/coord/tree$(echo "$1" | sed -e 's|/|/_|g') &&
    test -d "$coord_node_dir" &&
    ls "$coord_node_dir" | sed -n -e 's/^_//p' | sort
}

# ok_json: write Codis's OK answer to the file 'expect_ok'.
ok_json() {
    printf '{\n    "msg": "OK",\n    "ret": 0\n}\n' >expect_ok
}
