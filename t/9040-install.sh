#!/bin/sh
test_description='make install: the binary, a symlink per role, conf/ with paths filled in'
. "$(dirname "$0")/lib.sh"

ROOT="$TEST_DIRECTORY/.."
DEST="$TRASH_DIRECTORY/dest"
# Install what this test run uses: the plain build or the ASan one.
case "$CODIS_BIN_DIR" in
*/build-asan/bin) BUILD_DIR=build-asan ;;
*) BUILD_DIR=build ;;
esac

test_expect_success 'make install DESTDIR=... PREFIX=/usr/local' '
    make -s -C "$ROOT" install DESTDIR="$DEST" PREFIX=/usr/local \
        BIN="$CODIS_BIN_DIR" BUILD="$BUILD_DIR" >out 2>&1 &&
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
    make -s -C "$ROOT" install DESTDIR="$DEST" PREFIX=/usr/local \
        BIN="$CODIS_BIN_DIR" BUILD="$BUILD_DIR" >out 2>&1 &&
    tail -n 1 "$DEST/etc/codis/redis.conf" | grep "# mine"
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
