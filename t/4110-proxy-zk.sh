#!/bin/sh
test_description='codis-proxy in coordinator mode on a real ZooKeeper: registration, online, routing, range-set, offline, kill -9 restart, session expiry'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-zk.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"
. "$TEST_DIRECTORY/lib-proxy.sh"

test_have_prereq ZOOKEEPER || skip_all "$ZK_MISSING"
test_have_prereq CURL || skip_all 'curl is missing'

proxy_first_server

# proxy_ini ID: config.ini for a proxy named ID in proxy-ID.ini.
proxy_ini() {
    cat >proxy-$1.ini <<EOF_INI
coordinator=zookeeper
zk=$ZK_ADDR
product=test
dashboard_addr=$DASHBOARD_ADDR
proxy_id=$1
zk_session_timeout=${2:-30000}
EOF_INI
}

# proxy_listed ID STATE: the dashboard lists proxy ID in STATE.
proxy_listed() {
    dashboard_api GET /api/proxy/list | tr -d " \n" >list &&
    grep "\"id\":\"$1\"[^}]*\"state\":\"$2\"" list
}

test_expect_success 'zookeeper, a dashboard on it, two servers, slots split' '
    start_zk &&
    write_dashboard_config zookeeper "$ZK_ADDR" &&
    start_dashboard &&
    ok_json &&
    proxy_two_groups
'

test_expect_success 'the proxy registers offline; a second one with its id is refused' '
    proxy_ini p1 8000 &&
    start_proxy -c proxy-p1.ini --cpu=2 &&
    P1_PID=$PROXY_PID && P1_PORT=$PROXY_PORT &&
    proxy_listed p1 offline &&
    grep "\"addr\":\"$PROXY_ADDR\"" list &&
    pcli get foo >out && grep "proxy is not online" out &&
    test_must_fail codis proxy -c proxy-p1.ini --addr=127.0.0.1:$(free_port) \
        --http-addr=127.0.0.1:$(free_port) 2>err &&
    grep "proxy .p1. is already registered and running" err
'

test_expect_success 'online: keys land on the group of their slot' '
    codis-config proxy online p1 >out && test_cmp expect_ok out &&
    wait_until "pcli ping | grep -q PONG" &&
    pcli set foo bar1 >out && echo OK >expect && test_cmp expect out &&
    pcli set user:1000 bar2 >out && test_cmp expect out &&
    redis-cli -p $S1 get foo >out && echo bar1 >expect && test_cmp expect out &&
    redis-cli -p $S2 get user:1000 >out && echo bar2 >expect &&
    test_cmp expect out &&
    redis-cli -p $S2 exists foo >out && echo 0 >expect && test_cmp expect out
'

test_expect_success 'slot init -f and range-set move the routing' '
    codis-config slot init -f >out && test_cmp expect_ok out &&
    pcli get foo >out && grep "slot is not ready" out &&
    codis-config slot range-set 0 1023 2 online >out &&
    test_cmp expect_ok out &&
    pcli set foo moved >out && echo OK >expect && test_cmp expect out &&
    redis-cli -p $S2 get foo >out && echo moved >expect && test_cmp expect out
'

test_expect_success 'kill -9, then a restart with the same id and address: online again by itself' '
    kill -9 $P1_PID &&
    wait $P1_PID;
    PROXY_WANT_PORT=$P1_PORT &&
    start_proxy -c proxy-p1.ini --cpu=1 &&
    P1_PID=$PROXY_PID &&
    grep "replacing the registration of proxy .p1." $PROXY_LOG &&
    wait_until "proxy_listed p1 online" &&
    grep "\"pid\":$PROXY_PID" list &&
    grep "asked to be online again (proxy_auto_online)" $PROXY_LOG &&
    wait_until "pcli get foo | grep -q moved"
'

# A proxy frozen past its session timeout: zookeeper expires the session
# (its node goes), and the proxy learns it when it reconnects.
test_expect_success 'session expiry: the proxy registers again and serves' '
    kill -STOP $P1_PID &&
    test_when_finished "kill -CONT $P1_PID" &&
    wait_until "! dashboard_api GET /api/proxy/list | grep -q p1" 30 &&
    kill -CONT $P1_PID &&
    wait_until "grep -q \"coordinator session expired\" $PROXY_LOG" 30 &&
    wait_until "test \$(grep -c \"proxy .p1. registered\" $PROXY_LOG) = 2" 30 &&
    wait_until "pcli get foo | grep -q moved" 30 &&
    wait_until "proxy_listed p1 online" 30
'

test_expect_success 'proxy offline: deregistered, exit 0' '
    codis-config proxy offline p1 >out && test_cmp expect_ok out &&
    proxy_wait_exit $P1_PID &&
    test "$PROXY_EXIT" = 0 &&
    dashboard_api GET /api/proxy/list | tr -d " \n" >list &&
    printf "[]" >expect && test_cmp expect list
'

test_done
