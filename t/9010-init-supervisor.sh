#!/bin/sh
test_description='conf/: the SysV init script and the supervisord programs start and stop
every role on a clean root (nothing created beforehand but the config files)'
. "$(dirname "$0")/lib.sh"

CONF_DIR="$TEST_DIRECTORY/../conf"
# The clean root: /etc/codis, /var and /run of the samples live under it.
R="$TRASH_DIRECTORY/root"
ETC="$R/etc/codis"
mkdir -p "$ETC"

# install_conf SRC DST: a conf/ file as `make install` writes it, with the
# binaries of this build and every system path moved under $R.
install_conf() {
    sed -e "s|@BINDIR@|$CODIS_BIN_DIR|g" -e "s|@SYSCONFDIR@|$ETC|g" \
        -e "s|/var/|$R/var/|g" -e "s|/run/|$R/run/|g" "$1" >"$2"
}

# The samples' config.ini and redis.conf, with free ports for the
# dashboard (DASHBOARD_ADDR), the proxy (PROXY_PORT, PROXY_HTTP_PORT) and
# the server (SERVER_PORT).
install_conf "$CONF_DIR/config.ini" "$ETC/config.ini"
install_conf "$CONF_DIR/redis.conf" "$ETC/redis.conf"
DASHBOARD_ADDR=127.0.0.1:$(free_port)
PROXY_PORT=$(free_port)
PROXY_HTTP_PORT=$(free_port)
SERVER_PORT=$(free_port)
sed -i "s|^dashboard_addr=.*|dashboard_addr=$DASHBOARD_ADDR|" "$ETC/config.ini"

# dashboard_has_proxy: the dashboard lists proxy_1.
dashboard_has_proxy() {
    curl -sf "http://$DASHBOARD_ADDR/api/proxy/list" >proxies &&
    grep -q proxy_1 proxies
}

# ---- SysV ---------------------------------------------------------------

# init ROLE ARGS...: run the init script installed as codis-ROLE, with the
# run, log and data dirs of the clean root and ROLE's defaults file.
init() {
    role=$1
    shift
    CODIS_RUN_DIR=$R/run/codis CODIS_LOG_DIR=$R/var/log/codis \
        CODIS_DATA_DIR=$R/var/lib/codis/server \
        CODIS_DEFAULTS=$TRASH_DIRECTORY/default-$role \
        "./codis-$role" "$@"
}

test_expect_success 'the init script, installed once per role' '
    for role in server dashboard proxy ha; do
        install_conf "$CONF_DIR/init.d/codis" codis-$role &&
        chmod +x codis-$role || return 1
    done &&
    echo "DAEMON_ARGS=\"\$DAEMON_ARGS --port $SERVER_PORT\"" >default-server &&
    echo "DAEMON_ARGS=\"\$DAEMON_ARGS --addr=$DASHBOARD_ADDR\"" >default-dashboard &&
    echo "DAEMON_ARGS=\"\$DAEMON_ARGS --addr=127.0.0.1:$PROXY_PORT --http-addr=127.0.0.1:$PROXY_HTTP_PORT\"" \
        >default-proxy &&
    : >default-ha
'

test_expect_success 'start: the server runs under its pid file' '
    init server start >out &&
    grep "codis-server started" out &&
    test_atexit "stop_pid $(cat $R/run/codis/server.pid)" &&
    wait_until "redis-cli -p $SERVER_PORT ping | grep -q PONG" &&
    test "$(cat /proc/$(cat $R/run/codis/server.pid)/comm)" = codis-server
'

test_expect_success 'status says running; start again is harmless' '
    init server status >out &&
    grep "is running (pid $(cat $R/run/codis/server.pid))" out &&
    init server start >out &&
    grep "already running" out
'

test_expect_success 'restart gives a new process that answers' '
    old=$(cat $R/run/codis/server.pid) &&
    init server restart &&
    test "$(cat $R/run/codis/server.pid)" != "$old" &&
    test_atexit "stop_pid $(cat $R/run/codis/server.pid)" &&
    wait_until "redis-cli -p $SERVER_PORT ping | grep -q PONG"
'

test_expect_success 'start the dashboard, the proxy and ha; each one works' '
    for role in dashboard proxy ha; do
        init $role start >out &&
        grep "codis-$role started" out &&
        test_atexit "stop_pid $(cat $R/run/codis/$role.pid)" || return 1
    done &&
    wait_until "curl -sf http://$DASHBOARD_ADDR/api/server_groups" &&
    wait_until dashboard_has_proxy &&
    test -s $R/var/log/codis/dashboard.log &&
    test -s $R/var/log/codis/proxy.log &&
    test -e $R/var/log/codis/ha.log
'

test_expect_success 'stop ends every role and removes its pid file' '
    for role in ha proxy dashboard server; do
        pid=$(cat $R/run/codis/$role.pid) &&
        init $role stop >out &&
        grep "codis-$role stopped" out &&
        ! kill -0 "$pid" 2>/dev/null &&
        ! test -e $R/run/codis/$role.pid || return 1
    done &&
    test_expect_code 3 init server status
'

test_expect_success 'a script under another name refuses, exit 2' '
    cp codis-server codis-bogus &&
    test_expect_code 2 ./codis-bogus start 2>err &&
    grep "install this script as" err
'

# ---- supervisord --------------------------------------------------------

test_expect_success 'supervisord starts every program of conf/supervisor on a clean root' '
    rm -rf "$R/var" "$R/run" &&
    install_conf "$CONF_DIR/supervisor/codis.conf" programs.conf &&
    sed -i -e "s|0.0.0.0:18087|$DASHBOARD_ADDR|" \
        -e "s|0.0.0.0:19000|127.0.0.1:$PROXY_PORT|" \
        -e "s|127.0.0.1:11000|127.0.0.1:$PROXY_HTTP_PORT|" \
        -e "s|^numprocs_start=.*|numprocs_start=$SERVER_PORT|" programs.conf &&
    mkdir supervisor-logs &&
    cat >supervisord.conf <<-EOF &&
	[unix_http_server]
	file=$TRASH_DIRECTORY/supervisor.sock
	[supervisord]
	logfile=$TRASH_DIRECTORY/supervisord.log
	pidfile=$TRASH_DIRECTORY/supervisord.pid
	childlogdir=$TRASH_DIRECTORY/supervisor-logs
	[rpcinterface:supervisor]
	supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
	[supervisorctl]
	serverurl=unix://$TRASH_DIRECTORY/supervisor.sock
	[include]
	files = $TRASH_DIRECTORY/programs.conf
	EOF
    supervisord -n -c supervisord.conf >supervisord.out 2>&1 &
    SUPERVISORD_PID=$! &&
    test_atexit "stop_pid $SUPERVISORD_PID" &&
    for p in codis-server:codis-server-$SERVER_PORT codis-dashboard codis-proxy codis-ha; do
        wait_until "supervisorctl -c supervisord.conf status $p | grep -q RUNNING" ||
            return 1
    done &&
    wait_until "redis-cli -p $SERVER_PORT ping | grep -q PONG" &&
    test -d "$R/var/lib/codis/server-$SERVER_PORT" &&
    wait_until "curl -sf http://$DASHBOARD_ADDR/api/server_groups" &&
    wait_until dashboard_has_proxy
'

test_expect_success 'each program logs where supervisorctl tail finds it' '
    supervisorctl -c supervisord.conf tail codis-dashboard >tail &&
    test -s tail
'

test_expect_success 'supervisorctl stop all ends every process' '
    pids= &&
    for p in codis-server:codis-server-$SERVER_PORT codis-dashboard codis-proxy codis-ha; do
        pids="$pids $(supervisorctl -c supervisord.conf pid $p)" || return 1
    done &&
    supervisorctl -c supervisord.conf stop all &&
    for pid in $pids; do
        ! kill -0 "$pid" 2>/dev/null || return 1
    done &&
    ! curl -sf http://$DASHBOARD_ADDR/api/server_groups
'

test_done
