#!/bin/sh
# The coordinator of this run: the embedded store, or a real ZooKeeper
# when DASHBOARD_COORD=zookeeper (t/6001-migrate-zk.sh runs this same
# script that way).
DASHBOARD_COORD=${DASHBOARD_COORD:-filesystem}
test_description="slot migration and rebalance through codis-config, the dashboard and two real codis servers ($DASHBOARD_COORD coordinator)"
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"
# The proxy's coordinator mode comes with its test library; without it
# the migration is tested without a proxy.
if test -f "$TEST_DIRECTORY/lib-proxy.sh"; then
    . "$TEST_DIRECTORY/lib-proxy.sh"
fi
case $DASHBOARD_COORD in
filesystem)
    ;;
zookeeper)
    . "$TEST_DIRECTORY/lib-zk.sh"
    test_have_prereq ZOOKEEPER || skip_all "$ZK_MISSING"
    test -x "$COORD_TOOL" || skip_all "$COORD_TOOL is not built (make)"
    ;;
*)
    skip_all "unknown DASHBOARD_COORD '$DASHBOARD_COORD'"
    ;;
esac

P=/zk/codis/db_test

# held_migration KEYFILE FIRST LAST N DELAY: N keys of each slot
# FIRST..LAST written on S1 (named in KEYFILE), then, with the queue
# paused, their migration to group 2 (--delay=DELAY) queued and held by
# the runner.
held_migration() {
    keys_for_slots $2 $3 $4 >"$1" &&
    fill ${S1#*:} "$1" &&
    dashboard_api POST /api/migrate/pause >out &&
    codis-config slot migrate $2 $3 2 --delay=$5 >out &&
    wait_until migrate_held
}

# read_while_migrating KEYFILE: until no task is left, read every key of
# KEYFILE through the proxy and compare with "v-<key>"; at least once.
read_while_migrating() {
    while :
    do
        if tasks_done; then last_read=yes; else last_read=; fi
        values_filled $PROXY_PORT "$1" || return 1
        test -n "$last_read" && return 0
    done
}

# slot_counts: print "<group> <slots>" for each group owning slots.
slot_counts() {
    curl -sf "http://$DASHBOARD_ADDR/api/slots" >slots.json &&
    python3 -c '
import json, collections
c = collections.Counter(s["group_id"] for s in json.load(open("slots.json")))
for g in sorted(c): print(g, c[g])'
}

# check_placement: every key of every server sits in a slot that the
# server's group owns, online (SLOTSINFO against /api/slots).
check_placement() {
    curl -sf "http://$DASHBOARD_ADDR/api/slots" >slots.json &&
    redis-cli -p ${S1#*:} slotsinfo 0 1024 >s1.info &&
    redis-cli -p ${S2#*:} slotsinfo 0 1024 >s2.info &&
    python3 - <<'PYEOF'
import json, sys
slots = json.load(open("slots.json"))
bad = 0
for gid, name in ((1, "s1.info"), (2, "s2.info")):
    nums = [int(x) for x in open(name).read().split()]
    for slot in nums[0::2]:
        s = slots[slot]
        if s["group_id"] != gid or s["state"]["status"] != "online":
            print("slot %d has keys on group %d but is %r" % (slot, gid, s))
            bad += 1
sys.exit(1 if bad else 0)
PYEOF
}

test_expect_success 'setup: dashboard, two groups of one server, slots split' '
    if test "$DASHBOARD_COORD" = zookeeper
    then
        start_zk &&
        write_dashboard_config zookeeper "$ZK_ADDR"
    else
        write_dashboard_config
    fi &&
    start_dashboard &&
    start_codis_server && S1=$SERVER_ADDR &&
    start_codis_server && S2=$SERVER_ADDR &&
    codis-config server add 1 $S1 master &&
    codis-config server add 2 $S2 master &&
    codis-config slot init &&
    codis-config slot range-set 0 511 1 online &&
    codis-config slot range-set 512 1023 2 online &&
    ok_json
'

test_expect_success 'setup: a proxy in coordinator mode, when the build has one' '
    cp config.ini proxy.ini &&
    echo proxy_id=p1 >>proxy.ini &&
    if ! command -v start_proxy >/dev/null
    then
        say "no t/lib-proxy.sh: migrating without a proxy"
    elif start_proxy -c proxy.ini 2>proxy-start.err
    then
        wait_until "coord_node $P/proxy/p1" &&
        codis-config proxy online p1 >out &&
        test_cmp expect_ok out &&
        wait_until "redis-cli -p $PROXY_PORT ping | grep -q PONG" &&
        test_set_prereq PROXY
    else
        grep "coordinator mode is not available" "$PROXY_LOG.out" &&
        say "the proxy has no coordinator mode: migrating without a proxy"
    fi
'

test_expect_success 'fill keys in slots 0-9 (and 100) of group 1' '
    keys_for_slots 0 9 20 >moving &&
    test_line_count = 200 moving &&
    keys_for_slots 100 100 5 >staying &&
    fill ${S1#*:} moving &&
    fill ${S1#*:} staying &&
    redis-cli -p ${S1#*:} pexpire "$(head -n 1 moving)" 600000 &&
    echo 205 >expect &&
    redis-cli -p ${S1#*:} dbsize >out &&
    test_cmp expect out
'

test_expect_success NO_SLOTSMGRT 'without SLOTSMGRTSLOT in the server, migrate is refused before it starts' '
    dashboard_api POST /api/migrate \
        "{\"from\": 0, \"to\": 9, \"new_group\": 2, \"delay\": 0}" >body &&
    echo 409 >expect &&
    test_cmp expect status &&
    grep "does not support SLOTSRESTORE\|does not support SLOTSMGRTSLOT" body &&
    test_expect_code 1 codis-config slot migrate 0 9 2 2>err &&
    grep "cannot migrate" err &&
    dashboard_api GET /api/migrate/tasks >tasks &&
    test "$(tr -d " \n" <tasks)" = "[]" &&
    codis-config slot info 0 >out &&
    grep "\"status\": \"online\"" out
'

test_expect_success PROXY 'the proxy serves the keys from group 1' '
    values_filled $PROXY_PORT moving
'

test_expect_success SLOTSMGRT 'slot migrate 0 9 2 moves every key to group 2' '
    codis-config slot migrate 0 9 2 --delay=1 >out &&
    migrate_queued out &&
    wait_until tasks_done 40 &&
    redis-cli -p ${S1#*:} slotsinfo 0 10 >s1 &&
    ! grep -q . s1 &&
    redis-cli -p ${S2#*:} dbsize >out &&
    echo 200 >expect &&
    test_cmp expect out &&
    redis-cli -p ${S1#*:} dbsize >out &&
    echo 5 >expect &&
    test_cmp expect out &&
    values_filled ${S2#*:} moving
'

test_expect_success SLOTSMGRT 'a TTL moves with its key' '
    redis-cli -p ${S2#*:} pttl "$(head -n 1 moving)" >ttl &&
    test "$(cat ttl)" -gt 0 &&
    test "$(cat ttl)" -le 600000
'

test_expect_success PROXY,SLOTSMGRT 'after the migration the proxy writes and reads group 2' '
    keys_for_slots 0 9 22 | grep -v -x -F -f moving >extra &&
    test_line_count = 20 extra &&
    fill $PROXY_PORT extra &&
    values_filled ${S2#*:} extra &&
    values_filled $PROXY_PORT moving &&
    redis-cli -p ${S1#*:} slotsinfo 0 10 >s1 &&
    ! grep -q . s1 &&
    sed -e "s/^/DEL /" extra >del.cmds &&
    redis-cli -p $PROXY_PORT <del.cmds >del.out &&
    ! grep -v "^1$" del.out
'

test_expect_success SLOTSMGRT 'the slots are online in group 2; the others did not move' '
    for s in 0 5 9
    do
        codis-config slot info $s >out &&
        grep "\"group_id\": 2," out &&
        grep "\"status\": \"online\"" out &&
        grep "\"from\": -1" out || return 1
    done &&
    codis-config slot info 10 >out &&
    grep "\"group_id\": 1," out &&
    values_filled ${S1#*:} staying &&
    check_placement
'

test_expect_success SLOTSMGRT 'each step was an action, acknowledged by every proxy' '
    coord_children $P/actions >actions &&
    for a in $(cat actions); do coord_node $P/actions/$a; done >all &&
    # one wave of 10 slots: each step is one multi_slot_changed (Codis 2
    # proxies reload every slot of the range), acknowledged once
    grep -c "\"type\":\"multi_slot_changed\".*\"target\":{\"from\":0,\"to\":9," all >n &&
    echo 3 >expect &&
    test_cmp expect n &&
    grep "\"type\":\"multi_slot_changed\".*\"target\":{\"from\":0,\"to\":9,\"status\":\"pre_migrate\",\"group_id\":1}" all &&
    grep "\"type\":\"multi_slot_changed\".*\"target\":{\"from\":0,\"to\":9,\"status\":\"migrate\",\"group_id\":2}" all &&
    grep "\"type\":\"multi_slot_changed\".*\"target\":{\"from\":0,\"to\":9,\"status\":\"online\",\"group_id\":2}" all &&
    coord_children $P/ActionResponse >responses &&
    test_cmp actions responses &&
    if test_have_prereq PROXY
    then
        for a in $(cat actions)
        do
            coord_node $P/actions/$a | grep -q "\"receivers\":\[\]" ||
            {
                coord_children $P/ActionResponse/$a >acks &&
                echo p1 >expect &&
                test_cmp expect acks
            } || return 1
        done
    fi
'

test_expect_success SLOTSMGRT 'migrate status shows nothing running' '
    dashboard_api GET /api/migrate/status >out &&
    grep "\"migrate_slots\": \[\]" out &&
    grep "\"migrate_task\": null" out &&
    grep "\"paused\": false" out
'

test_expect_success SLOTSMGRT 'a task cut by kill -9 of the dashboard resumes at restart' '
    held_migration slow 20 21 30 1 &&
    task_moved_some &&
    kill -9 $DASHBOARD_PID &&
    wait $DASHBOARD_PID;
    coord_children $P/migrate_tasks >left &&
    test -s left &&
    start_dashboard &&
    wait_until tasks_done 40 &&
    redis-cli -p ${S1#*:} slotsinfo 20 2 >s1 &&
    ! grep -q . s1 &&
    values_filled ${S2#*:} slow &&
    codis-config slot info 21 >out &&
    grep "\"group_id\": 2," out &&
    grep "\"status\": \"online\"" out
'

test_expect_success SLOTSMGRT 'SIGTERM mid-task exits 0, the task is not failed and resumes at restart' '
    held_migration slow2 22 23 30 1 &&
    task_moved_some &&
    kill $DASHBOARD_PID &&
    wait $DASHBOARD_PID &&
    grep "interrupted by shutdown\|dashboard stopped" dashboard.log &&
    coord_children $P/migrate_tasks >left &&
    test -s left &&
    ! coord_node $P/migrate_tasks/$(head -n 1 left) | grep -q "\"status\":\"error\"" &&
    start_dashboard &&
    wait_until tasks_done 40 &&
    values_filled ${S2#*:} slow2
'

test_expect_success PROXY,SLOTSMGRT 'clients of the proxy read every key while its slot migrates' '
    held_migration busy 30 31 40 5 &&
    values_filled $PROXY_PORT busy &&
    dashboard_api POST /api/migrate/resume >out &&
    read_while_migrating busy &&
    codis-config slot info 31 >out &&
    grep "\"group_id\": 2," out &&
    grep "\"status\": \"online\"" out &&
    coord_node $P/proxy/p1 >node &&
    grep "\"state\":\"online\"" node
'

test_expect_success SLOTSMGRT 'rebalance over two groups ends with 512 slots each' '
    wait_until tasks_done 40 &&
    slot_counts >before &&
    if test_have_prereq PROXY
    then
        printf "1 496\n2 528\n" >expect
    else
        printf "1 498\n2 526\n" >expect
    fi &&
    test_cmp expect before &&
    dashboard_api GET /api/rebalance/status >st &&
    grep "\"is_rebalancing\": false" st &&
    rebalance_queued_then_done 40 &&
    slot_counts >after &&
    printf "1 512\n2 512\n" >expect &&
    test_cmp expect after &&
    check_placement &&
    redis-cli -p ${S1#*:} dbsize >n1 &&
    redis-cli -p ${S2#*:} dbsize >n2 &&
    if test_have_prereq PROXY; then total=405; else total=325; fi &&
    test $(( $(cat n1) + $(cat n2) )) = $total
'

test_expect_success SLOTSMGRT 'a balanced cluster rebalances to itself' '
    codis-config slot rebalance >out &&
    migrate_queued out &&
    dashboard_api GET /api/migrate/tasks >tasks &&
    test "$(tr -d " \n" <tasks)" = "[]"
'

test_expect_success SLOTSMGRT 'with maxmemory on every master, rebalance weighs by it' '
    redis-cli -p ${S1#*:} config set maxmemory 511mb &&
    redis-cli -p ${S2#*:} config set maxmemory 513mb &&
    codis-config slot rebalance --delay=0 >out &&
    migrate_queued out &&
    wait_until tasks_done 40 &&
    slot_counts >after &&
    printf "1 511\n2 513\n" >expect &&
    test_cmp expect after &&
    grep "weighted by maxmemory: 1 slots to move" dashboard.log &&
    check_placement
'

# task_id SLOT: the id of the queued task of SLOT (from the file tasks).
task_id() {
    python3 -c "
import json, sys
print([t[\"id\"] for t in json.load(open(\"tasks\")) if t[\"slot_id\"] == $1][0])"
}

test_expect_success SLOTSMGRT 'a queued task can be removed; a group it targets cannot' '
    start_codis_server && S3=$SERVER_ADDR &&
    codis-config server add 3 $S3 master &&
    held_migration slow3 50 50 40 1 &&
    task_moved_some &&
    codis-config slot migrate 51 51 3 >out &&
    test_expect_code 1 codis-config slot init -f 2>err &&
    grep "migration tasks queued" err &&
    test_expect_code 1 codis-config slot migrate 50 50 3 2>err &&
    grep "slot 50 is being migrated to group 2" err &&
    test_expect_code 1 codis-config server remove-group 3 2>err &&
    grep "group 3 is the target of migrate task" err &&
    dashboard_api GET /api/migrate/tasks >tasks &&
    dashboard_api DELETE /api/migrate/task/$(task_id 50) >body &&
    echo 409 >expect && test_cmp expect status &&
    grep "slot 50 is being migrated\|is running" body &&
    dashboard_api DELETE /api/migrate/task/$(task_id 51) >body &&
    echo 200 >expect && test_cmp expect status &&
    dashboard_api POST /api/migrate/resume >out &&
    wait_until tasks_done 40 &&
    codis-config slot info 51 >out &&
    grep "\"group_id\": 1," out &&
    codis-config slot info 50 >out &&
    grep "\"group_id\": 2," out &&
    codis-config server remove-group 3 >out &&
    test_cmp expect_ok out
'

test_expect_success 'bad migrate requests are JSON errors and CLI failures' '
    test_expect_code 1 codis-config slot migrate 5 2 2 2>err &&
    grep "invalid slot range 5-2" err &&
    dashboard_api POST /api/migrate "{\"from\": 5, \"to\": 2, \"new_group\": 2}" >body &&
    echo 400 >expect && test_cmp expect status &&
    grep "\"ret\": -1" body &&
    test_expect_code 1 codis-config slot migrate 0 1024 2 2>err &&
    grep "invalid slot range 0-1024" err &&
    dashboard_api POST /api/migrate "{\"from\": 1000, \"to\": 1024, \"new_group\": 2}" >body &&
    test_cmp expect status &&
    test_expect_code 1 codis-config slot migrate -1 3 2 2>err &&
    test_expect_code 1 codis-config slot migrate 0 1 9 2>err &&
    grep "group 9 does not exist" err &&
    dashboard_api POST /api/migrate "{\"from\": 0, \"to\": 1, \"new_group\": 9}" >body &&
    echo 404 >expect && test_cmp expect status &&
    test_expect_code 1 codis-config slot migrate 0 1 0 2>err &&
    grep "invalid group id 0" err &&
    codis-config server add-group 3 &&
    test_expect_code 1 codis-config slot migrate 0 1 3 2>err &&
    grep "group 3 has no master" err &&
    dashboard_api POST /api/migrate "{\"from\": 0, \"to\": 1, \"new_group\": 3}" >body &&
    echo 409 >expect && test_cmp expect status &&
    dashboard_api POST /api/migrate "{\"from\": 0, \"to\": 1, \"new_group\": 2, \"delay\": -5}" >body &&
    echo 400 >expect && test_cmp expect status &&
    grep "invalid delay -5" body &&
    dashboard_api GET /api/migrate/tasks >tasks &&
    test "$(tr -d " \n" <tasks)" = "[]"
'

test_expect_success 'bad bodies, ids and arguments' '
    for b in "{bad" "[1]" "{}" "{\"from\": \"0\", \"to\": 1, \"new_group\": 2}" \
        "{\"from\": 0, \"to\": 1, \"new_group\": 2, \"delay\": 1.5}"
    do
        dashboard_api POST /api/migrate "$b" >body &&
        echo 400 >expect && test_cmp expect status &&
        grep "\"ret\": -1" body || return 1
    done &&
    dashboard_api POST /api/rebalance "{\"delay\": \"x\"}" >body &&
    test_cmp expect status &&
    dashboard_api POST /api/rebalance "{bad" >body &&
    test_cmp expect status &&
    dashboard_api DELETE /api/migrate/task/abc >body &&
    test_cmp expect status &&
    dashboard_api DELETE /api/migrate/task/0000099999 >body &&
    echo 404 >expect && test_cmp expect status &&
    grep "migrate task 0000099999 does not exist" body &&
    dashboard_api GET /api/migrate >body &&
    echo 405 >expect && test_cmp expect status &&
    test_expect_code 2 codis-config slot migrate 0 1 2>err &&
    grep "usage: codis-config" err &&
    test_expect_code 2 codis-config slot migrate 0 1 2 --delay=x 2>err &&
    grep "invalid delay" err &&
    test_expect_code 2 codis-config slot migrate 0 1 2 --fast 2>err &&
    grep "unknown option" err &&
    test_expect_code 2 codis-config slot migrate x 1 2 2>err &&
    test_expect_code 2 codis-config slot rebalance --delay=-1 2>err &&
    test_expect_code 2 codis-config slot rebalance 1 2 2>err &&
    test_expect_code 2 codis-config slot rebalance --fast 2>err &&
    grep "unknown option '"'"'--fast'"'"'" err
'

test_expect_success 'rebalance needs every slot online' '
    codis-config slot init -f &&
    test_expect_code 1 codis-config slot rebalance 2>err &&
    grep "slot 0 is offline" err &&
    test_expect_code 1 codis-config slot migrate 0 3 2 2>err &&
    grep "slot 0 is offline" err
'

test_done
