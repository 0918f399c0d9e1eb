#!/bin/sh
test_description='SIGTERM, SIGINT and SIGQUIT stop every role cleanly: exit 0, registrations gone'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"
. "$TEST_DIRECTORY/lib-proxy.sh"

# stopped_cleanly PID: wait for the background job PID to end, exit 0.
stopped_cleanly() {
    wait "$1"
}

test_expect_success 'setup: a dashboard config and a slot file' '
    write_dashboard_config &&
    printf "[{\"id\": 0, \"backend_addr\": \"127.0.0.1:1\"}]\n" >slots.json
'

for sig in TERM INT QUIT; do
    test_expect_success "codis server stops on SIG$sig and says so" "
        start_server --logfile \"\$TRASH_DIRECTORY/server-$sig.log\" &&
        kill -$sig \$SERVER_PID &&
        stopped_cleanly \$SERVER_PID &&
        grep 'scheduling shutdown' server-$sig.log
    "

    test_expect_success "codis dashboard stops on SIG$sig and deregisters" "
        start_dashboard &&
        coord_node /zk/codis/db_test/dashboard >/dev/null &&
        kill -$sig \$DASHBOARD_PID &&
        stopped_cleanly \$DASHBOARD_PID &&
        ! coord_node /zk/codis/db_test/dashboard >/dev/null 2>&1
    "

    test_expect_success "codis ha stops on SIG$sig" "
        codis ha -c config.ini -L ha-$sig.log --interval=0.2 >ha.out 2>&1 &
        HA_PID=\$! &&
        wait_until 'grep -q watching ha-$sig.log' &&
        kill -$sig \$HA_PID &&
        stopped_cleanly \$HA_PID &&
        grep stopping ha-$sig.log
    "

    test_expect_success "codis proxy stops on SIG$sig" "
        start_proxy --fillslots=slots.json --cpu=1 &&
        kill -$sig \$PROXY_PID &&
        stopped_cleanly \$PROXY_PID &&
        grep 'shutting down' \$PROXY_LOG
    "
done

test_done
