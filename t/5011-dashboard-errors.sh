#!/bin/sh
test_description='bad input to every dashboard endpoint and codis-config command is refused cleanly'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"

command -v redis-cli >/dev/null || skip_all 'redis-cli is missing'
command -v redis-server >/dev/null || skip_all 'redis-server is missing'

# expect_http STATUS METHOD PATH [BODY]: the API answers STATUS with a
# JSON error {"msg": ..., "ret": -1}.
expect_http() {
    want=$1
    shift
    dashboard_api "$@" >body &&
    echo "$want" >expect_status &&
    test_cmp expect_status status &&
    grep "\"ret\": -1" body &&
    grep "\"msg\": \"" body
}

test_expect_success 'setup: a dashboard, a group with a master, slots' '
    write_dashboard_config &&
    start_dashboard &&
    start_codis_server && S1=$SERVER_ADDR &&
    codis-config server add 1 $S1 master &&
    codis-config slot init
'

test_expect_success 'codis-config --help and misuse' '
    codis-config --help >out &&
    grep "slot range-set <slot_from> <slot_to> <group_id> <status>" out &&
    test_expect_code 2 codis-config 2>err &&
    grep "no command given" err &&
    test_expect_code 2 codis-config frob 2>err &&
    grep "unknown command '"'"'frob'"'"'" err &&
    test_expect_code 2 codis-config server frob 2>err &&
    test_expect_code 2 codis-config --bogus server list 2>err &&
    grep "usage: codis-config" err
'

test_expect_success 'wrong arity of every command exits 2 with the usage' '
    for cmd in "server list x" "server add 1 $S1" "server add 1 $S1 master x" \
        "server remove 1" "server promote 1" "server add-group" \
        "server remove-group" "server remove-group 1 2" "slot init -f x" \
        "slot info" "slot set 1 1" "slot range-set 0 1 1" "proxy list x" \
        "proxy online" "proxy offline" "action gc" "action gc -n" \
        "action gc -x 1" "action remove-lock x" "action remove-fence x"
    do
        test_expect_code 2 codis-config $cmd 2>err &&
        grep "usage: codis-config" err || return 1
    done
'

test_expect_success 'non-numbers where numbers belong exit 2' '
    test_expect_code 2 codis-config server add-group one 2>err &&
    grep "invalid group id '"'"'one'"'"'" err &&
    test_expect_code 2 codis-config slot info x 2>err &&
    test_expect_code 2 codis-config slot range-set 0 x 1 online 2>err &&
    test_expect_code 2 codis-config action gc -n -1 2>err &&
    test_expect_code 2 codis-config slot init -g 2>err
'

test_expect_success 'group ids below 1 and unknown groups are refused' '
    test_expect_code 1 codis-config server add-group 0 2>err &&
    grep "invalid group id 0" err &&
    test_expect_code 1 codis-config server add-group -3 2>err &&
    test_expect_code 1 codis-config server remove-group 9 2>err &&
    grep "group 9 does not exist" err &&
    test_expect_code 1 codis-config server remove 9 $S1 2>err &&
    grep "group 9 does not exist" err &&
    test_expect_code 1 codis-config server promote 9 $S1 2>err &&
    test_expect_code 1 codis-config slot range-set 0 1 9 online 2>err &&
    grep "group 9 does not exist" err
'

test_expect_success 'bad slot ranges and statuses are refused' '
    test_expect_code 1 codis-config slot range-set 5 2 1 online 2>err &&
    grep "invalid slot range 5-2" err &&
    test_expect_code 1 codis-config slot range-set 0 1024 1 online 2>err &&
    test_expect_code 1 codis-config slot range-set -1 3 1 online 2>err &&
    test_expect_code 1 codis-config slot info 1024 2>err &&
    grep "invalid slot id" err &&
    test_expect_code 1 codis-config slot set 1 1 weird 2>err &&
    grep "slot status must be online or offline" err &&
    test_expect_code 1 codis-config slot set 1 1 migrate 2>err
'

test_expect_success 'a group without a master cannot take slots' '
    codis-config server add-group 2 &&
    test_expect_code 1 codis-config slot range-set 0 1 2 online 2>err &&
    grep "group 2 has no master" err
'

test_expect_success 'a plain redis-server is refused as not a codis server' '
    start_plain_redis &&
    test_expect_code 1 codis-config server add 1 $REDIS_ADDR slave 2>err &&
    grep "is not a codis server" err &&
    grep "SLOTSINFO" err &&
    ! coord_node /zk/codis/db_test/servers/group_1/$REDIS_ADDR
'

test_expect_success 'a server that does not answer is refused' '
    dead=127.0.0.1:$(free_port) &&
    test_expect_code 1 codis-config server add 1 $dead slave 2>err &&
    grep "cannot connect to '"'"'$dead'"'"'" err
'

test_expect_success 'bad server addresses and roles are refused' '
    test_expect_code 1 codis-config server add 1 nohost slave 2>err &&
    grep "invalid server address" err &&
    test_expect_code 1 codis-config server add 1 $S1 boss 2>err &&
    grep "server type must be master or slave" err
'

test_expect_success 'a second master and a server in two groups are refused' '
    start_codis_server && S2=$SERVER_ADDR &&
    test_expect_code 1 codis-config server add 1 $S2 master 2>err &&
    grep "group 1 already has a master" err &&
    test_expect_code 1 codis-config server add 2 $S1 slave 2>err &&
    grep "already in group 1" err
'

test_expect_success 'promote and remove of servers not in the group' '
    test_expect_code 1 codis-config server promote 1 $S2 2>err &&
    grep "is not in group 1" err &&
    test_expect_code 1 codis-config server remove 1 $S2 2>err &&
    grep "is not in group 1" err
'

test_expect_success 'proxy commands on unknown proxies' '
    test_expect_code 1 codis-config proxy online nosuch 2>err &&
    grep "slot 0 is offline" err &&
    codis-config proxy offline nosuch >out &&
    grep "\"ret\": 0" out
'

test_expect_success 'bad JSON to every endpoint with a body is a 400' '
    for ep in "PUT /api/server_groups" "PUT /api/server_group/1/addServer" \
        "PUT /api/server_group/1/removeServer" \
        "POST /api/server_group/1/promote" "POST /api/slot" "POST /api/proxy"
    do
        set -- $ep &&
        expect_http 400 $1 $2 "{bad" &&
        grep "invalid JSON" body &&
        expect_http 400 $1 $2 "[1,2]" &&
        expect_http 400 $1 $2 "{}" || return 1
    done
'

test_expect_success 'wrong types in JSON are a 400' '
    expect_http 400 PUT /api/server_groups "{\"id\": \"1\"}" &&
    grep "field '"'"'id'"'"' must be an integer" body &&
    expect_http 400 PUT /api/server_groups "{\"id\": 1.5}" &&
    expect_http 400 POST /api/slot "{\"from\": 0, \"to\": 1, \"new_group\": [1]}" &&
    expect_http 400 PUT /api/server_group/1/addServer "{\"addr\": 7}" &&
    expect_http 400 POST /api/proxy "{\"id\": \"p\", \"state\": \"up\"}"
'

test_expect_success 'bad paths and methods' '
    expect_http 404 GET /api/nosuch &&
    test "$(curl -s -o /dev/null -w "%{http_code}" http://$DASHBOARD_ADDR/)" = 302 &&
    expect_http 404 GET /nosuch &&
    expect_http 405 DELETE /api/slots &&
    expect_http 400 GET /api/server_group/abc &&
    expect_http 400 GET /api/server_group/0 &&
    expect_http 404 GET /api/server_group/77 &&
    expect_http 400 GET /api/slot/-1 &&
    expect_http 400 GET /api/slot/99999999999999999999 &&
    expect_http 404 GET /api/redis/1.2.3.4:5/stat &&
    expect_http 400 POST "/api/action/gc" &&
    expect_http 400 POST "/api/action/gc?keep=x" &&
    expect_http 400 POST "/api/action/gc?keep=1&secs=2" &&
    curl -sf http://$DASHBOARD_ADDR/api/server_groups >/dev/null
'

test_expect_success 'a held lock makes changes wait for remove-lock' '
    mkdir -p "$TRASH_DIRECTORY/coord/tree/_zk/_codis/_db_test/_LOCK/_lock-0000000000" &&
    printf "0 0 1 -\n{\"hostname\":\"h\",\"pid\":1,\"desc\":\"old\"}" \
        >"$TRASH_DIRECTORY/coord/tree/_zk/_codis/_db_test/_LOCK/_lock-0000000000/@node" &&
    test_expect_code 1 codis-config server add-group 5 2>err &&
    grep "obtaining lock timed out" err &&
    codis-config action remove-lock &&
    codis-config server add-group 5
'

test_expect_success 'the dashboard survived all of it' '
    kill -0 $DASHBOARD_PID &&
    codis-config server list >out &&
    grep "$S1" out
'

test_expect_success 'codis-config with the dashboard down exits 1 in one line' '
    stop_pid $DASHBOARD_PID &&
    test_expect_code 1 codis-config server list 2>err &&
    grep "cannot reach the dashboard at '"'"'$DASHBOARD_ADDR'"'"'" err &&
    test_line_count = 1 err
'

test_expect_success 'bad config values are clear errors; unknown keys warned' '
    cp config.ini good.ini &&
    echo "zk_session_timeout=abc" >>config.ini &&
    test_expect_code 1 codis dashboard -c config.ini 2>err &&
    grep "zk_session_timeout" err &&
    cp good.ini config.ini &&
    echo "coordinator=etcd" >>config.ini &&
    test_expect_code 1 codis dashboard -c config.ini 2>err &&
    grep "'"'"'coordinator'"'"' must be zookeeper or filesystem" err &&
    cp good.ini config.ini &&
    echo "dashboard_addr=0.0.0.0:1" >>config.ini &&
    test_expect_code 1 codis-config server list 2>err &&
    grep dashboard_addr err &&
    test_expect_code 1 codis dashboard -c nosuch.ini 2>err &&
    grep "nosuch.ini" err &&
    test_expect_code 2 codis dashboard --frob 2>err &&
    codis dashboard --help >out &&
    grep "usage: codis-dashboard" out &&
    cp good.ini config.ini &&
    echo "colour=blue" >>config.ini &&
    start_dashboard &&
    grep "unknown key '"'"'colour'"'"'" dashboard.log
'

test_done
