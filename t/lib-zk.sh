# t/lib-zk.sh: a real ZooKeeper for tests (Debian's zookeeper package).
#
#   . "$(dirname "$0")/lib-zk.sh"
#   test_have_prereq ZOOKEEPER || skip_all "$ZK_MISSING"
#   start_zk                      # sets ZK_ADDR, ZK_PORT
#
# Under `make check`, t/zk-server.sh runs one server for the whole suite
# (CODIS_TEST_ZK_SHARED=127.0.0.1:port): start_zk then creates a chroot
# of the script's own, /<script>-<pid>, and ZK_ADDR is
# 127.0.0.1:port/<script>-<pid>, so the scripts see empty, separate trees
# and the suite pays for one JVM instead of one per script. Run alone (or
# when the shared server does not answer), start_zk starts a server in the
# scratch directory through t/zk-server.sh (config and tick there), waits
# until it serves (failing fast if java died), stops it by PID when the
# script ends, and ZK_ADDR is plain 127.0.0.1:port. Its log is zk.log in
# the scratch directory.

ZK_JAR=/usr/share/java/zookeeper.jar
ZK_TOOL=${CODIS_UNIT_DIR:-$TEST_DIRECTORY/unit}/coord_tool
ZK_MISSING=
if ! command -v java >/dev/null 2>&1; then
    ZK_MISSING="java is not installed (make deps installs zookeeper)"
elif ! [ -r "$ZK_JAR" ]; then
    ZK_MISSING="$ZK_JAR is missing (make deps installs zookeeper)"
elif ! test_have_prereq PYTHON3; then
    ZK_MISSING="python3 is needed to ask zookeeper whether it is up"
elif ! [ -x "$ZK_TOOL" ]; then
    ZK_MISSING="$ZK_TOOL is not built (make)"
else
    test_set_prereq ZOOKEEPER
fi

# zk_ask PORT WORD: send a four-letter word, print the answer.
zk_ask() {
    sh "$TEST_DIRECTORY/zk-server.sh" ask "$1" "$2"
}

# zk_ok PORT: true when the server at PORT serves requests.
zk_ok() {
    sh "$TEST_DIRECTORY/zk-server.sh" serves "$1"
}

# zk_alive_and_ok PORT PID: the server answers; fails at once if PID died.
zk_alive_and_ok() {
    if ! kill -0 "$2" 2>/dev/null; then
        echo "zookeeper (pid $2) died; see $TRASH_DIRECTORY/zk.log" >&2
        zk_died=t
        return 0
    fi
    zk_ok "$1"
}

# start_zk: a chroot on the shared server, else a server of our own;
# sets ZK_PORT and ZK_ADDR (exported).
start_zk() {
    if [ -n "$CODIS_TEST_ZK_SHARED" ] && zk_ok "${CODIS_TEST_ZK_SHARED#*:}"
    then
        ZK_PORT=${CODIS_TEST_ZK_SHARED#*:} &&
        zk_root="/$(basename "$0" .sh)-$$" &&
        "$ZK_TOOL" zookeeper "$CODIS_TEST_ZK_SHARED" 4000 create \
            "$zk_root" "" &&
        ZK_ADDR="$CODIS_TEST_ZK_SHARED$zk_root" &&
        export ZK_ADDR
        return
    fi
    ZK_PORT=$(free_port) &&
    zk_dir="$TRASH_DIRECTORY/zk-$ZK_PORT" &&
    mkdir -p "$zk_dir" || return 1
    sh "$TEST_DIRECTORY/zk-server.sh" run "$zk_dir" "$ZK_PORT" &
    ZK_PID=$!
    test_atexit "stop_pid $ZK_PID"
    ln -sf "$zk_dir/zk.log" "$TRASH_DIRECTORY/zk.log"
    ZK_ADDR="127.0.0.1:$ZK_PORT"
    export ZK_ADDR
    zk_died=
    wait_until "zk_alive_and_ok $ZK_PORT $ZK_PID" 60 &&
    test -z "$zk_died"
}
