#!/bin/sh
test_description='FAILOVER holds writes for its own purpose: a user'"'"'s
CLIENT UNPAUSE does not release them; the failover ending does'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"

test_expect_success 'start a master and its replica' '
    start_server && M_PORT=$SERVER_PORT && M_PID=$SERVER_PID &&
    start_server --replicaof 127.0.0.1 "$M_PORT" &&
    R_PID=$SERVER_PID &&
    SERVER_PORT=$M_PORT && SERVER_PID=$M_PID &&
    wait_until "cli info replication | grep -q state=online"
'

test_expect_success 'CLIENT UNPAUSE does not end the failover pause' '
    kill -STOP "$R_PID" &&
    test_when_finished "kill -CONT $R_PID" &&
    cli failover >out &&
    echo OK >expect && test_cmp expect out &&
    cli info replication | grep -q master_failover_state:waiting-for-sync &&
    { redis-cli -p "$M_PORT" set paused 1 >paused.out & } &&
    setter=$! &&
    wait_until "cli client list | grep -q \"qbuf=[1-9]\"" &&
    cli client unpause >out &&
    test_cmp expect out &&
    # unpaused clients run at the end of the loop turn of UNPAUSE, before
    # a later command of another client is answered
    cli ping >/dev/null &&
    test "$(cli exists paused)" = 0 &&
    test ! -s paused.out &&
    cli failover abort >out &&
    test_cmp expect out &&
    wait $setter &&
    test_cmp expect paused.out &&
    test "$(cli exists paused)" = 1
'

test_expect_success 'CLIENT UNPAUSE still ends a CLIENT PAUSE' '
    cli client pause 100000 write >out &&
    { redis-cli -p "$M_PORT" set later 1 >later.out & } &&
    setter=$! &&
    wait_until "cli client list | grep -q \"qbuf=[1-9]\"" &&
    cli ping >/dev/null &&
    test "$(cli exists later)" = 0 &&
    cli client unpause >/dev/null &&
    wait $setter &&
    test_cmp expect later.out
'

test_done
