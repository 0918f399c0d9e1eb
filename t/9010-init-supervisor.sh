#!/bin/sh
test_description='conf/: the SysV init script and the supervisord programs start and stop roles'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"

CONF_DIR="$TEST_DIRECTORY/../conf"
ETC="$TRASH_DIRECTORY/etc"
mkdir -p "$ETC" "$TRASH_DIRECTORY/log" "$TRASH_DIRECTORY/run"

# install_conf SRC DST: a conf/ file as `make install` writes it, with the
# binaries of this build and the scratch dir for /etc/codis and the logs.
install_conf() {
    sed -e "s|@BINDIR@|$CODIS_BIN_DIR|g" -e "s|@SYSCONFDIR@|$ETC|g" \
        -e "s|/var/log/codis|$TRASH_DIRECTORY/log|g" "$1" >"$2"
}

# start_supervisord: supervisord in the foreground of a background job,
# stopped by PID at exit.
start_supervisord() {
    supervisord -n -c supervisord.conf >supervisord.out 2>&1 &
    SUPERVISORD_PID=$!
    test_atexit "stop_pid $SUPERVISORD_PID"
}

test_expect_success 'the init script, installed as codis-server' '
    install_conf "$CONF_DIR/init.d/codis" codis-server &&
    chmod +x codis-server &&
    install_conf "$CONF_DIR/redis.conf" "$ETC/redis.conf" &&
    PORT=$(free_port) &&
    mkdir data &&
    printf "DAEMON_ARGS=\"%s\"\n" \
        "$ETC/redis.conf --port $PORT --dir $TRASH_DIRECTORY/data --logfile $TRASH_DIRECTORY/log/server.log" \
        >defaults &&
    CODIS_RUN_DIR=$TRASH_DIRECTORY/run CODIS_LOG_DIR=$TRASH_DIRECTORY/log \
    CODIS_DEFAULTS=$TRASH_DIRECTORY/defaults &&
    export CODIS_RUN_DIR CODIS_LOG_DIR CODIS_DEFAULTS
'

test_expect_success 'start: the server runs under its pid file' '
    ./codis-server start >out &&
    grep "codis-server started" out &&
    test_atexit "stop_pid $(cat run/server.pid)" &&
    wait_until "redis-cli -p $PORT ping | grep -q PONG" &&
    test "$(cat /proc/$(cat run/server.pid)/comm)" = codis-server
'

test_expect_success 'status says running; start again is harmless' '
    ./codis-server status >out &&
    grep "is running (pid $(cat run/server.pid))" out &&
    ./codis-server start >out &&
    grep "already running" out
'

test_expect_success 'restart gives a new process that answers' '
    old=$(cat run/server.pid) &&
    ./codis-server restart &&
    test "$(cat run/server.pid)" != "$old" &&
    test_atexit "stop_pid $(cat run/server.pid)" &&
    wait_until "redis-cli -p $PORT ping | grep -q PONG"
'

test_expect_success 'stop ends it and removes the pid file; status exits 3' '
    pid=$(cat run/server.pid) &&
    ./codis-server stop >out &&
    grep "codis-server stopped" out &&
    ! kill -0 "$pid" 2>/dev/null &&
    ! test -e run/server.pid &&
    test_expect_code 3 ./codis-server status
'

test_expect_success 'a script under another name refuses, exit 2' '
    cp codis-server codis-bogus &&
    test_expect_code 2 ./codis-bogus start 2>err &&
    grep "install this script as" err
'

test_expect_success 'supervisord runs the dashboard, the proxy and ha from conf/supervisor' '
    write_dashboard_config &&
    cp config.ini "$ETC/config.ini" &&
    echo proxy_id=proxy_1 >>"$ETC/config.ini" &&
    install_conf "$CONF_DIR/supervisor/codis.conf" programs.conf &&
    sed -i -e "s|0.0.0.0:18087|$DASHBOARD_ADDR|" \
        -e "s|0.0.0.0:19000|127.0.0.1:$(free_port)|" \
        -e "s|127.0.0.1:11000|127.0.0.1:$(free_port)|" programs.conf &&
    cat >supervisord.conf <<-EOF &&
	[unix_http_server]
	file=$TRASH_DIRECTORY/supervisor.sock
	[supervisord]
	logfile=$TRASH_DIRECTORY/supervisord.log
	pidfile=$TRASH_DIRECTORY/supervisord.pid
	childlogdir=$TRASH_DIRECTORY/log
	[rpcinterface:supervisor]
	supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
	[supervisorctl]
	serverurl=unix://$TRASH_DIRECTORY/supervisor.sock
	[include]
	files = $TRASH_DIRECTORY/programs.conf
	EOF
    start_supervisord &&
    wait_until "supervisorctl -c supervisord.conf status codis-dashboard | grep -q RUNNING" &&
    wait_until "curl -sf http://$DASHBOARD_ADDR/api/server_groups" &&
    wait_until "supervisorctl -c supervisord.conf status codis-ha | grep -q RUNNING" &&
    wait_until "supervisorctl -c supervisord.conf status codis-proxy | grep -q RUNNING" &&
    wait_until "curl -sf http://$DASHBOARD_ADDR/api/proxy/list | grep -q proxy_1"
'

test_expect_success 'supervisorctl stop ends the dashboard process' '
    pid=$(supervisorctl -c supervisord.conf pid codis-dashboard) &&
    kill -0 "$pid" &&
    supervisorctl -c supervisord.conf stop codis-dashboard &&
    ! kill -0 "$pid" 2>/dev/null &&
    ! curl -sf http://$DASHBOARD_ADDR/api/server_groups
'

test_done
