# t/lib-failover.sh: the cluster and helpers of the fault tests (t/70xx).
# It sources t/lib-dashboard.sh (and with it t/lib-server.sh) and
# t/lib-proxy.sh and starts the first codis server (proxy_first_server,
# which skips the script without curl, python3 or SLAVEOF).
#
#   failover_cluster [ACTION_TIMEOUT_MS]
#       a dashboard (filesystem coordinator), group 1 (M1 master, S1
#       slave) and group 2 (M2, S2), slots 0-511 on group 1 and 512-1023
#       on group 2, proxy p1 online (PROXY_PORT ...), and codis ha every
#       second, down after 3 failed rounds (HA_PID, ha.log). Ports in M1
#       S1 M2 S2, pids in M1_PID ...; each slave in sync with its master.
#   restart_server PORT (t/lib-server.sh)
#       start codis server again on PORT (its old process must be gone);
#       sets SERVER_PID.
#   start_writer NAME / stop_writer NAME
#       run t/lib-writer.py through the proxy in the background / stop it;
#       it watches the servers M1 S1 M2 S2 and $WRITER_EXTRA (ports) to
#       know which acknowledged writes reached a replica; with
#       WRITER_KEYS=K it overwrites K keys (set it for check_writer too).
#   check_writer NAME
#       read back every acknowledged write; fails if one that had reached
#       a replica was lost. When fewer than 100 are known to have reached
#       one (a group left without a replica by an earlier fault keeps the
#       writer from knowing), it fails if any acknowledged write was lost. The line "acked N lost L replicated R lost R2 gap S1
#       S2" is in NAME.result.
#   server_field ADDR FIELD
#       a field of server ADDR in `codis-config server list` (type, role,
#       link, lag ...).
#   all_slots_online
#       every slot is online in a group whose master takes writes through
#       the proxy (a key of each group is written).

failover_cluster() {
    write_dashboard_config &&
    sed -i "s/^action_timeout=.*/action_timeout=${1:-5000}/" config.ini &&
    start_dashboard &&
    ok_json &&
    start_codis_server && M1=$SERVER_PORT && M1_PID=$SERVER_PID &&
    start_server && S1=$SERVER_PORT && S1_PID=$SERVER_PID &&
    start_server && M2=$SERVER_PORT && M2_PID=$SERVER_PID &&
    start_server && S2=$SERVER_PORT && S2_PID=$SERVER_PID &&
    config_ok server add 1 127.0.0.1:$M1 master &&
    config_ok server add 1 127.0.0.1:$S1 slave &&
    config_ok server add 2 127.0.0.1:$M2 master &&
    config_ok server add 2 127.0.0.1:$S2 slave &&
    slots_split_online &&
    proxy_online p1 --cpu=2 && P1_PID=$PROXY_PID &&
    wait_until "test \"\$(server_field 127.0.0.1:$S1 link)\" = up" 60 &&
    wait_until "test \"\$(server_field 127.0.0.1:$S2 link)\" = up" 60 ||
        return 1
    codis ha -c config.ini --interval=1 --down-after=3 -L ha.log \
        >ha.out 2>&1 &
    HA_PID=$! &&
    test_atexit "stop_pid $HA_PID" &&
    wait_until "grep -q watching ha.log"
}

start_writer() {
    rm -f "$1.stop" || return 1
    WRITER_SERVERS="$M1 $S1 $M2 $S2 $WRITER_EXTRA" \
        WRITER_KEYS="${WRITER_KEYS:-0}" \
        python3 "$TEST_DIRECTORY/lib-writer.py" write $PROXY_PORT "$1" \
        >"$1.out" 2>&1 &
    eval "WRITER_$1=$!"
    test_atexit "touch $TRASH_DIRECTORY/$1.stop; stop_pid $!"
    wait_until "test -s $1.acked"
}

stop_writer() {
    touch "$1.stop" &&
    eval "wait_until \"! kill -0 \$WRITER_$1\"" 60
}

check_writer() {
    WRITER_KEYS="${WRITER_KEYS:-0}" \
        python3 "$TEST_DIRECTORY/lib-writer.py" check $PROXY_PORT "$1" \
        >"$1.result" 2>&1 &&
    cat "$1.result" &&
    python3 -c 'import sys
w = open(sys.argv[1]).read().split("\n")[-2].split()
acked, lost_all, replicated, lost = (int(w[1]), int(w[3]), int(w[5]),
                                     int(w[7]))
sys.exit(0 if lost == 0 and (replicated >= min(100, acked) or
                             lost_all == 0) else 1)' "$1.result"
}

server_field() {
    codis-config server list >server_field.json &&
    python3 -c 'import json, sys
for g in json.load(open("server_field.json")):
    for s in g["servers"]:
        if s["addr"] == sys.argv[1]:
            print(s.get(sys.argv[2], ""))' "$1" "$2"
}

all_slots_online() {
    dashboard_api GET /api/slots >slots.json &&
    python3 -c 'import json, sys
slots = json.load(open("slots.json"))
bad = [s for s in slots if s["state"]["status"] != "online"]
sys.exit(1 if len(slots) != 1024 or bad else 0)' &&
    # {foo} is in slot 289 (group 1), {b} in slot 1017 (group 2): one key
    # of each group
    redis-cli -p $PROXY_PORT set probe-{foo} x | grep -q OK &&
    redis-cli -p $PROXY_PORT set probe-{b} x | grep -q OK
}

. "$TEST_DIRECTORY/lib-dashboard.sh"
. "$TEST_DIRECTORY/lib-proxy.sh"

proxy_first_server
