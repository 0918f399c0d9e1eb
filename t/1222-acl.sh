#!/bin/sh
test_description='ACL users: SETUSER rules, GETUSER/LIST/USERS/DELUSER/
CAT/DRYRUN/GENPASS/WHOAMI, AUTH user pass, -NOPERM for commands, keys and
channels, requirepass as the default user'"'"'s password, compared with
redis-server 7.0'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-redis-ref.sh"

test_expect_success REDIS_REF 'start both servers' '
    start_redis_ref &&
    start_server
'

cat >rules.txt <<\EOT
acl setuser u on >p1 +@read -get ~k* %R~r* %W~w* &ch* +config|get
acl getuser u
acl setuser v
acl setuser x +@all -@all +get +@string
acl setuser y nopass resetpass #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8
acl setuser z on nopass +@all ~* &* -debug -config|set
acl setuser s on >a >b <a +@set +@hash -@write
acl setuser t on nopass allcommands allkeys allchannels
acl setuser t reset
acl setuser q on #5E884898DA28047151D0E56F8DC6292773603D0D6AABBDD62A11EF721D1542D8 +client|id
acl list
acl users
acl whoami
acl getuser default
acl setuser bad +nosuch
acl setuser bad +@nosuch
acl setuser bad ~* ~x
acl setuser bad allkeys ~x
acl setuser bad &* &x
acl setuser bad #abc
acl setuser bad <nopw
acl setuser bad blah
acl setuser bad %X~a
acl setuser u off +nosuch
acl getuser u
acl getuser bad
acl getuser nosuch
acl deluser default
acl deluser nosuch y
acl deluser v x
acl users
acl cat
acl cat nosuch
acl dryrun u get k1
acl dryrun u mget k1 k2
acl dryrun u mget r1 k1
acl dryrun u mget w1 k1
acl dryrun u set k1 v
acl dryrun u config get maxmemory
acl dryrun u config set maxmemory 1
acl dryrun s sadd k a
acl dryrun s smembers k
acl dryrun s hgetall k
acl dryrun nosuch get k
acl dryrun u nosuch k
acl dryrun u get
acl genpass x
acl genpass 0
acl genpass 5000
acl nosuch
acl
EOT

# sort_rules FILE: the +/- command rules of each line in a stable order;
# Redis lists them in its hash tables' order.
sort_rules() {
    awk '{ n = 0; out = ""; split("", r)
           for (i = 1; i <= NF; i++) {
               if ($i ~ /^[-+]/ && $i !~ /^[-+]@all$/) { r[++n] = $i }
               else { out = out (out == "" ? "" : " ") $i }
           }
           for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
               if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t }
           for (i = 1; i <= n; i++) out = out " " r[i]
           print out }' "$1"
}

test_expect_success REDIS_REF 'SETUSER rules and the views of users match Redis' '
    redis-cli -p "$REF_PORT" <rules.txt >rules.raw.expect 2>&1 &&
    cli <rules.txt >rules.raw.actual 2>&1 &&
    sort_rules rules.raw.expect >expect &&
    sort_rules rules.raw.actual >actual &&
    test_cmp expect actual
'

test_expect_success REDIS_REF 'CAT of every category lists Redis'"'"'s commands we serve' '
    cli command list >served &&
    for cat in $(cli acl cat); do
        redis-cli -p "$REF_PORT" acl cat "$cat" | sort | grep -xF -f served >expect &&
        cli acl cat "$cat" | sort | grep -v "^slots" >actual &&
        test_cmp expect actual || return 1
    done
'

test_expect_success 'GENPASS gives random hex of the asked length' '
    cli acl genpass >p1 && cli acl genpass >p2 && cli acl genpass 5 >p3 &&
    grep -qxE "[0-9a-f]{64}" p1 && grep -qxE "[0-9a-f]{2}" p3 &&
    ! cmp -s p1 p2
'

# Each case: connections (by number) send commands; every reply is
# printed. Run against both servers, the output must match.
cat >conns.py <<\EOT
conns = {}
def on(n, *cmd):
    if n not in conns:
        conns[n] = Conn(port)
    try:
        print(n, " ".join(cmd), "->", conns[n].call(*cmd))
    except (EOFError, ConnectionError):
        print(n, " ".join(cmd), "-> (closed)")
        del conns[n]
on(0, "ACL", "SETUSER", "alice", "on", ">pw", "+@read", "+@write",
   "-flushall", "~app:*", "%R~ro:*", "&news.*", "+publish", "+subscribe",
   "+psubscribe", "+acl|whoami", "+multi", "+exec")
on(1, "AUTH", "alice", "bad")
on(1, "AUTH", "nobody", "pw")
on(1, "AUTH", "alice", "pw")
on(1, "ACL", "WHOAMI")
on(1, "SET", "app:1", "v")
on(1, "GET", "app:1")
on(1, "SET", "other", "v")
on(1, "GET", "ro:1")
on(1, "SET", "ro:1", "v")
on(1, "MSET", "app:2", "a", "other", "b")
on(1, "FLUSHALL")
on(1, "CONFIG", "GET", "maxmemory")
on(1, "ACL", "LIST")
on(1, "PUBLISH", "news.1", "m")
on(1, "PUBLISH", "sport", "m")
on(1, "SUBSCRIBE", "sport")
on(1, "PSUBSCRIBE", "news.*x")
on(1, "MULTI")
on(1, "GET", "other")
on(1, "GET", "app:1")
on(1, "EXEC")
on(0, "ACL", "SETUSER", "alice", "-get")
on(1, "GET", "app:1")
on(0, "ACL", "SETUSER", "alice", "off")
on(2, "AUTH", "alice", "pw")
on(1, "SET", "app:3", "v")
on(0, "ACL", "SETUSER", "bob", "on", "nopass", "+@all", "~*", "&*",
   "-config|set")
on(3, "AUTH", "bob", "anything")
on(3, "CONFIG", "SET", "maxmemory", "0")
on(3, "CONFIG", "GET", "maxmemory")
on(0, "ACL", "DELUSER", "bob")
on(3, "PING")
on(3, "PING")
on(0, "CONFIG", "SET", "requirepass", "secret")
on(4, "PING")
on(4, "AUTH", "wrong")
on(4, "AUTH", "secret")
on(4, "AUTH", "default", "secret")
on(4, "ACL", "WHOAMI")
on(4, "ACL", "GETUSER", "default")
on(4, "CONFIG", "SET", "requirepass", "")
on(5, "PING")
on(5, "AUTH", "x")
on(4, "ACL", "SETUSER", "default", "off")
on(6, "PING")
on(6, "AUTH", "alice", "pw")
on(4, "ACL", "SETUSER", "default", "on")
on(7, "AUTH", "alice", "nope")
c = conns[0]
c.send("ACL", "LOG")
for e in c._reply():
    e = dict(zip(e[0::2], e[1::2]))
    # Redis counts three of our four failed AUTHs as alice: left out
    count = e["count"] if e["reason"] != "auth" else "-"
    print("log", count, e["reason"], e["context"], e["object"],
          e["username"], "cmd=" in e["client-info"],
          0 <= float(e["age-seconds"]) < 600)
on(0, "ACL", "LOG", "2", "x")
on(0, "ACL", "LOG", "-1")
on(0, "ACL", "LOG", "RESET")
on(0, "ACL", "LOG")
EOT

test_expect_success REDIS_REF 'AUTH, -NOPERM, DELUSER and requirepass behave as in Redis' '
    scenario_with_ref conns.py
'

cat >file.py <<\EOT
import os, sys
exec(open(os.environ["TEST_DIRECTORY"] + "/lib-resp.py").read())
port, path = int(sys.argv[1]), sys.argv[2]
c = Conn(port)
def on(*cmd):
    print(" ".join(cmd), "->", c.call(*cmd))
on("ACL", "LIST")
on("ACL", "SETUSER", "ann", "on", ">pw", "+get", "~a*")
on("ACL", "SAVE")
print(open(path).read().strip())
open(path, "a").write("user bob on nopass +@all ~*\n")
on("ACL", "LOAD")
on("ACL", "USERS")
on("ACL", "SETUSER", "tmp")
open(path, "a").write("user bob off\n")
on("ACL", "LOAD")
on("ACL", "USERS")
open(path, "w").write("user ann on nopass +set\nbogus line\n")
on("ACL", "LOAD")
open(path, "w").write("user ann on +nosuch\n")
on("ACL", "LOAD")
open(path, "w").write("# only a comment\n\nuser ann on nopass +ping\n")
on("ACL", "LOAD")
on("ACL", "LIST")
EOT

test_expect_success REDIS_REF 'aclfile: loaded at start, ACL SAVE and LOAD as Redis' '
    mkdir aclref aclours &&
    echo "user carol on nopass +@read ~c*" >aclref/users.acl &&
    cp aclref/users.acl aclours/users.acl &&
    stop_pid "$REF_PID" && stop_pid "$SERVER_PID" &&
    start_redis_ref --aclfile "$TRASH_DIRECTORY/aclref/users.acl" &&
    start_server --aclfile "$TRASH_DIRECTORY/aclours/users.acl" &&
    python3 file.py "$REF_PORT" aclref/users.acl >expect &&
    python3 file.py "$SERVER_PORT" aclours/users.acl >actual &&
    sed "s|aclref|ACL|g" expect >expect.n &&
    sed "s|aclours|ACL|g" actual >actual.n &&
    test_cmp expect.n actual.n
'

test_expect_success 'a bad aclfile stops the start with a message' '
    echo "user x on +nosuch" >bad.acl &&
    test_must_fail codis-server --port "$(free_port)" \
        --aclfile "$TRASH_DIRECTORY/bad.acl" >bad.out 2>&1 &&
    grep -q "bad.acl:1" bad.out
'

test_done
