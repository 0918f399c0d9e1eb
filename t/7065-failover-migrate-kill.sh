#!/bin/sh
test_description='the source master of a migration is killed mid-way while its slave lags: the slave takes over, the migration ends, no newer key is overwritten, no orphan key is left'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-failover.sh"

server_has_command slotsmgrtone || skip_all 'codis server lacks slotsmgrtone'

# keys_outside PORT FIRST LAST: how many keys server PORT holds in slots
# FIRST-LAST (SLOTSINFO).
keys_outside() {
    redis-cli -p "$1" slotsinfo "$2" $(($3 - $2 + 1)) |
        awk "NR % 2 == 0 { n += \$1 } END { print n + 0 }"
}

test_expect_success 'two groups of master and slave, a proxy, ha' '
    failover_cluster 15000
'

# The story needs the migration at two points whatever the machine's
# speed: slots 8-15 move after S1 is cut off, and slots 16-63 are queued
# (held by POST /api/migrate/pause) when M1 dies, to move after S1 has
# taken over.
test_expect_success 'M1 killed while slots 0-63 migrate to group 2 and S1 lags: S1 takes over' '
    WRITER_KEYS=30000 &&
    start_writer w1 &&
    wait_until "test \$(wc -l <w1.acked) -ge 3000" 120 &&
    codis-config slot migrate 0 7 2 >out &&
    migrate_queued out &&
    wait_until tasks_done 120 &&
    dashboard_api POST /api/migrate/pause >out &&
    codis-config slot migrate 8 15 2 --delay=5 >out &&
    migrate_queued out &&
    wait_until migrate_held &&
    kill -STOP $S1_PID &&
    # cut S1 off: what M1 takes from now on never reaches it
    redis-cli -p $M1 client kill type replica >out &&
    echo 1 >expect && test_cmp expect out &&
    dashboard_api POST /api/migrate/resume >out &&
    acked=$(wc -l <w1.acked) &&
    wait_until "test \$(wc -l <w1.acked) -ge \$((acked + 300))" 60 &&
    wait_until tasks_done 120 &&
    dashboard_api POST /api/migrate/pause >out &&
    codis-config slot migrate 16 63 2 >out &&
    migrate_queued out &&
    wait_until migrate_held &&
    kill -9 $M1_PID && wait $M1_PID;
    kill -CONT $S1_PID &&
    wait_until "test \"\$(server_field 127.0.0.1:$S1 type)\" = master" 90 &&
    wait_until "grep -q \"promoted .127.0.0.1:$S1. to master of group 1\" ha.log"
'

test_expect_success 'writes go on, then stop before the migration ends: nothing replicated is lost, no key is older than its last write' '
    dashboard_api GET /api/migrate/tasks >tasks &&
    test "$(tr -d " \n" <tasks)" != "[]" &&
    dashboard_api POST /api/migrate/resume >out &&
    acked=$(wc -l <w1.acked) &&
    wait_until "test \$(wc -l <w1.acked) -ge \$((acked + 1000))" 60 &&
    stop_writer w1 &&
    wait_until tasks_done 300 &&
    check_writer w1 &&
    # S1 lagged: writes M1 acknowledged after it was cut off are gone
    grep "^acked [0-9]* lost [1-9]" w1.result &&
    all_slots_online
'

test_expect_success 'no key of slots 0-63 is left on group 1' '
    wait_until "test \$(keys_outside $S1 0 63) = 0" 60 &&
    test "$(keys_outside $M2 0 63)" -gt 0
'

test_done
