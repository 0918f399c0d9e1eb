#!/bin/sh
test_description='the dashboard web page: its routes and assets, and the page as a headless chromium renders and drives it'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-proxy.sh"
. "$TEST_DIRECTORY/lib-page.sh"

command -v curl >/dev/null || skip_all 'curl is missing'
command -v redis-cli >/dev/null || skip_all 'redis-cli is missing'
if command -v chromium >/dev/null; then
    test_set_prereq CHROMIUM
else
    say "chromium is missing (apt-get install chromium): browser tests skipped"
fi

# keys_in_slot SLOT N: print N keys of slot SLOT (crc32 % 1024), one a line.
keys_in_slot() {
    python3 - "$1" "$2" <<'PYEOF'
import sys, zlib
slot, n, i = int(sys.argv[1]), int(sys.argv[2]), 0
while n > 0:
    key = "key:%d" % i
    if zlib.crc32(key.encode()) % 1024 == slot:
        print(key)
        n -= 1
    i += 1
PYEOF
}

# no_tasks_left: the dashboard has no migration task queued or running.
no_tasks_left() {
    dashboard_api GET /api/migrate/tasks >tasks &&
    test "$(tr -d ' \n' <tasks)" = "[]"
}

# The page has loaded the groups and slots: run before interactive steps.
LOADED="wait document.querySelector('#group-rows tr[data-gid=\"2\"]') !== null && document.querySelector('[data-slot=\"600\"]').title.includes('group 2')"

test_expect_success 'a dashboard with two groups, one codis server each' '
    write_dashboard_config &&
    start_dashboard &&
    start_codis_server && S1=$SERVER_ADDR && P1=$SERVER_PORT &&
    start_codis_server && S2=$SERVER_ADDR && P2=$SERVER_PORT &&
    dashboard_api PUT /api/server_group/1/addServer \
        "{\"addr\": \"$S1\", \"type\": \"master\"}" &&
    echo 200 >expect && test_cmp expect status &&
    dashboard_api PUT /api/server_group/2/addServer \
        "{\"addr\": \"$S2\", \"type\": \"master\"}" &&
    test_cmp expect status &&
    dashboard_api POST /api/slots/init && test_cmp expect status &&
    dashboard_api POST /api/slot \
        "{\"from\": 0, \"to\": 511, \"new_group\": 1}" &&
    test_cmp expect status &&
    dashboard_api POST /api/slot \
        "{\"from\": 512, \"to\": 1015, \"new_group\": 2}" &&
    test_cmp expect status &&
    keys_in_slot 100 3 >keys &&
    sed -e "s/.*/SET & v-&/" keys >set.cmds &&
    redis-cli -p $P1 <set.cmds >set.out &&
    printf "OK\nOK\nOK\n" >expect &&
    test_cmp expect set.out
'

test_expect_success 'GET / redirects to /admin/' '
    curl -s -o body -D headers "http://$DASHBOARD_ADDR/" &&
    grep "^HTTP/1.1 302" headers &&
    grep "^Location: /admin/" headers
'

test_expect_success '/admin and /admin/ answer the page as HTML' '
    for path in /admin /admin/; do
        curl -s -o page.html -D headers -w "%{http_code}\n" \
            "http://$DASHBOARD_ADDR$path" >code &&
        echo 200 >expect && test_cmp expect code &&
        grep "^Content-Type: text/html; charset=utf-8" headers &&
        grep "<title>Codis dashboard</title>" page.html || return 1
    done
'

test_expect_success 'every asset the page names is served with its type' '
    grep -o "\"/assets/[a-z.]*\"" page.html | sort -u >assets &&
    printf "\"/assets/app.js\"\n\"/assets/style.css\"\n" >expect &&
    test_cmp expect assets &&
    curl -s -o app.js -D headers "http://$DASHBOARD_ADDR/assets/app.js" &&
    grep "^Content-Type: text/javascript; charset=utf-8" headers &&
    cmp app.js "$TEST_DIRECTORY/../web/app.js" &&
    curl -s -o style.css -D headers "http://$DASHBOARD_ADDR/assets/style.css" &&
    grep "^Content-Type: text/css; charset=utf-8" headers &&
    cmp style.css "$TEST_DIRECTORY/../web/style.css"
'

test_expect_success 'HEAD tells the length of the page without a body' '
    curl -s -I -o /dev/null -D headers "http://$DASHBOARD_ADDR/admin/" &&
    grep "^HTTP/1.1 200" headers &&
    size=$(wc -c <"$TEST_DIRECTORY/../web/index.html") &&
    grep "^Content-Length: $size" headers
'

test_expect_success 'an unknown asset is a JSON 404' '
    dashboard_api GET /assets/nope.js >body &&
    echo 404 >expect && test_cmp expect status &&
    grep "\"msg\": \"no such asset '"'"'nope.js'"'"'\"" body &&
    dashboard_api GET /assets/ >body &&
    test_cmp expect status
'

test_expect_success CHROMIUM 'the rendered page lists both groups, 1024 slots and the ops' '
    timeout 40 chromium --headless --disable-gpu --no-sandbox \
        --user-data-dir="$TRASH_DIRECTORY/chromium-dump" \
        --virtual-time-budget=5000 --dump-dom \
        "http://$DASHBOARD_ADDR/admin/" >dom.html 2>chromium.err &&
    grep "data-gid=\"1\"" dom.html &&
    grep "data-gid=\"2\"" dom.html &&
    grep -F "$S1" dom.html && grep -F "$S2" dom.html &&
    grep -F "$S1</td><td><span class=\"badge role-master\">master</span></td><td class=\"num\">3</td>" dom.html &&
    grep -o "data-slot=\"[0-9]*\"" dom.html >slots &&
    test_line_count = 1024 slots &&
    grep "title=\"slot 0: online, group 1\"" dom.html &&
    grep "title=\"slot 600: online, group 2\"" dom.html &&
    grep "title=\"slot 1020: offline\"" dom.html &&
    grep -E "id=\"ov-ops\">[0-9][0-9,]*<" dom.html &&
    grep -E "id=\"ops-chart\"[^>]* data-samples=\"[1-9]" dom.html &&
    grep -E "id=\"ov-groups\">2<" dom.html
'

test_expect_success CHROMIUM 'start the browser driver' '
    start_browser
'

test_expect_success CHROMIUM 'the add-group and add-server forms create them' '
    start_codis_server && S3=$SERVER_ADDR &&
    page <<-EOF &&
	$LOADED
	eval (() => { const f = document.getElementById("form-add-group"); f.elements.id.value = "3"; f.querySelector("button").click(); })()
	wait document.querySelector("#group-rows tr[data-gid=\"3\"]") !== null
	eval (() => { const f = document.getElementById("form-add-server"); f.elements.group.value = "3"; f.elements.addr.value = "$S3"; f.elements.type.value = "master"; f.querySelector("button").click(); })()
	wait document.querySelector("#group-rows tr[data-gid=\"3\"]").textContent.includes("$S3")
	print document.querySelector("#group-rows tr[data-gid=\"3\"] .badge").textContent
	EOF
	echo master >expect &&
	test_cmp expect cdp.out &&
	dashboard_api GET /api/server_group/3 >group &&
	grep "\"addr\": \"$S3\"" group &&
	grep "\"type\": \"master\"" group
'

test_expect_success SLAVEOF,CHROMIUM 'a slave added with the form is promoted by its button' '
    start_codis_server && S4=$SERVER_ADDR &&
    page <<-EOF &&
	$LOADED
	eval (() => { const f = document.getElementById("form-add-server"); f.elements.group.value = "3"; f.elements.addr.value = "$S4"; f.elements.type.value = "slave"; f.querySelector("button").click(); })()
	wait [...document.querySelectorAll("#group-rows tr[data-gid=\"3\"]")].some((r) => r.textContent.includes("$S4") && r.querySelector(".badge").textContent === "slave")
	eval [...document.querySelectorAll("#group-rows tr[data-gid=\"3\"]")].find((r) => r.textContent.includes("$S4")).querySelector("button:not(.danger)").click()
	wait [...document.querySelectorAll("#group-rows tr[data-gid=\"3\"]")].some((r) => r.textContent.includes("$S4") && r.querySelector(".badge").textContent === "master")
	print [...document.querySelectorAll("#group-rows tr[data-gid=\"3\"]")].find((r) => r.textContent.includes("$S3")).querySelector(".badge").textContent
	EOF
	echo slave >expect &&
	test_cmp expect cdp.out &&
	dashboard_api GET /api/server_group/3 >group &&
	grep -A2 "\"type\": \"master\"" group >master &&
	grep "$S4" master
'

test_expect_success CHROMIUM 'the range form sets slots and the map shows them' '
    page <<-EOF &&
	$LOADED
	eval (() => { const f = document.getElementById("form-slot-range"); f.elements.from.value = "1016"; f.elements.to.value = "1023"; f.elements.new_group.value = "2"; f.querySelector("button").click(); })()
	wait document.querySelector("[data-slot=\"1020\"]").title === "slot 1020: online, group 2"
	print document.querySelector("[data-slot=\"1020\"]").className
	EOF
	echo "slot s-online" >expect &&
	test_cmp expect cdp.out &&
	dashboard_api GET /api/slot/1023 >slot &&
	grep "\"group_id\": 2" slot &&
	grep "\"status\": \"online\"" slot
'

test_expect_success CHROMIUM 'a click on a slot shows its keys and fills the forms' '
    page <<-EOF &&
	$LOADED
	eval document.querySelector("[data-slot=\"100\"]").click()
	wait document.getElementById("slot-detail").textContent.includes(" keys on ")
	print document.getElementById("slot-detail").textContent
	print document.getElementById("form-migrate").elements.from.value
	EOF
	cat >expect <<-EOF &&
	slot 100: online, group 1: 3 keys on $S1
	100
	EOF
	test_cmp expect cdp.out
'

test_expect_success CHROMIUM 'API errors are shown with their message' '
    page <<-EOF &&
	$LOADED
	eval (() => { const f = document.getElementById("form-add-group"); f.elements.id.value = "1"; f.querySelector("button").click(); })()
	wait document.querySelector("#messages .error") !== null
	print document.querySelector("#messages .error span").textContent
	eval (() => { const f = document.getElementById("form-migrate"); f.elements.from.value = "10"; f.elements.to.value = "5"; f.elements.new_group.value = "1"; f.querySelector("button").click(); })()
	wait document.querySelector("#messages .error span").textContent.includes("/api/migrate")
	EOF
	echo "PUT /api/server_groups: group already exists (HTTP 409)" >expect &&
	test_cmp expect cdp.out
'

test_expect_success SLOTSMGRT,CHROMIUM 'the migrate form moves slots and their keys; the map follows' '
    page <<-EOF &&
	$LOADED
	eval (() => { const f = document.getElementById("form-migrate"); f.elements.from.value = "100"; f.elements.to.value = "101"; f.elements.new_group.value = "2"; f.elements.delay.value = "0"; f.querySelector("button").click(); })()
	wait document.querySelector("[data-slot=\"100\"]").title === "slot 100: online, group 2" && document.querySelector("[data-slot=\"101\"]").title === "slot 101: online, group 2"
	print document.querySelectorAll("#messages .error").length
	EOF
	echo 0 >expect &&
	test_cmp expect cdp.out &&
	wait_until no_tasks_left &&
	sed -e "s/^/GET /" keys >get.cmds &&
	redis-cli -p $P2 <get.cmds >got &&
	sed -e "s/^/v-/" keys >expect &&
	test_cmp expect got
'

test_expect_success CHROMIUM 'the remove-group button removes an unused group' '
    dashboard_api PUT /api/server_groups "{\"id\": 4}" &&
    echo 200 >expect && test_cmp expect status &&
    page <<-EOF &&
	$LOADED
	wait document.querySelector("#group-rows tr[data-gid=\"4\"]") !== null
	eval window.confirm = () => true
	eval document.querySelector("#group-rows tr[data-gid=\"4\"] button.danger").click()
	wait document.querySelector("#group-rows tr[data-gid=\"4\"]") === null
	EOF
	dashboard_api GET /api/server_group/4 &&
	echo 404 >expect && test_cmp expect status
'

test_expect_success CHROMIUM 'a new proxy is listed, its Online button brings it online' '
    cat >proxy.ini <<-EOF_INI &&
	coordinator=filesystem
	zk=$TRASH_DIRECTORY/coord
	product=test
	dashboard_addr=$DASHBOARD_ADDR
	proxy_id=p1
	EOF_INI
    start_proxy -c proxy.ini --cpu=1 &&
    page <<-EOF &&
	$LOADED
	wait document.querySelector("#proxy-rows .proxy-row .badge") !== null
	print document.querySelector("#proxy-rows .proxy-row").textContent
	eval document.querySelector("#proxy-rows .proxy-row button:not(.danger)").click()
	wait document.querySelector("#proxy-rows .proxy-row .badge").textContent === "online"
	EOF
	echo "p1${PROXY_ADDR}${PROXY_HTTP}offline${PROXY_PID}" >expect &&
	sed -e "s/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9:]*OnlineMark offline\$//" cdp.out >row &&
	test_cmp expect row &&
	dashboard_api GET /api/proxy/list >proxies &&
	grep "\"state\": \"online\"" proxies &&
	redis-cli -p $PROXY_PORT set foo bar >out &&
	echo OK >expect &&
	test_cmp expect out
'

test_expect_success CHROMIUM 'the ops figure and chart show traffic through the proxy' '
    redis-cli -p $PROXY_PORT -r 100000 -i 0.01 set foo bar >/dev/null 2>&1 &
    traffic_pid=$! &&
    test_when_finished "stop_pid $traffic_pid" &&
    page <<-EOF &&
	$LOADED
	wait Number(document.getElementById("ov-ops").textContent.replace(/,/g, "")) > 0
	wait Number(document.getElementById("ops-chart").dataset.samples) > 1
	EOF
	dashboard_api GET /api/overview >overview &&
	grep -E "\"ops\": [1-9]" overview
'

test_done
