#!/bin/sh
test_description='a dashboard restarted right before a master dies still promotes the slave that was in sync, from what the last one wrote down'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-failover.sh"

P=/zk/codis/db_test

test_expect_success 'two groups of master and slave, a proxy, ha' '
    failover_cluster
'

test_expect_success 'the keeper writes down the slaves it sees in sync' '
    wait_until "coord_node $P/failover/1 | grep -q \"127.0.0.1:$S1\"" 30 &&
    coord_node $P/failover/1 >rec &&
    grep "\"master\":\"127.0.0.1:$M1\"" rec &&
    run_id=$(redis-cli -p $S1 info server | sed -n -e "s/^run_id:\([0-9a-f]*\).*/\1/p") &&
    grep "\"run_id\":\"$run_id\"" rec &&
    wait_until "coord_node $P/failover/2 | grep -q \"127.0.0.1:$S2\"" 30
'

test_expect_success 'dashboard killed, master killed, dashboard started: the slave in sync is promoted' '
    start_writer w1 &&
    wait_until "test \$(wc -l <w1.acked) -ge 2000" 60 &&
    kill -9 $DASHBOARD_PID && wait $DASHBOARD_PID;
    kill -9 $M1_PID && wait $M1_PID;
    start_dashboard &&
    wait_until "test \"\$(server_field 127.0.0.1:$S1 type)\" = master" 60 &&
    grep "group 1: loaded what the last dashboard saw: master .127.0.0.1:$M1., 1 slaves in sync" dashboard.log &&
    wait_until "grep -q \"promoted .127.0.0.1:$S1. to master of group 1\" ha.log" &&
    acked=$(wc -l <w1.acked) &&
    wait_until "test \$(wc -l <w1.acked) -ge \$((acked + 2000))" 60 &&
    stop_writer w1 &&
    check_writer w1 &&
    all_slots_online
'

test_expect_success 'a slave restarted while no dashboard ran is not promoted from the record' '
    kill -9 $DASHBOARD_PID && wait $DASHBOARD_PID;
    kill -9 $S2_PID && wait $S2_PID;
    kill -9 $M2_PID && wait $M2_PID;
    restart_server $S2 && S2_PID=$SERVER_PID &&
    redis-cli -p $S2 slaveof 127.0.0.1 $M2 >out && echo OK >expect &&
    test_cmp expect out &&
    start_dashboard &&
    wait_until "grep -q \"group 2: NOT PROMOTED\" ha.log" 60 &&
    grep "group 2: NOT PROMOTED.*127.0.0.1:$S2. restarted since it was last seen in sync" ha.log &&
    dashboard_api GET /api/failover >status.json &&
    grep "restarted since it was last seen in sync" status.json &&
    test "$(server_field 127.0.0.1:$S2 type)" = slave &&
    test "$(server_field 127.0.0.1:$M2 type)" = master
'

test_done
