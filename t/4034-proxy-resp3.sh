#!/bin/sh
test_description='codis-proxy speaks RESP3 after HELLO 3: replies byte for byte as a direct connection to a codis server (maps, sets, doubles, nulls, split and merged commands, transactions, pub/sub pushes), HELLO 2 and RESET go back to RESP2, ioredis from npm runs in RESP3'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-proxy.sh"
. "$TEST_DIRECTORY/lib-proxytest.sh"

# replay FILE PORT OUT: the replies of FILE's commands (t/lib-resp3.py)
replay() {
    "$PY" "$TEST_DIRECTORY/lib-resp3.py" "$2" <"$1" >"$3"
}

# same FILE: FILE's replies through the proxy (in 'actual') are those of
# the lone server (in 'expect')
same() {
    replay "$1" $PORT_REF expect &&
    replay "$1" $PROXY_PORT actual &&
    test_cmp expect actual
}

test_expect_success 'two groups behind a proxy, and a lone server to compare with' '
    start_server && PORT_A=$SERVER_PORT &&
    start_server && PORT_B=$SERVER_PORT &&
    start_server && PORT_REF=$SERVER_PORT &&
    pt slots $PORT_A $PORT_B >slots.json &&
    start_proxy --fillslots=slots.json &&
    pt keys a ka 2 >keys_a && pt keys b kb 2 >keys_b &&
    A1=$(sed -n 1p keys_a) && A2=$(sed -n 2p keys_a) &&
    B1=$(sed -n 1p keys_b) && B2=$(sed -n 2p keys_b)
'

test_expect_success 'RESP3 replies through the proxy equal a direct connection' '
    cat >cmds.txt <<-EOF &&
	HELLO 3
	HSET $A1:h f1 v1 f2 v2
	HGETALL $A1:h
	HGETALL nothing
	SADD $B1:s a
	SMEMBERS $B1:s
	ZADD $A2 1.5 m 2 n
	ZSCORE $A2 m
	ZRANGE $A2 0 -1 WITHSCORES
	ZSCORE $A2 nobody
	GET missing
	SET $A1 va
	SET $B1 vb
	MGET $A1 missing $B1 $B2
	EXISTS $A1 $B1 $B2
	DEL $A1 $B2 $B1
	MGET $A1 $B1
	CLIENT GETNAME
	SET {t}x 1
	MULTI
	INCR {t}x
	HGETALL {t}x
	GET {t}nope
	HSET {t}h a 1
	HGETALL {t}h
	EXEC
	SUBSCRIBE ch.$B1
	@conn 1
	PUBLISH ch.$B1 hello
	@conn 0
	@push
	PING
	GET missing
	UNSUBSCRIBE
	UNSUBSCRIBE
	HELLO 2
	HGETALL $A1:h
	GET missing
	ZSCORE $A2 m
	HELLO 3
	GET missing
	RESET
	GET missing
	EOF
    same cmds.txt &&
    grep -F "HGETALL $A1:h => b'"'"'%2" actual &&
    grep -F "GET missing => b'"'"'_" actual &&
    grep -F "(push) => b'"'"'>3" actual
'

test_expect_success 'fan-outs and local answers in RESP3: INFO verbatim, DBSIZE, KEYS, SCAN, PUBSUB, CLIENT, COMMAND INFO' '
    cat >fan.txt <<-EOF &&
	HELLO 3
	FLUSHALL
	SET $A1 1
	RANDOMKEY
	SET $B1 2
	DBSIZE
	KEYS nomatch*
	COMMAND INFO nosuchcommand
	FLUSHALL
	RANDOMKEY
	PUBSUB NUMSUB a b
	PUBSUB NUMPAT
	SCRIPT EXISTS abc
	EOF
    same fan.txt &&
    printf "HELLO 3\nINFO keyspace\nCLIENT INFO\nINFO proxy\nSCAN 0\nHELLO 2\nINFO keyspace\n" >info.txt &&
    replay info.txt $PROXY_PORT out &&
    grep -F "INFO keyspace => b'"'"'=" out &&
    grep -F "CLIENT INFO => b'"'"'=" out &&
    grep "CLIENT INFO.*resp=3" out &&
    grep -F "INFO proxy => b'"'"'=" out &&
    grep -F "SCAN 0 => b'"'"'*2" out &&
    grep -F "INFO keyspace => b'"'"'\$" out
'

test_expect_success 'RESP2 and RESP3 sessions take turns on the same backend connections' '
    cat >mix.txt <<-EOF &&
	HELLO 3
	HSET $B2:h a 1
	@conn 1
	HGETALL $B2:h
	GET missing
	@conn 0
	HGETALL $B2:h
	GET missing
	@conn 1
	HGETALL $B2:h
	EOF
    same mix.txt
'

test_expect_success 'HELLO errors as Redis: unknown version, bad option' '
    cat >hello.txt <<-\EOF &&
	HELLO 4
	HELLO 1
	HELLO abc
	HELLO 3 FOO
	HELLO 3 SETNAME conn1
	CLIENT GETNAME
	EOF
    same hello.txt
'

test_expect_success 'SELECT, PING, ECHO inside MULTI run in EXEC as on a server; INFO is refused when queued' '
    cat >txn.txt <<-\EOF &&
	SELECT 0
	FLUSHALL
	MULTI
	SET {t}k zero
	SELECT 1
	SET {t}k one
	GET {t}k
	PING
	ECHO hi
	EXEC
	GET {t}k
	SELECT 0
	GET {t}k
	HELLO 3
	MULTI
	SELECT 1
	HSET {t}h a 1
	HGETALL {t}h
	SELECT 99
	EXEC
	GET {t}k
	MULTI
	SELECT 1
	HGETALL {t}h
	GET {t}nope
	EXEC
	GET {t}k
	SELECT 0
	FLUSHALL
	EOF
    replay txn.txt $PORT_REF expect &&
    replay txn.txt $PROXY_PORT actual &&
    sed -e "/SELECT 99/s/=> .*/=> (refused)/" expect >expect.cmp &&
    sed -e "/SELECT 99/s/=> .*/=> (refused)/" actual >actual.cmp &&
    test_cmp expect.cmp actual.cmp &&
    printf "MULTI\nSET {t}a 1\nINFO\nDBSIZE\nEXEC\nGET {t}a\n" >info.txt &&
    replay info.txt $PROXY_PORT out &&
    grep -F "INFO => b\"-ERR handle request, command '"'"'INFO'"'"' cannot be queued in a transaction through the proxy" out &&
    grep -F "EXEC => b'"'"'-EXECABORT" out &&
    grep -F "GET {t}a => b'"'"'\$-1" out
'

# ioredis is installed by t/4033 into the same cache, or here
NPM_DIR=${CODIS_NPM_DIR:-$TEST_DIRECTORY/../build/npm}
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    if ! [ -f "$NPM_DIR/node_modules/ioredis/package.json" ]; then
        mkdir -p "$NPM_DIR" &&
        (cd "$NPM_DIR" && timeout 300 npm install --no-audit --no-fund \
            --silent ioredis@6.1.0 redis@4.7.1) >"$TRASH_DIRECTORY/npm.log" 2>&1
    fi
    [ -f "$NPM_DIR/node_modules/ioredis/package.json" ] && test_set_prereq IOREDIS
fi

test_expect_success IOREDIS 'ioredis 6.1 with defaults runs in RESP3: maps, doubles, nulls, pub/sub pushes' '
    NODE_MODULES=$(cd "$NPM_DIR/node_modules" && pwd) &&
    cat >io.js <<-\EOF &&
	const Redis = require(process.argv[2] + "/ioredis");
	const port = +process.argv[3];
	function check(what, got, want) {
	    if (JSON.stringify(got) !== JSON.stringify(want)) {
	        throw new Error(what + ": expected " + JSON.stringify(want) +
	                        ", got " + JSON.stringify(got));
	    }
	}
	(async () => {
	    const r = new Redis({ port: port, host: "127.0.0.1" });
	    await r.ping();
	    console.log("protocol " + r.condition.protocol);
	    await r.hset("io3:h", "f", "v");
	    check("hgetall", await r.hgetall("io3:h"), { f: "v" });
	    await r.zadd("io3:z", 2.5, "m");
	    check("zscore", await r.zscore("io3:z", "m"), "2.5");
	    check("get missing", await r.get("io3:none"), null);
	    check("mget", await r.mget("io3:h2", "io3:none"), [null, null]);
	    const sub = new Redis({ port: port, host: "127.0.0.1" });
	    const got = [];
	    sub.on("message", (ch, m) => got.push([ch, m]));
	    check("subscribe", await sub.subscribe("io3:ch"), 1);
	    console.log("subscriber protocol " + sub.condition.protocol);
	    check("publish", await r.publish("io3:ch", "m1"), 1);
	    const t0 = Date.now();
	    while (got.length < 1 && Date.now() - t0 < 10000) {
	        await new Promise((ok) => setTimeout(ok, 20));
	    }
	    check("messages", got, [["io3:ch", "m1"]]);
	    sub.disconnect();
	    r.disconnect();
	    console.log("ioredis done");
	})().catch((e) => { console.error("FAIL", e); process.exit(1); });
	EOF
    node io.js "$NODE_MODULES" $PROXY_PORT >out 2>&1 || { cat out; false; } &&
    cat out &&
    grep "^protocol 3$" out &&
    grep "^subscriber protocol 3$" out &&
    grep "^ioredis done" out
'

test_done
