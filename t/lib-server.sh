# t/lib-server.sh: start codis-server for a test script.
#
#   . "$(dirname "$0")/lib-server.sh"
#   start_server [--directive value ...]
#   cli set k v            # redis-cli against it
#
# start_server takes a free port on 127.0.0.1, runs the server in its own
# directory under the scratch dir (--dir, no RDB snapshots by default),
# polls with PING until it answers (failing fast if the process died) and
# registers a stop by PID at exit. It sets SERVER_PORT, SERVER_PID,
# SERVER_DIR and SERVER_LOG; extra arguments go to codis-server as is.
# A diskless full sync starts at once (repl-diskless-sync-delay 0; Redis
# and our default wait 5 s for more replicas).

# start_server [ARGS...]: start a server; fail if it does not come up.
start_server() {
    SERVER_PORT=$(free_port) || return 1
    SERVER_DIR="$TRASH_DIRECTORY/server-$SERVER_PORT"
    SERVER_LOG="$SERVER_DIR.log"
    mkdir -p "$SERVER_DIR" || return 1
    codis-server --port "$SERVER_PORT" --bind 127.0.0.1 \
        --dir "$SERVER_DIR" --save "" --repl-diskless-sync-delay 0 "$@" \
        >"$SERVER_LOG" 2>&1 &
    SERVER_PID=$!
    test_atexit "stop_pid $SERVER_PID"
    server_wait_ready "$SERVER_PID" "$SERVER_PORT" "$SERVER_LOG"
}

# restart_server PORT: start codis-server again on PORT, in the directory
# start_server gave it (its old process must be gone), its output added
# to the same log; sets SERVER_PID.
restart_server() {
    codis-server --port "$1" --bind 127.0.0.1 \
        --dir "$TRASH_DIRECTORY/server-$1" --save "" --repl-diskless-sync-delay 0 \
        >>"$TRASH_DIRECTORY/server-$1.log" 2>&1 &
    SERVER_PID=$!
    test_atexit "stop_pid $SERVER_PID"
    server_wait_ready "$SERVER_PID" "$1" "$TRASH_DIRECTORY/server-$1.log"
}

# server_wait_ready PID PORT LOG: poll PORT with PING for 20 s; fail at
# once if PID exits (showing LOG).
server_wait_ready() {
    ready_deadline=$(( $(date +%s) + 20 ))
    while :; do
        if ! kill -0 "$1" 2>/dev/null; then
            echo "server $1 died; its log:" >&2
            cat "$3" >&2
            return 1
        fi
        if redis-cli -p "$2" ping 2>&1 | grep -qE 'PONG|NOAUTH'; then
            return 0
        fi
        if [ "$(date +%s)" -ge "$ready_deadline" ]; then
            echo "server on port $2 did not answer PING" >&2
            return 1
        fi
        sleep 0.05
    done
}

# cli ARGS...: redis-cli against the last started server.
cli() {
    redis-cli -p "$SERVER_PORT" "$@"
}

# server_alive: the last started server still runs and answers PING.
server_alive() {
    kill -0 "$SERVER_PID" 2>/dev/null &&
    redis-cli -p "$SERVER_PORT" ping 2>&1 | grep -qE 'PONG|NOAUTH'
}

# server_info PORT SECTION FIELD: print FIELD of INFO SECTION on PORT.
server_info() {
    redis-cli -p "$1" info "$2" | tr -d '\r' | sed -n "s/^$3://p"
}

# link_up PORT: the replica on PORT is connected to its master.
link_up() {
    test "$(server_info "$1" replication master_link_status)" = up
}

# same_offset MASTER REPLICA: the replica applied all the master sent.
same_offset() {
    m=$(server_info "$1" replication master_repl_offset) &&
    r=$(server_info "$2" replication slave_repl_offset) &&
    test -n "$m" && test "$m" = "$r"
}

# synced MASTER REPLICA: the link is up and the replica applied all.
synced() {
    link_up "$2" && same_offset "$1" "$2"
}

# scenario FILE PORT [ARGS...]: run the Python scenario FILE against PORT
# (python3 t/lib-resp.py FILE PORT ARGS: Conn, show and port are
# defined for it).
scenario() {
    python3 "$TEST_DIRECTORY/lib-resp.py" "$@"
}

# raw_send BYTES: send BYTES (printf escapes allowed) on one connection,
# print everything the server answers until it closes or goes quiet for
# 0.5 s, and exit 0 if the server closed the connection, 1 if not.
raw_send() {
    python3 - "$SERVER_PORT" "$1" <<'PYEOF'
import socket, sys
port, data = int(sys.argv[1]), sys.argv[2].encode().decode('unicode_escape').encode('latin-1')
s = socket.create_connection(("127.0.0.1", port))
s.sendall(data)
s.settimeout(0.5)
out, closed = b"", False
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            closed = True
            break
        out += chunk
except socket.timeout:
    pass
sys.stdout.write(out.decode('latin-1'))
sys.exit(0 if closed else 1)
PYEOF
}

if ! command -v redis-cli >/dev/null 2>&1; then
    skip_all "redis-cli (Debian redis-tools) is not installed"
fi
