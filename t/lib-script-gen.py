# t/lib-script-gen.py: print generated EVAL cases for lib-script-diff.py,
# one Python list literal per line: scripts returning every kind of Lua
# value, scripts calling commands through redis.call / redis.pcall with
# good and bad arguments, and bad EVAL arguments. The same seed gives the
# same cases.
#
#   python3 lib-script-gen.py SEED COUNT >cases.txt
import random
import sys

rng = random.Random(int(sys.argv[1]))
count = int(sys.argv[2])

numbers = ["0", "1", "-1", "3.7", "-3.7", "0.5", "-0.5", "1e15", "2^53",
           "2^63", "-2^63", "1e300", "-1e300", "1/0", "-1/0", "0/0", "42",
           "123456789012", "-7.99"]
strings = ["''", "'a'", "'with space'", "'a\\r\\nb'", "'\\0bin'",
           "string.rep('x', 100)", "tostring(12)", "'-ERR not an error'"]
atoms = numbers + strings + ["true", "false", "nil", "{}"]


def value(depth=0):
    """A Lua expression of any kind, tables nested up to three deep."""
    r = rng.random()
    if depth < 3 and r < 0.25:
        items = [value(depth + 1) for _ in range(rng.randint(0, 4))]
        return "{" + ", ".join(items) + "}"
    if r < 0.32:
        return "{ok=%s}" % rng.choice(strings + numbers)
    if r < 0.38:
        return "{err=%s}" % rng.choice(strings + numbers)
    if r < 0.42:
        return "redis.error_reply(%s)" % rng.choice(strings + ["'-CODE x'"])
    if r < 0.46:
        return "redis.status_reply(%s)" % rng.choice(strings + numbers)
    return rng.choice(atoms)


keys = ["k1", "k2", "l1", "h1", "z1", "s1"]
commands = [
    ["set", "$K", "$V"], ["get", "$K"], ["incr", "$K"], ["incrby", "$K", "$N"],
    ["append", "$K", "$V"], ["strlen", "$K"], ["del", "$K"],
    ["exists", "$K", "$K"], ["type", "$K"], ["lpush", "$K", "$V", "$V"],
    ["rpush", "$K", "$V"], ["lrange", "$K", "0", "-1"], ["lpop", "$K"],
    ["llen", "$K"], ["hset", "$K", "$V", "$V"], ["hget", "$K", "$V"],
    ["hincrby", "$K", "$V", "$N"], ["zadd", "$K", "$N", "$V"],
    ["zrange", "$K", "0", "-1", "withscores"], ["zscore", "$K", "$V"],
    ["sadd", "$K", "$V"], ["scard", "$K"], ["sismember", "$K", "$V"],
    ["expire", "$K", "$N"], ["ttl", "$K"], ["getrange", "$K", "$N", "$N"],
    ["set", "$K", "$V", "ex", "$N"], ["set", "$K"], ["get"], ["incr"],
    ["nosuchcommand", "$K"], ["multi"], ["subscribe", "c"], ["ping"],
    ["echo", "$V"], ["mget", "$K", "$K"], ["lindex", "$K", "$N"],
    ["setrange", "$K", "$N", "$V"], ["decrby", "$K", "$N"],
]
arg_values = ["'v'", "'10'", "'-3'", "''", "'abc def'", "7", "3.5", "-2",
              "'1e3'", "{}", "true", "nil"]


def call():
    cmd = rng.choice(commands)
    args = []
    for a in cmd:
        if a == "$K":
            args.append("'%s'" % rng.choice(keys))
        elif a == "$V":
            args.append(rng.choice(arg_values))
        elif a == "$N":
            args.append(rng.choice(["'1'", "'-1'", "'0'", "'100'", "'x'",
                                    "5", "2.5", "'99999999999999999999'"]))
        else:
            args.append("'%s'" % a)
    fn = rng.choice(["redis.call", "redis.pcall"])
    return "%s(%s)" % (fn, ", ".join(args))


for i in range(count):
    kind = rng.random()
    if kind < 0.4:
        script = "return " + value()
    elif kind < 0.8:
        script = "return " + call()
    elif kind < 0.9:
        script = "local r = %s return {type(r), r}" % call()
    else:
        script = "return {%s, %s}" % (call(), value())
    nkeys = rng.choice(["0"] * 8 + ["1", "2", "-1", "x", "9"])
    args = ["eval", script, nkeys] + rng.sample(keys, rng.randint(0, 3))
    print(repr(args))
