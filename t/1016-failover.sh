#!/bin/sh
test_description='FAILOVER between two codis servers: the master waits for
its replica, hands over with PSYNC FAILOVER and becomes its replica, no
write lost; TO, TIMEOUT, FORCE, ABORT and the errors, compared with
redis-server 7.0'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success REDIS_REF 'errors without replicas are Redis errors' '
    start_redis_ref &&
    start_server &&
    cat >err.txt <<\EOT &&
FAILOVER
FAILOVER ABORT
FAILOVER TIMEOUT 0
FAILOVER TIMEOUT -1
FAILOVER TIMEOUT x
FAILOVER FORCE
FAILOVER TO 127.0.0.1
FAILOVER TO 127.0.0.1 x
FAILOVER TO 127.0.0.1 1 FORCE
FAILOVER BOGUS
FAILOVER ABORT TIMEOUT 10
FAILOVER TO 127.0.0.1 1 TIMEOUT 10
EOT
    compare_with_ref err.txt
'

# The replica's role line from ROLE of PORT: master or slave.
role_of() {
    redis-cli -p "$1" role | head -1
}

test_expect_success 'start a master and its replica' '
    M_PORT=$SERVER_PORT && M_PID=$SERVER_PID &&
    start_server --replicaof 127.0.0.1 "$M_PORT" &&
    R_PORT=$SERVER_PORT && R_PID=$SERVER_PID &&
    SERVER_PORT=$M_PORT && SERVER_PID=$M_PID &&
    wait_until "redis-cli -p $M_PORT info replication | grep -q state=online"
'

test_expect_success REDIS_REF 'errors with a replica: FORCE, TO, on a replica' '
    cat >err2.txt <<EOT &&
FAILOVER FORCE
FAILOVER TO 127.0.0.1 1 FORCE
FAILOVER TIMEOUT 10 FORCE
FAILOVER TO 127.0.0.1 1
FAILOVER ABORT
EOT
    redis-cli -p "$REF_PORT" config set repl-diskless-sync-delay 0 &&
    ref_master=$REF_PORT &&
    start_redis_ref --replicaof 127.0.0.1 "$ref_master" &&
    ref_replica=$REF_PORT && REF_PORT=$ref_master &&
    wait_until "redis-cli -p $ref_master info replication | grep -q state=online" &&
    compare_with_ref err2.txt &&
    redis-cli -p "$ref_replica" failover >expect &&
    redis-cli -p "$R_PORT" failover >actual &&
    test_cmp expect actual
'

test_expect_success 'FAILOVER TO the replica: roles swap, every write kept' '
    for i in 1 2 3 4 5 6 7 8 9 10; do cli set k$i v$i >/dev/null; done &&
    cli failover to 127.0.0.1 "$R_PORT" timeout 20000 >actual &&
    echo OK >expect && test_cmp expect actual &&
    wait_until "test \"\$(role_of $R_PORT)\" = master" &&
    wait_until "redis-cli -p $M_PORT info replication | grep -q master_failover_state:no-failover" &&
    test "$(role_of $M_PORT)" = slave &&
    redis-cli -p "$M_PORT" info replication >info &&
    grep "master_port:$R_PORT" info &&
    grep "master_link_status:up" info &&
    test "$(redis-cli -p "$R_PORT" get k10)" = v10 &&
    redis-cli -p "$R_PORT" set after yes >/dev/null &&
    wait_until "test \"\$(redis-cli -p $M_PORT get after)\" = yes" &&
    redis-cli -p "$M_PORT" set x 1 >actual ;
    grep READONLY actual
'

test_expect_success 'the old master continued from the backlog (no full sync)' '
    grep "partial resync accepted" "$TRASH_DIRECTORY/server-$M_PORT.log"
'

test_expect_success 'FAILOVER back without TO picks the replica in sync' '
    redis-cli -p "$R_PORT" failover >actual &&
    echo OK >expect && test_cmp expect actual &&
    wait_until "test \"\$(role_of $M_PORT)\" = master" &&
    wait_until "test \"\$(role_of $R_PORT)\" = slave" &&
    test "$(cli get after)" = yes
'

test_expect_success 'writes wait while a failover waits; ABORT resumes them' '
    wait_until "redis-cli -p $M_PORT info replication | grep -q state=online" &&
    redis-cli -p "$R_PORT" config set replica-read-only yes >/dev/null &&
    kill -STOP "$R_PID" &&
    test_when_finished "kill -CONT $R_PID" &&
    cli set before-stop 1 >/dev/null &&
    cli failover >actual &&
    echo OK >expect && test_cmp expect actual &&
    cli info replication | grep master_failover_state:waiting-for-sync &&
    { redis-cli -p "$M_PORT" set paused 1 >paused.out & } &&
    sleep 0.2 && test ! -s paused.out &&
    cli failover abort >actual &&
    test_cmp expect actual &&
    wait_until "test -s paused.out" &&
    test_cmp expect paused.out &&
    cli info replication | grep master_failover_state:no-failover &&
    test "$(role_of $M_PORT)" = master
'

test_expect_success 'TIMEOUT without FORCE aborts; with FORCE hands over' '
    kill -STOP "$R_PID" &&
    test_when_finished "kill -CONT $R_PID" &&
    cli set lagging 1 >/dev/null &&
    cli failover timeout 300 >actual &&
    echo OK >expect && test_cmp expect actual &&
    wait_until "cli info replication | grep -q master_failover_state:no-failover" &&
    test "$(role_of $M_PORT)" = master &&
    cli failover to 127.0.0.1 "$R_PORT" timeout 300 force >actual &&
    test_cmp expect actual &&
    wait_until "cli info replication | grep -q master_failover_state:failover-in-progress" &&
    kill -CONT "$R_PID" &&
    wait_until "test \"\$(role_of $R_PORT)\" = master" &&
    wait_until "test \"\$(role_of $M_PORT)\" = slave"
'

test_done
