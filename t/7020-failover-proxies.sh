#!/bin/sh
test_description='a promotion never hangs on a proxy or a dead dashboard: a stopped proxy, a crashed proxy, a dashboard killed in the middle'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-failover.sh"

P=/zk/codis/db_test

proxy_state() {
    coord_node $P/proxy/$1 | sed -n -e 's/.*"state":"\([a-z_]*\)".*/\1/p'
}

test_expect_success 'two groups, ha, proxies p1 and p2 online' '
    failover_cluster 3000 &&
    P1_PORT=$PROXY_PORT &&
    proxy_online p2 --cpu=1 &&
    P2_PID=$PROXY_PID && P2_PORT=$PROXY_PORT && P2_LOG=$PROXY_LOG &&
    PROXY_PORT=$P1_PORT
'

test_expect_success 'p2 is stopped, a master is killed: the promotion goes on without p2' '
    start_writer w1 &&
    wait_until "test \$(wc -l <w1.acked) -ge 1000" 60 &&
    kill -STOP $P2_PID &&
    kill -9 $M1_PID &&
    wait_until "test \"\$(server_field 127.0.0.1:$S1 type)\" = master" 90 &&
    wait_until "test \"\$(proxy_state p2)\" = offline" 30 &&
    acked=$(wc -l <w1.acked) &&
    wait_until "test \$(wc -l <w1.acked) -ge \$((acked + 1000))" 60 &&
    stop_writer w1 &&
    check_writer w1 &&
    all_slots_online &&
    wait_until "grep -q \"fenced_proxies.: .p2\" ha.log"
'

test_expect_success 'p2 comes back: it did not exit, it reloads and is online again' '
    kill -CONT $P2_PID &&
    wait_until "grep -q \"asked to be online again\" $P2_LOG" 60 &&
    wait_until "test \"\$(proxy_state p2)\" = online" 30 &&
    kill -0 $P2_PID &&
    wait_until "redis-cli -p $P2_PORT get w1:1 | grep -q ^1\$" 30 &&
    redis-cli -p $P2_PORT set via-p2{foo} yes >out && echo OK >expect &&
    test_cmp expect out &&
    test "$(redis-cli -p $S1 get via-p2{foo})" = yes
'

test_expect_success 'the dashboard is killed in the middle of a promotion: the next one finishes it' '
    start_writer w2 &&
    wait_until "test \$(wc -l <w2.acked) -ge 1000" 60 &&
    kill -STOP $P2_PID &&
    curl -s -o promote.out -X POST -H "Content-Type: application/json" \
        -d "{\"addr\": \"127.0.0.1:$S2\"}" \
        "http://$DASHBOARD_ADDR/api/server_group/2/promote" &
    wait_until "coord_node $P/promotions/2 | grep -q publish" 30 &&
    kill -9 $DASHBOARD_PID && wait $DASHBOARD_PID;
    kill -CONT $P2_PID &&
    start_dashboard &&
    wait_until "grep -q \"finishing the promotion\" dashboard.log" 30 &&
    wait_until "! coord_node $P/promotions/2" 60 &&
    test "$(server_field 127.0.0.1:$S2 type)" = master &&
    wait_until "test \"\$(server_field 127.0.0.1:$M2 type)\" = slave" 60 &&
    wait_until "test \"\$(server_field 127.0.0.1:$M2 link)\" = up" 60 &&
    acked=$(wc -l <w2.acked) &&
    wait_until "test \$(wc -l <w2.acked) -ge \$((acked + 1000))" 60 &&
    stop_writer w2 &&
    check_writer w2 &&
    all_slots_online
'

test_expect_success 'and the master it made is killed later: its slave takes over' '
    start_writer w3 &&
    wait_until "test \$(wc -l <w3.acked) -ge 1000" 60 &&
    kill -9 $S2_PID &&
    wait_until "test \"\$(server_field 127.0.0.1:$M2 type)\" = master" 90 &&
    acked=$(wc -l <w3.acked) &&
    wait_until "test \$(wc -l <w3.acked) -ge \$((acked + 1000))" 60 &&
    stop_writer w3 &&
    check_writer w3 &&
    check_writer w2 &&
    all_slots_online
'

test_expect_success 'p2 crashes and stays dead, a master is killed: promoted, p2 reported' '
    kill -9 $P2_PID && wait $P2_PID;
    restart_server $M1 && M1_PID=$SERVER_PID &&
    start_writer w4 &&
    wait_until "test \$(wc -l <w4.acked) -ge 1000" 60 &&
    wait_until "test \"\$(server_field 127.0.0.1:$M1 type)\" = slave" 60 &&
    wait_until "test \"\$(server_field 127.0.0.1:$M1 link)\" = up" 60 &&
    kill -9 $S1_PID &&
    wait_until "test \"\$(server_field 127.0.0.1:$M1 type)\" = master" 90 &&
    acked=$(wc -l <w4.acked) &&
    wait_until "test \$(wc -l <w4.acked) -ge \$((acked + 1000))" 60 &&
    stop_writer w4 &&
    check_writer w4 &&
    all_slots_online &&
    wait_until "grep -q \"fenced_proxies.: .127.0.0.1:$P2_PORT\" ha.log"
'

test_done
