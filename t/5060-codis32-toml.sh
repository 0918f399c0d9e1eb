#!/bin/sh
test_description='Codis 3.2 configuration files: a proxy.toml and a dashboard.toml with
3.2 defaults start a working dashboard and proxy; codis config convert'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"

test_have_prereq CURL || skip_all 'curl is missing'

COORD="$TRASH_DIRECTORY/coord"
DASH_PORT=$(free_port)
PROXY_PORT=$(free_port)
ADMIN_PORT=$(free_port)

# no_log_prefix FILE: FILE's lines without the log's prefix.
no_log_prefix() {
    sed -e 's/^[0-9-]* [0-9:.]* [a-z]* *[a-z]*\[[0-9]*\] //' "$1"
}

# Codis 3.2.2's config/dashboard.toml, as `codis-dashboard
# --default-config` prints it (comments shortened), with the store and the
# port of this test.
cat >dashboard.toml <<EOF
##################################################
#                                                #
#                  Codis-Dashboard               #
#                                                #
##################################################

# Set Coordinator, only accept "zookeeper" & "etcd" & "filesystem".
coordinator_name = "filesystem"
coordinator_addr = "$COORD"

# Set Codis Product Name/Auth.
product_name = "codis-demo"
product_auth = ""

# Set bind address for admin(rpc), tcp only.
admin_addr = "0.0.0.0:$DASH_PORT"

# Set arguments for data migration (only accept 'sync' & 'semi-async').
migration_method = "semi-async"
migration_parallel_slots = 100
migration_async_maxbulks = 200
migration_async_maxbytes = "32mb"
migration_async_numkeys = 500
migration_timeout = "30s"

# Set configs for redis sentinel.
sentinel_client_timeout = "10s"
sentinel_quorum = 2
sentinel_parallel_syncs = 1
sentinel_down_after = "30s"
sentinel_failover_timeout = "5m"
sentinel_notification_script = ""
sentinel_client_reconfig_script = ""
EOF

# Codis 3.2.2's config/proxy.toml, likewise, with this test's addresses.
cat >proxy.toml <<EOF
# Set Codis Product Name/Auth.
product_name = "codis-demo"
product_auth = ""

# Set auth for client session
session_auth = ""

# Set bind address for admin(rpc), tcp only.
admin_addr = "127.0.0.1:$ADMIN_PORT"

# Set bind address for proxy, proto_type can be "tcp", "tcp4", "tcp6", "unix" or "unixpacket".
proto_type = "tcp4"
proxy_addr = "127.0.0.1:$PROXY_PORT"

# Set jodis address & session timeout
jodis_name = ""
jodis_addr = ""
jodis_auth = ""
jodis_timeout = "20s"
jodis_compatible = false

# Set datacenter of proxy.
proxy_datacenter = ""

# Set max number of alive sessions.
proxy_max_clients = 1000

# Set max offheap memory size. (0 to disable)
proxy_max_offheap_size = "1024mb"

# Set heap placeholder to reduce GC frequency.
proxy_heap_placeholder = "256mb"

# Proxy will ping backend redis (and clear 'MASTERDOWN' state) in a predefined interval. (0 to disable)
backend_ping_period = "5s"

# Set backend recv buffer size & timeout.
backend_recv_bufsize = "128kb"
backend_recv_timeout = "30s"

# Set backend send buffer & timeout.
backend_send_bufsize = "128kb"
backend_send_timeout = "30s"

# Set backend pipeline buffer size.
backend_max_pipeline = 20480

# Set backend never read replica groups, default is false
backend_primary_only = false

# Set backend parallel connections per server
backend_primary_parallel = 1
backend_replica_parallel = 1

# Set backend tcp keepalive period. (0 to disable)
backend_keepalive_period = "75s"

# Set number of databases of backend.
backend_number_databases = 16

# If there is no request from client for a long time, the connection will be closed. (0 to disable)
# Set session recv buffer size & timeout.
session_recv_bufsize = "128kb"
session_recv_timeout = "30m"

# Set session send buffer size & timeout.
session_send_bufsize = "64kb"
session_send_timeout = "30s"

# Make sure this is higher than the max number of requests for each pipeline request, or your client may be blocked.
# Set session pipeline buffer size.
session_max_pipeline = 10000

# Set session tcp keepalive period. (0 to disable)
session_keepalive_period = "75s"

# Set session to be sensitive to failures. Default is false, instead of closing socket, proxy will send an error response to client.
session_break_on_failure = false

# Set metrics server (such as http://localhost:28000), proxy will report json formatted metrics to specified server in a predefined period.
metrics_report_server = ""
metrics_report_period = "1s"

# Set influxdb server (such as http://localhost:8086), proxy will report metrics to influxdb.
metrics_report_influxdb_server = ""
metrics_report_influxdb_period = "1s"
metrics_report_influxdb_username = ""
metrics_report_influxdb_password = ""
metrics_report_influxdb_database = ""

# Set statsd server (such as localhost:8125), proxy will report metrics to statsd.
metrics_report_statsd_server = ""
metrics_report_statsd_period = "1s"
metrics_report_statsd_prefix = ""
EOF

test_expect_success 'codis dashboard --config=dashboard.toml, as Codis 3.2 runs it, serves on admin_addr' '
    codis dashboard --config=dashboard.toml --log=dashboard.log >dashboard.out 2>&1 &
    DASHBOARD_PID=$! &&
    test_atexit "stop_pid $DASHBOARD_PID" &&
    wait_until "kill -0 $DASHBOARD_PID && curl -sf http://127.0.0.1:$DASH_PORT/api/server_groups" &&
    grep "product .codis-demo." dashboard.log &&
    test -d "$COORD/tree/_zk/_codis/_db_codis-demo"
'

test_expect_success 'the dashboard honours every 3.2 setting of the sample (migration ones too)' '
    ! grep " warn .* line [0-9]*: " dashboard.log
'

test_expect_success 'codis config -c dashboard.toml sets up a group and the slots' '
    start_server &&
    S1=$SERVER_PORT &&
    codis config -c dashboard.toml server add-group 1 >out &&
    codis config -c dashboard.toml server add 1 127.0.0.1:$S1 master >out &&
    codis config -c dashboard.toml slot init >out &&
    codis config -c dashboard.toml slot range-set 0 1023 1 online >out &&
    codis config -c dashboard.toml server list >groups &&
    grep "127.0.0.1:$S1" groups
'

test_expect_success 'codis proxy --config=proxy.toml --filesystem=DIR, as Codis 3.2 runs it' '
    codis proxy --config=proxy.toml --filesystem="$COORD" -L proxy.log \
        >proxy.out 2>&1 &
    PROXY_PID=$! &&
    test_atexit "stop_pid $PROXY_PID" &&
    wait_until "kill -0 $PROXY_PID && curl -sf http://127.0.0.1:$ADMIN_PORT/debug/vars" &&
    curl -sf http://127.0.0.1:$DASH_PORT/api/proxy/list >proxies &&
    sed -n -e "s/.*\"id\": *\"\([^\"]*\)\".*/\1/p" proxies >ids &&
    test_line_count = 1 ids &&
    PROXY_ID=$(cat ids) &&
    case "$PROXY_ID" in *_$PROXY_PORT) ;; *) false ;; esac
'

test_expect_success 'the proxy warns about none of the sample settings' '
    ! grep " warn .* line [0-9]*: " proxy.log
'

test_expect_success 'online, the proxy serves keys from the codis server' '
    codis config -c dashboard.toml proxy online "$PROXY_ID" >out &&
    wait_until "redis-cli -p $PROXY_PORT set k32 v32 | grep -q OK" &&
    test "$(redis-cli -p $PROXY_PORT get k32)" = v32 &&
    test "$(redis-cli -p $S1 get k32)" = v32 &&
    # backend_number_databases = 16: SELECT 15 is served
    test "$(redis-cli -p $PROXY_PORT -n 15 set k15 v15)" = OK &&
    test "$(redis-cli -p $S1 -n 15 get k15)" = v15
'

# start_auth_proxy: a standalone proxy from auth.toml and slots.json; stopped
# at exit.
start_auth_proxy() {
    codis proxy -c auth.toml --fillslots=slots.json -L auth-proxy.log \
        >auth-proxy.out 2>&1 &
    test_atexit "stop_pid $!"
}

test_expect_success 'session_auth of a proxy.toml: clients must AUTH' '
    port=$(free_port) &&
    cat >auth.toml <<-EOF &&
	session_auth = "s3cret"
	proxy_addr = "127.0.0.1:$port"
	admin_addr = "127.0.0.1:$(free_port)"
	EOF
    printf "[{\"id\": 0, \"backend_addr\": \"127.0.0.1:%s\"}]\n" $S1 >slots.json &&
    start_auth_proxy &&
    wait_until "redis-cli -p $port ping 2>&1 | grep -q NOAUTH" &&
    redis-cli -p $port -a s3cret --no-auth-warning ping >pong &&
    echo PONG >expect &&
    test_cmp expect pong
'

test_expect_success 'codis ha -c dashboard.toml finds the dashboard' '
    codis ha -c dashboard.toml -L ha.log --interval=0.2 >ha.out 2>&1 &
    HA_PID=$! &&
    test_atexit "stop_pid $HA_PID" &&
    wait_until "grep -q \"watching product .codis-demo. through dashboard .*:$DASH_PORT.\" ha.log" &&
    kill -0 $HA_PID &&
    ! grep "cannot read server groups" ha.log
'

# start_lo2: a second dashboard (its own store and product) from lo2.toml;
# sets LO2_PID, stopped at exit.
start_lo2() {
    codis dashboard --config=lo2.toml --log=lo2.log >lo2.out 2>&1 &
    LO2_PID=$!
    test_atexit "stop_pid $LO2_PID"
}

test_expect_success 'the dashboard listens on exactly the host of admin_addr' '
    port=$(free_port) &&
    cat >lo2.toml <<-EOF &&
	coordinator_name = "filesystem"
	coordinator_addr = "$TRASH_DIRECTORY/coord2"
	product_name = "lo2"
	admin_addr = "127.0.0.2:$port"
	EOF
    start_lo2 &&
    wait_until "kill -0 $LO2_PID && curl -sf http://127.0.0.2:$port/api/server_groups" &&
    ! curl -sf http://127.0.0.1:$port/api/server_groups &&
    codis config -c lo2.toml server list >lo2-groups &&
    echo "[]" >expect &&
    test_cmp expect lo2-groups
'

test_expect_success 'convert: a Codis 3.2 proxy.toml as config.ini' '
    cat >small.toml <<-\EOF &&
	product_name = "demo"
	session_auth = "s3cret"
	admin_addr = "0.0.0.0:11080"
	proxy_addr = "0.0.0.0:19000"
	backend_ping_period = "10s"
	session_recv_timeout = "1h"
	session_max_pipeline = 2_000
	proxy_max_clients = 5000
	jodis_addr = ""
	colour = "blue"
	EOF
    codis config convert small.toml >actual &&
    cat >expect <<-EOF &&
	# config.ini converted from '"'"'small.toml'"'"' (Codis 3.2 TOML)
	product=demo
	session_auth=s3cret
	proxy_http_addr=0.0.0.0:11080
	proxy_addr=0.0.0.0:19000
	backend_ping_period=10
	session_max_timeout=3600
	session_max_pipeline=2000
	# proxy_max_clients = 5000 (Codis 3.2 key, ignored: the proxy does not limit its clients)
	# jodis_addr =  (Codis 3.2 key, ignored: proxies register in the coordinator at Codis 2'"'"'s path (/zk/codis/db_<product>/proxy), as jodis_compatible = true)
	colour=blue
	# proxy_id: Codis 3.2 has none; derived from the host and proxy_addr
	proxy_id=$(sed -n "s/^proxy_id=//p" actual)
	EOF
    test_cmp expect actual &&
    grep "^proxy_id=..*_19000$" actual
'

test_expect_success 'convert: a config.ini as Codis 3.2 TOML, and back' '
    cat >c.ini <<-\EOF &&
	coordinator=zookeeper
	zk=127.0.0.1:2181
	product=test
	dashboard_addr=localhost:18087
	password=pw
	proxy_id=proxy_1
	backend_ping_period=5
	session_max_timeout=90
	session_max_bufsize=131072
	proto=tcp
	EOF
    codis config convert c.ini >c.toml &&
    cat >expect <<-\EOF &&
	# Codis 3.2 TOML converted from '"'"'c.ini'"'"' (config.ini); keys Codis 3.2 lacks keep their names
	coordinator_name = "zookeeper"
	coordinator_addr = "127.0.0.1:2181"
	product_name = "test"
	dashboard_addr = "localhost:18087"
	product_auth = "pw"
	session_auth = "pw"
	proxy_id = "proxy_1"
	backend_ping_period = "5s"
	session_recv_timeout = "90s"
	session_max_bufsize = 131072
	proto_type = "tcp"
	EOF
    test_cmp expect c.toml &&
    codis config convert c.toml >back.ini &&
    cat >expect <<-\EOF &&
	# config.ini converted from '"'"'c.toml'"'"' (Codis 3.2 TOML)
	coordinator=zookeeper
	zk=127.0.0.1:2181
	product=test
	dashboard_addr=localhost:18087
	product_auth=pw
	session_auth=pw
	proxy_id=proxy_1
	backend_ping_period=5
	session_max_timeout=90
	session_max_bufsize=131072
	proto=tcp
	EOF
    test_cmp expect back.ini
'

test_expect_success 'convert: errors name the file' '
    test_expect_code 1 codis config convert nosuch.toml 2>err &&
    echo "codis-config: cannot read '"'"'nosuch.toml'"'"': No such file or directory" >expect &&
    test_cmp expect err &&
    test_expect_code 2 codis config convert 2>err &&
    grep "wrong number of arguments for '"'"'convert'"'"'" err
'

test_done
