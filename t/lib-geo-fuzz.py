#!/usr/bin/python3
# t/lib-geo-fuzz.py: random GEO commands against two servers (Debian's
# redis-server and ours), comparing every reply and, after every write,
# every key's members and scores.
#
#   lib-geo-fuzz.py REF_PORT OUR_PORT SEED [COUNT]
#
# Members and centres lie in one region, anywhere on the globe, near the
# poles' Web Mercator limits or near the +-180 meridian; radii and boxes
# go up to the whole earth. Replies are compared byte for byte, order
# included: Redis walks the centre geohash cell and its eight neighbours
# at a step chosen from the radius (so far members of huge shapes are
# missed, and unsorted results come in cell order), and so must we.
# Exits 1 at the first difference.
import os, random, sys
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "lib-resp.py")).read())
rnd = random.Random(int(sys.argv[3]))
count = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
a, b = Conn(int(sys.argv[1])), Conn(int(sys.argv[2]))
KEYS = ["g1", "g2", "str", "none"]
MEMBERS = ["m%d" % i for i in range(80)]


def lon():
    r = rnd.random()
    if r < .55:
        return "%.6f" % rnd.uniform(-20, 40)
    if r < .7:
        return "%.6f" % rnd.uniform(-180, 180)
    if r < .85:
        side = rnd.choice([-1, 1])
        return "%.6f" % (side * rnd.uniform(178, 180))
    if r < .9:
        return rnd.choice(["%.6f" % rnd.uniform(-1, 1), "0.000001",
                           "-179.999999", "179.999999"])
    return rnd.choice(["180", "-180", "180.1", "x", "nan", "inf", "0"])


def lat():
    r = rnd.random()
    if r < .55:
        return "%.6f" % rnd.uniform(20, 60)
    if r < .7:
        return "%.6f" % rnd.uniform(-85.05, 85.05)
    if r < .85:
        side = rnd.choice([-1, 1])
        return "%.6f" % (side * rnd.uniform(60, 85.05112878))
    if r < .9:
        return "%.6f" % rnd.uniform(-1, 1)
    return rnd.choice(["85.05112878", "-85.05112878", "-85.05112879", "90",
                       "x", "0"])


def unit():
    return rnd.choice(["m", "km", "km", "mi", "ft", "KM", "yd"])


def dist():
    r = rnd.random()
    if r < .2:
        return "%.3f" % rnd.uniform(0, 20000)
    if r < .3:
        return rnd.choice(["5000", "10000", "20000", "40000", "100000",
                           "1e7", "1e9"])
    return rnd.choice(["0", "1", "100", "500", "1000", "-1", "x",
                       "250.5"])


def k():
    return rnd.choice(KEYS)


def m():
    return rnd.choice(MEMBERS + ["nope"])


def options(search):
    out = []
    for _ in range(rnd.randrange(4)):
        r = rnd.random()
        if r < .15:
            out.append("WITHDIST")
        elif r < .3:
            out.append("WITHCOORD")
        elif r < .4:
            out.append("WITHHASH")
        elif r < .55:
            out.append(rnd.choice(["ASC", "DESC"]))
        elif r < .75:
            out += ["COUNT", rnd.choice(["1", "3", "10", "0", "-1", "x"])]
        elif r < .8:
            out.append("ANY")
        elif r < .9 and not search:
            out += [rnd.choice(["STORE", "STOREDIST"]), k()]
        elif r < .95:
            out.append(rnd.choice(["BOGUS", "STOREDIST"]))
    return out


def gen():
    r = rnd.randrange(100)
    if r < 30:
        args = ["GEOADD", k()] + rnd.sample(["NX", "XX", "CH"],
                                            rnd.choice([0, 0, 0, 1, 2]))
        for _ in range(rnd.randrange(1, 5)):
            args += [lon(), lat(), m()]
        if rnd.random() < .05:
            args.pop()
        return args
    if r < 38:
        return ["GEODIST", k(), m(), m()] + rnd.choice([[], [unit()],
                                                        ["km", "x"]])
    if r < 44:
        return ["GEOPOS", k()] + [m() for _ in range(rnd.randrange(3))]
    if r < 50:
        return ["GEOHASH", k()] + [m() for _ in range(rnd.randrange(3))]
    if r < 62:
        cmd = rnd.choice(["GEORADIUS", "GEORADIUS_RO"])
        return [cmd, k(), lon(), lat(), dist(), unit()] + options(False)
    if r < 70:
        cmd = rnd.choice(["GEORADIUSBYMEMBER", "GEORADIUSBYMEMBER_RO"])
        return [cmd, k(), m(), dist(), unit()] + options(False)
    frm = rnd.choice([["FROMMEMBER", m()], ["FROMLONLAT", lon(), lat()],
                      [], ["FROMMEMBER", m(), "FROMLONLAT", lon(), lat()]])
    by = rnd.choice([["BYRADIUS", dist(), unit()],
                     ["BYBOX", dist(), dist(), unit()], [],
                     ["BYRADIUS", dist(), unit(), "BYBOX", "1", "1", "m"]])
    parts = [frm, by, options(True)]
    rnd.shuffle(parts)
    flat = [x for p in parts for x in p]
    if r < 88:
        return ["GEOSEARCH", k()] + flat
    return ["GEOSEARCHSTORE", k(), k()] + flat


for c in (a, b):
    c.call("FLUSHALL")
    c.call("SET", "str", "x")
found = 0
for n in range(count):
    cmd = gen()
    a.send(*cmd)
    b.send(*cmd)
    ra, rb = a._reply(), b._reply()
    if isinstance(ra, list) and len(ra) > 1:
        found += 1
    ra, rb = show(ra), show(rb)
    if ra != rb:
        print("different reply to", cmd, "\n redis:", ra, "\n codis:", rb)
        sys.exit(1)
    for key in KEYS:
        va = a.call("ZRANGE", key, "0", "-1", "WITHSCORES")
        vb = b.call("ZRANGE", key, "0", "-1", "WITHSCORES")
        if va != vb:
            print("different", key, "after", cmd, "\n redis:", va,
                  "\n codis:", vb)
            sys.exit(1)
print("all %d replies and values are the same (%d searches found several)"
      % (count, found))
