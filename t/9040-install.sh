#!/bin/sh
test_description='make install: the binary, a symlink per role, conf/ with paths filled in;
make install-conf: the init files where each init system looks'
. "$(dirname "$0")/lib.sh"

ROOT="$TEST_DIRECTORY/.."
DEST="$TRASH_DIRECTORY/dest"
# Install what this test run uses: the plain build or the ASan one.
case "$CODIS_BIN_DIR" in
*/build-asan/bin) BUILD_DIR=build-asan ;;
*) BUILD_DIR=build ;;
esac

# do_install DESTDIR PREFIX [TARGET [VAR=VALUE...]]: make TARGET (install)
# of this build, as built: -o keeps make from relinking the binary that
# the other tests run (a new commit or an edit since the build would).
do_install() {
    dest=$1 prefix=$2 target=${3:-install}
    shift 2
    test $# -gt 0 && shift
    make -s -C "$ROOT" -o "$CODIS_BIN_DIR/codis" "$target" \
        DESTDIR="$dest" PREFIX="$prefix" \
        BIN="$CODIS_BIN_DIR" BUILD="$BUILD_DIR" "$@" >out 2>&1
}

test_expect_success 'make install DESTDIR=... PREFIX=/usr/local' '
    do_install "$DEST" /usr/local &&
    test -x "$DEST/usr/local/bin/codis"
'

test_expect_success 'a symlink per role, and each one runs its role' '
    for role in server proxy dashboard config ha demo; do
        test "$(readlink "$DEST/usr/local/bin/codis-$role")" = codis &&
        "$DEST/usr/local/bin/codis-$role" --help >help &&
        grep "^usage: codis" help || return 1
    done
'

test_expect_success 'conf/ samples with the install paths, none left to fill' '
    share="$DEST/usr/local/share/codis/conf" &&
    test -f "$share/config.ini" &&
    test -x "$share/init.d/codis" &&
    grep "ExecStart=/usr/local/bin/codis-server /etc/codis/redis.conf" \
        "$share/systemd/codis-server@.service" &&
    grep "command=/usr/local/bin/codis-proxy -c /etc/codis/config.ini" \
        "$share/supervisor/codis.conf" &&
    ! grep -r "@BINDIR@\|@SYSCONFDIR@" "$share"
'

test_expect_success 'config.ini and redis.conf go to /etc/codis, kept if present' '
    test -f "$DEST/etc/codis/config.ini" &&
    echo "# mine" >>"$DEST/etc/codis/redis.conf" &&
    do_install "$DEST" /usr/local &&
    tail -n 1 "$DEST/etc/codis/redis.conf" | grep "# mine"
'

test_expect_success 'make install alone writes nothing where init systems look' '
    ! test -e "$DEST/lib/systemd" &&
    ! test -e "$DEST/etc/init.d" &&
    ! test -e "$DEST/etc/supervisor" &&
    ! test -e "$DEST/etc/logrotate.d"
'

test_expect_success 'PREFIX=/opt/codis keeps everything under the prefix' '
    do_install "$TRASH_DIRECTORY/opt" /opt/codis &&
    (cd "$TRASH_DIRECTORY/opt" && find . ! -type d | sort) >files &&
    ! grep -v "^\./opt/codis/" files &&
    test -f "$TRASH_DIRECTORY/opt/opt/codis/etc/codis/config.ini" &&
    test -f "$TRASH_DIRECTORY/opt/opt/codis/etc/codis/redis.conf" &&
    grep "command=/opt/codis/bin/codis-proxy -c /opt/codis/etc/codis/config.ini" \
        "$TRASH_DIRECTORY/opt/opt/codis/share/codis/conf/supervisor/codis.conf"
'

test_expect_success 'PREFIX=/usr puts config.ini in /etc/codis' '
    do_install "$TRASH_DIRECTORY/usr" /usr &&
    test -f "$TRASH_DIRECTORY/usr/etc/codis/config.ini" &&
    ! test -e "$TRASH_DIRECTORY/usr/usr/etc"
'

test_expect_success 'make install-conf: units, a script per role, supervisor, logrotate' '
    do_install "$DEST" /usr/local install-conf &&
    grep "ExecStart=/usr/local/bin/codis-proxy -c /etc/codis/config.ini" \
        "$DEST/lib/systemd/system/codis-proxy.service" &&
    for unit in codis-server@ codis-dashboard codis-proxy codis-ha; do
        test -f "$DEST/lib/systemd/system/$unit.service" || return 1
    done &&
    for role in server dashboard proxy ha; do
        test -x "$DEST/etc/init.d/codis-$role" || return 1
    done &&
    grep "^\[program:codis-dashboard\]" "$DEST/etc/supervisor/conf.d/codis.conf" &&
    test -f "$DEST/etc/logrotate.d/codis"
'

test_expect_success 'the installed SysV script starts the installed server' '
    port=$(free_port) &&
    echo "DAEMON_ARGS=\"$DEST/etc/codis/redis.conf --port $port --dir $TRASH_DIRECTORY/sysv-data --logfile $TRASH_DIRECTORY/sysv.log\"" \
        >sysv-defaults &&
    CODIS_RUN_DIR=$TRASH_DIRECTORY/sysv-run CODIS_LOG_DIR=$TRASH_DIRECTORY/sysv-log \
        CODIS_DATA_DIR=$TRASH_DIRECTORY/sysv-data CODIS_BIN_DIR=$DEST/usr/local/bin \
        CODIS_DEFAULTS=$TRASH_DIRECTORY/sysv-defaults \
        "$DEST/etc/init.d/codis-server" start >out &&
    test_atexit "stop_pid $(cat $TRASH_DIRECTORY/sysv-run/server.pid)" &&
    grep "codis-server started" out &&
    wait_until "redis-cli -p $port ping | grep -q PONG" &&
    CODIS_RUN_DIR=$TRASH_DIRECTORY/sysv-run CODIS_BIN_DIR=$DEST/usr/local/bin \
        CODIS_DEFAULTS=$TRASH_DIRECTORY/sysv-defaults \
        "$DEST/etc/init.d/codis-server" stop >out &&
    grep "codis-server stopped" out
'

if command -v systemd-analyze >/dev/null 2>&1; then
    test_set_prereq SYSTEMD_ANALYZE
fi

test_expect_success SYSTEMD_ANALYZE 'systemd-analyze verify accepts the installed units' '
    prefix=$TRASH_DIRECTORY/prefix &&
    do_install "" "$prefix" install-conf SYSTEMDDIR="$prefix/units" \
        INITDIR="$prefix/init.d" SUPERVISORDIR="$prefix/supervisor" \
        LOGROTATEDIR="$prefix/logrotate.d" &&
    (cd "$prefix/units" &&
     systemd-analyze verify codis-dashboard.service codis-proxy.service \
        codis-ha.service codis-server@6379.service) >verify.out 2>&1 &&
    ! grep . verify.out
'

test_expect_success 'the installed redis.conf starts a server' '
    port=$(free_port) &&
    mkdir data
    "$DEST/usr/local/bin/codis-server" "$DEST/etc/codis/redis.conf" \
        --port $port --dir "$TRASH_DIRECTORY/data" >server.log 2>&1 &
    pid=$! &&
    test_atexit "stop_pid $pid" &&
    wait_until "redis-cli -p $port ping | grep -q PONG"
'

test_done
