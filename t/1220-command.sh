#!/bin/sh
test_description='COMMAND LIST, COUNT, INFO, DOCS, GETKEYS and
GETKEYSANDFLAGS answered from lib/cmdspec, compared with redis-server 7.0'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success REDIS_REF 'start both servers' '
    start_redis_ref &&
    start_server
'

# What the issue leaves out (cluster-only and sharded pub/sub commands),
# and our own commands, which Redis lacks.
cat >excluded.txt <<\EOT
^asking$
^cluster
^module
^readonly$
^readwrite$
^restore-asking$
^spublish$
^ssubscribe$
^sunsubscribe$
^pubsub\|shard
^slots
EOT

# Redis's commands we do not serve yet. The test fails when this list is
# wrong either way, so a command served later must leave it.
cat >missing.txt <<\EOT
EOT

test_expect_success REDIS_REF 'COMMAND LIST is redis-server 7.0s but for the exclusions' '
    redis-cli -p "$REF_PORT" command list | sort | grep -Ev -f excluded.txt >ref.list &&
    cli command list | sort | grep -Ev -f excluded.txt >our.list &&
    comm -23 ref.list our.list >missing.actual &&
    comm -13 ref.list our.list >extra.actual &&
    echo "# not served yet: $(wc -l <missing.actual) of $(wc -l <ref.list):" \
        $(cat missing.actual) &&
    test_cmp missing.txt missing.actual &&
    test_cmp /dev/null extra.actual
'

test_expect_success REDIS_REF 'COMMAND COUNT counts the top-level commands' '
    grep -vc "|" our.list >expect.n &&
    cli command list | grep -c "^slots" >ours.n &&
    echo $(( $(cat expect.n) + $(cat ours.n) )) >expect &&
    cli command count >actual &&
    test_cmp expect actual
'

# Name, arity, flags, first/last/step key, ACL categories and the
# subcommands of every command both serve, as COMMAND INFO gives them.
cat >info.py <<\EOT
import os, sys
exec(open(os.environ["TEST_DIRECTORY"] + "/lib-resp.py").read())
def raw(c, *a):
    c.send(*a)
    return c._reply()
def brief(e):
    return [e[0], e[1], e[2], e[3], e[4], e[5], e[6],
            sorted(brief(s) for s in e[9])]
ref, ours = Conn(int(sys.argv[1])), Conn(int(sys.argv[2]))
names = [l.strip() for l in open("our.list")
         if l.strip() and l.strip() in set(open("ref.list").read().split())]
names += ["CONFIG|GET", "Object|Encoding"]
mine = raw(ours, "COMMAND", "INFO", *names)
theirs = raw(ref, "COMMAND", "INFO", *names)
served = set(names)
bad = 0
for n, a, b in zip(names, mine, theirs):
    b = brief(b)
    b[7] = [s for s in b[7] if s[0] in served]
    if brief(a) != b:
        print("%s: ours %r\n%s: redis %r" % (n, brief(a), n, b))
        bad += 1
print("%d commands differ" % bad)
EOT

test_expect_success REDIS_REF 'COMMAND INFO of each command and subcommand is Redis'"'"'s' '
    echo "0 commands differ" >expect &&
    python3 info.py "$REF_PORT" "$SERVER_PORT" >info.out &&
    tail -1 info.out >actual &&
    test_cmp expect actual || { cat info.out; false; }
'

cat >keys.txt <<\EOT
COMMAND GETKEYS get k
COMMAND GETKEYS set k v EX 10
COMMAND GETKEYS mset a 1 b 2 c 3
COMMAND GETKEYS del a b c
COMMAND GETKEYS blpop a b 0
COMMAND GETKEYS eval "return 1" 2 a b c
COMMAND GETKEYS eval "return 1" 0
COMMAND GETKEYS eval "return 1" 3 a
COMMAND GETKEYS eval "return 1" x a
COMMAND GETKEYS zunionstore d 2 a b WEIGHTS 1 2
COMMAND GETKEYS zunionstore d -1 a b
COMMAND GETKEYS xread COUNT 2 STREAMS a b 0 0
COMMAND GETKEYS xreadgroup GROUP g c STREAMS a 0
COMMAND GETKEYS sort k BY w GET x STORE d
COMMAND GETKEYS lmpop 2 a b LEFT
COMMAND GETKEYS object encoding k
COMMAND GETKEYS xinfo stream k
COMMAND GETKEYS config get x
COMMAND GETKEYS config nosuch x
COMMAND GETKEYS ping
COMMAND GETKEYS nosuch a
COMMAND GETKEYS get
COMMAND GETKEYS get a b
COMMAND GETKEYS
COMMAND GETKEYSANDFLAGS smove a b m
COMMAND GETKEYSANDFLAGS bitop and d a b
COMMAND GETKEYSANDFLAGS sort k STORE d
COMMAND GETKEYSANDFLAGS georadius k 1 2 3 m STORE d
COMMAND GETKEYSANDFLAGS lmove a b LEFT RIGHT
COMMAND GETKEYSANDFLAGS rename a b
COMMAND GETKEYSANDFLAGS copy a b
COMMAND GETKEYSANDFLAGS set k v
COMMAND GETKEYSANDFLAGS get k
COMMAND GETKEYSANDFLAGS del a b
COMMAND GETKEYSANDFLAGS mset a 1 b 2
COMMAND GETKEYSANDFLAGS zinterstore d 2 a b
COMMAND GETKEYSANDFLAGS ping
COMMAND GETKEYSANDFLAGS
COMMAND INFO nosuch config|nosuch nosuch|get
COMMAND DOCS nosuch
COMMAND COUNT x
COMMAND LIST FILTERBY
COMMAND LIST FILTERBY nosuch x
COMMAND LIST x
COMMAND LIST FILTERBY MODULE x
COMMAND NOSUCH
EOT

test_expect_success REDIS_REF 'GETKEYS, GETKEYSANDFLAGS and the errors match' '
    compare_with_ref keys.txt
'

test_expect_success REDIS_REF 'LIST FILTERBY ACLCAT and PATTERN select as Redis does' '
    for f in "aclcat keyspace" "aclcat read" "aclcat write" "aclcat set" \
        "aclcat sortedset" "aclcat list" "aclcat hash" "aclcat string" \
        "aclcat bitmap" "aclcat hyperloglog" "aclcat geo" "aclcat stream" \
        "aclcat pubsub" "aclcat admin" "aclcat fast" "aclcat slow" \
        "aclcat blocking" "aclcat dangerous" "aclcat connection" \
        "aclcat transaction" "aclcat scripting" "aclcat nosuch" \
        "pattern x*" "pattern config|*" "pattern *|h?lp" "pattern GET"
    do
        redis-cli -p "$REF_PORT" command list filterby $f | sort |
            grep -Ev -f excluded.txt | grep -vxF -f missing.txt >expect
        cli command list filterby $f | sort | grep -Ev -f excluded.txt >actual
        test_cmp expect actual || return 1
    done
'

test_expect_success REDIS_REF 'COMMAND DOCS gives summary and group, subcommands nested' '
    cli command docs get config >docs.out &&
    grep -qx "Get the value of a key" docs.out &&
    grep -qx "string" docs.out &&
    grep -qx "subcommands" docs.out &&
    grep -qx "config|get" docs.out
'

test_done
