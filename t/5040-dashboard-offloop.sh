#!/bin/sh
test_description="the dashboard answers the overview, the page and reads while a change waits for a stopped proxy (handlers that wait run off the event loop), and runs changes one at a time in order"
# A proxy stopped with SIGSTOP cannot acknowledge an action: the change
# waits until action_timeout, long here, so nothing but the proxy's
# return ends it. What must answer meanwhile is then ordered before the
# change's end, with no timing in the test.
ACTION_TIMEOUT_MS=600000
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"

command -v redis-cli >/dev/null || skip_all 'redis-cli is missing'
test -f "$TEST_DIRECTORY/lib-proxy.sh" || skip_all 'no t/lib-proxy.sh'
. "$TEST_DIRECTORY/lib-proxy.sh"
test -x "$COORD_TOOL" || skip_all "$COORD_TOOL is not built (make)"

P=/zk/codis/db_test

# action_count: the number of actions posted so far.
action_count() {
    coord_children $P/actions >actions.list &&
    wc -l <actions.list
}

# post_json METHOD PATH BODY NAME: send a change in the background; its
# HTTP status goes to NAME.status once it is answered, its pid to NAME.pid.
post_json() {
    curl -s -o "$4.out" -w '%{http_code}\n' -X "$1" \
        -H 'Content-Type: application/json' -d "$3" \
        "http://$DASHBOARD_ADDR$2" >"$4.tmp" &&
    mv "$4.tmp" "$4.status" &
    echo $! >"$4.pid"
}

test_expect_success 'setup: dashboard, one group with the slots, an empty group, an online proxy' '
    write_dashboard_config &&
    start_dashboard &&
    start_codis_server && S1=$SERVER_ADDR &&
    codis-config server add 1 $S1 master &&
    codis-config slot init &&
    codis-config slot range-set 0 1023 1 online &&
    codis-config server add-group 2 &&
    start_codis_server && S2=$SERVER_ADDR &&
    cp config.ini proxy.ini &&
    echo proxy_id=p1 >>proxy.ini &&
    start_proxy -c proxy.ini &&
    wait_until "coord_node $P/proxy/p1" &&
    codis-config proxy online p1 &&
    wait_until "redis-cli -p $PROXY_PORT ping | grep -q PONG" &&
    curl -sf "http://$DASHBOARD_ADDR/api/overview" >overview &&
    grep "\"product\": \"test\"" overview
'

test_expect_success 'while a change waits for a stopped proxy, reads and the page answer' '
    kill -STOP $PROXY_PID &&
    test_when_finished "kill -CONT $PROXY_PID" &&
    before=$(action_count) &&
    post_json PUT /api/server_group/2/addServer \
        "{\"addr\": \"$S2\", \"type\": \"master\"}" change1 &&
    wait_until "test \$(action_count) -gt $before" 60 &&
    post_json PUT /api/server_groups "{\"id\": 3}" change2 &&
    curl -sf -m 120 "http://$DASHBOARD_ADDR/api/overview" >overview &&
    grep "\"product\": \"test\"" overview &&
    grep "\"role\": \"master\"" overview &&
    curl -sf -m 120 "http://$DASHBOARD_ADDR/admin/" >page &&
    test -s page &&
    curl -sf -m 120 "http://$DASHBOARD_ADDR/api/server_groups" >groups &&
    grep "$S1" groups &&
    curl -sf -m 120 "http://$DASHBOARD_ADDR/api/redis/$S1/stat" >stat &&
    grep "\"maxmemory\"" stat &&
    curl -sf -m 120 "http://$DASHBOARD_ADDR/api/slots" >slots &&
    grep "\"id\": 1023" slots &&
    curl -sf -m 120 "http://$DASHBOARD_ADDR/api/proxy/list" >proxies &&
    grep "\"id\": \"p1\"" proxies &&
    # the change still waits (its proxy is stopped), and the second
    # change waits behind it: changes run one at a time, in order
    kill -0 $(cat change1.pid) &&
    test ! -e change1.status &&
    test ! -e change2.status &&
    kill -CONT $PROXY_PID &&
    wait_until "test -e change1.status" 60 &&
    echo 200 >expect &&
    test_cmp expect change1.status &&
    wait_until "test -e change2.status" 60 &&
    test_cmp expect change2.status &&
    curl -sf -m 120 "http://$DASHBOARD_ADDR/api/server_group/2" >group2 &&
    grep "\"addr\": \"$S2\"" group2 &&
    curl -sf -m 120 "http://$DASHBOARD_ADDR/api/server_group/3" >group3
'

test_expect_success 'the request log has the waiting change after the reads it let through' '
    grep -n "GET /api/overview 200" request.log | tail -1 | cut -d: -f1 >overview.line &&
    grep -n "PUT /api/server_group/2/addServer 200" request.log | cut -d: -f1 >change.line &&
    test "$(cat overview.line)" -lt "$(cat change.line)"
'

test_done
