# t/lib-stream.py: differential runs of stream commands against
# codis-server and redis-server (t/2110-streams.sh).
#
#   python3 lib-stream.py script OURS REF FILE   # commands, one a line
#   python3 lib-stream.py random OURS REF SEED N # N generated commands
#   python3 lib-stream.py dump OURS REF KEY...    # same DUMP payloads?
#   python3 lib-stream.py exchange OURS REF KEY...
#       DUMP each key on one server, RESTORE it on the other as x:KEY, and
#       compare XINFO STREAM FULL of x:KEY with KEY's on each side
#   python3 lib-stream.py info PORT PORT KEY     # masked XINFO STREAM FULL
#
# Each command goes to both servers; the replies are printed side by side
# only where they differ (exit 1), after masking what depends on the clock
# (idle times, delivery and seen times) or on Redis's radix tree layout
# (radix-tree-nodes). Everything else must be equal byte for byte.
import os
import random
import sys

exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "lib-resp.py")).read())


def mask_pairs(r, names):
    """In a flat [name, value, ...] list, mask the values of 'names'."""
    if isinstance(r, list) and len(r) % 2 == 0:
        for i in range(0, len(r), 2):
            if r[i] in names:
                r[i + 1] = "*"
    return r


def mask(cmd, r):
    """Mask the clock- and layout-dependent parts of reply 'r' of 'cmd'."""
    name = cmd[0].upper()
    sub = cmd[1].upper() if len(cmd) > 1 else ""
    if not isinstance(r, list):
        return r
    if name == "XPENDING" and len(cmd) > 3:
        for e in r:
            if isinstance(e, list) and len(e) == 4:
                e[2] = "*"
    elif name == "XINFO" and sub == "CONSUMERS":
        for e in r:
            mask_pairs(e, ("idle",))
    elif name == "XINFO" and sub == "STREAM":
        mask_pairs(r, ("radix-tree-nodes",))
        for i in range(0, len(r) - 1, 2):
            if r[i] != "groups" or not isinstance(r[i + 1], list):
                continue
            for g in r[i + 1]:
                for j in range(0, len(g) - 1, 2):
                    if g[j] == "pending":
                        for p in g[j + 1]:
                            p[2] = "*"
                    if g[j] == "consumers":
                        for cn in g[j + 1]:
                            mask_pairs(cn, ("seen-time",))
                            for k in range(0, len(cn) - 1, 2):
                                if cn[k] == "pending":
                                    for p in cn[k + 1]:
                                        p[1] = "*"
    return r


class Raw(Conn):
    """A Conn whose replies stay Python values (lists, ints, str, None)."""

    def get(self, *args):
        self.send(*args)
        return self._reply()


def run(ours, ref, cmds):
    bad = 0
    for cmd in cmds:
        a = mask(cmd, ours.get(*cmd))
        b = mask(cmd, ref.get(*cmd))
        if show(a) != show(b):
            bad += 1
            print("command:  %s" % " ".join(cmd))
            print("redis:    %s" % show(b))
            print("codis:    %s" % show(a))
    return bad


def generate(seed, n):
    """N stream commands over three keys, valid and not."""
    rnd = random.Random(seed)
    keys = ["sa", "sb", "{sa}c"]
    groups = ["g1", "g2"]
    consumers = ["alice", "bob", "carol"]
    ms = {k: 1 for k in keys}
    fields = ["f", "name", "n", "1", "", "x" * 70, "12345678901"]
    cmds = []

    def some_id(k):
        return "%d-%d" % (rnd.randint(0, ms[k] + 1), rnd.randint(0, 3))

    def bound(k):
        return rnd.choice(["-", "+", some_id(k), "(" + some_id(k),
                           str(rnd.randint(0, ms[k])), "bad", "(-"])

    for _ in range(n):
        k = rnd.choice(keys)
        g = rnd.choice(groups)
        op = rnd.random()
        if op < 0.35:
            ms[k] += rnd.choice([0, 1, 1, 2])
            cmd = ["XADD", k]
            if rnd.random() < 0.2:
                cmd += rnd.choice([["MAXLEN", str(rnd.randint(0, 300))],
                                   ["MAXLEN", "~", str(rnd.randint(0, 300))],
                                   ["MINID", "=", some_id(k)],
                                   ["MINID", "~", some_id(k), "LIMIT",
                                    str(rnd.randint(0, 200))],
                                   ["MAXLEN", "-3"], ["LIMIT", "5"]])
            if rnd.random() < 0.05:
                cmd.append("NOMKSTREAM")
            idv = rnd.random()
            cmd.append("%d-*" % ms[k] if idv < 0.5 else
                       "%d-%d" % (ms[k], rnd.randint(0, 5)) if idv < 0.95
                       else some_id(k))
            nf = rnd.choice([1, 1, 2, 3, 0])
            for _ in range(nf):
                cmd += [rnd.choice(fields), rnd.choice(fields + ["v", "-7"])]
            if nf == 0:
                cmd.append("lonely")
            cmds.append(cmd)
        elif op < 0.45:
            cmd = [rnd.choice(["XRANGE", "XREVRANGE"]), k, bound(k), bound(k)]
            if rnd.random() < 0.5:
                cmd += ["COUNT", str(rnd.randint(-1, 20))]
            cmds.append(cmd)
        elif op < 0.5:
            cmds.append(["XDEL", k] + [some_id(k)
                                       for _ in range(rnd.randint(1, 4))])
        elif op < 0.53:
            cmds.append(["XTRIM", k] + rnd.choice([
                ["MAXLEN", str(rnd.randint(0, 400))],
                ["MAXLEN", "~", str(rnd.randint(0, 400))],
                ["MINID", some_id(k)], ["MINID", "~", some_id(k)],
                ["MAXLEN", "~", "10", "LIMIT", str(rnd.randint(0, 300))],
                ["FOO", "1"]]))
        elif op < 0.56:
            cmds.append(["XLEN", k])
        elif op < 0.6:
            cmds.append(["XGROUP", "CREATE", k, g,
                         rnd.choice(["$", "0", some_id(k)])] +
                        rnd.choice([[], ["MKSTREAM"],
                                    ["ENTRIESREAD", str(rnd.randint(-2, 9))]]))
        elif op < 0.62:
            cmds.append(["XGROUP", "SETID", k, g,
                         rnd.choice(["$", "0", some_id(k)])])
        elif op < 0.72:
            cmd = ["XREADGROUP", "GROUP", g, rnd.choice(consumers)]
            if rnd.random() < 0.6:
                cmd += ["COUNT", str(rnd.randint(0, 30))]
            if rnd.random() < 0.2:
                cmd.append("NOACK")
            cmd += ["STREAMS", k, rnd.choice([">", ">", "0", some_id(k)])]
            cmds.append(cmd)
        elif op < 0.77:
            cmd = ["XREAD"]
            if rnd.random() < 0.6:
                cmd += ["COUNT", str(rnd.randint(0, 30))]
            cmds.append(cmd + ["STREAMS", k, rnd.choice(keys),
                               some_id(k), rnd.choice(["0", some_id(k)])])
        elif op < 0.83:
            cmds.append(["XACK", k, g] + [some_id(k)
                                          for _ in range(rnd.randint(1, 3))])
        elif op < 0.87:
            cmd = ["XPENDING", k, g]
            if rnd.random() < 0.7:
                cmd += ["-", "+", str(rnd.randint(0, 30))]
                if rnd.random() < 0.5:
                    cmd.append(rnd.choice(consumers))
            cmds.append(cmd)
        elif op < 0.91:
            cmd = ["XCLAIM", k, g, rnd.choice(consumers), "0"] + \
                [some_id(k) for _ in range(rnd.randint(1, 3))]
            cmd += rnd.choice([[], ["JUSTID"], ["FORCE", "JUSTID"],
                               ["RETRYCOUNT", "3"], ["LASTID", some_id(k)]])
            cmds.append(cmd)
        elif op < 0.94:
            cmds.append(["XAUTOCLAIM", k, g, rnd.choice(consumers), "0",
                         bound(k), "COUNT", str(rnd.randint(1, 5))] +
                        rnd.choice([[], ["JUSTID"]]))
        elif op < 0.97:
            cmds.append(rnd.choice([
                ["XINFO", "STREAM", k], ["XINFO", "GROUPS", k],
                ["XINFO", "CONSUMERS", k, g],
                ["XINFO", "STREAM", k, "FULL", "COUNT", "3"]]))
        elif op < 0.985:
            cmds.append(["XGROUP", rnd.choice(["CREATECONSUMER",
                                               "DELCONSUMER"]),
                         k, g, rnd.choice(consumers)])
        else:
            cmds.append(["XGROUP", "DESTROY", k, g])
    for k in keys:
        cmds.append(["XINFO", "STREAM", k, "FULL"])
        cmds.append(["XRANGE", k, "-", "+"])
    return cmds


def lzf_decompress(d):
    out = bytearray()
    i = 0
    while i < len(d):
        c = d[i]
        i += 1
        if c < 32:
            out += d[i:i + c + 1]
            i += c + 1
            continue
        n = c >> 5
        if n == 7:
            n += d[i]
            i += 1
        ref = len(out) - ((c & 0x1f) << 8) - 1 - d[i]
        i += 1
        for _ in range(n + 2):
            out.append(out[ref])
            ref += 1
    return bytes(out)


class RdbReader:
    """Just enough of the RDB encoding to read a stream payload."""

    def __init__(self, b):
        self.b, self.p = b, 0

    def byte(self):
        self.p += 1
        return self.b[self.p - 1]

    def length(self):
        c = self.byte()
        kind = c >> 6
        if kind == 0:
            return c & 0x3f, False
        if kind == 1:
            return ((c & 0x3f) << 8) | self.byte(), False
        if kind == 3:
            return c & 0x3f, True
        n = 4 if c == 0x80 else 8
        self.p += n
        return int.from_bytes(self.b[self.p - n:self.p], "big"), False

    def string(self):
        n, enc = self.length()
        if not enc:
            self.p += n
            return self.b[self.p - n:self.p]
        if n <= 2:
            w = 1 << n
            self.p += w
            return str(int.from_bytes(self.b[self.p - w:self.p], "little",
                                      signed=True)).encode()
        clen, _ = self.length()
        self.length()
        self.p += clen
        return lzf_decompress(self.b[self.p - clen:self.p])


def payload_parts(p):
    """A stream DUMP payload as its node keys and listpacks (LZF undone:
    compressors may differ) plus the rest without version and CRC."""
    r = RdbReader(p)
    kind = r.byte()
    n, _ = r.length()
    nodes = [(r.string(), r.string()) for _ in range(n)]
    return kind, nodes, p[r.p:-10]


def dump_compare(ours, ref, keys):
    bad = 0
    for k in keys:
        a = payload_parts(ours.get("DUMP", k).encode("latin-1"))
        b = payload_parts(ref.get("DUMP", k).encode("latin-1"))
        if a != b:
            bad += 1
            print("DUMP %s differs: type %d/%d, %d/%d nodes" %
                  (k, a[0], b[0], len(a[1]), len(b[1])))
    return bad


def exchange(ours, ref, keys):
    bad = 0
    for k in keys:
        for src, dst in ((ours, ref), (ref, ours)):
            payload = src.get("DUMP", k).encode("latin-1")
            rc = dst.get("RESTORE", "x:" + k, "0", payload, "REPLACE")
            want = mask(["XINFO", "STREAM"],
                        src.get("XINFO", "STREAM", k, "FULL"))
            got = mask(["XINFO", "STREAM"],
                       dst.get("XINFO", "STREAM", "x:" + k, "FULL"))
            if rc != "OK" or show(want) != show(got):
                bad += 1
                print("RESTORE of %s: %s" % (k, rc))
                print("source: %s" % show(want))
                print("copy:   %s" % show(got))
    return bad


def main():
    mode, ours, ref = sys.argv[1], Raw(int(sys.argv[2])), Raw(int(sys.argv[3]))
    if mode == "info":
        cmd = ["XINFO", "STREAM", sys.argv[4], "FULL"]
        print(show(mask(cmd, ours.get(*cmd))))
        return
    if mode in ("dump", "exchange"):
        fn = dump_compare if mode == "dump" else exchange
        bad = fn(ours, ref, sys.argv[4:])
        print("%d keys, %d differ" % (len(sys.argv) - 4, bad))
        sys.exit(1 if bad else 0)
    if mode == "script":
        cmds = [line.split() for line in open(sys.argv[4])
                if line.strip() and not line.startswith("#")]
    else:
        cmds = generate(int(sys.argv[4]), int(sys.argv[5]))
    bad = run(ours, ref, cmds)
    print("%d commands, %d differ" % (len(cmds), bad))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
