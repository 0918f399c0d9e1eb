#!/bin/sh
test_description='the coordinator suite against a real ZooKeeper'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-zk.sh"

test_have_prereq ZOOKEEPER || skip_all "$ZK_MISSING"

# The C suite of t/unit/coord_test.c, built beside the other unit tests
# (build-asan/unit under make asan).
CODIS_UNIT_DIR=${CODIS_UNIT_DIR:-$TEST_DIRECTORY/unit}
coord_test="$CODIS_UNIT_DIR/coord_test.t"

test_expect_success 'start zookeeper' '
    start_zk &&
    zk_ask ${ZK_ADDR#*:} srvr >srvr.before &&
    grep "^Node count:" srvr.before >count.before
'

test_expect_success 'the coordinator suite passes on zookeeper' '
    test_when_finished "cat out err" &&
    CODIS_TEST_ZK=$ZK_ADDR "$coord_test" >out 2>err &&
    ! grep "^not ok" out &&
    grep "^1\.\." out &&
    grep "^ok .* zookeeper: a lock is free once its holder is killed" out
'

test_expect_success 'it leaves nothing behind in zookeeper' '
    zk_ask ${ZK_ADDR#*:} srvr >srvr.after &&
    grep "^Node count:" srvr.after >count.after &&
    test_cmp count.before count.after
'

test_done
