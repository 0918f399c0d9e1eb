#!/bin/sh
test_description='the dashboard page shows each server'"'"'s real role, link and lag, and the failover state of each group'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-page.sh"
. "$TEST_DIRECTORY/lib-failover.sh"

command -v chromium >/dev/null || skip_all 'chromium is missing (apt-get install chromium)'

# the replication row of server ADDR, its cells joined by "|"
row() {
    echo "[...document.querySelectorAll(\".replication-row\")].filter((r) => r.dataset.addr === \"$1\").map((r) => [...r.cells].map((c) => c.textContent).join(\"|\")).join()"
}

test_expect_success 'two groups of master and slave, a proxy, ha, the browser' '
    failover_cluster 15000 &&
    start_browser
'

test_expect_success 'each server shows what it really is' '
    page <<-EOF &&
	wait $(row 127.0.0.1:$S1).includes("|up|")
	wait $(row 127.0.0.1:$M1) !== ""
	print $(row 127.0.0.1:$M1)
	print $(row 127.0.0.1:$S1).replace(/\|[0-9,]*$/, "|LAG")
	print document.querySelector("#failover-rows").textContent
	EOF
	cat >expect <<-EOF &&
	Group 1|127.0.0.1:$M1|master|master|||
	Group 1|127.0.0.1:$S1|slave|slave|127.0.0.1:$M1|up|LAG
	No failover yet: every group has its master.
	EOF
	test_cmp expect cdp.out
'

test_expect_success 'a killed master: the page shows the promotion' '
    kill -9 $M1_PID && wait $M1_PID;
    page <<-EOF &&
	wait document.querySelector(".failover-row[data-gid=\"1\"] .badge") !== null
	print document.querySelector(".failover-row[data-gid=\"1\"] .badge").textContent
	print document.querySelector(".failover-row[data-gid=\"1\"] .fo-message").textContent
	wait $(row 127.0.0.1:$S1).startsWith("Group 1|127.0.0.1:$S1|master|master|")
	wait $(row 127.0.0.1:$M1).includes("|unreachable|")
	EOF
	cat >expect <<-EOF &&
	promoted
	'"'"'127.0.0.1:$S1'"'"' promoted
	EOF
	test_cmp expect cdp.out
'

test_expect_success 'no safe slave: the page says the group waits, and why' '
    kill -9 $S2_PID && wait $S2_PID;
    kill -9 $M2_PID && wait $M2_PID;
    page <<-EOF &&
	wait document.querySelector(".failover-row[data-gid=\"2\"] .badge") !== null && document.querySelector(".failover-row[data-gid=\"2\"] .badge").textContent === "waiting"
	print document.querySelector(".failover-row[data-gid=\"2\"] .fo-message").textContent
	print getComputedStyle(document.querySelector(".failover-row[data-gid=\"2\"] .badge")).backgroundColor
	EOF
	cat >expect <<-EOF &&
	no safe slave to promote; '"'"'127.0.0.1:$S2'"'"' does not answer: LINE
	rgb(254, 243, 199)
	EOF
	sed -e "1s/does not answer: .*/does not answer: LINE/" cdp.out >got &&
	test_cmp expect got
'

test_done
