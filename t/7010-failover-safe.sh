#!/bin/sh
test_description='fail over only to a slave that was in sync: kill -9 of a master, a restarted empty slave'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-failover.sh"


test_expect_success 'two groups of master and slave, a proxy, ha' '
    failover_cluster &&
    test "$(server_field 127.0.0.1:$S1 role)" = slave &&
    test "$(server_field 127.0.0.1:$M1 role)" = master
'

test_expect_success 'kill -9 a master under writes: its slave takes over, nothing acknowledged is lost' '
    start_writer w1 &&
    wait_until "test \$(wc -l <w1.acked) -ge 2000" 60 &&
    kill -9 $M1_PID &&
    wait_until "test \"\$(server_field 127.0.0.1:$S1 type)\" = master" 60 &&
    acked=$(wc -l <w1.acked) &&
    wait_until "test \$(wc -l <w1.acked) -ge \$((acked + 2000))" 60 &&
    stop_writer w1 &&
    check_writer w1 &&
    all_slots_online
'

test_expect_success 'the old master restarts empty: it comes back as a slave of the new master' '
    restart_server $M1 && M1_PID=$SERVER_PID &&
    wait_until "test \"\$(server_field 127.0.0.1:$M1 type)\" = slave" 60 &&
    wait_until "test \"\$(server_field 127.0.0.1:$M1 link)\" = up" 60 &&
    test "$(server_field 127.0.0.1:$M1 master)" = 127.0.0.1:$S1 &&
    test "$(redis-cli -p $M1 dbsize)" = "$(redis-cli -p $S1 dbsize)"
'

test_expect_success 'a slave restarted empty is attached again by the dashboard' '
    kill -9 $S2_PID && wait $S2_PID;
    restart_server $S2 && S2_PID=$SERVER_PID &&
    wait_until "redis-cli -p $S2 info replication | grep -q master_link_status:up" 60 &&
    wait_until "test \"\$(server_field 127.0.0.1:$S2 link)\" = up" 60 &&
    grep "127.0.0.1:$S2.*making it a slave of .127.0.0.1:$M2" dashboard.log
'

test_expect_success 'a restarted slave that could not sync is never promoted: ha waits, says why' '
    start_writer w2 &&
    wait_until "test \$(wc -l <w2.acked) -ge 1000" 60 &&
    kill -STOP $M2_PID &&
    kill -9 $S2_PID && wait $S2_PID;
    restart_server $S2 && S2_PID=$SERVER_PID &&
    wait_until "redis-cli -p $S2 info replication | grep -q master_port:$M2" 60 &&
    kill -9 $M2_PID &&
    wait_until "grep -q \"NOT PROMOTED.*restarted since\" ha.log" 60 &&
    dashboard_api GET /api/failover >status.json &&
    grep "\"state\": *\"waiting\"" status.json &&
    test "$(server_field 127.0.0.1:$S2 type)" = slave &&
    stop_writer w2
'

test_expect_success 'the operator can force it' '
    dashboard_api POST /api/server_group/2/promote \
        "{\"addr\": \"127.0.0.1:$S2\", \"force\": true}" &&
    echo 200 >expect && test_cmp expect status &&
    test "$(server_field 127.0.0.1:$S2 type)" = master &&
    all_slots_online
'

test_done
