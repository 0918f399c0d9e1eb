#!/bin/sh
test_description='codis-proxy admin: log level at run time over HTTP, SIGHUP reopens the log file'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-proxy.sh"

test_have_prereq CURL || skip_all 'curl is missing'

# http METHOD PATH: curl the proxy's HTTP address; the body goes to
# 'body', the status is printed.
http() {
    curl -s -o body -w '%{http_code}' -X "$1" "http://$PROXY_HTTP$2"
}

test_expect_success 'a proxy in front of one server' '
    start_server &&
    echo "[{\"id\": 0, \"backend_addr\": \"127.0.0.1:$SERVER_PORT\"}]" \
        >slots.json &&
    start_proxy --fillslots=slots.json --cpu=1
'

test_expect_success 'PUT /api/loglevel/<level> changes the level' '
    test "$(http PUT /api/loglevel/debug)" = 200 &&
    tr -d " \t\n" <body >flat &&
    printf "{\"level\":\"debug\"}" >expect && test_cmp expect flat &&
    grep "log level set to debug" $PROXY_LOG &&
    test "$(http PUT /api/loglevel/warn)" = 200 &&
    ! grep "log level set to warn" $PROXY_LOG &&
    test "$(http PUT /api/loglevel/info)" = 200 &&
    grep "log level set to info" $PROXY_LOG
'

test_expect_success 'a bad level is refused with 400, another method with 405' '
    test "$(http PUT /api/loglevel/loud)" = 400 &&
    grep "unknown log level .loud." body &&
    test "$(http GET /api/loglevel/debug)" = 405 &&
    test "$(http GET /nothing)" = 404
'

test_expect_success 'PUT /setloglevel?level= (Codis 2 path) works, its GET form is 405' '
    test "$(http PUT "/setloglevel?level=error")" = 200 &&
    test "$(http PUT "/setloglevel?level=info")" = 200 &&
    grep -c "log level set to" $PROXY_LOG >count &&
    echo 3 >expect && test_cmp expect count &&
    test "$(http PUT "/setloglevel?level=nope")" = 400 &&
    test "$(http GET "/setloglevel?level=debug")" = 405 &&
    grep "PUT /api/loglevel" body &&
    grep -c "log level set to" $PROXY_LOG >count &&
    test_cmp expect count
'

test_expect_success 'SIGHUP reopens the log file (logrotate)' '
    mv $PROXY_LOG rotated.log &&
    kill -HUP $PROXY_PID &&
    wait_until "grep -q \"log file reopened\" $PROXY_LOG" &&
    ! grep "log file reopened" rotated.log &&
    pcli ping >out && echo PONG >expect && test_cmp expect out
'

test_expect_success '/debug/vars and /metrics count the commands served' '
    for i in 1 2 3; do pcli set stat:$i $i >/dev/null || return 1; done &&
    pcli get stat:1 >/dev/null &&
    test "$(http GET /debug/vars)" = 200 &&
    python3 -c "import json, sys
v = json.load(open(\"body\"))
cmds = {c[\"cmd\"]: c for c in v[\"router\"][\"cmds\"]}
assert v[\"router\"][\"ops\"] >= 4, v[\"router\"]
assert cmds[\"SET\"][\"calls\"] >= 3 and cmds[\"GET\"][\"calls\"] >= 1, cmds" &&
    curl -s -D headers -o metrics "http://$PROXY_HTTP/metrics" &&
    grep -i "^Content-Type: text/plain; version=0.0.4" headers &&
    grep "^# TYPE codis_proxy_qps gauge" metrics &&
    grep "^codis_proxy_cmd_calls_total{cmd=\"SET\"} [3-9]" metrics &&
    grep "^codis_proxy_slot_table_version [1-9]" metrics
'

test_expect_success 'a config.ini that cannot work is refused at start' '
    printf "coordinator=filesystem\nzk=$TRASH_DIRECTORY/coord\n" >noid.ini &&
    test_must_fail codis proxy -c noid.ini --addr=127.0.0.1:$(free_port) \
        --http-addr=127.0.0.1:$(free_port) 2>err &&
    grep "config: .proxy_id. is required" err &&
    printf "coordinator=etcd\nproxy_id=p\n" >etcd.ini &&
    test_must_fail codis proxy -c etcd.ini 2>err &&
    grep "coordinator. must be zookeeper or filesystem" err &&
    printf "proxy_id=p\nsession_max_pipeline=-1\n" >neg.ini &&
    test_must_fail codis proxy -c neg.ini 2>err &&
    grep "session_max_pipeline" err &&
    printf "proxy_id=a/b\n" >slash.ini &&
    test_must_fail codis proxy -c slash.ini 2>err &&
    grep "bad .proxy_id." err
'

test_done
