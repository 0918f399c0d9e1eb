#!/bin/sh
test_description='dashboard_auth: every API route needs credentials; codis config, ha and the page log in; the log holds no secret'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"

test_have_prereq CURL || skip_all 'curl is missing'

SECRET='pa55-w0rd:with colon'

# Every route of the API that is not public, with a concrete path. The
# bodies do not matter: the guard answers before any handler runs.
cat >routes <<'EOF'
GET /api/overview
GET /api/server_groups
PUT /api/server_groups
GET /api/server_group/1
DELETE /api/server_group/1
PUT /api/server_group/1/addServer
PUT /api/server_group/1/removeServer
POST /api/server_group/1/promote
GET /api/redis/group/1/5/slotinfo
GET /api/redis/127.0.0.1:1/stat
GET /api/redis/127.0.0.1:1/5/slotinfo
GET /api/slots
GET /api/slot/list
GET /api/slot/5
POST /api/slots/init
POST /api/slot
POST /api/migrate
GET /api/migrate/tasks
GET /api/migrate/status
DELETE /api/migrate/task/1
POST /api/migrate/pause
POST /api/migrate/resume
POST /api/rebalance
GET /api/rebalance/status
GET /api/proxy/list
POST /api/proxy
GET /api/proxy/debug/vars
POST /api/action/gc
POST /api/force_remove_locks
POST /api/remove_fence
GET /api/action/gc
GET /api/force_remove_locks
GET /api/remove_fence
EOF

# every_route_says STATUS [CURL ARGS...]: each route of 'routes' answers
# STATUS with a JSON error when called with CURL ARGS.
every_route_says() {
    want=$1 && shift &&
    while read -r method path; do
        curl -s -o body -w "%{http_code}\n" -X "$method" \
            -H "Content-Type: application/json" "$@" \
            "http://$DASHBOARD_ADDR$path" >status &&
        echo "$want" >expect &&
        test_cmp expect status &&
        grep "\"ret\": -1" body || { echo "route: $method $path" >&2; return 1; }
    done <routes
}

test_expect_success 'a dashboard with dashboard_auth and one group' '
    write_dashboard_config &&
    echo "dashboard_auth=admin:$SECRET" >>config.ini &&
    start_dashboard &&
    start_codis_server && MASTER_PID=$SERVER_PID && MASTER_ADDR=$SERVER_ADDR &&
    DASHBOARD_USERPASS="admin:$SECRET" dashboard_api \
        PUT /api/server_group/1/addServer \
        "{\"addr\": \"$SERVER_ADDR\", \"type\": \"master\"}" &&
    echo 200 >expect && test_cmp expect status
'

test_expect_success 'every API route refuses a request without credentials' '
    every_route_says 401 &&
    grep "authentication required: no credentials" body
'

test_expect_success 'and with a wrong password or user' '
    every_route_says 401 -u "admin:nope" &&
    grep "wrong user name or password" body &&
    every_route_says 401 -u "root:$SECRET"
'

test_expect_success 'a refusal challenges HTTP Basic, the page gets no challenge' '
    curl -s -o body -D headers "http://$DASHBOARD_ADDR/api/slots" &&
    grep "^HTTP/1.1 401" headers &&
    grep "^WWW-Authenticate: Basic realm=\"codis dashboard\"" headers &&
    grep "^Content-Type: application/json" headers &&
    curl -s -o body -D headers -H "X-Requested-With: codis-dashboard" \
        "http://$DASHBOARD_ADDR/api/slots" &&
    grep "^HTTP/1.1 401" headers &&
    ! grep "^WWW-Authenticate" headers
'

test_expect_success 'with credentials the routes answer' '
    curl -sf -u "admin:$SECRET" "http://$DASHBOARD_ADDR/api/server_groups" \
        >groups &&
    grep "$SERVER_ADDR" groups &&
    DASHBOARD_USERPASS="admin:$SECRET" dashboard_api POST /api/slots/init &&
    echo 200 >expect && test_cmp expect status
'

test_expect_success 'the page and its assets stay open, so it can ask to log in' '
    for path in /admin/ /assets/app.js /api/login; do
        curl -sf -o /dev/null "http://$DASHBOARD_ADDR$path" || return 1
    done &&
    curl -s "http://$DASHBOARD_ADDR/api/login" >state &&
    grep "\"auth\": true" state && grep "\"session\": false" state
'

test_expect_success 'codis config sends the credentials of config.ini' '
    codis-config server list >out &&
    grep "$SERVER_ADDR" out &&
    codis-config slot range-set 0 1023 1 online >out &&
    grep "\"msg\": \"OK\"" out &&
    codis-config action remove-lock >out
'

test_expect_success 'codis config without them is refused with a hint' '
    grep -v "^dashboard_auth=" config.ini >noauth.ini &&
    test_expect_code 1 codis-config -c noauth.ini server list 2>err &&
    grep "http 401" err &&
    grep "hint: set dashboard_auth" err &&
    sed -e "s/^dashboard_auth=.*/dashboard_auth=admin:wrong/" config.ini \
        >wrong.ini &&
    test_expect_code 1 codis-config -c wrong.ini server list 2>err &&
    grep "wrong user name or password" err
'

test_expect_success 'the page logs in once and keeps an HttpOnly SameSite cookie' '
    curl -s -o body -D headers -X POST -H "Content-Type: application/json" \
        -d "{\"user\": \"admin\", \"password\": \"nope\"}" \
        "http://$DASHBOARD_ADDR/api/login" &&
    grep "^HTTP/1.1 401" headers &&
    ! grep "^Set-Cookie" headers &&
    curl -s -o body -D headers -c jar -X POST \
        -H "Content-Type: application/json" \
        -d "{\"user\": \"admin\", \"password\": \"$SECRET\"}" \
        "http://$DASHBOARD_ADDR/api/login" &&
    grep "^HTTP/1.1 200" headers &&
    grep "^Set-Cookie: codis_session=[0-9a-f]\{64\}; Path=/; HttpOnly; SameSite=Strict" headers &&
    sed -n -e "s/^Set-Cookie: codis_session=\([0-9a-f]*\);.*/\1/p" headers >tok &&
    curl -sf -b jar "http://$DASHBOARD_ADDR/api/server_groups" >groups &&
    grep "$SERVER_ADDR" groups &&
    curl -s -b jar "http://$DASHBOARD_ADDR/api/login" >state &&
    grep "\"session\": true" state
'

test_expect_success 'the cookie does not make a cross-site simple request pass' '
    curl -s -o body -w "%{http_code}\n" -b jar -X POST \
        -H "Content-Type: text/plain" -H "Origin: http://evil.example" \
        -d x "http://$DASHBOARD_ADDR/api/slots/init?is_force=1" >status &&
    echo 403 >expect && test_cmp expect status &&
    curl -sf -b jar "http://$DASHBOARD_ADDR/api/slot/5" >slot &&
    grep "\"status\": \"online\"" slot
'

test_expect_success 'after logout the cookie is refused' '
    curl -s -o body -D headers -b jar -X POST \
        -H "Content-Type: application/json" \
        "http://$DASHBOARD_ADDR/api/logout" &&
    grep "^Set-Cookie: codis_session=;.*Max-Age=0" headers &&
    curl -s -o body -w "%{http_code}\n" -b jar \
        "http://$DASHBOARD_ADDR/api/server_groups" >status &&
    echo 401 >expect && test_cmp expect status &&
    grep "session expired" body &&
    curl -s -o body -w "%{http_code}\n" -b "codis_session=forged" \
        "http://$DASHBOARD_ADDR/api/server_groups" >status &&
    test_cmp expect status
'

test_expect_success 'refusals are logged with the client address' '
    grep "auth: GET /api/overview from 127.0.0.1:[0-9]* refused: no credentials" \
        dashboard.log &&
    grep "auth: GET /api/slots from 127.0.0.1:[0-9]* refused: wrong user name or password" \
        dashboard.log
'

test_expect_success 'codis config passwd prints a hash that works' '
    printf "%s\n" "$SECRET" | codis-config passwd ops >hash &&
    grep "^ops:sha256:[0-9a-f]*:[0-9a-f]\{64\}$" hash &&
    ! grep -F "$SECRET" hash &&
    stop_pid $DASHBOARD_PID &&
    sed -e "s/^dashboard_auth=.*/dashboard_auth=$(cat hash)/" config.ini \
        >hashed.ini &&
    mv hashed.ini config.ini &&
    start_dashboard &&
    curl -sf -u "ops:$SECRET" "http://$DASHBOARD_ADDR/api/slots" >/dev/null &&
    curl -s -o body -w "%{http_code}\n" -u "admin:$SECRET" \
        "http://$DASHBOARD_ADDR/api/slots" >status &&
    echo 401 >expect && test_cmp expect status
'

test_expect_success 'with a hash in config.ini, clients take the password from the environment' '
    test_expect_code 1 codis-config server list 2>err &&
    grep "CODIS_DASHBOARD_AUTH=user:password" err &&
    CODIS_DASHBOARD_AUTH="ops:$SECRET" codis-config server list >out &&
    grep "$SERVER_ADDR" out
'

test_expect_success SLAVEOF 'a slave for group 1' '
    start_codis_server && SLAVE_ADDR=$SERVER_ADDR && SLAVE_PORT=$SERVER_PORT &&
    CODIS_DASHBOARD_AUTH="ops:$SECRET" codis-config server add 1 \
        "$SLAVE_ADDR" slave >out
'

test_expect_success SLAVEOF 'codis ha reads the groups and promotes with the credentials' '
    CODIS_DASHBOARD_AUTH="ops:$SECRET" codis ha -c config.ini \
        --interval=0.2 --down-after=2 -L ha.log --log-level=debug \
        >ha.out 2>&1 &
    HA_PID=$! &&
    test_atexit "stop_pid $HA_PID" &&
    wait_until "test \$(grep -c \"round done: 1 groups\" ha.log) -ge 2" &&
    ! grep "401" ha.log &&
    # the dashboard promotes only a slave it has seen in sync
    wait_until "CODIS_DASHBOARD_AUTH=\"ops:\$SECRET\" codis-config server list | grep -q \"link.: .up\"" &&
    kill -9 $MASTER_PID &&
    wait_until "redis-cli -p $SLAVE_PORT info replication | grep -q role:master" 30 &&
    # ha logs the promotion once the reply of the dashboard is back, which
    # comes after the new master has changed its role
    wait_until "grep -q \"promoted .$SLAVE_ADDR. to master of group 1\" ha.log" 30
'

test_expect_success 'no log holds the secret or the session token' '
    for f in dashboard.log dashboard.out request.log ha.log ha.out; do
        test -f $f || continue
        ! grep -F "$SECRET" $f &&
        ! grep -F "pa55" $f || { echo "secret in $f" >&2; return 1; }
    done &&
    test -s tok &&
    for t in $(cat tok); do
        ! grep -F "$t" dashboard.log request.log || return 1
    done
'

test_done
