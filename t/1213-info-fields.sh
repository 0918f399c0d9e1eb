#!/bin/sh
test_description='INFO everything: the sections, field names and field
order of redis-server 7.0.15, except a known list of fields this server
lacks'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success 'start codis-server' '
    start_server --enable-debug-command yes
'

test_expect_success REDIS_REF 'start the reference redis-server' '
    start_redis_ref --enable-debug-command yes
'

# Fields of redis-server we do not have (section field), one a line: none
# now. A field lost shows as a difference.
: >known-missing

cat >fields.py <<\EOF_PY
import sys
def parse(p):
    secs, cur = {}, None
    for l in open(p, encoding="latin-1"):
        l = l.strip()
        if l.startswith("# "):
            cur = l[2:]
            secs[cur] = []
        elif ":" in l and cur:
            secs[cur].append(l.split(":")[0])
    return secs
ref, ours = parse(sys.argv[1]), parse(sys.argv[2])
known = set(l.strip() for l in open(sys.argv[3]))
for s in ref:
    if s not in ours:
        if "section " + s not in known:
            print("section", s, "missing")
        continue
    # per-command and per-db sections hold data, not fixed names
    if s in ("Commandstats", "Errorstats", "Latencystats", "Keyspace"):
        continue
    for f in ref[s]:
        if f not in ours[s] and s + " " + f not in known:
            print(s, f, "missing")
    for f in ours[s]:
        if f not in ref[s] and f != "codis_server":
            print(s, f, "extra")
    # the fields both have come in Redis's order
    mine = [f for f in ours[s] if f in ref[s]]
    theirs = [f for f in ref[s] if f in ours[s]]
    if mine != theirs:
        print(s, "order differs:", mine, theirs)
for s in ours:
    if s not in ref:
        print("section", s, "extra")
print("sections in order", [s for s in ours] ==
      [s for s in ref if "section " + s not in known])
EOF_PY

test_expect_success REDIS_REF 'INFO everything: the same sections and fields' '
    redis-cli -p "$REF_PORT" set k v >/dev/null &&
    cli set k v >/dev/null &&
    redis-cli -p "$REF_PORT" info everything >ref.info &&
    cli info everything >our.info &&
    python3 fields.py ref.info our.info known-missing >diff.out &&
    echo "sections in order True" >expect &&
    test_cmp expect diff.out
'

test_expect_success 'INFO latencystats and migrate_cached_sockets' '
    cli info latencystats >lat.out &&
    grep -q "^latency_percentiles_usec_set:p50=" lat.out &&
    cli info stats >stats.out &&
    grep -q "^migrate_cached_sockets:0" stats.out &&
    grep -q "^expired_time_cap_reached_count:" stats.out
'

# info_field FIELD [FILE]: the value of FIELD in FILE (default info.out).
info_field() {
    sed -n "s/^$1:\([^\r]*\)\r*$/\1/p" "${2:-info.out}"
}

test_expect_success 'used_memory_dataset is used_memory less the overhead' '
    cli set big "$(printf %04000d 0)" >/dev/null &&
    cli info memory >info.out &&
    used=$(info_field used_memory) &&
    overhead=$(info_field used_memory_overhead) &&
    startup=$(info_field used_memory_startup) &&
    dataset=$(info_field used_memory_dataset) &&
    test "$dataset" -eq $((used - overhead)) &&
    test "$dataset" -gt 4000 &&
    test "$overhead" -gt "$startup" &&
    test "$startup" -gt 0
'

test_expect_success 'MEMORY STATS tells the same startup and overhead as INFO' '
    printf "MULTI\nINFO memory\nMEMORY STATS\nEXEC\n" >multi.txt &&
    cli <multi.txt >both.out &&
    tr -d "\r" <both.out >both.txt &&
    grep "^used_memory_startup:" both.txt | cut -d: -f2 >a &&
    grep -A1 "^startup.allocated$" both.txt | tail -1 >b &&
    test_cmp a b &&
    grep "^used_memory_overhead:" both.txt | cut -d: -f2 >a &&
    grep -A1 "^overhead.total$" both.txt | tail -1 >b &&
    test_cmp a b &&
    total=$(grep -A1 "^total.allocated$" both.txt | tail -1) &&
    overhead=$(grep -A1 "^overhead.total$" both.txt | tail -1) &&
    grep -A1 "^dataset.bytes$" both.txt | tail -1 >a &&
    echo $((total - overhead)) >b &&
    test_cmp a b &&
    grep -q "^overhead.hashtable.main$" both.txt
'

test_expect_success 'a cached script and a function library are counted' '
    cli info memory >before.out &&
    cli eval "return 1" 0 >/dev/null &&
    cli function load "#!lua name=lib1
redis.register_function(\"f1\", function() return 1 end)
redis.register_function(\"f2\", function() return 2 end)" >/dev/null &&
    cli info memory >info.out &&
    test "$(info_field number_of_libraries)" = 1 &&
    test "$(info_field number_of_functions)" = 2 &&
    test "$(info_field used_memory_scripts_eval)" -gt \
        "$(info_field used_memory_scripts_eval before.out)" &&
    test "$(info_field used_memory_functions)" -gt \
        "$(info_field used_memory_functions before.out)" &&
    test "$(info_field used_memory_scripts)" -eq \
        $(( $(info_field used_memory_scripts_eval) + \
            $(info_field used_memory_functions) ))
'

test_expect_success 'a big reply grows the reply buffer, which then shrinks' '
    cli info stats >before.out &&
    printf %0200000d 0 >huge.txt &&
    cli -x set huge <huge.txt >/dev/null &&
    cli get huge >/dev/null &&
    cli info stats >info.out &&
    test "$(info_field reply_buffer_expands)" -gt \
        "$(info_field reply_buffer_expands before.out)" &&
    test "$(info_field reply_buffer_shrinks)" -gt \
        "$(info_field reply_buffer_shrinks before.out)" &&
    test "$(info_field total_reads_processed)" -gt \
        "$(info_field total_reads_processed before.out)" &&
    test "$(info_field total_writes_processed)" -gt \
        "$(info_field total_writes_processed before.out)"
'

test_expect_success 'a client blocked with a timeout is in the timeout table' '
    redis-cli -p "$SERVER_PORT" blpop nolist 30 >blpop.out &
    blpop_pid=$!
    redis-cli -p "$SERVER_PORT" blpop nolist2 0 >blpop2.out &
    blpop2_pid=$!
    wait_until "cli info clients | grep -q \"^blocked_clients:2\"" &&
    cli info clients >info.out &&
    test "$(info_field clients_in_timeout_table)" = 1 &&
    cli rpush nolist a >/dev/null &&
    cli rpush nolist2 b >/dev/null &&
    wait $blpop_pid && wait $blpop2_pid &&
    cli info clients >info.out &&
    test "$(info_field clients_in_timeout_table)" = 0
'

test_expect_success 'time over maxmemory without a way down is counted' '
    cli config set maxmemory 1 >/dev/null &&
    cli config set maxmemory-policy noeviction >/dev/null &&
    test_when_finished "cli config set maxmemory 0 >/dev/null" &&
    cli set over 1 >oom.out &&
    grep -q "^OOM" oom.out &&
    wait_until "cli info stats | grep -q \"^current_eviction_exceeded_time:[1-9]\"" &&
    cli config set maxmemory 1gb >/dev/null &&
    cli set over 1 >/dev/null &&
    cli info stats >info.out &&
    test "$(info_field current_eviction_exceeded_time)" = 0 &&
    test "$(info_field total_eviction_exceeded_time)" -gt 0
'

test_expect_success 'keys already expired are dropped by a load and counted' '
    cli flushall >/dev/null &&
    cli debug set-active-expire 0 >/dev/null &&
    test_when_finished "cli debug set-active-expire 1 >/dev/null" &&
    cli set keep 1 >/dev/null &&
    at=$(( $(date +%s%3N) + 300 )) &&
    cli set gone1 1 pxat $at >/dev/null &&
    cli set gone2 1 pxat $at >/dev/null &&
    cli save >/dev/null &&
    wait_until "test \$(date +%s%3N) -gt $((at + 10))" &&
    cli debug reload nosave >/dev/null &&
    cli info persistence >info.out &&
    test "$(info_field rdb_last_load_keys_expired)" = 2 &&
    test "$(info_field rdb_last_load_keys_loaded)" = 1
'

# Run the same RESTOREs on both servers; the counters must agree.
cat >sanitize.txt <<\EOF_CMDS
CONFIG SET sanitize-dump-payload yes
HSET h a 1 b 2
SADD s 1 2 3
SET str x
EVAL "redis.call('restore', 'h2', 0, redis.call('dump', 'h')) redis.call('restore', 's2', 0, redis.call('dump', 's')) redis.call('restore', 'str2', 0, redis.call('dump', 'str'))" 0
CONFIG SET sanitize-dump-payload no
EVAL "redis.call('restore', 'h3', 0, redis.call('dump', 'h'))" 0
EOF_CMDS

test_expect_success REDIS_REF 'dump_payload_sanitizations counts as Redis does' '
    cli flushall >/dev/null &&
    cli config resetstat >/dev/null &&
    redis-cli -p "$REF_PORT" config resetstat >/dev/null &&
    cli <sanitize.txt >/dev/null &&
    redis-cli -p "$REF_PORT" <sanitize.txt >/dev/null &&
    redis-cli -p "$REF_PORT" info stats >ref.out &&
    cli info stats >info.out &&
    info_field dump_payload_sanitizations ref.out >expect &&
    info_field dump_payload_sanitizations >actual &&
    test_cmp expect actual &&
    echo 2 >expect &&
    test_cmp expect actual
'

cat >merge.txt <<\EOF_CMDS
FLUSHALL
SET a 1
SET b 1
SAVE
SET a 2
SET c 3
DEBUG RELOAD MERGE NOSAVE NOFLUSH
MGET a b c
DBSIZE
EOF_CMDS

test_expect_success REDIS_REF 'DEBUG RELOAD MERGE: the file replaces keys, others stay' '
    compare_with_ref merge.txt &&
    grep -q "^3$" merge.txt.actual
'

test_done
