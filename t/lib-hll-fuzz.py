#!/usr/bin/python3
# t/lib-hll-fuzz.py: HyperLogLog commands against two servers (Debian's
# redis-server and ours), comparing every reply and, after every write,
# the raw bytes of every key (the sparse and dense layouts must be the
# same byte for byte).
#
#   lib-hll-fuzz.py REF_PORT OUR_PORT SEED [COUNT]   random commands
#   lib-hll-fuzz.py REF_PORT OUR_PORT big N          N distinct elements
#
# Random mode mixes PFADD/PFCOUNT/PFMERGE/PFDEBUG with bad arguments,
# strings that are not HyperLogLogs and HyperLogLogs damaged with
# SETRANGE/APPEND. Exits 1 at the first difference.
import os, random, sys
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "lib-resp.py")).read())
a, b = Conn(int(sys.argv[1])), Conn(int(sys.argv[2]))
for c in (a, b):
    c.sock.settimeout(120)


def both(*cmd):
    a.send(*cmd)
    b.send(*cmd)
    ra, rb = show(a._reply()), show(b._reply())
    if ra != rb:
        print("different reply to", [str(x)[:60] for x in cmd][:6],
              "\n redis:", ra[:300], "\n codis:", rb[:300])
        sys.exit(1)
    return ra


if sys.argv[3] == "big":
    n = int(sys.argv[4])
    both("DEL", "big")
    batch = 5000
    for start in range(0, n, batch):
        elems = ["e%d" % i for i in range(start, min(n, start + batch))]
        a.send("PFADD", "big", *elems)
        b.send("PFADD", "big", *elems)
        # Replies are read in pairs; pipelining more would only save time.
        ra, rb = a._reply(), b._reply()
        if ra != rb:
            print("different PFADD reply at", start, ra, rb)
            sys.exit(1)
    count = both("PFCOUNT", "big")
    both("GET", "big")
    print("%d distinct elements: PFCOUNT %s on both" % (n, count))
    sys.exit(0)

rnd = random.Random(int(sys.argv[3]))
count = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
KEYS = ["h1", "h2", "h3", "{t}h", "str", "none"]
ELEMS = ["a", "b", "", "x" * 40] + ["e%d" % i for i in range(3000)]


def k():
    return rnd.choice(KEYS)


def elems():
    n = rnd.choice([0, 1, 1, 2, 5, 20, 200])
    return [rnd.choice(ELEMS) if rnd.random() < .3 else
            "r%d" % rnd.randrange(10 ** 6) for _ in range(n)]


def gen():
    r = rnd.random()
    if r < .45:
        return ["PFADD", k()] + elems()
    if r < .6:
        return ["PFCOUNT"] + [k() for _ in range(rnd.choice([1, 1, 2, 3]))]
    if r < .7:
        return ["PFMERGE"] + [k() for _ in range(rnd.choice([1, 2, 3]))]
    if r < .78:
        return ["PFDEBUG", rnd.choice(["GETREG", "DECODE", "ENCODING",
                                       "TODENSE", "nope"]), k()]
    if r < .8:
        return ["PFDEBUG", "ENCODING"]
    if r < .82:
        return ["PFDEBUG", "DECODE", k(), "extra"]
    if r < .84:
        return ["SET", "str", rnd.choice(["HYLL", "x", "123",
                                          "HYLL\x01\x00\x00\x00"])]
    if r < .86:
        # Damage a HyperLogLog somewhere in its registers or header.
        return ["SETRANGE", k(), str(rnd.choice([4, 15, 16, 17, 18, 20,
                                                  rnd.randrange(30)])),
                rnd.choice(["\x00", "\xff", "\x7f", "\x40", "\x80\x80"])]
    if r < .87:
        return ["APPEND", k(), rnd.choice(["\x00", "\x7f\xff", "\x80"])]
    if r < .89:
        return ["CONFIG", "SET", "hll-sparse-max-bytes",
                str(rnd.choice([0, 30, 300, 3000]))]
    if r < .91:
        return ["DEL", k()]
    if r < .93:
        return ["PFCOUNT"]
    return ["PFADD"]


for c in (a, b):
    c.call("FLUSHALL")
    c.call("CONFIG", "SET", "hll-sparse-max-bytes", "3000")
for n in range(count):
    cmd = gen()
    both(*cmd)
    if cmd[0] in ("PFADD", "PFMERGE", "PFCOUNT", "PFDEBUG", "SETRANGE",
                  "APPEND"):
        for key in KEYS:
            both("GET", key)
both("PING")
print("all %d replies and values are the same" % count)
