#!/bin/sh
test_description='codis ha promotes the slave of a group whose master died'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"

# server_type ADDR: the type (master, slave, offline) the dashboard gives
# server ADDR in `codis-config server list`.
server_type() {
    codis-config server list | python3 -c 'import json, sys
for g in json.load(sys.stdin):
    for s in g["servers"]:
        if s["addr"] == sys.argv[1]:
            print(s["type"])' "$1"
}

test_expect_success 'a dashboard with group 1: a master and its slave' '
    write_dashboard_config &&
    start_dashboard &&
    start_server && MASTER_PORT=$SERVER_PORT && MASTER_PID=$SERVER_PID &&
    start_server && SLAVE_PORT=$SERVER_PORT &&
    codis-config server add 1 127.0.0.1:$MASTER_PORT master &&
    codis-config server add 1 127.0.0.1:$SLAVE_PORT slave &&
    wait_until "redis-cli -p $SLAVE_PORT info replication | grep -q master_link_status:up" &&
    redis-cli -p $MASTER_PORT set before-failover yes &&
    wait_until "test \"\$(redis-cli -p $SLAVE_PORT get before-failover)\" = yes"
'

test_expect_success 'codis ha watches the groups' '
    codis ha -c config.ini --interval=0.2 --down-after=2 -L ha.log \
        --log-level=debug >ha.out 2>&1 &
    HA_PID=$! &&
    test_atexit "stop_pid $HA_PID" &&
    wait_until "grep -q watching ha.log"
'

test_expect_success 'a live master is left alone for rounds after rounds' '
    wait_until "test \$(grep -c \"round done: 1 groups\" ha.log) -ge 5" &&
    ! grep "promot" ha.log &&
    test "$(server_type 127.0.0.1:$MASTER_PORT)" = master &&
    test "$(server_type 127.0.0.1:$SLAVE_PORT)" = slave
'

test_expect_success 'kill -9 the master: its slave is promoted' '
    kill -9 $MASTER_PID &&
    wait_until "redis-cli -p $SLAVE_PORT info replication | grep -q role:master" 30 &&
    wait_until "test \"\$(server_type 127.0.0.1:$SLAVE_PORT)\" = master" &&
    wait_until "grep -q promot ha.log"
'

test_expect_success 'the promoted server has the data and takes writes' '
    test "$(redis-cli -p $SLAVE_PORT get before-failover)" = yes &&
    redis-cli -p $SLAVE_PORT set after-failover yes | grep OK
'

test_done
