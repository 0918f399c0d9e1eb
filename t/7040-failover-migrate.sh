#!/bin/sh
test_description='after a failover during a migration: SLOTSRESTORE keeps the newer copy, orphan keys are removed'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"
. "$TEST_DIRECTORY/lib-proxy.sh"
. "$TEST_DIRECTORY/lib-failover.sh"

test_have_prereq CURL || skip_all 'curl is missing'
test_have_prereq PYTHON3 || skip_all 'python3 is missing'
proxy_first_server
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

test_expect_success 'keys a master holds in a slot of another group are removed' '
    redis-cli -p $PROXY_PORT set owned{b} by-group-2 >out &&
    echo OK >expect && test_cmp expect out &&
    redis-cli -p $M1 set orphan{b} stale >out && test_cmp expect out &&
    redis-cli -p $M1 set kept{foo} mine >out && test_cmp expect out &&
    wait_until "test \$(redis-cli -p $M1 exists orphan{b}) = 0" 60 &&
    grep "removed 1 orphan keys of slot 1017 (owned by group 2)" \
        dashboard.log &&
    redis-cli -p $M1 get kept{foo} >out && echo mine >expect &&
    test_cmp expect out &&
    redis-cli -p $PROXY_PORT get owned{b} >out && echo by-group-2 >expect &&
    test_cmp expect out &&
    wait_until "test \$(redis-cli -p $S1 exists orphan{b}) = 0" 60
'

test_done
