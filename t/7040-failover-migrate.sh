#!/bin/sh
test_description='after a failover during a migration: SLOTSRESTORE keeps the newer copy, orphan keys are removed'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-failover.sh"

server_has_command slotsmgrtone || skip_all 'codis server lacks slotsmgrtone'

test_expect_success 'SLOTSRESTORE of a key the target has keeps the target copy' '
    start_server && SRC=$SERVER_PORT &&
    start_server && DST=$SERVER_PORT &&
    redis-cli -p $SRC set k old-value >out && echo OK >expect &&
    test_cmp expect out &&
    redis-cli -p $DST set k newer-value >out && test_cmp expect out &&
    redis-cli -p $SRC set k2 moved >out && test_cmp expect out &&
    redis-cli -p $SRC slotsmgrtone 127.0.0.1 $DST 3000 k >out &&
    echo 1 >expect && test_cmp expect out &&
    redis-cli -p $SRC slotsmgrtone 127.0.0.1 $DST 3000 k2 >out &&
    test_cmp expect out &&
    redis-cli -p $DST get k >out && echo newer-value >expect &&
    test_cmp expect out &&
    redis-cli -p $DST get k2 >out && echo moved >expect &&
    test_cmp expect out &&
    redis-cli -p $SRC exists k k2 >out && echo 0 >expect &&
    test_cmp expect out &&
    grep "key .k. already exists, the newer copy here is kept" \
        server-$DST.log
'

test_expect_success 'two groups of master and slave, a proxy, ha' '
    failover_cluster
'

test_expect_success 'keys a master holds in a slot given to another group by hand are reported, kept' '
    redis-cli -p $PROXY_PORT set owned{b} by-group-2 >out &&
    echo OK >expect && test_cmp expect out &&
    redis-cli -p $M1 set stray{b} stale >out && test_cmp expect out &&
    wait_until "grep -q \"holds 1 keys of slot 1017, owned by group 2: not removed\" dashboard.log" 60 &&
    redis-cli -p $M1 get stray{b} >out && echo stale >expect &&
    test_cmp expect out &&
    redis-cli -p $PROXY_PORT get owned{b} >out && echo by-group-2 >expect &&
    test_cmp expect out
'

test_expect_success 'keys left in a slot that migrated away are removed' '
    for i in $(seq 1 30); do
        redis-cli -p $PROXY_PORT set k$i{foo} v$i >out || return 1
    done &&
    codis-config slot migrate 289 289 2 --delay=100 >out &&
    wait_until tasks_done 120 &&
    test "$(redis-cli -p $M2 get k1{foo})" = v1 &&
    redis-cli -p $M1 set left{foo} stale >out && echo OK >expect &&
    test_cmp expect out &&
    wait_until "test \$(redis-cli -p $M1 exists left{foo}) = 0" 60 &&
    grep "removed 1 orphan keys of slot 289 (migrated to group 2)" \
        dashboard.log &&
    wait_until "test \$(redis-cli -p $S1 exists left{foo}) = 0" 60 &&
    redis-cli -p $PROXY_PORT get k30{foo} >out && echo v30 >expect &&
    test_cmp expect out
'

test_done
