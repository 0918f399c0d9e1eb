#!/bin/sh
test_description='the dashboard refuses what another web page could make a browser send: cross-site simple requests, foreign origins, state changes on GET'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"

test_have_prereq CURL || skip_all 'curl is missing'

EVIL=http://evil.example

# slot_states: print the status and group of every slot, one a line.
slot_states() {
    dashboard_api GET /api/slots >slots.json &&
    python3 -c 'import json, sys
for s in json.load(open("slots.json")):
    print(s["id"], s["state"]["status"], s["group_id"])'
}

# raw METHOD PATH CONTENT_TYPE [ORIGIN]: send what a browser sends for a
# form or fetch() of another site (no custom header); the status goes to
# the file 'status', headers to 'headers', the body to 'body'.
raw() {
    curl -s -o body -D headers -w '%{http_code}\n' -X "$1" \
        -H "Content-Type: $3" ${4:+-H "Origin: $4"} -d 'x=1' \
        "http://$DASHBOARD_ADDR$2" >status
}

test_expect_success 'a dashboard with group 1 and slots online' '
    write_dashboard_config &&
    start_dashboard &&
    start_codis_server &&
    dashboard_api PUT /api/server_group/1/addServer \
        "{\"addr\": \"$SERVER_ADDR\", \"type\": \"master\"}" &&
    echo 200 >expect && test_cmp expect status &&
    dashboard_api POST /api/slots/init && test_cmp expect status &&
    dashboard_api POST /api/slot \
        "{\"from\": 0, \"to\": 1023, \"new_group\": 1, \"status\": \"online\"}" &&
    test_cmp expect status &&
    slot_states >before &&
    grep -c "online 1$" before >count &&
    echo 1024 >expect && test_cmp expect count
'

test_expect_success 'a cross-site text/plain POST to slots/init is refused, slots stay' '
    raw POST "/api/slots/init?is_force=1" text/plain "$EVIL" &&
    echo 403 >expect && test_cmp expect status &&
    grep "\"ret\": -1" body &&
    slot_states >after &&
    test_cmp before after
'

test_expect_success 'so are form posts and bodiless POSTs, with or without Origin' '
    for ct in text/plain application/x-www-form-urlencoded \
            "multipart/form-data; boundary=x"; do
        raw POST "/api/slots/init?is_force=1" "$ct" "$EVIL" &&
        echo 403 >expect && test_cmp expect status &&
        raw POST "/api/slots/init?is_force=1" "$ct" &&
        test_cmp expect status || return 1
    done &&
    curl -s -o body -w "%{http_code}\n" -X POST \
        "http://$DASHBOARD_ADDR/api/slots/init?is_force=1" >status &&
    test_cmp expect status &&
    raw POST /api/slot text/plain "$EVIL" &&
    test_cmp expect status &&
    raw DELETE /api/server_group/1 text/plain "$EVIL" &&
    test_cmp expect status &&
    slot_states >after &&
    test_cmp before after &&
    grep "without a JSON Content-Type refused" dashboard.log
'

test_expect_success 'a JSON POST from a foreign Origin is refused too' '
    curl -s -o body -w "%{http_code}\n" -X POST \
        -H "Content-Type: application/json" -H "Origin: $EVIL" \
        -d "{\"from\": 0, \"to\": 9, \"new_group\": 1, \"status\": \"offline\"}" \
        "http://$DASHBOARD_ADDR/api/slot" >status &&
    echo 403 >expect && test_cmp expect status &&
    grep "cross-origin request refused" body &&
    slot_states >after &&
    test_cmp before after
'

test_expect_success 'a JSON request from our own origin goes through' '
    curl -s -o body -w "%{http_code}\n" -X PUT \
        -H "Content-Type: application/json" \
        -H "Origin: http://$DASHBOARD_ADDR" -d "{\"id\": 2}" \
        "http://$DASHBOARD_ADDR/api/server_groups" >status &&
    echo 200 >expect && test_cmp expect status
'

test_expect_success 'no CORS: no Allow-Origin header, preflights refused' '
    curl -s -o body -D headers -H "Origin: $EVIL" \
        "http://$DASHBOARD_ADDR/api/server_groups" &&
    grep "^HTTP/1.1 200" headers &&
    ! grep -i "^Access-Control-Allow-Origin" headers &&
    curl -s -o body -D headers -X OPTIONS -H "Origin: $EVIL" \
        -H "Access-Control-Request-Method: POST" \
        "http://$DASHBOARD_ADDR/api/slots/init" &&
    grep "^HTTP/1.1 403" headers &&
    ! grep -i "^Access-Control-Allow" headers
'

test_expect_success 'Codis 2 GET maintenance forms answer 405 and change nothing' '
    coord_create_node /zk/codis/db_test/LOCK/lock-0000000007 \
        "{\"hostname\":\"h\",\"pid\":1,\"desc\":\"stale\"}" &&
    for path in /api/force_remove_locks /api/remove_fence "/api/action/gc?keep=1"; do
        dashboard_api GET "$path" >body &&
        echo 405 >expect && test_cmp expect status &&
        grep "use POST" body || return 1
    done &&
    coord_children /zk/codis/db_test/LOCK >locks &&
    echo lock-0000000007 >expect && test_cmp expect locks
'

test_expect_success 'codis config action remove-lock uses POST and works' '
    codis-config action remove-lock >out &&
    coord_children /zk/codis/db_test/LOCK >locks &&
    test ! -s locks &&
    codis-config action remove-fence >out &&
    codis-config action gc -n 10 >out &&
    grep "\"msg\": \"OK\"" out
'

test_expect_success 'dashboard_cors_origin grants CORS to that one origin' '
    stop_pid $DASHBOARD_PID &&
    echo "dashboard_cors_origin=https://ops.example" >>config.ini &&
    start_dashboard &&
    curl -s -o body -D headers -X OPTIONS -H "Origin: https://ops.example" \
        -H "Access-Control-Request-Method: POST" \
        "http://$DASHBOARD_ADDR/api/slot" &&
    grep "^HTTP/1.1 204" headers &&
    grep -i "^Access-Control-Allow-Origin: https://ops.example" headers &&
    curl -s -o body -D headers -H "Origin: $EVIL" \
        "http://$DASHBOARD_ADDR/api/server_groups" &&
    ! grep -i "^Access-Control-Allow-Origin" headers &&
    curl -s -o body -w "%{http_code}\n" -X PUT \
        -H "Content-Type: application/json" -H "Origin: https://ops.example" \
        -d "{\"id\": 3}" "http://$DASHBOARD_ADDR/api/server_groups" >status &&
    echo 200 >expect && test_cmp expect status
'

test_expect_success 'a wildcard dashboard_cors_origin is refused at start' '
    sed -e "s|^dashboard_cors_origin=.*|dashboard_cors_origin=*|" config.ini \
        >wild.ini &&
    test_must_fail codis dashboard -c wild.ini --addr=127.0.0.1:$(free_port) \
        2>err &&
    grep "dashboard_cors_origin.* must be one origin" err
'

test_expect_success 'another product for a dashboard on every interface' '
    sed -e "s/^product=.*/product=other/" -e "/^dashboard_cors_origin/d" \
        config.ini >other.ini &&
    OTHER_PORT=$(free_port)
'

test_expect_success 'a dashboard open beyond loopback without dashboard_auth warns' '
    codis dashboard -c other.ini --addr=0.0.0.0:$OTHER_PORT -L other.log \
        --http-log=other-request.log >other.out 2>&1 &
    OTHER_PID=$! &&
    test_atexit "stop_pid $OTHER_PID" &&
    wait_until "grep -q \"listening on\" other.log" &&
    grep "beyond this machine without authentication" other.log &&
    ! grep "without authentication" dashboard.log
'

test_done
