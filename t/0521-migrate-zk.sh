#!/bin/sh
test_description='slot migration with the dashboard on a real ZooKeeper, and a kill -9 of the dashboard mid-task'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-zk.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"

test_have_prereq ZOOKEEPER || skip_all "$ZK_MISSING"

test_expect_success 'zookeeper, a dashboard on it, two groups, slots split' '
    start_zk &&
    write_dashboard_config zookeeper "$ZK_ADDR" &&
    start_dashboard &&
    start_codis_server && S1=$SERVER_ADDR &&
    start_codis_server && S2=$SERVER_ADDR &&
    codis-config server add 1 $S1 master &&
    codis-config server add 2 $S2 master &&
    codis-config slot init &&
    codis-config slot range-set 0 511 1 online &&
    codis-config slot range-set 512 1023 2 online
'

test_expect_success SLOTSMGRT 'migrate over zookeeper survives a kill -9 of the dashboard' '
    keys_for_slots 0 3 40 >keys &&
    fill ${S1#*:} keys &&
    codis-config slot migrate 0 3 2 --delay=20 >out &&
    wait_until task_moved_some &&
    kill -9 $DASHBOARD_PID &&
    wait $DASHBOARD_PID;
    start_dashboard &&
    wait_until tasks_done 40 &&
    redis-cli -p ${S1#*:} dbsize >n1 &&
    echo 0 >expect &&
    test_cmp expect n1 &&
    values ${S2#*:} keys >got &&
    sed -e "s/.*/& v-&/" keys >expect &&
    test_cmp expect got &&
    codis-config slot info 3 >out &&
    grep "\"group_id\": 2," out &&
    grep "\"status\": \"online\"" out
'

test_expect_success SLOTSMGRT 'rebalance over zookeeper' '
    codis-config slot rebalance >out &&
    grep "\"ret\": 0" out &&
    wait_until tasks_done 40 &&
    curl -sf "http://$DASHBOARD_ADDR/api/slots" >slots.json &&
    grep -c "\"group_id\": 1," slots.json >n &&
    echo 512 >expect &&
    test_cmp expect n
'

test_done
