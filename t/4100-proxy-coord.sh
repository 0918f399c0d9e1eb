#!/bin/sh
test_description='codis-proxy in coordinator mode (embedded coordinator): registration, online/offline, routing by the slots and groups the dashboard sets, actions'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"
. "$TEST_DIRECTORY/lib-proxy.sh"

proxy_first_server

P=/zk/codis/db_test

# Keys of known slots (codis-facts §1.2): foo 289, user:1000 995.

# proxy_ini ID: config.ini for a proxy named ID in proxy-ID.ini.
proxy_ini() {
    cat >proxy-$1.ini <<EOF_INI
coordinator=filesystem
zk=$TRASH_DIRECTORY/coord
product=test
dashboard_addr=$DASHBOARD_ADDR
proxy_id=$1
backend_ping_period=1
session_max_timeout=60
session_max_bufsize=65536
session_max_pipeline=256
zk_session_timeout=5000
proto=tcp4
EOF_INI
}

# proxy_state ID: print the state field of proxy ID's node.
proxy_state() {
    coord_node $P/proxy/$1 | sed -n -e 's/.*"state":"\([a-z_]*\)".*/\1/p'
}

# last_action_acks: write the proxies that acknowledged the newest action
# to the file acks.
last_action_acks() {
    coord_children $P/actions >actions &&
    seq=$(tail -n 1 actions) &&
    coord_children $P/ActionResponse/$seq >acks
}

test_expect_success 'a dashboard, two codis servers in two groups, slots split' '
    write_dashboard_config &&
    start_dashboard &&
    ok_json &&
    proxy_two_groups
'

test_expect_success 'the proxy registers as an ephemeral node in state offline' '
    proxy_ini p1 &&
    start_proxy -c proxy-p1.ini --cpu=2 &&
    P1_PID=$PROXY_PID && P1_PORT=$PROXY_PORT &&
    coord_node $P/proxy/p1 >node &&
    grep "\"id\":\"p1\"" node &&
    grep "\"addr\":\"$PROXY_ADDR\"" node &&
    grep "\"debug_var_addr\":\"$PROXY_HTTP\"" node &&
    grep "\"pid\":$PROXY_PID" node &&
    grep "\"start_at\":\"2" node &&
    test "$(proxy_state p1)" = offline &&
    coord_children $P/fence >fences &&
    test_line_count = 0 fences
'

test_expect_success 'before it is online the proxy refuses requests with an error' '
    pcli set foo early >out &&
    grep "proxy is not online" out &&
    redis-cli -p $S1 exists foo >out &&
    echo 0 >expect && test_cmp expect out
'

test_expect_success 'a second proxy with the same id is refused, naming the first' '
    test_must_fail codis proxy -c proxy-p1.ini --addr=127.0.0.1:$(free_port) \
        --http-addr=127.0.0.1:$(free_port) 2>err &&
    grep "proxy .p1. is already registered and running" err &&
    grep "pid $P1_PID" err &&
    test "$(proxy_state p1)" = offline
'

test_expect_success 'proxy online: the proxy serves, each key on its group' '
    codis-config proxy online p1 >out && test_cmp expect_ok out &&
    wait_until "pcli ping | grep -q PONG" &&
    test "$(proxy_state p1)" = online &&
    coord_children $P/fence >fences &&
    echo "$PROXY_ADDR" >expect && test_cmp expect fences &&
    pcli set foo bar1 >out && echo OK >expect && test_cmp expect out &&
    pcli set user:1000 bar2 >out && test_cmp expect out &&
    redis-cli -p $S1 get foo >out && echo bar1 >expect && test_cmp expect out &&
    redis-cli -p $S2 get user:1000 >out && echo bar2 >expect &&
    test_cmp expect out &&
    redis-cli -p $S2 exists foo >out && echo 0 >expect && test_cmp expect out &&
    redis-cli -p $S1 exists user:1000 >out && test_cmp expect out &&
    pcli mget foo user:1000 >out && printf "bar1\nbar2\n" >expect &&
    test_cmp expect out
'

test_expect_success 'a slot change is acknowledged only after the proxy applied it' '
    codis-config slot init -f >out && test_cmp expect_ok out &&
    last_action_acks &&
    echo p1 >expect && test_cmp expect acks &&
    pcli get foo >out &&
    grep "slot is not ready" out
'

test_expect_success 'range-set moves the routing to the new group' '
    codis-config slot range-set 0 1023 2 online >out &&
    test_cmp expect_ok out &&
    pcli set foo moved >out && echo OK >expect && test_cmp expect out &&
    redis-cli -p $S2 get foo >out && echo moved >expect && test_cmp expect out &&
    redis-cli -p $S1 get foo >out && echo bar1 >expect && test_cmp expect out &&
    curl -sf http://$PROXY_HTTP/debug/vars >vars &&
    tr -d " \t\n" <vars >vars.flat &&
    grep "\"backends\":\[{\"addr\":\"127.0.0.1:$S2\",\"slots\":1024}\]" vars.flat
'

# clients_of PORT: connected_clients of the server on PORT (redis-cli's
# own connection included).
clients_of() {
    redis-cli -p $1 info clients | tr -d "\r" | sed -n -e "s/^connected_clients://p"
}

test_expect_success 'once no slot uses a server, the proxy closes its connections to it' '
    codis-config slot init -f >out && test_cmp expect_ok out &&
    codis-config slot range-set 0 1023 1 online >out &&
    test_cmp expect_ok out &&
    pcli get foo >out && echo bar1 >expect && test_cmp expect out &&
    test "$(clients_of $S1)" -ge 2 &&
    codis-config slot init -f >out && test_cmp expect_ok out &&
    codis-config slot range-set 0 1023 2 online >out &&
    test_cmp expect_ok out &&
    wait_until "test \$(clients_of $S1) = 1" &&
    grep "closing the connection to backend .127.0.0.1:$S1.: no slot uses it" $PROXY_LOG &&
    pcli get foo >out && echo moved >expect && test_cmp expect out
'

test_expect_success 'a proxy not yet online follows changes unasked, and has no fence' '
    proxy_ini p2 &&
    start_proxy -c proxy-p2.ini --cpu=1 &&
    P2_PID=$PROXY_PID && P2_PORT=$PROXY_PORT &&
    coord_children $P/fence >fences &&
    echo "127.0.0.1:$P1_PORT" >expect && test_cmp expect fences &&
    codis-config slot init -f >out && test_cmp expect_ok out &&
    last_action_acks &&
    echo p1 >expect && test_cmp expect acks &&
    codis-config slot range-set 0 1023 1 online >out &&
    test_cmp expect_ok out &&
    codis-config proxy online p2 >out && test_cmp expect_ok out &&
    wait_until "pcli ping | grep -q PONG" &&
    pcli get foo >out && echo bar1 >expect && test_cmp expect out &&
    redis-cli -p $P1_PORT get foo >out && test_cmp expect out &&
    coord_children $P/fence >fences &&
    printf "127.0.0.1:%s\n" $P1_PORT $P2_PORT | sort >expect &&
    test_cmp expect fences
'

test_expect_success 'with two proxies online every action is acknowledged by both' '
    codis-config slot init -f >out && test_cmp expect_ok out &&
    last_action_acks &&
    printf "p1\np2\n" >expect && test_cmp expect acks &&
    codis-config slot range-set 0 511 1 online >out &&
    test_cmp expect_ok out &&
    codis-config slot range-set 512 1023 2 online >out &&
    test_cmp expect_ok out &&
    pcli get foo >out && echo bar1 >expect && test_cmp expect out &&
    redis-cli -p $P1_PORT get foo >out && test_cmp expect out
'

test_expect_success 'a promoted slave becomes the backend of its group (group_changed)' '
    start_server && S3=$SERVER_PORT &&
    codis-config server add 1 127.0.0.1:$S3 slave >out &&
    test_cmp expect_ok out &&
    codis-config server promote 1 127.0.0.1:$S3 >out &&
    test_cmp expect_ok out &&
    pcli set foo promoted >out && echo OK >expect && test_cmp expect out &&
    redis-cli -p $S3 get foo >out && echo promoted >expect &&
    test_cmp expect out &&
    redis-cli -p $P1_PORT get foo >out && test_cmp expect out
'

test_expect_success 'state offline: the proxy stops serving, drops its fence' '
    dashboard_api POST /api/proxy "{\"id\": \"p2\", \"state\": \"offline\"}" >out &&
    echo 200 >expect && test_cmp expect status &&
    wait_until "pcli get foo | grep -q \"proxy is not online\"" &&
    wait_until "! coord_children $P/fence | grep -q :$P2_PORT" &&
    codis-config proxy online p2 >out && test_cmp expect_ok out &&
    wait_until "pcli get foo | grep -q promoted" &&
    coord_children $P/fence >fences &&
    printf "127.0.0.1:%s\n" $P1_PORT $P2_PORT | sort >expect &&
    test_cmp expect fences
'

test_expect_success 'proxy offline: the proxy deregisters and exits 0' '
    codis-config proxy offline p2 >out && test_cmp expect_ok out &&
    test_must_fail coord_node $P/proxy/p2 &&
    proxy_wait_exit $P2_PID &&
    test "$PROXY_EXIT" = 0 &&
    grep "marked offline" proxy-$P2_PORT.log &&
    coord_children $P/fence >fences &&
    echo "127.0.0.1:$P1_PORT" >expect && test_cmp expect fences &&
    test_must_fail redis-cli -p $P2_PORT ping
'

test_expect_success 'kill -9 leaves no registration that blocks a restart; it was online, so it is again' '
    kill -9 $P1_PID &&
    wait $P1_PID;
    PROXY_WANT_PORT=$P1_PORT &&
    start_proxy -c proxy-p1.ini --cpu=1 &&
    coord_node $P/proxy/p1 >node &&
    grep "\"pid\":$PROXY_PID" node &&
    wait_until "test \"\$(proxy_state p1)\" = online" &&
    wait_until "pcli get foo | grep -q promoted"
'

test_expect_success 'SIGTERM deregisters too' '
    kill $PROXY_PID &&
    proxy_wait_exit $PROXY_PID &&
    test "$PROXY_EXIT" = 0 &&
    test_must_fail coord_node $P/proxy/p1 &&
    coord_children $P/fence >fences &&
    test_line_count = 0 fences
'

test_done
