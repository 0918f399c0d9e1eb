#!/bin/sh
test_description='migration and the overview on servers that require a password (config.ini password=)'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"

PW=s3cret
CODIS_SERVER_PASSWORD=$PW

# acli PORT ARGS...: redis-cli with the password.
acli() {
    acli_port=$1
    shift
    redis-cli -p "$acli_port" -a "$PW" --no-auth-warning "$@"
}

test_expect_success 'a dashboard with a password, two servers requiring it' '
    write_dashboard_config &&
    echo "password=$PW" >>config.ini &&
    start_dashboard &&
    start_codis_server --requirepass $PW && S1=$SERVER_ADDR &&
    start_codis_server --requirepass $PW && S2=$SERVER_ADDR &&
    redis-cli -p ${S1#*:} ping >out 2>&1 &&
    grep NOAUTH out &&
    codis-config server add 1 $S1 master &&
    codis-config server add 2 $S2 master &&
    codis-config slot init &&
    codis-config slot range-set 0 1023 1 online
'

test_expect_success 'a server with another password is refused' '
    start_codis_server --requirepass other && S3=$SERVER_ADDR &&
    test_expect_code 1 codis-config server add 3 $S3 master 2>err &&
    grep "AUTH" err
'

test_expect_success SLOTSMGRT 'migrate moves keys between password-protected servers' '
    for i in 1 2 3 4 5 6 7 8 9 10
    do
        acli ${S1#*:} set "{a}$i" "v$i" >/dev/null || return 1
    done &&
    acli ${S1#*:} slotshashkey "{a}" >slot &&
    s=$(cat slot) &&
    codis-config slot migrate $s $s 2 >out &&
    grep "\"ret\": 0" out &&
    wait_until tasks_done 30 &&
    acli ${S2#*:} dbsize >n &&
    echo 10 >expect &&
    test_cmp expect n &&
    acli ${S2#*:} get "{a}7" >v &&
    echo v7 >expect &&
    test_cmp expect v &&
    acli ${S1#*:} dbsize >n &&
    echo 0 >expect &&
    test_cmp expect n
'

test_expect_success 'the overview reads the masters with the password' '
    wait_until "curl -sf http://$DASHBOARD_ADDR/api/overview >overview &&
        grep -q redis_version overview" &&
    grep -c "\"redis_version\"" overview >n &&
    echo 2 >expect &&
    test_cmp expect n
'

test_done
