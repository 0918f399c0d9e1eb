#!/bin/sh
test_description='INFO commandstats as redis-server 7.0.15 prints it: one
line per subcommand (cmdstat_config|get), the container only for calls
refused before a subcommand is known, unknown subcommands nowhere, and a
blocked command counted once with the time it took to serve it'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_start_both

cat >cmds.txt <<\EOF_CMDS
CONFIG RESETSTAT
SET k v
GET k
HSET k f v
CONFIG GET maxmemory
CONFIG GET maxmemory-policy
CONFIG
CONFIG NOSUCH
CLIENT SETNAME me
CLIENT GETNAME
OBJECT ENCODING k
MEMORY USAGE k
COMMAND COUNT
SCRIPT EXISTS 0000000000000000000000000000000000000000
SLOWLOG LEN
ACL WHOAMI
PUBSUB CHANNELS
LPUSH l a
BLPOP l 1
EOF_CMDS

# The calls, rejected and failed counts of each cmdstat_ line, sorted
# (Redis prints them in its hash table's order; times differ).
cat >norm.sh <<\EOF_SH
tr -d '\r' <"$1" | grep '^cmdstat_' |
    sed 's/usec=[0-9]*,usec_per_call=[0-9.]*,//' | grep -v '^cmdstat_info:' |
    sort
EOF_SH

test_expect_success REDIS_REF 'the same cmdstat lines as redis-server' '
    redis-cli -p "$REF_PORT" <cmds.txt >/dev/null 2>&1 &&
    cli <cmds.txt >/dev/null 2>&1 &&
    redis-cli -p "$REF_PORT" info commandstats >ref.out &&
    cli info commandstats >our.out &&
    sh norm.sh ref.out >expect &&
    sh norm.sh our.out >actual &&
    test_cmp expect actual &&
    grep -q "^cmdstat_config|get:calls=2," actual &&
    grep -q "^cmdstat_config:calls=0,rejected_calls=1," actual &&
    ! grep -q "^cmdstat_client:" actual
'

# usec PORT NAME: the usec of cmdstat_NAME on PORT.
usec() {
    redis-cli -p "$1" info commandstats | tr -d '\r' |
        sed -n "s/^cmdstat_$2:calls=[0-9]*,usec=\([0-9]*\),.*/\1/p"
}

test_expect_success 'a blocked command counts once, its serving time added' '
    cli config resetstat >/dev/null &&
    redis-cli -p "$SERVER_PORT" blpop waitq 0 >blpop.out &
    blpop_pid=$!
    wait_until "cli info clients | grep -q \"^blocked_clients:1\"" &&
    cli info commandstats >blocked.out &&
    grep -q "^cmdstat_blpop:calls=1," blocked.out &&
    before=$(usec "$SERVER_PORT" blpop) &&
    cli rpush waitq x >/dev/null &&
    wait $blpop_pid &&
    cli info commandstats >served.out &&
    grep -q "^cmdstat_blpop:calls=1," served.out &&
    test "$(usec "$SERVER_PORT" blpop)" -gt "$before"
'

test_expect_success REDIS_REF 'the same counts for a served blocked command' '
    printf "CONFIG RESETSTAT\nRPUSH waitq2 y\n" >push.txt &&
    redis-cli -p "$REF_PORT" config resetstat >/dev/null &&
    cli config resetstat >/dev/null &&
    for p in "$REF_PORT" "$SERVER_PORT"
    do
        redis-cli -p $p blpop waitq2 0 >/dev/null &
        wait_until "redis-cli -p $p info clients | grep -q \"^blocked_clients:1\"" &&
        redis-cli -p $p rpush waitq2 y >/dev/null &&
        wait_until "redis-cli -p $p info clients | grep -q \"^blocked_clients:0\"" ||
        return 1
    done &&
    redis-cli -p "$REF_PORT" info commandstats >ref.out &&
    cli info commandstats >our.out &&
    sh norm.sh ref.out >expect &&
    sh norm.sh our.out >actual &&
    test_cmp expect actual
'

test_done
