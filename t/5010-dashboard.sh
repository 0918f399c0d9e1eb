#!/bin/sh
# The coordinator of this run: the embedded store, or a real ZooKeeper
# when DASHBOARD_COORD=zookeeper (t/5012-dashboard-zk.sh runs this same
# script that way).
DASHBOARD_COORD=${DASHBOARD_COORD:-filesystem}
test_description="the Codis 2 tutorial management steps through codis-config and the dashboard ($DASHBOARD_COORD coordinator)"
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"

command -v redis-cli >/dev/null || skip_all 'redis-cli is missing'
case $DASHBOARD_COORD in
filesystem)
    ;;
zookeeper)
    . "$TEST_DIRECTORY/lib-zk.sh"
    test_have_prereq ZOOKEEPER || skip_all "$ZK_MISSING"
    test_set_prereq ZK
    ;;
*)
    skip_all "unknown DASHBOARD_COORD '$DASHBOARD_COORD'"
    ;;
esac
test -x "$COORD_TOOL" || skip_all "$COORD_TOOL is not built (make)"

P=/zk/codis/db_test

# registered_as PID: the dashboard node names process PID.
registered_as() {
    coord_node $P/dashboard >reg &&
    grep -q "\"pid\":$1[,}]" reg
}

# overview_has_ops: the overview reports some cluster ops/s.
overview_has_ops() {
    curl -sf "http://$DASHBOARD_ADDR/api/overview" >overview &&
    grep -q '"ops": [1-9]' overview
}

test_expect_success ZK 'start zookeeper' '
    start_zk
'

test_expect_success 'start the dashboard, registered in the coordinator' '
    if test_have_prereq ZK
    then
        write_dashboard_config zookeeper "$ZK_ADDR"
    else
        write_dashboard_config
    fi &&
    start_dashboard &&
    coord_node $P/dashboard >reg &&
    grep "\"addr\":\"$DASHBOARD_ADDR\"" reg &&
    grep "\"pid\":$DASHBOARD_PID" reg &&
    ok_json
'

test_expect_success 'a second dashboard for the product is refused, naming the first' '
    test_must_fail codis dashboard -c config.ini --addr=127.0.0.1:$(free_port) \
        --http-log=second.log 2>err &&
    grep "dashboard already exists" err &&
    grep "$DASHBOARD_ADDR" err
'

test_expect_success 'server add-group creates groups' '
    codis-config server add-group 1 >out &&
    test_cmp expect_ok out &&
    codis-config server add-group 2 >out &&
    test_cmp expect_ok out &&
    coord_children $P/servers >groups &&
    printf "group_1\ngroup_2\n" >expect &&
    test_cmp expect groups
'

test_expect_success 'start three codis servers' '
    start_codis_server && S1=$SERVER_ADDR && S1_PID=$SERVER_PID &&
    start_codis_server && S2=$SERVER_ADDR && S2_PID=$SERVER_PID &&
    start_codis_server && S3=$SERVER_ADDR
'

test_expect_success 'server add: the first server of a group is its master' '
    codis-config server add 1 $S1 master >out &&
    test_cmp expect_ok out &&
    codis-config server add 2 $S3 master >out &&
    test_cmp expect_ok out &&
    coord_node $P/servers/group_1/$S1 >node &&
    echo "{\"type\":\"master\",\"group_id\":1,\"addr\":\"$S1\"}" >expect &&
    test_cmp expect node
'

test_expect_success SLAVEOF 'server add: a slave is told SLAVEOF its master' '
    codis-config server add 1 $S2 slave >out &&
    test_cmp expect_ok out &&
    coord_node $P/servers/group_1/$S2 >node &&
    echo "{\"type\":\"slave\",\"group_id\":1,\"addr\":\"$S2\"}" >expect &&
    test_cmp expect node &&
    redis-cli -p ${S2#*:} info >info &&
    grep "master_port:${S1#*:}" info
'

test_expect_success NO_SLAVEOF 'server add: a slave the server cannot replicate is a JSON error' '
    dashboard_api PUT /api/server_group/1/addServer \
        "{\"addr\": \"$S2\", \"type\": \"slave\"}" >body &&
    echo 502 >expect &&
    test_cmp expect status &&
    grep "\"ret\": -1" body &&
    grep "cannot make '"'"'$S2'"'"' a slave of '"'"'$S1'"'"'" body &&
    grep "SLAVEOF" body &&
    test_expect_code 1 codis-config server add 1 $S2 slave 2>err &&
    grep "a slave of" err &&
    ! coord_node $P/servers/group_1/$S2
'

# codis_fields FILE: the server list in FILE with only Codis 2's fields
# of each server (type, group_id, addr): the dashboard adds what it sees
# live (role, link, offset, lag, seen_ms_ago) once its keeper has looked.
codis_fields() {
    python3 -c '
import json, sys
groups = json.load(open(sys.argv[1]))
for g in groups:
    g["servers"] = [{k: s[k] for k in ("type", "group_id", "addr")}
                    for s in g["servers"]]
print(json.dumps(groups, indent=4))' "$1"
}

test_expect_success 'server list prints the groups like Codis' '
    codis-config server list >out &&
    if test_have_prereq SLAVEOF
    then
        slave_entry=",
            {
                \"type\": \"slave\",
                \"group_id\": 1,
                \"addr\": \"$S2\"
            }"
    else
        slave_entry=
    fi &&
    cat >expect <<EOF_LIST &&
[
    {
        "id": 1,
        "product_name": "test",
        "servers": [
            {
                "type": "master",
                "group_id": 1,
                "addr": "$S1"
            }$slave_entry
        ]
    },
    {
        "id": 2,
        "product_name": "test",
        "servers": [
            {
                "type": "master",
                "group_id": 2,
                "addr": "$S3"
            }
        ]
    }
]
EOF_LIST
    codis_fields out >actual &&
    codis_fields expect >expected &&
    test_cmp expected actual
'

test_expect_success 'slot init writes 1024 offline slots' '
    codis-config slot init >out &&
    test_cmp expect_ok out &&
    coord_children $P/slots >slots &&
    test_line_count = 1024 slots &&
    coord_node $P/slots/slot_1023 >node &&
    echo "{\"product_name\":\"test\",\"id\":1023,\"group_id\":-1,\"state\":{\"status\":\"offline\",\"migrate_status\":{\"from\":-1,\"to\":-1},\"last_op_ts\":\"0\"}}" >expect &&
    test_cmp expect node
'

test_expect_success 'slot init again needs -f' '
    test_must_fail codis-config slot init 2>err &&
    grep "slots already initialized" err &&
    codis-config slot init -f >out &&
    test_cmp expect_ok out
'

test_expect_success 'slot range-set assigns slots to groups' '
    codis-config slot range-set 0 511 1 online >out &&
    test_cmp expect_ok out &&
    codis-config slot range-set 512 1023 2 online >out &&
    test_cmp expect_ok out &&
    coord_node $P/slots/slot_511 >node &&
    grep "\"group_id\":1,\"state\":{\"status\":\"online\"" node &&
    coord_node $P/slots/slot_512 >node &&
    grep "\"group_id\":2,\"state\":{\"status\":\"online\"" node
'

test_expect_success 'every range-set posted a confirmed action' '
    coord_children $P/actions >actions &&
    coord_node $P/actions/$(tail -n 1 actions) >action &&
    grep "\"type\":\"multi_slot_changed\"" action &&
    grep "\"target\":{\"from\":512,\"to\":1023,\"status\":\"online\",\"group_id\":2}" action &&
    coord_children $P/ActionResponse >responses &&
    test_cmp actions responses
'

test_expect_success 'the product tree has the Codis 2 layout; no lock is left' '
    # failover/<gid>: the keeper'"'"'s in-sync records, once a master answered
    coord_children $P | grep -vx failover | LC_ALL=C sort >top &&
    printf "%s\n" ActionResponse LOCK actions dashboard fence migrate_tasks \
        proxy servers slots >expect &&
    test_cmp expect top &&
    coord_children $P/LOCK >locks &&
    test_line_count = 0 locks
'

test_expect_success 'slot info shows one slot' '
    codis-config slot info 5 >out &&
    grep "\"id\": 5," out &&
    grep "\"group_id\": 1," out &&
    grep "\"status\": \"online\"" out
'

test_expect_success 'slot set on an owned slot says to migrate' '
    test_must_fail codis-config slot set 5 2 online 2>err &&
    grep "slot 5 is not offline" err
'

test_expect_success 'remove-group is refused while the group owns slots' '
    test_must_fail codis-config server remove-group 1 2>err &&
    grep "group 1 is still used by slot 0" err &&
    coord_children $P/servers >groups &&
    grep group_1 groups
'

test_expect_success 'the master cannot be removed' '
    test_must_fail codis-config server remove 1 $S1 2>err &&
    grep "cannot remove master, use promote first" err
'

test_expect_success SLAVEOF 'server promote makes the slave master, the live old master its slave' '
    codis-config server promote 1 $S2 >out &&
    test_cmp expect_ok out &&
    coord_node $P/servers/group_1/$S2 >node &&
    grep "\"type\":\"master\"" node &&
    coord_node $P/servers/group_1/$S1 >node &&
    grep "\"type\":\"slave\"" node &&
    redis-cli -p ${S1#*:} info replication >info &&
    grep "master_port:${S2#*:}" info &&
    redis-cli -p ${S2#*:} info >info &&
    grep "role:master" info
'

test_expect_success SLAVEOF 'promote needs a slave' '
    test_must_fail codis-config server promote 1 $S2 2>err &&
    grep "already the master" err
'

test_expect_success SLAVEOF 'the old master, now a slave, can be removed' '
    codis-config server remove 1 $S1 >out &&
    test_cmp expect_ok out &&
    ! coord_node $P/servers/group_1/$S1
'

test_expect_success 'an empty group can be removed' '
    codis-config server add-group 3 >out &&
    codis-config server remove-group 3 >out &&
    test_cmp expect_ok out &&
    ! coord_children $P/servers/group_3
'

test_expect_success 'proxy list is empty; overview and stat answer' '
    codis-config proxy list >out &&
    echo "[]" >expect &&
    test_cmp expect out &&
    curl -sf http://$DASHBOARD_ADDR/api/overview >overview &&
    grep "\"product\": \"test\"" overview &&
    grep "\"role\": \"master\"" overview &&
    if test_have_prereq SLAVEOF; then M1=$S2; else M1=$S1; fi &&
    curl -sf http://$DASHBOARD_ADDR/api/redis/$M1/stat >stat &&
    grep "\"maxmemory\"" stat &&
    curl -sf http://$DASHBOARD_ADDR/api/redis/group/1/5/slotinfo >si &&
    grep "\"keys\": 0" si &&
    grep "\"addr\": \"$M1\"" si
'

test_expect_success 'a hung master does not stall the overview or the API' '
    if test_have_prereq SLAVEOF; then M1_PID=$S2_PID; else M1_PID=$S1_PID; fi &&
    kill -STOP $M1_PID &&
    test_when_finished "kill -CONT $M1_PID" &&
    for i in 1 2 3
    do
        curl -sf -m 5 http://$DASHBOARD_ADDR/api/overview >overview &&
        grep "\"product\": \"test\"" overview &&
        curl -sf -m 5 http://$DASHBOARD_ADDR/api/server_groups >/dev/null ||
        return 1
    done &&
    dashboard_api GET /api/redis/$M1/stat >body &&
    echo 502 >expect &&
    test_cmp expect status &&
    grep "\"msg\": .*$M1" body
'

test_expect_success 'action remove-lock, remove-fence and gc' '
    codis-config action remove-lock >out &&
    test_cmp expect_ok out &&
    codis-config action remove-fence >out &&
    test_cmp expect_ok out &&
    codis-config action gc -n 0 >out &&
    test_cmp expect_ok out &&
    coord_children $P/actions >before &&
    test -s before &&
    wait_until "codis-config action gc -s 0 && ! coord_children $P/actions | grep -q ." 10 &&
    ! coord_children $P/ActionResponse | grep -q .
'

test_expect_success 'every request is in the http log' '
    grep "PUT /api/server_groups 200" request.log &&
    grep "POST /api/slot 200" request.log &&
    grep "POST /api/slot 409" request.log
'

test_expect_success 'the overview sums the online proxies'"'"' ops from /debug/vars' '
    vars_port=$(free_port) &&
    { python3 -c "
import http.server, json, sys
ops = [0]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ops[0] += 50
        body = json.dumps({\"router\": {\"ops\": ops[0]}}).encode()
        self.send_response(200 if self.path == \"/debug/vars\" else 404)
        self.send_header(\"Content-Length\", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
http.server.HTTPServer((\"127.0.0.1\", $vars_port), H).serve_forever()
" & } &&
    vars_pid=$! &&
    test_atexit "stop_pid $vars_pid" &&
    wait_until "curl -sf http://127.0.0.1:$vars_port/debug/vars" &&
    coord_create_node $P/proxy/p1 \
        "{\"id\":\"p1\",\"addr\":\"127.0.0.1:1\",\"state\":\"online\",\"debug_var_addr\":\"127.0.0.1:$vars_port\"}" &&
    codis-config proxy list >out &&
    grep "\"debug_var_addr\": \"127.0.0.1:$vars_port\"" out &&
    wait_until overview_has_ops &&
    grep "\"ops_total\": [1-9]" overview
'

# On ZooKeeper the killed dashboard's session (and its ephemeral
# registration) outlives it by up to zk_session_timeout: the new one must
# not wait for that, but see the old address is dead and take over.
test_expect_success 'kill -9 of the dashboard, then an immediate restart works' '
    kill -9 $DASHBOARD_PID &&
    wait $DASHBOARD_PID;
    killed_pid=$DASHBOARD_PID &&
    start_dashboard &&
    coord_node $P/dashboard >reg &&
    grep "\"pid\":$DASHBOARD_PID" reg &&
    codis-config server list >out &&
    grep "$S3" out &&
    if test_have_prereq ZK && grep -q "removing stale dashboard" dashboard.log
    then
        # on a busy machine the old session may have expired first
        grep "removing stale dashboard registration .*\"pid\":$killed_pid" \
            dashboard.log
    fi
'

test_expect_success 'a lock held by a killed process is released' '
    coord_hold_lock $P/LOCK &&
    coord_children $P/LOCK >locks &&
    grep -x "lock-[0-9]\{10\}" locks &&
    echo "$P/LOCK/$(cat locks)" >expect &&
    test_cmp expect held.out &&
    test_must_fail codis-config server add-group 4 2>err &&
    grep "another operation holds the lock of .test. (holder .*\"desc\":\"held by a test\"" err &&
    kill -9 $LOCK_HOLDER_PID &&
    wait $LOCK_HOLDER_PID;
    wait_until "codis-config server add-group 4" 20 &&
    coord_children $P/servers >groups &&
    grep "^group_4\$" groups &&
    codis-config server remove-group 4 >out &&
    test_cmp expect_ok out
'

test_expect_success 'the registration outlives the killed dashboard'"'"'s session' '
    coord_node $P/dashboard >reg &&
    grep "\"pid\":$DASHBOARD_PID" reg &&
    curl -sf http://$DASHBOARD_ADDR/api/server_groups >/dev/null
'

# A dashboard stopped longer than its session loses its ephemeral node to
# ZooKeeper; once running again it must notice and register again.
test_expect_success ZK 'a dashboard whose session expired registers again' '
    kill -STOP $DASHBOARD_PID &&
    test_when_finished "kill -CONT $DASHBOARD_PID" &&
    wait_until "! coord_node $P/dashboard" 20 &&
    kill -CONT $DASHBOARD_PID &&
    wait_until "registered_as $DASHBOARD_PID" 20 &&
    grep "coordinator session expired: registering again" dashboard.log &&
    codis-config server list >out &&
    grep "$S3" out
'

# If a newer dashboard registered while the old one's session was gone,
# the old one must not fight for the node: it stops (with an error).
test_expect_success ZK 'a dashboard that lost its node to a newer one exits' '
    old_pid=$DASHBOARD_PID &&
    kill -STOP $old_pid &&
    test_when_finished "kill -CONT $old_pid" &&
    wait_until "! coord_node $P/dashboard" 20 &&
    DASHBOARD_ADDR=127.0.0.1:$(free_port) &&
    start_dashboard &&
    registered_as $DASHBOARD_PID &&
    kill -CONT $old_pid &&
    wait_until "grep -q \"dashboard\\[$old_pid\\] cannot register again: dashboard already exists\" dashboard.log" 20 &&
    test_expect_code 1 wait $old_pid &&
    registered_as $DASHBOARD_PID
'

test_expect_success 'SIGTERM deregisters and exits 0' '
    kill $DASHBOARD_PID &&
    wait $DASHBOARD_PID &&
    ! coord_node $P/dashboard
'

test_expect_success 'codis-config dashboard runs the dashboard' '
    codis-config -c config.ini dashboard --addr=$DASHBOARD_ADDR \
        --http-log=cli-request.log >cli-dash.out 2>&1 &
    cli_pid=$! &&
    test_atexit "stop_pid $cli_pid" &&
    wait_until "curl -sf http://$DASHBOARD_ADDR/api/server_groups" &&
    coord_node $P/dashboard >reg &&
    grep "\"pid\":$cli_pid" reg &&
    grep "GET /api/server_groups 200" cli-request.log &&
    kill $cli_pid &&
    wait $cli_pid
'

test_done
