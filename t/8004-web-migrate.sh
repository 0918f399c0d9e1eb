#!/bin/sh
test_description='the dashboard page shows migration progress, a failed task'"'"'s error text, the history, and pauses and resumes the queue'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"
. "$TEST_DIRECTORY/lib-page.sh"

command -v chromium >/dev/null || skip_all 'chromium is missing (apt-get install chromium)'
test_have_prereq CURL || skip_all 'curl is missing'

test_expect_success 'setup: two groups, slots 0-1 moved to group 2, the browser' '
    migrate_two_groups &&
    keys_for_slots 0 1 20 >moving &&
    fill $S1 moving &&
    codis-config slot migrate 0 1 2 --wait >out &&
    start_browser
'

test_expect_success 'the page shows the finished tasks and the overall progress' '
    page <<-\EOF &&
	wait document.querySelectorAll(".history-done").length === 2
	print document.querySelector("#migrate-summary").textContent
	print [...document.querySelectorAll(".history-done")].map((r) => [...r.cells].slice(0, 4).map((c) => c.textContent).join("|")).sort().join(" ")
	print document.querySelector("#migrate-bar div").style.width
	EOF
	cat >expect <<-\EOF &&
	2 / 2 slots, 40 keys moved, KEYS keys/s, done
	0|1|2|20 1|1|2|20
	100%
	EOF
	sed -e "s/moved, [0-9,]* keys\/s/moved, KEYS keys\/s/" cdp.out >actual &&
	test_cmp expect actual
'

test_expect_success 'the pause and resume buttons hold and release the queue' '
    page <<-\EOF &&
	wait document.querySelector("#migrate-summary") && document.querySelector("#migrate-summary").textContent.includes("slots") && !document.querySelector("#migrate-pause").disabled
	eval document.querySelector("#migrate-pause").click()
	wait document.querySelector("#migrate-summary").textContent.endsWith("(paused)")
	wait document.querySelector("#migrate-pause").disabled && !document.querySelector("#migrate-resume").disabled
	EOF
    dashboard_api GET /api/migrate/status >st &&
    grep "\"paused\": true" st &&
    page <<-\EOF &&
	wait document.querySelector("#migrate-summary") && document.querySelector("#migrate-summary").textContent.includes("paused") && !document.querySelector("#migrate-resume").disabled
	eval document.querySelector("#migrate-resume").click()
	wait !document.querySelector("#migrate-summary").textContent.includes("paused")
	EOF
    dashboard_api GET /api/migrate/status >st &&
    grep "\"paused\": false" st
'

test_expect_success 'a failed task shows its error text in the tasks and the history' '
    keys_for_slots 5 5 5 >five &&
    fill $S1 five &&
    dashboard_api POST /api/migrate/pause >out &&
    codis-config slot migrate 6 6 2 >out &&
    wait_until migrate_held &&
    codis-config slot migrate 5 5 2 >out &&
    migrate_queued out &&
    kill -9 $S2_PID && wait $S2_PID;
    dashboard_api POST /api/migrate/resume >out &&
    wait_until "dashboard_api GET /api/migrate/tasks | grep -q \"\\\"status\\\": \\\"error\\\"\"" 30 &&
    page <<-\EOF &&
	wait document.querySelector(".task-row.task-error .error-text") !== null
	print document.querySelector(".task-row.task-error .error-text").textContent
	wait document.querySelector(".history-failed .error-text") !== null
	print document.querySelector(".history-failed .error-text").textContent
	print document.querySelector("#migrate-summary").textContent.includes("1 failing")
	EOF
    sed -n -e 1p cdp.out >task.err &&
    grep "replied to SLOTSMGRTTAGSLOT-ASYNC: " task.err &&
    # the task is retried, and each run may fail its own way (refused,
    # or cut while reading): the history shows the error of one run too
    sed -n -e 2p cdp.out >history.err &&
    grep "replied to SLOTSMGRTTAGSLOT-ASYNC: " history.err &&
    sed -n -e 3p cdp.out >flag && echo true >expect && test_cmp expect flag
'

test_done
