#!/bin/sh
test_description='the coordinator suite against a real ZooKeeper'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-zk.sh"

test_have_prereq ZOOKEEPER || skip_all "$ZK_MISSING"

# The C suite of t/unit/coord_test.c, built beside the other unit tests
# (build-asan/unit under make asan).
CODIS_UNIT_DIR=${CODIS_UNIT_DIR:-$TEST_DIRECTORY/unit}
coord_test="$CODIS_UNIT_DIR/coord_test.t"

# What is in our tree before the suite runs (the chroot of a shared
# server is empty; a server of our own has /zookeeper).
test_expect_success 'start zookeeper' '
    start_zk &&
    "$ZK_TOOL" zookeeper "$ZK_ADDR" 4000 children / >before
'

test_expect_success 'the coordinator suite passes on zookeeper' '
    test_when_finished "cat out err" &&
    CODIS_TEST_ZK=$ZK_ADDR "$coord_test" >out 2>err &&
    ! grep "^not ok" out &&
    grep "^1\.\." out &&
    grep "^ok .* zookeeper: a lock is free once its holder is killed" out
'

# Every node the suite makes is under its root /codis-test-<pid>: a node
# left behind leaves that root.
test_expect_success 'it leaves nothing behind in zookeeper' '
    "$ZK_TOOL" zookeeper "$ZK_ADDR" 4000 children / >after &&
    test_cmp before after
'

test_done
