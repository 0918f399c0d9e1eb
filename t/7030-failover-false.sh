#!/bin/sh
test_description='false failovers: a master stopped for a while is replaced and fenced, one slow for a second is not replaced'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-failover.sh"


test_expect_success 'two groups of master and slave, a proxy, ha' '
    failover_cluster
'

test_expect_success 'a master stopped under writes is failed over; when it wakes up nothing it acknowledged is lost' '
    start_writer w1 &&
    wait_until "test \$(wc -l <w1.acked) -ge 2000" 60 &&
    kill -STOP $M1_PID &&
    wait_until "test \"\$(server_field 127.0.0.1:$S1 type)\" = master" 90 &&
    kill -CONT $M1_PID &&
    wait_until "test \"\$(server_field 127.0.0.1:$M1 type)\" = slave" 60 &&
    wait_until "test \"\$(server_field 127.0.0.1:$M1 link)\" = up" 60 &&
    test "$(server_field 127.0.0.1:$M1 master)" = 127.0.0.1:$S1 &&
    acked=$(wc -l <w1.acked) &&
    wait_until "test \$(wc -l <w1.acked) -ge \$((acked + 2000))" 60 &&
    stop_writer w1 &&
    check_writer w1 &&
    all_slots_online
'

test_expect_success 'a master slow for a second is not failed over' '
    start_writer w2 &&
    wait_until "test \$(wc -l <w2.acked) -ge 1000" 60 &&
    kill -STOP $M2_PID &&
    sleep 1 &&
    kill -CONT $M2_PID &&
    acked=$(wc -l <w2.acked) &&
    wait_until "test \$(wc -l <w2.acked) -ge \$((acked + 2000))" 60 &&
    stop_writer w2 &&
    check_writer w2 &&
    test "$(server_field 127.0.0.1:$M2 type)" = master &&
    ! grep "to master of group 2" ha.log
'

test_done
