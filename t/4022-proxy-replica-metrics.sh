#!/bin/sh
test_description='codis-proxy replica reads (backend_replica_reads, READONLY/READWRITE) reach a healthy slave, /metrics per-backend counters and latency histograms move, debug logs follow a request id'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-proxytest.sh"

# calls PORT CMD: calls of CMD in the server's INFO commandstats (0 if none).
calls() {
    redis-cli -p $1 info commandstats | tr -d "\r" |
        sed -n "s/^cmdstat_$2:calls=\([0-9]*\),.*/\1/p" >calls.out
    c=$(cat calls.out)
    echo ${c:-0}
}

# metric NAME: the value of the /metrics line starting with NAME.
metric() {
    curl -sf "http://$PROXY_HTTP/metrics" >metrics.out &&
    grep -F "$1" metrics.out | head -n 1 | sed "s/.* //"
}

test_expect_success 'master A with slave S, master B; two proxies' '
    start_server && PORT_A=$SERVER_PORT &&
    start_server && PORT_B=$SERVER_PORT &&
    start_server --slaveof 127.0.0.1 $PORT_A &&
    PORT_S=$SERVER_PORT && PID_S=$SERVER_PID &&
    wait_until "redis-cli -p $PORT_S info replication | grep -q master_link_status:up" &&
    python3 -c "import json, sys
a, b, s = sys.argv[1:]
print(json.dumps([{\"id\": i, \"backend_addr\": \"127.0.0.1:\" + (a if i < 512 else b),
                   \"replica_groups\": [[\"127.0.0.1:\" + s]] if i < 512 else []}
                  for i in range(1024)]))" $PORT_A $PORT_B $PORT_S >slots.json &&
    printf "backend_replica_reads=true\nbackend_replica_max_lag=5\n" >replica.ini &&
    start_proxy -c replica.ini --fillslots=slots.json --cpu=1 &&
    P_ON=$PROXY_PORT && HTTP_ON=$PROXY_HTTP &&
    start_proxy --fillslots=slots.json --cpu=1 --log-level=debug &&
    P_OFF=$PROXY_PORT && LOG_OFF=$PROXY_LOG &&
    KEY=$(pt keys a rk 1) &&
    redis-cli -p $P_ON set $KEY v1 >out && echo OK >expect && test_cmp expect out &&
    wait_until "test \"\$(redis-cli -p $PORT_S get $KEY)\" = v1"
'

test_expect_success 'with backend_replica_reads a read reaches the slave, a write the master' '
    redis-cli -p $PORT_S config resetstat >/dev/null &&
    wait_until "redis-cli -p $P_ON get $KEY >/dev/null && test \$(calls $PORT_S get) -gt 0" &&
    before=$(calls $PORT_A set) &&
    redis-cli -p $P_ON set $KEY v2 >out && echo OK >expect && test_cmp expect out &&
    test $(calls $PORT_A set) -gt $before &&
    wait_until "test \"\$(redis-cli -p $P_ON get $KEY)\" = v2"
'

test_expect_success 'without it reads go to the master, READONLY turns them to the slave, READWRITE back' '
    redis-cli -p $PORT_S config resetstat >/dev/null &&
    for i in 1 2 3 4 5; do redis-cli -p $P_OFF get $KEY >/dev/null || return 1; done &&
    test $(calls $PORT_S get) = 0 &&
    "$PY" - $P_OFF $PORT_S $KEY <<-\EOF
	import sys, time, redis
	pp, ps, key = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
	r = redis.Redis(port=pp, single_connection_client=True)
	slave = redis.Redis(port=ps)
	assert r.execute_command("READONLY") in (True, b"OK")
	deadline = time.time() + 20
	def slave_gets():
	    return slave.info("commandstats").get("cmdstat_get", {}).get("calls", 0)
	while slave_gets() == 0:
	    assert time.time() < deadline, "READONLY reads never reached the slave"
	    assert r.get(key) == b"v2"
	    time.sleep(0.05)
	assert r.execute_command("READWRITE") in (True, b"OK")
	n = slave_gets()
	for _ in range(10):
	    assert r.get(key) == b"v2"
	assert slave_gets() == n, "READWRITE reads still reach the slave"
	EOF
'

test_expect_success '/metrics: per-backend counters and latency histograms move' '
    PROXY_HTTP=$HTTP_ON &&
    req=$(metric "codis_proxy_backend_requests_total{addr=\"127.0.0.1:$PORT_S\"}") &&
    test "$req" -gt 0 &&
    metric "codis_proxy_backend_connects_total{addr=\"127.0.0.1:$PORT_A\"}" >v && test "$(cat v)" -ge 1 &&
    metric "codis_proxy_backend_inflight{addr=\"127.0.0.1:$PORT_B\"}" >v && test "$(cat v)" -ge 0 &&
    cnt=$(metric "codis_proxy_command_duration_seconds_count{class=\"string\"}") &&
    for i in 1 2 3 4 5 6 7 8 9 10; do redis-cli -p $P_ON get $KEY >/dev/null || return 1; done &&
    test $(metric "codis_proxy_backend_requests_total{addr=\"127.0.0.1:$PORT_S\"}") -gt $req &&
    test $(metric "codis_proxy_command_duration_seconds_count{class=\"string\"}") -ge $((cnt + 10)) &&
    grep "^codis_proxy_command_duration_seconds_bucket{class=\"string\",le=\"+Inf\"}" metrics.out &&
    grep "^# TYPE codis_proxy_command_duration_seconds histogram" metrics.out &&
    err=$(metric "codis_proxy_backend_errors_total{addr=\"127.0.0.1:$PORT_A\"}") &&
    redis-cli -p $P_ON lpush $KEY x >/dev/null &&
    test $(metric "codis_proxy_backend_errors_total{addr=\"127.0.0.1:$PORT_A\"}") -gt $err
'

test_expect_success 'a slave that stops: reads go back to the master' '
    stop_pid $PID_S &&
    wait_until "! redis-cli -p $PORT_S ping" &&
    wait_until "test \"\$(redis-cli -p $P_ON get $KEY 2>&1)\" = v2" &&
    for i in 1 2 3 4 5 6 7 8 9 10; do
        redis-cli -p $P_ON get $KEY >out && echo v2 >expect && test_cmp expect out || return 1
    done
'

test_expect_success 'debug logs name each hop of a request by its id' '
    redis-cli -p $P_OFF get $KEY >/dev/null &&
    wait_until "grep -q \"req [0-9]* replied\" \"$LOG_OFF\"" &&
    id=$(grep -ai "received from client [0-9]*: .get" "$LOG_OFF" | tail -n 1 |
         sed "s/.*req \([0-9]*\) received.*/\1/") &&
    test -n "$id" &&
    wait_until "grep -q \"req $id replied\" \"$LOG_OFF\"" &&
    grep "req $id routed to backend .127.0.0.1:$PORT_A." "$LOG_OFF" &&
    grep "req $id reply from backend .127.0.0.1:$PORT_A." "$LOG_OFF"
'

test_done
