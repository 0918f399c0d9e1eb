#!/bin/sh
# t/zk-server.sh: one standalone ZooKeeper (Debian's zookeeper package)
# for the tests, shared by t/lib-zk.sh and `make check`.
#
#   zk-server.sh run DIR PORT
#       write DIR/zoo.cfg and DIR/log4j.properties (log in DIR/zk.log),
#       then exec java in the foreground: the caller's $! is java's PID.
#   zk-server.sh ask PORT WORD
#       send a four-letter word to 127.0.0.1:PORT, print the answer.
#   zk-server.sh serves PORT
#       exit 0 if the server on 127.0.0.1:PORT serves requests.
#   zk-server.sh share COMMAND [ARGS...]
#       start one server for COMMAND and everything it runs (a whole
#       prove run): it sees CODIS_TEST_ZK_SHARED=127.0.0.1:PORT, and
#       t/lib-zk.sh's start_zk gives each script its own chroot there
#       instead of a JVM of its own. The server is stopped by its PID and
#       its directory removed when COMMAND ends, whatever its result; the
#       exit status is COMMAND's. Without java or the jar, or if the
#       server does not come up, COMMAND runs alone (each script starts
#       its own server or skips).
#
# The server: its own dataDir, a client port on 127.0.0.1, no admin
# server, no JMX, a tick of 500 ms (sessions of 1 to 10 s: short enough
# that a killed owner's nodes go soon, long enough to survive a loaded
# machine), any number of clients, and the four-letter words "ruok" and
# "srvr" allowed.

ZK_JAR=/usr/share/java/zookeeper.jar
# Debian's python3 when there is one (t/lib.sh says why).
PYTHON3=python3
[ -x /usr/bin/python3 ] && PYTHON3=/usr/bin/python3

zk_run() {
    printf '%s\n' "tickTime=500" "dataDir=$1/data" \
        "clientPort=$2" "clientPortAddress=127.0.0.1" \
        "maxClientCnxns=0" "admin.enableServer=false" \
        "4lw.commands.whitelist=ruok,srvr" >"$1/zoo.cfg" &&
    printf '%s\n' "log4j.rootLogger=INFO, FILE" \
        "log4j.appender.FILE=org.apache.log4j.FileAppender" \
        "log4j.appender.FILE.File=$1/zk.log" \
        "log4j.appender.FILE.layout=org.apache.log4j.PatternLayout" \
        "log4j.appender.FILE.layout.ConversionPattern=%d{ISO8601} %-5p %c{1} - %m%n" \
        >"$1/log4j.properties" &&
    mkdir -p "$1/data" || exit 1
    exec java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
        -Dlog4j.configuration="file:$1/log4j.properties" \
        -Dzookeeper.jmx.log4j.disable=true -Dzookeeper.forceSync=no \
        -cp "$ZK_JAR:/usr/share/java/slf4j-log4j12.jar:/usr/share/java/log4j-1.2.jar" \
        org.apache.zookeeper.server.ZooKeeperServerMain "$1/zoo.cfg" \
        >>"$1/zk.log" 2>&1
}

zk_ask() {
    "$PYTHON3" -c 'import socket, sys
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

# zk_serves PORT: "imok" only says it runs; srvr names its mode once it
# serves requests.
zk_serves() {
    test "$(zk_ask "$1" ruok 2>/dev/null)" = imok &&
    zk_ask "$1" srvr 2>/dev/null | grep -q "^Mode: "
}

zk_share() {
    if ! command -v java >/dev/null 2>&1 || ! [ -r "$ZK_JAR" ] ||
       ! command -v "$PYTHON3" >/dev/null 2>&1; then
        exec "$@"
    fi
    dir=$(mktemp -d "${TMPDIR:-/tmp}/codis-zk.XXXXXX") || exec "$@"
    port=$("$PYTHON3" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
    sh "$0" run "$dir" "$port" &
    pid=$!
    trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
    trap 'exit 130' INT TERM HUP
    deadline=$(( $(date +%s) + 60 ))
    while ! zk_serves "$port"; do
        if ! kill -0 "$pid" 2>/dev/null ||
           [ "$(date +%s)" -ge "$deadline" ]; then
            echo "zk-server: no shared zookeeper (see below); each script starts its own" >&2
            tail -n 20 "$dir/zk.log" >&2
            kill "$pid" 2>/dev/null
            "$@"
            exit $?
        fi
        sleep 0.2
    done
    echo "zk-server: zookeeper for the tests on 127.0.0.1:$port (pid $pid)"
    CODIS_TEST_ZK_SHARED=127.0.0.1:$port "$@"
    exit $?
}

case $1 in
run) zk_run "$2" "$3" ;;
ask) zk_ask "$2" "$3" ;;
serves) zk_serves "$2" ;;
share) shift; zk_share "$@" ;;
*)
    echo "usage: zk-server.sh run DIR PORT | ask PORT WORD | serves PORT | share COMMAND..." >&2
    exit 2
    ;;
esac
