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
#   start_codis_server [ARGS...]
#       start a real codis server (see below).
#   dashboard_api METHOD PATH [BODY]
#       curl the API as codis config does (Content-Type: application/json,
#       the credentials of DASHBOARD_USERPASS when set): prints the body,
#       exit 0 for any HTTP status; the status goes to the file 'status'.
#   coord_node PATH / coord_children PATH
#       read a node of the coordinator the last write_dashboard_config
#       chose (COORD_KIND, COORD_ADDR): the embedded store's files, or
#       ZooKeeper through t/unit/coord_tool.
#   coord_create_node PATH DATA
#       create a persistent node (and its parents) in that coordinator.
#   coord_hold_lock DIR
#       a background process takes the lock DIR and holds it; sets
#       LOCK_HOLDER_PID (stopped at exit).
#   keys_for_slots FIRST LAST N
#       print N keys for each slot FIRST..LAST, one per line.
#   fill PORT KEYFILE / values PORT KEYFILE
#       SET every key of KEYFILE to "v-<key>" / print "key value" for each.
#   values_filled PORT KEYFILE
#       every key of KEYFILE reads "v-<key>" on PORT.
#   ok_json / config_ok ARGS...
#       write Codis's OK answer to expect_ok / codis-config ARGS answers it.
#   slots_split_online
#       slots 0-511 online on group 1, 512-1023 on group 2.
#   migrate_two_groups
#       dashboard, S1 in group 1 and S2 in group 2, every slot in group 1.
#   rebalance_queued_then_done SECONDS
#       SLOT REBALANCE queues tasks (paused), which then end.
#   tasks_done / task_moved_some / migrate_held
#       the dashboard has no migrate task left / a migrate task runs and
#       has moved keys / the runner holds on POST /api/migrate/pause (for
#       wait_until).
#
# ZooKeeper sessions of the dashboard, codis-config and coord_tool last
# COORD_SESSION_MS (default 4000 ms: a killed owner's ephemeral nodes go
# soon, and a session survives a busy machine; t/lib-zk.sh's server
# accepts 1000..10000).

COORD_SESSION_MS=${COORD_SESSION_MS:-4000}
# How long the dashboard waits for proxies' acknowledgements: long enough
# for a proxy on a machine loaded by other work (2 s was not, at load 25).
ACTION_TIMEOUT_MS=${ACTION_TIMEOUT_MS:-15000}

COORD_TOOL=${CODIS_UNIT_DIR:-$TEST_DIRECTORY/unit}/coord_tool

write_dashboard_config() {
    DASHBOARD_PORT=$(free_port) &&
    DASHBOARD_ADDR=127.0.0.1:$DASHBOARD_PORT &&
    COORD_KIND=${1:-filesystem} &&
    COORD_ADDR=${2:-$TRASH_DIRECTORY/coord} &&
    cat >config.ini <<EOF_CONF
coordinator=$COORD_KIND
zk=$COORD_ADDR
zk_session_timeout=$COORD_SESSION_MS
product=test
dashboard_addr=$DASHBOARD_ADDR
action_timeout=$ACTION_TIMEOUT_MS
EOF_CONF
}

start_dashboard() {
    codis dashboard -c config.ini -L dashboard.log --addr="$DASHBOARD_ADDR" \
        --http-log=request.log "$@" >dashboard.out 2>&1 &
    DASHBOARD_PID=$!
    test_atexit "stop_pid $DASHBOARD_PID"
    dashboard_deadline=$(( $(date +%s) + 20 ))
    while ! curl -sf "http://$DASHBOARD_ADDR/api/login" >/dev/null 2>&1; do
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
    # $4 $5: the credentials, or a harmless header in their place
    if [ -n "$DASHBOARD_USERPASS" ]; then
        set -- "$1" "$2" "$3" -u "$DASHBOARD_USERPASS"
    else
        set -- "$1" "$2" "$3" -H 'Accept: application/json'
    fi
    if [ -n "$3" ]; then
        curl -s -o api.out -w '%{http_code}\n' -X "$1" -d "$3" \
            -H 'Content-Type: application/json' "$4" "$5" \
            "http://$DASHBOARD_ADDR$2" >status
    else
        curl -s -o api.out -w '%{http_code}\n' -X "$1" \
            -H 'Content-Type: application/json' "$4" "$5" \
            "http://$DASHBOARD_ADDR$2" >status
    fi
    cat api.out
}

# start_codis_server [ARGS...]: start a real `codis server` (start_server
# of t/lib-server.sh, ARGS passed on) on a free port; sets SERVER_ADDR
# (and SERVER_PORT, SERVER_PID ...). Stopped at exit. The first call also
# sets prerequisites from what the server supports, for tests that need a
# feature other helpers are still writing:
#   SLAVEOF / NO_SLAVEOF        replication (SLAVEOF)
#   SLOTSMGRT / NO_SLOTSMGRT    migration (SLOTSMGRTSLOT and SLOTSRESTORE)
start_codis_server() {
    start_server "$@" &&
    SERVER_ADDR=127.0.0.1:$SERVER_PORT &&
    if [ -z "$codis_server_probed" ]; then
        codis_server_probed=yes &&
        if server_has_command slaveof; then
            test_set_prereq SLAVEOF
        else
            test_set_prereq NO_SLAVEOF
        fi &&
        if server_has_command slotsmgrtslot &&
            server_has_command slotsrestore; then
            test_set_prereq SLOTSMGRT
        else
            test_set_prereq NO_SLOTSMGRT
        fi
    fi
}

# server_has_command NAME: the last started server knows command NAME
# (asked with CODIS_SERVER_PASSWORD if set).
server_has_command() {
    redis-cli -p "$SERVER_PORT" \
        ${CODIS_SERVER_PASSWORD:+-a "$CODIS_SERVER_PASSWORD" --no-auth-warning} \
        command info "$1" >has-command.out 2>&1 &&
    grep -qi "^$1\$" has-command.out
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

# keys_for_slots FIRST LAST N: print N keys for each slot FIRST..LAST,
# one per line (Codis's crc32 % 1024 of the whole key).
keys_for_slots() {
    python3 - "$1" "$2" "$3" <<'PYEOF'
import sys, zlib
first, last, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
need = {s: n for s in range(first, last + 1)}
i = 0
while any(need.values()):
    key = "key:%d" % i
    slot = zlib.crc32(key.encode()) % 1024
    if need.get(slot, 0) > 0:
        need[slot] -= 1
        print(key)
    i += 1
PYEOF
}

# fill PORT KEYFILE: SET every key of KEYFILE to "v-<key>" on PORT.
fill() {
    sed -e 's/.*/SET & v-&/' "$2" >fill.cmds &&
    redis-cli -p "$1" <fill.cmds >fill.out &&
    ! grep -v '^OK$' fill.out
}

# values PORT KEYFILE: print "key value" for every key of KEYFILE on PORT.
values() {
    sed -e 's/^/GET /' "$2" >get.cmds &&
    redis-cli -p "$1" <get.cmds >get.out &&
    paste -d ' ' "$2" get.out
}

# values_filled PORT KEYFILE: every key of KEYFILE reads "v-<key>" (as
# fill wrote it) on PORT; the difference shows if not.
values_filled() {
    sed -e "s/.*/& v-&/" "$2" >expect.values &&
    values "$1" "$2" >actual.values &&
    test_cmp expect.values actual.values
}

# tasks_done: the dashboard has no migrate task left.
tasks_done() {
    dashboard_api GET /api/migrate/tasks >tasks &&
    test "$(tr -d " \n" <tasks)" = "[]"
}

# task_moved_some: a migrate task runs and has moved keys.
task_moved_some() {
    dashboard_api GET /api/migrate/status >st &&
    grep -q '"moved": [1-9]' st
}

# migrate_held: the migrate runner holds after a step, as paused.
migrate_held() {
    dashboard_api GET /api/migrate/status >st &&
    grep -q '"held": true' st
}

# coord_node PATH: print the data of coordinator node PATH
# ("/zk/codis/db_test/slots/slot_5") with a newline; fails if the node
# does not exist. The embedded store is read from its files in ./coord.
coord_node() {
    coord_read get "$1"
}

# coord_children PATH: list the children of node PATH, one per line.
coord_children() {
    coord_read children "$1"
}

# coord_read get|children PATH: what coord_node / coord_children print,
# from ZooKeeper through coord_tool or from the embedded store's files.
coord_read() {
    if [ "$COORD_KIND" = zookeeper ]; then
        coord_tool "$1" "$2"
        return
    fi
    coord_node_dir=$TRASH_DIRECTORY/coord/tree$(echo "$2" | sed -e 's|/|/_|g')
    case "$1" in
    get)
        test -f "$coord_node_dir/@node" &&
        tail -n +2 "$coord_node_dir/@node" &&
        echo ;;
    children)
        test -d "$coord_node_dir" &&
        ls "$coord_node_dir" | sed -n -e 's/^_//p' | sort ;;
    esac
}

# coord_tool CMD ARGS...: t/unit/coord_tool on the configured coordinator.
coord_tool() {
    "$COORD_TOOL" "$COORD_KIND" "$COORD_ADDR" "$COORD_SESSION_MS" "$@"
}

coord_create_node() {
    coord_tool create "$1" "$2"
}

coord_hold_lock() {
    # The binary itself in the background (not the coord_tool function,
    # whose subshell a kill -9 would leave the holder orphaned behind).
    "$COORD_TOOL" "$COORD_KIND" "$COORD_ADDR" "$COORD_SESSION_MS" lock "$1" \
        '{"hostname":"test","pid":0,"desc":"held by a test"}' >held.out &
    LOCK_HOLDER_PID=$!
    test_atexit "stop_pid $LOCK_HOLDER_PID"
    wait_until "test -s held.out || ! kill -0 $LOCK_HOLDER_PID" 20 &&
    test -s held.out
}

# ok_json: write Codis's OK answer to the file 'expect_ok'.
ok_json() {
    printf '{\n    "msg": "OK",\n    "ret": 0\n}\n' >expect_ok
}

# config_ok ARGS...: `codis-config ARGS` answers Codis's OK (expect_ok,
# from ok_json); its answer is in the file 'out'.
config_ok() {
    codis-config "$@" >out && test_cmp expect_ok out
}

# slots_split_online: init the slots and put 0-511 online on group 1 and
# 512-1023 on group 2 (both groups have a master).
slots_split_online() {
    config_ok slot init &&
    config_ok slot range-set 0 511 1 online &&
    config_ok slot range-set 512 1023 2 online
}

. "$TEST_DIRECTORY/lib-server.sh"

# migrate_two_groups: a dashboard (config.ini, expect_ok), codis servers
# S1 (master of group 1) and S2 (master of group 2, S2_PID) and every
# slot online in group 1; skips the script when the server cannot
# migrate slots asynchronously.
migrate_two_groups() {
    write_dashboard_config &&
    start_dashboard &&
    ok_json &&
    start_codis_server && S1=$SERVER_PORT || return 1
    test_have_prereq SLOTSMGRT || skip_all "codis server lacks slot migration"
    server_has_command slotsmgrttagslot-async ||
        skip_all "codis server lacks SLOTSMGRTTAGSLOT-ASYNC"
    start_codis_server && S2=$SERVER_PORT S2_PID=$SERVER_PID &&
    config_ok server add 1 127.0.0.1:$S1 master &&
    config_ok server add 2 127.0.0.1:$S2 master &&
    config_ok slot init &&
    config_ok slot range-set 0 1023 1 online
}

# rebalance_queued_then_done SECONDS: with the migration queue paused,
# SLOT REBALANCE queues tasks and /api/rebalance/status says it is
# rebalancing; resumed, the tasks end within SECONDS and it says no more.
rebalance_queued_then_done() {
    dashboard_api POST /api/migrate/pause >out &&
    codis-config slot rebalance >out &&
    migrate_queued out &&
    dashboard_api GET /api/rebalance/status >st &&
    grep "\"is_rebalancing\": true" st &&
    dashboard_api POST /api/migrate/resume >out &&
    wait_until tasks_done "$1" &&
    dashboard_api GET /api/rebalance/status >st &&
    grep "\"is_rebalancing\": false" st
}

# migrate_queued FILE: FILE holds the dashboard's answer to a queued
# migration or rebalance: Codis's OK plus the number of tasks queued.
migrate_queued() {
    grep -q "\"msg\": \"OK\"" "$1" &&
    grep -q "\"tasks\": [0-9]" "$1"
}
