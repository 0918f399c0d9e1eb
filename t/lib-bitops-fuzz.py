#!/usr/bin/python3
# t/lib-bitops-fuzz.py: random bitmap and bit field commands (SETBIT,
# GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO) against two
# servers (Debian's redis-server and ours), comparing every reply and,
# after every write, the bytes of every key.
#
#   lib-bitops-fuzz.py REF_PORT OUR_PORT SEED [COUNT]
#
# Arguments include bad ones: wrong types, offsets and widths out of
# range, unknown words, missing values. Exits 1 at the first difference.
import os, random, sys
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "lib-resp.py")).read())
rnd = random.Random(int(sys.argv[3]))
count = int(sys.argv[4]) if len(sys.argv) > 4 else 3000
a, b = Conn(int(sys.argv[1])), Conn(int(sys.argv[2]))
KEYS = ["b1", "b2", "b3", "int", "list", "none"]
NUMS = ["0", "1", "2", "3", "7", "8", "9", "15", "16", "31", "63", "64",
        "100", "1000", "-1", "-2", "-8", "-9", "-100", "x", "",
        "9223372036854775807", "-9223372036854775808", "4294967296",
        "34359738368", "1.5"]
# (No valid offset near the 512 MB limit: both servers would build such
# a string, which is legal and only slow.)


def num():
    return rnd.choice(NUMS)


def k():
    return rnd.choice(KEYS)


def small():
    return str(rnd.randrange(0, 200))


def ftype():
    r = rnd.random()
    if r < .9:
        return rnd.choice("iu") + str(rnd.choice(
            [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 31, 32, 33, 62, 63, 64]))
    return rnd.choice(["u64", "i65", "i0", "x8", "I8", "u", "i-1", "u08"])


def foffset():
    r = rnd.random()
    if r < .6:
        return small()
    if r < .8:
        return "#" + rnd.choice(["0", "1", "2", "3", "10", "-1", "x",
                                 "288230376151711744",
                                 "9223372036854775807"])
    return num()


def value():
    r = rnd.random()
    if r < .5:
        return str(rnd.randrange(-300, 300))
    if r < .8:
        return rnd.choice(["9223372036854775807", "-9223372036854775808",
                           "4294967295", "-4294967296", "2147483648",
                           "18446744073709551615", "127", "128", "-129"])
    return rnd.choice(["x", "", "1.5"])


def field_ops(ro):
    ops = []
    for _ in range(rnd.randrange(0, 5)):
        r = rnd.random()
        if r < .35 or ro and r < .9:
            ops += ["GET", ftype(), foffset()]
        elif r < .6:
            ops += ["SET", ftype(), foffset(), value()]
        elif r < .85:
            ops += ["INCRBY", ftype(), foffset(), value()]
        elif r < .95:
            ops += ["OVERFLOW", rnd.choice(["WRAP", "SAT", "FAIL", "sat",
                                            "nope"])]
        else:
            ops += rnd.choice([["GET", "u8"], ["SET", "i8", "0"], ["BAD"]])
    return ops


def gen():
    r = rnd.randrange(100)
    if r < 15:
        return ["SETBIT", k(), rnd.choice([small(), num()]),
                rnd.choice(["0", "1", "1", "2", "-1", "x", "01"])]
    if r < 22:
        return ["GETBIT", k(), rnd.choice([small(), num()])]
    if r < 34:
        return (["BITCOUNT", k()] + [num() for _ in range(rnd.randrange(4))]
                + (rnd.choice([["BIT"], ["BYTE"], ["bit"], ["x"], []])))
    if r < 46:
        return (["BITPOS", k(), rnd.choice(["0", "1", "2", "x"])] +
                [num() for _ in range(rnd.randrange(3))] +
                rnd.choice([["BIT"], ["BYTE"], [], ["nope"]]))
    if r < 56:
        op = rnd.choice(["AND", "OR", "XOR", "NOT", "and", "xor", "NAND"])
        return ["BITOP", op, k()] + [k() for _ in range(rnd.randrange(0, 4))]
    if r < 80:
        return ["BITFIELD", k()] + field_ops(False)
    if r < 88:
        return ["BITFIELD_RO", k()] + field_ops(rnd.random() < .8)
    if r < 92:
        return ["SET", k(), rnd.choice(["", "\xff\xf0\x00", "foobar",
                                        "\x00\x00\x01", "12345"])]
    if r < 94:
        return ["RPUSH", "list", "x"]
    if r < 96:
        return ["SET", "int", rnd.choice(["123", "-7", "0"])]
    if r < 98:
        return ["DEL", k()]
    return [rnd.choice(["BITOP", "BITFIELD", "SETBIT", "BITCOUNT"])]


WRITES = ("SETBIT", "BITOP", "BITFIELD", "SET", "DEL", "RPUSH")
for c in (a, b):
    c.call("FLUSHALL")
for n in range(count):
    cmd = gen()
    a.send(*cmd)
    b.send(*cmd)
    ra, rb = show(a._reply()), show(b._reply())
    if ra != rb:
        print("different reply to", cmd, "\n redis:", ra, "\n codis:", rb)
        sys.exit(1)
    if cmd[0] in WRITES:
        for key in KEYS:
            # GET answers WRONGTYPE for the list on both sides.
            a.send("GET", key)
            b.send("GET", key)
            da, db = a._reply(), b._reply()
            if da != db:
                print("different value of", key, "after", cmd,
                      "\n redis:", repr(da)[:200], "\n codis:",
                      repr(db)[:200])
                sys.exit(1)
print("all %d replies and values are the same" % count)
