#!/bin/sh
test_description='SIGHUP makes every role reopen its log file (logrotate moves it away)'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"
. "$TEST_DIRECTORY/lib-proxy.sh"

# rotate_and_check PID LOG: move LOG away as logrotate does, send SIGHUP,
# and wait until the role writes a new LOG while the old one is kept.
rotate_and_check() {
    wait_until "test -s $2" &&
    mv "$2" "$2.1" &&
    kill -HUP "$1" &&
    wait_until "test -s $2" &&
    grep -i "reopened" "$2" &&
    test -s "$2.1" &&
    kill -0 "$1"
}

test_expect_success 'codis server reopens --logfile' '
    start_server --logfile "$TRASH_DIRECTORY/server.log" &&
    rotate_and_check "$SERVER_PID" server.log &&
    cli ping | grep PONG
'

test_expect_success 'codis dashboard reopens -L' '
    write_dashboard_config &&
    start_dashboard &&
    rotate_and_check "$DASHBOARD_PID" dashboard.log
'

test_expect_success 'codis ha reopens -L' '
    codis ha -c config.ini -L ha.log --interval=0.2 >ha.out 2>&1 &
    HA_PID=$! &&
    test_atexit "stop_pid $HA_PID" &&
    rotate_and_check "$HA_PID" ha.log
'

test_expect_success 'codis proxy reopens -L' '
    printf "[{\"id\": 0, \"backend_addr\": \"127.0.0.1:%s\"}]\n" \
        "$SERVER_PORT" >slots.json &&
    start_proxy --fillslots=slots.json --cpu=1 &&
    rotate_and_check "$PROXY_PID" "$PROXY_LOG"
'

test_done
