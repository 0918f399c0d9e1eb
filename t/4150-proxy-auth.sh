#!/bin/sh
test_description='codis-proxy passwords: session_auth for clients and product_auth for servers, password for both; its HTTP admin'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-proxy.sh"

test_have_prereq CURL || skip_all 'curl is missing'

CLIENT_PW=client-s3cret
SERVER_PW=server-s3cret
ADMIN='admin:adm1n-s3cret'

# fillslots PORT: slots.json sending every slot to the server on PORT.
fillslots() {
    python3 -c "import json, sys
print(json.dumps([{\"id\": i, \"backend_addr\": \"127.0.0.1:\" + sys.argv[1]}
                  for i in range(1024)]))" "$1" >slots.json
}

# http METHOD PATH [CURL ARGS...]: curl the proxy's HTTP address; the
# body goes to 'body', the status is printed.
http() {
    http_method=$1 http_path=$2 && shift 2 &&
    curl -s -o body -w '%{http_code}' -X "$http_method" "$@" \
        "http://$PROXY_HTTP$http_path"
}

test_expect_success 'servers of their own password behind a proxy with another' '
    start_server --requirepass $SERVER_PW && SPORT=$SERVER_PORT &&
    fillslots $SPORT &&
    cat >proxy.ini <<-EOF &&
	session_auth=$CLIENT_PW
	product_auth=$SERVER_PW
	dashboard_auth=$ADMIN
	EOF
    start_proxy -c proxy.ini --fillslots=slots.json --cpu=1
'

test_expect_success 'clients must AUTH with session_auth' '
    pcli set k v >out 2>&1 &&
    grep "^NOAUTH" out &&
    pcli -a $SERVER_PW --no-auth-warning set k v >out 2>&1 &&
    grep "invalid password" out &&
    pcli -a $CLIENT_PW --no-auth-warning set k v >out &&
    echo OK >expect && test_cmp expect out
'

test_expect_success 'the proxy reached the server with product_auth' '
    redis-cli -p $SPORT -a $SERVER_PW --no-auth-warning get k >out &&
    echo v >expect && test_cmp expect out &&
    pcli -a $CLIENT_PW --no-auth-warning get k >out &&
    test_cmp expect out
'

test_expect_success 'AUTH default <password> works, another user does not' '
    printf "AUTH default $CLIENT_PW\nGET k\n" | pcli >out &&
    printf "OK\nv\n" >expect && test_cmp expect out &&
    printf "AUTH bob $CLIENT_PW\nGET k\n" | pcli >out 2>&1 &&
    grep "^WRONGPASS" out && grep "^NOAUTH" out
'

test_expect_success '/metrics and /debug/vars show no password' '
    test "$(http GET /metrics)" = 200 && cp body metrics &&
    test "$(http GET /debug/vars)" = 200 && cp body vars &&
    for secret in $CLIENT_PW $SERVER_PW adm1n-s3cret; do
        ! grep -F "$secret" metrics vars $PROXY_LOG || return 1
    done
'

test_expect_success 'changing the log level needs the dashboard credentials' '
    test "$(http PUT /api/loglevel/debug)" = 401 &&
    grep "authentication required" body &&
    test "$(http PUT /api/loglevel/debug -u admin:wrong)" = 401 &&
    test "$(http PUT "/setloglevel?level=debug")" = 401 &&
    ! grep "log level set to debug" $PROXY_LOG &&
    grep "refused: wrong or no credentials" $PROXY_LOG &&
    test "$(http PUT /api/loglevel/debug -u "$ADMIN")" = 200 &&
    grep "log level set to debug" $PROXY_LOG &&
    ! grep -F "adm1n-s3cret" $PROXY_LOG
'

test_expect_success 'password= alone (Codis 2) is both keys' '
    start_server --requirepass same-pw && fillslots $SERVER_PORT &&
    echo "password=same-pw" >codis2.ini &&
    start_proxy -c codis2.ini --fillslots=slots.json --cpu=1 &&
    pcli set k2 v2 >out 2>&1 && grep "^NOAUTH" out &&
    pcli -a same-pw --no-auth-warning set k2 v2 >out &&
    echo OK >expect && test_cmp expect out &&
    redis-cli -p $SERVER_PORT -a same-pw --no-auth-warning get k2 >out &&
    echo v2 >expect && test_cmp expect out
'

test_expect_success 'session_auth= empty opens the proxy while password guards the servers' '
    start_server --requirepass back-pw && fillslots $SERVER_PORT &&
    printf "password=back-pw\nsession_auth=\n" >open.ini &&
    start_proxy -c open.ini --fillslots=slots.json --cpu=1 &&
    pcli set k3 v3 >out &&
    echo OK >expect && test_cmp expect out
'

test_expect_success 'the HTTP admin listens exactly on --http-addr' '
    command -v ss >/dev/null || { say "no ss: skipped"; return 0; }
    ss -ltnH "sport = :${PROXY_HTTP#*:}" >listen &&
    grep -F "$PROXY_HTTP " listen &&
    ! grep -F "0.0.0.0:${PROXY_HTTP#*:} " listen
'

test_expect_success 'a server without a password' '
    start_server && fillslots $SERVER_PORT &&
    : >empty.ini &&
    wild_port=$(free_port) && wild_http=$(free_port)
'

test_expect_success 'a proxy open beyond loopback without passwords warns at start' '
    codis proxy -c empty.ini --fillslots=slots.json --cpu=1 \
        --addr=0.0.0.0:$wild_port --http-addr=0.0.0.0:$wild_http \
        -L wild.log >wild.out 2>&1 &
    wild_pid=$! &&
    test_atexit "stop_pid $wild_pid" &&
    wait_until "grep -q \"reachable beyond this machine\" wild.log" &&
    grep "clients reach .0.0.0.0:$wild_port. beyond this machine without a password" wild.log &&
    test "$(curl -s -o body -w "%{http_code}" -X PUT \
        http://127.0.0.1:$wild_http/api/loglevel/debug)" = 200 &&
    ! grep "warn.*beyond" proxy-$PROXY_PORT.log
'

test_expect_success 'codis server warns when open beyond loopback without requirepass' '
    start_server --bind 0.0.0.0 &&
    wait_until "grep -q \"without requirepass\" $SERVER_LOG" &&
    start_server --bind 127.0.0.1 --requirepass x &&
    start_server &&
    ! grep "without requirepass" $SERVER_LOG
'

test_done
