#!/bin/sh
test_description='the dashboard page with dashboard_auth: it asks once, works with its session cookie, logs out'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-page.sh"

command -v curl >/dev/null || skip_all 'curl is missing'
command -v chromium >/dev/null ||
    skip_all 'chromium is missing (apt-get install chromium)'

SECRET='page-s3cret'
DASHBOARD_USERPASS="admin:$SECRET"

LOGIN_SHOWN="wait document.getElementById('login') !== null && !document.getElementById('login').hidden"
# fill_login USER PASSWORD: a step that submits the login form.
fill_login() {
    echo "eval (() => { const f = document.getElementById('form-login'); f.elements.user.value = '$1'; f.elements.password.value = '$2'; f.querySelector('button').click(); })()"
}

test_expect_success 'a dashboard with dashboard_auth and group 1' '
    write_dashboard_config &&
    echo "dashboard_auth=$DASHBOARD_USERPASS" >>config.ini &&
    start_dashboard &&
    start_codis_server &&
    dashboard_api PUT /api/server_group/1/addServer \
        "{\"addr\": \"$SERVER_ADDR\", \"type\": \"master\"}" &&
    echo 200 >expect && test_cmp expect status &&
    start_browser
'

test_expect_success 'the page shows its login form and no data' '
    page <<-EOF &&
	$LOGIN_SHOWN
	print document.getElementById("ov-groups").textContent
	print document.querySelectorAll("#group-rows tr[data-gid]").length
	EOF
	printf "\\342\\200\\224\n0\n" >expect &&
	test_cmp expect cdp.out
'

test_expect_success 'a wrong password is refused on the form' '
    page <<-EOF &&
	$LOGIN_SHOWN
	$(fill_login admin wrong)
	wait document.getElementById("login-status").textContent !== ""
	print document.getElementById("login-status").textContent
	print document.getElementById("login").hidden
	EOF
	printf "Wrong user name or password.\nfalse\n" >expect &&
	test_cmp expect cdp.out
'

test_expect_success 'the right one opens the page; its forms change the cluster' '
    page <<-EOF &&
	$LOGIN_SHOWN
	$(fill_login admin "$SECRET")
	wait document.getElementById("login") !== null && document.getElementById("login").hidden
	wait document.querySelector("#group-rows tr[data-gid=\"1\"]") !== null
	eval (() => { const f = document.getElementById("form-add-group"); f.elements.id.value = "2"; f.querySelector("button").click(); })()
	wait document.querySelector("#group-rows tr[data-gid=\"2\"]") !== null
	print document.getElementById("logout").hidden
	EOF
	echo false >expect &&
	test_cmp expect cdp.out &&
	dashboard_api GET /api/server_group/2 >group &&
	echo 200 >expect && test_cmp expect status
'

test_expect_success 'a reload keeps the session; scripts cannot read the cookie' '
    page <<-EOF &&
	wait document.querySelector("#group-rows tr[data-gid=\"2\"]") !== null
	print document.getElementById("login").hidden
	print document.cookie.includes("codis_session")
	EOF
	printf "true\nfalse\n" >expect &&
	test_cmp expect cdp.out
'

test_expect_success 'Log out closes the session: the form is back, the API refuses' '
    page <<-EOF &&
	wait document.querySelector("#group-rows tr[data-gid=\"2\"]") !== null
	eval document.getElementById("logout").click()
	$LOGIN_SHOWN
	print fetch("/api/server_groups", { headers: { "X-Requested-With": "t" } }).then((r) => r.status)
	EOF
	echo 401 >expect &&
	test_cmp expect cdp.out &&
	page <<-EOF
	$LOGIN_SHOWN
	EOF
'

test_expect_success 'the log holds no secret' '
    ! grep -F "$SECRET" dashboard.log request.log &&
    grep "auth: page session opened from 127.0.0.1" dashboard.log
'

test_done
