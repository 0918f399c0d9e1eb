#!/bin/sh
test_description='codis-config slot migrate --wait, --cancel, migrate-status; pause and resume; a failing migration exits non-zero with its error'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"

test_have_prereq CURL || skip_all 'curl is missing'
test_have_prereq PYTHON3 || skip_all 'python3 is missing'

# task_ids SLOT...: the ids of the queued tasks of those slots.
task_ids() {
    dashboard_api GET /api/migrate/tasks >tasks &&
    python3 -c "
import json, sys
want = [int(a) for a in sys.argv[1:]]
print(' '.join(t['id'] for t in json.load(open('tasks')) if t['slot_id'] in want))" "$@"
}

test_expect_success 'setup: dashboard, groups 1 and 2, every slot in group 1' '
    migrate_two_groups &&
    keys_for_slots 0 3 10 >moving &&
    fill $S1 moving
'

test_expect_success '--wait prints progress lines and ends with done, exit 0' '
    codis-config slot migrate 0 1 2 --wait >out 2>err &&
    migrate_queued out &&
    grep "^migrate: [0-9]*/2 slots, [0-9]* keys moved, [0-9]* keys/s, ETA " out &&
    grep "^migrate: done, 2 slots in [0-9.]* s$" out &&
    redis-cli -p $S1 slotsinfo 0 2 >s1 && ! grep -q . s1
'

test_expect_success 'without --wait the answer counts the tasks queued' '
    dashboard_api POST /api/migrate/pause >out &&
    codis-config slot migrate 2 2 2 >out &&
    grep "\"tasks\": 1," out &&
    wait_until migrate_held &&
    codis-config slot migrate 3 5 2 >out &&
    grep "\"tasks\": 3," out &&
    grep -c "\"0000" out >n && echo 3 >expect && test_cmp expect n
'

test_expect_success 'migrate-status lists the tasks with state, then the history' '
    codis-config slot migrate-status >st &&
    grep "^method semi-async, up to 100 slots at once, paused$" st &&
    grep "^[0-9]* *2 *- *2 moving " st &&
    grep "^[0-9]* *3 *- *2 pending " st &&
    grep "^[0-9]* *1 *1 *2 done " st
'

test_expect_success 'slot migrate --cancel ID removes a task not started; a started one stays' '
    codis-config slot migrate --cancel $(task_ids 3) >out &&
    test_cmp expect_ok out &&
    test_expect_code 1 codis-config slot migrate --cancel $(task_ids 2) 2>err &&
    grep "slot 2 is being migrated\|is running" err &&
    test_expect_code 1 codis-config slot migrate --cancel 0000099999 2>err &&
    grep "does not exist" err &&
    test_expect_code 2 codis-config slot migrate --cancel x 2>err &&
    grep "invalid task id" err
'

test_expect_success 'slot migrate --cancel all removes the rest, keeps the started one' '
    codis-config slot migrate --cancel all >out &&
    python3 -c "
import json
o = json.load(open(\"out\"))
assert len(o[\"removed\"]) == 2 and len(o[\"kept\"]) == 1, o
assert \"being migrated\" in o[\"kept\"][0][\"why\"] or \"running\" in o[\"kept\"][0][\"why\"], o" &&
    test "$(task_ids 2 3 4 5 | wc -w)" = 1
'

test_expect_success 'resume: the held slot finishes' '
    dashboard_api POST /api/migrate/resume >out &&
    wait_until tasks_done 60 &&
    codis-config slot info 2 >out && grep "\"group_id\": 2," out &&
    codis-config slot info 3 >out && grep "\"group_id\": 1," out
'

test_expect_success 'a failing migration: --wait exits 1 with the task'"'"'s error' '
    dashboard_api POST /api/migrate/pause >out &&
    codis-config slot migrate 4 4 2 >out &&
    wait_until migrate_held &&
    codis-config slot migrate 3 3 2 --wait >wait.out 2>wait.err &
    waiter=$! &&
    wait_until "grep -q \"^migrate: 0/1 slots\" wait.out" &&
    kill -9 $S2_PID && wait $S2_PID;
    dashboard_api POST /api/migrate/resume >out &&
    test_expect_code 1 wait $waiter &&
    cat wait.err &&
    grep "^codis-config: migrate task [0-9]* (slot 3 to group 2) failed: .127.0.0.1:$S1. replied to SLOTSMGRTTAGSLOT-ASYNC: " wait.err &&
    grep "stays queued and is retried" wait.err
'

test_expect_success 'migrate-status and the status API show the error text' '
    # the failed task is retried: catch it between two tries
    wait_until "codis-config slot migrate-status >st &&
        grep \"^[0-9]* *3 *- *2 *error .*replied to SLOTSMGRTTAGSLOT-ASYNC\" st" &&
    cat >failing.py <<-\EOF &&
	import json, sys
	st = json.load(open(sys.argv[1]))
	assert st["progress"]["slots_failing"] == 1, st["progress"]
	assert "SLOTSMGRTTAGSLOT-ASYNC" in st["errors"][0]["error"], st["errors"]
	assert any(h["status"] == "failed" and h["slot_id"] == 3
	           for h in st["history"])
	EOF
    wait_until "dashboard_api GET /api/migrate/status >api &&
        python3 failing.py api 2>failing.err"
'

test_done
