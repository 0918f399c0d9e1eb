# t/lib-zk.sh: a real ZooKeeper for tests (Debian's zookeeper package).
#
#   . "$(dirname "$0")/lib-zk.sh"
#   test_have_prereq ZOOKEEPER || skip_all "$ZK_MISSING"
#   start_zk                      # sets ZK_ADDR (127.0.0.1:port), ZK_PID
#
# start_zk runs one standalone server in the scratch directory: its own
# dataDir and config, a free client port on 127.0.0.1, no admin server, no
# JMX, a tick of 500 ms (sessions of 1 to 10 s: short enough that a killed
# owner's nodes go soon, long enough to survive a loaded machine) and the
# four-letter words "ruok" and "srvr" allowed. It waits until the server
# answers "imok" (failing fast if java died), and stops it by PID when the
# script ends. Its log is zk.log in the scratch directory.

ZK_JAR=/usr/share/java/zookeeper.jar
ZK_MISSING=
if ! command -v java >/dev/null 2>&1; then
    ZK_MISSING="java is not installed (make deps installs zookeeper)"
elif ! [ -r "$ZK_JAR" ]; then
    ZK_MISSING="$ZK_JAR is missing (make deps installs zookeeper)"
elif ! test_have_prereq PYTHON3; then
    ZK_MISSING="python3 is needed to ask zookeeper whether it is up"
else
    test_set_prereq ZOOKEEPER
fi

# zk_ask PORT WORD: send a four-letter word, print the answer.
zk_ask() {
    python3 -c 'import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
s.sendall(sys.argv[2].encode())
out = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    out += b
sys.stdout.write(out.decode())' "$1" "$2"
}

# zk_ok PORT: true when the server at PORT serves requests ("imok" only
# says it runs; srvr names its mode once it serves).
zk_ok() {
    test "$(zk_ask "$1" ruok 2>/dev/null)" = imok &&
    zk_ask "$1" srvr 2>/dev/null | grep -q "^Mode: "
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

# start_zk: start a server; sets ZK_PORT, ZK_ADDR and ZK_PID.
start_zk() {
    ZK_PORT=$(free_port) &&
    zk_dir="$TRASH_DIRECTORY/zk-$ZK_PORT" &&
    mkdir -p "$zk_dir/data" &&
    printf '%s\n' "tickTime=500" "dataDir=$zk_dir/data" \
        "clientPort=$ZK_PORT" "clientPortAddress=127.0.0.1" \
        "maxClientCnxns=0" "admin.enableServer=false" \
        "4lw.commands.whitelist=ruok,srvr" >"$zk_dir/zoo.cfg" &&
    printf '%s\n' "log4j.rootLogger=INFO, FILE" \
        "log4j.appender.FILE=org.apache.log4j.FileAppender" \
        "log4j.appender.FILE.File=$TRASH_DIRECTORY/zk.log" \
        "log4j.appender.FILE.layout=org.apache.log4j.PatternLayout" \
        "log4j.appender.FILE.layout.ConversionPattern=%d{ISO8601} %-5p %c{1} - %m%n" \
        >"$zk_dir/log4j.properties" || return 1
    java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
        -Dlog4j.configuration="file:$zk_dir/log4j.properties" \
        -Dzookeeper.jmx.log4j.disable=true \
        -cp "$ZK_JAR:/usr/share/java/slf4j-log4j12.jar:/usr/share/java/log4j-1.2.jar" \
        org.apache.zookeeper.server.ZooKeeperServerMain "$zk_dir/zoo.cfg" \
        >>"$TRASH_DIRECTORY/zk.log" 2>&1 &
    ZK_PID=$!
    test_atexit "stop_pid $ZK_PID"
    ZK_ADDR="127.0.0.1:$ZK_PORT"
    export ZK_ADDR
    zk_died=
    wait_until "zk_alive_and_ok $ZK_PORT $ZK_PID" 60 &&
    test -z "$zk_died"
}
