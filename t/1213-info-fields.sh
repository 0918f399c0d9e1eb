#!/bin/sh
test_description='INFO everything: the sections, field names and field
order of redis-server 7.0.15, except a known list of fields this server
lacks'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success 'start codis-server' '
    start_server
'

test_expect_success REDIS_REF 'start the reference redis-server' '
    start_redis_ref
'

# Fields of redis-server we do not have yet (section field). A field
# added later must leave this list; a field lost shows as a difference.
cat >known-missing <<\EOF_LIST
Clients clients_in_timeout_table
Memory used_memory_overhead
Memory used_memory_startup
Memory used_memory_dataset
Memory used_memory_dataset_perc
Memory allocator_allocated
Memory allocator_active
Memory allocator_resident
Memory used_memory_scripts_eval
Memory number_of_functions
Memory number_of_libraries
Memory used_memory_functions
Memory used_memory_scripts
Memory used_memory_scripts_human
Memory allocator_frag_ratio
Memory allocator_frag_bytes
Memory allocator_rss_ratio
Memory allocator_rss_bytes
Memory rss_overhead_ratio
Memory rss_overhead_bytes
Memory mem_total_replication_buffers
Persistence current_cow_peak
Persistence current_cow_size
Persistence current_cow_size_age
Persistence current_fork_perc
Persistence current_save_keys_processed
Persistence current_save_keys_total
Persistence rdb_last_cow_size
Persistence rdb_last_load_keys_expired
Persistence aof_rewrites_consecutive_failures
Persistence module_fork_in_progress
Persistence module_fork_last_cow_size
Stats total_net_repl_input_bytes
Stats total_net_repl_output_bytes
Stats instantaneous_input_repl_kbps
Stats instantaneous_output_repl_kbps
Stats total_eviction_exceeded_time
Stats current_eviction_exceeded_time
Stats dump_payload_sanitizations
Stats total_reads_processed
Stats total_writes_processed
Stats reply_buffer_shrinks
Stats reply_buffer_expands
EOF_LIST

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

test_done
