#!/bin/sh
test_description='fail over to the freshest slave: a lagging slave is passed over'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-failover.sh"


test_expect_success 'two groups, group 1 with two slaves, a proxy, ha' '
    failover_cluster &&
    start_server && T1=$SERVER_PORT && WRITER_EXTRA=$T1 &&
    codis-config server add 1 127.0.0.1:$T1 slave >out &&
    test_cmp expect_ok out &&
    wait_until "test \"\$(server_field 127.0.0.1:$T1 link)\" = up" 60
'

test_expect_success 'one slave lags 40 MB behind when the master is killed: the other one is promoted' '
    start_writer w1 &&
    wait_until "test \$(wc -l <w1.acked) -ge 1000" 60 &&
    kill -STOP $S1_PID &&
    head -c 1048576 /dev/zero | tr "\\0" x >big &&
    for i in $(seq 1 40); do
        redis-cli -p $M1 -x set big{foo}:$i <big >out || return 1
    done &&
    wait_until "test \"\$(server_field 127.0.0.1:$T1 lag)\" = 0" 60 &&
    kill -9 $M1_PID &&
    kill -CONT $S1_PID &&
    wait_until "test \"\$(server_field 127.0.0.1:$T1 type)\" = master" 90 &&
    test "$(server_field 127.0.0.1:$S1 type)" = slave &&
    acked=$(wc -l <w1.acked) &&
    wait_until "test \$(wc -l <w1.acked) -ge \$((acked + 2000))" 60 &&
    stop_writer w1 &&
    check_writer w1 &&
    all_slots_online &&
    wait_until "test \"\$(server_field 127.0.0.1:$S1 master)\" = 127.0.0.1:$T1" 60
'

test_done
