# t/lib-notify-diff.py: run one generated command sequence on a server
# while a second connection is subscribed to every keyspace channel, and
# print the replies and the notifications, one per line, so two servers'
# outputs can be compared.
#
#   python3 lib-notify-diff.py PORT SEED COUNT FLAGS
#
# FLAGS is the notify-keyspace-events value. Keys are per type (s:, l:,
# h:, S:, z:, x:, b:) so that most commands act; a few touch the wrong
# type on purpose. Expiry is exercised with PEXPIRE of 1 ms and a wait
# (polling EXISTS) until the key is gone, so "expired" is deterministic.
import os, random, sys, time
exec(open(os.environ["TEST_DIRECTORY"] + "/lib-resp.py").read())

port, seed, count, flags = int(sys.argv[1]), int(sys.argv[2]), \
    int(sys.argv[3]), sys.argv[4]
rnd = random.Random(seed)
cmd, sub = Conn(port), Conn(port)
print(cmd.call("FLUSHALL"))
print(cmd.call("CONFIG", "SET", "notify-keyspace-events", flags))
print(cmd.call("CONFIG", "GET", "notify-keyspace-events"))
print(sub.call("PSUBSCRIBE", "__key*__:*"))


def k(kind):
    return "%s:%d" % (kind, rnd.randint(0, 3))


def m():
    return "m%d" % rnd.randint(0, 5)


def n():
    return str(rnd.randint(-2, 9))


GEN = [
    lambda: ["SET", k("s"), n()],
    lambda: ["SET", k("s"), "v", "EX", "100"],
    lambda: ["SET", k("s"), "v", "NX", "GET"],
    lambda: ["SETNX", k("s"), "v"],
    lambda: ["SETEX", k("s"), "100", "v"],
    lambda: ["GETSET", k("s"), n()],
    lambda: ["MSET", k("s"), "1", k("s"), "2"],
    lambda: ["MSETNX", k("s"), "1", k("s"), "2"],
    lambda: ["APPEND", k("s"), "x"],
    lambda: ["INCR", k("s")],
    lambda: ["DECRBY", k("s"), n()],
    lambda: ["INCRBYFLOAT", k("s"), "1.5"],
    lambda: ["SETRANGE", k("s"), "2", "ab"],
    lambda: ["GETDEL", k("s")],
    lambda: ["GETEX", k("s"), "EX", "100"],
    lambda: ["GETEX", k("s"), "PERSIST"],
    lambda: ["GETEX", k("s"), "PXAT", "1"],
    lambda: ["SETBIT", k("b"), str(rnd.randint(0, 20)), "1"],
    lambda: ["BITOP", "OR", k("b"), k("b"), k("b")],
    lambda: ["BITFIELD", k("b"), "SET", "u8", "0", n()],
    lambda: ["PFADD", k("p"), m(), m()],
    lambda: ["PFMERGE", k("p"), k("p")],
    lambda: ["DEL", k("s"), k("l"), k("h")],
    lambda: ["UNLINK", k("S"), k("z")],
    lambda: ["EXPIRE", k("s"), "100"],
    lambda: ["PEXPIREAT", k("h"), "1"],
    lambda: ["PERSIST", k("s")],
    lambda: ["RENAME", k("s"), k("s")],
    lambda: ["RENAMENX", k("l"), k("l")],
    lambda: ["MOVE", k("h"), "1"],
    lambda: ["COPY", k("z"), k("z"), "REPLACE"],
    lambda: ["LPUSH", k("l"), m(), m()],
    lambda: ["RPUSH", k("l"), m()],
    lambda: ["LPUSHX", k("l"), m()],
    lambda: ["RPUSHX", k("l"), m()],
    lambda: ["LPOP", k("l")],
    lambda: ["RPOP", k("l"), "2"],
    lambda: ["LSET", k("l"), "0", m()],
    lambda: ["LTRIM", k("l"), "0", str(rnd.randint(-1, 2))],
    lambda: ["LINSERT", k("l"), "BEFORE", m(), m()],
    lambda: ["LREM", k("l"), "0", m()],
    lambda: ["LMOVE", k("l"), k("l"), "LEFT", "RIGHT"],
    lambda: ["RPOPLPUSH", k("l"), k("l")],
    lambda: ["LMPOP", "2", k("l"), k("l"), "RIGHT", "COUNT", "2"],
    lambda: ["BLPOP", k("l"), "0.01"],
    lambda: ["SORT", k("l"), "ALPHA", "STORE", k("l")],
    lambda: ["HSET", k("h"), m(), n(), m(), n()],
    lambda: ["HSETNX", k("h"), m(), "v"],
    lambda: ["HDEL", k("h"), m(), m()],
    lambda: ["HINCRBY", k("h"), "n", n()],
    lambda: ["HINCRBYFLOAT", k("h"), "f", "0.5"],
    lambda: ["SADD", k("S"), m(), m()],
    lambda: ["SREM", k("S"), m()],
    lambda: ["SPOP", k("S"), "10"],
    lambda: ["SRANDMEMBER", k("S"), "10"],
    lambda: ["SMOVE", k("S"), k("S"), m()],
    lambda: ["SINTERSTORE", k("S"), k("S"), k("S")],
    lambda: ["SUNIONSTORE", k("S"), k("S"), k("S")],
    lambda: ["SDIFFSTORE", k("S"), k("S"), k("S")],
    lambda: ["ZADD", k("z"), n(), m(), n(), m()],
    lambda: ["ZADD", k("z"), "XX", "CH", n(), m()],
    lambda: ["ZADD", k("z"), "INCR", n(), m()],
    lambda: ["ZINCRBY", k("z"), n(), m()],
    lambda: ["ZREM", k("z"), m()],
    lambda: ["ZREMRANGEBYRANK", k("z"), "0", "1"],
    lambda: ["ZREMRANGEBYSCORE", k("z"), "0", "3"],
    lambda: ["ZREMRANGEBYLEX", k("z"), "[m0", "[m2"],
    lambda: ["ZPOPMIN", k("z")],
    lambda: ["ZPOPMAX", k("z"), "2"],
    lambda: ["BZPOPMIN", k("z"), "0.01"],
    lambda: ["ZMPOP", "1", k("z"), "MAX"],
    lambda: ["ZUNIONSTORE", k("z"), "2", k("z"), k("z")],
    lambda: ["ZINTERSTORE", k("z"), "2", k("z"), k("z")],
    lambda: ["ZDIFFSTORE", k("z"), "2", k("z"), k("z")],
    lambda: ["ZRANGESTORE", k("z"), k("z"), "0", "1"],
    lambda: ["GEOADD", k("g"), "13.36", "38.11", m()],
    lambda: ["GEOSEARCHSTORE", k("g"), k("g"), "FROMLONLAT", "13", "38",
             "BYRADIUS", "500", "km"],
    lambda: ["XADD", k("x"), "*", "f", "v"],
    lambda: ["XADD", k("x"), "MAXLEN", "2", "*", "f", "v"],
    lambda: ["XTRIM", k("x"), "MAXLEN", "1"],
    lambda: ["XDEL", k("x"), "0-1"],
    lambda: ["XGROUP", "CREATE", k("x"), "g", "$", "MKSTREAM"],
    lambda: ["XGROUP", "CREATECONSUMER", k("x"), "g", "c" + n()],
    lambda: ["XGROUP", "DELCONSUMER", k("x"), "g", "c" + n()],
    lambda: ["XGROUP", "SETID", k("x"), "g", "0"],
    lambda: ["XGROUP", "DESTROY", k("x"), "g"],
    lambda: ["XREADGROUP", "GROUP", "g", "c" + n(), "STREAMS", k("x"), ">"],
    lambda: ["XSETID", k("x"), "999999999999-0"],
    lambda: ["GET", k("s")],
    lambda: ["HGET", k("h"), m()],
    lambda: ["EXISTS", k("l")],
    lambda: ["EXPIRE", k("z"), "-1"],
]

DUMPED = []
for i in range(count):
    c = rnd.choice(GEN)()
    r = cmd.call(*c)
    # replies carrying generated stream ids or timing differ by nature
    if c[0] in ("XADD", "XREADGROUP"):
        r = "(varies)"
    if c[0] in ("SPOP", "SRANDMEMBER") and r.startswith("["):
        r = sorted(r[1:-1].split(", "))
    print(" ".join(c), "->", r)
    if rnd.random() < 0.03:
        key = k(rnd.choice("slhSzx"))
        print("PEXPIRE", key, cmd.call("PEXPIRE", key, "1"))
        deadline = time.time() + 10
        while cmd.call("EXISTS", key) != "0" and time.time() < deadline:
            pass
    if rnd.random() < 0.03:
        key = k(rnd.choice("slhz"))
        d = cmd.call("DUMP", key)
        if d != "(nil)":
            cmd.send("RESTORE", key + "r", "0", d.encode("latin-1"),
                     "REPLACE")
            print("RESTORE", key + "r", cmd.read())
            # a time already past deletes the key it replaces
            cmd.send("RESTORE", key + "r", "1", d.encode("latin-1"),
                     "REPLACE", "ABSTTL")
            print("RESTORE ABSTTL", key + "r", cmd.read())
print(cmd.call("PUBLISH", "__keyevent@9__:end", "end"))
while True:
    msg = sub.read()
    print("event", msg)
    if msg.endswith(", end]"):
        break
