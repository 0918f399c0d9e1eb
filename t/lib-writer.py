#!/usr/bin/python3
# t/lib-writer.py: the writer of the fault tests (t/70xx). It writes
# through a proxy and logs every acknowledged write, so a test can tell
# afterwards whether a write that a client was told succeeded was lost.
#
#   lib-writer.py write PORT NAME   SET NAME:<i> <i> for i = 0, 1, ...
#                                   (SET NAME:<i % K> <i> with
#                                   $WRITER_KEYS=K: each key overwritten)
#                                   through PORT until the file NAME.stop
#                                   exists; each write that got +OK is
#                                   logged to NAME.acked as "<i> <time>";
#                                   errors and reconnects never stop it
#                                   while a thread finds which of them
#                                   reached a replica (below) and logs
#                                   them to NAME.replicated
#   lib-writer.py check PORT NAME   read back every acknowledged key
#                                   through PORT and print
#                                   "acked N lost L replicated R lost R2
#                                   gap S1 S2": L keys missing or wrong
#                                   (each printed first), R the writes
#                                   known to have reached a replica
#                                   before the faults, R2 of them lost;
#                                   S1 and S2 the longest time in
#                                   seconds between two acknowledged
#                                   writes to slots 0-511 and 512-1023
#                                   (the unavailability of each group)
#
# Which acknowledged writes reached a replica (the "WAIT 1 0" of the
# issue; the proxy does not forward WAIT: its backend connections are
# shared by all clients, a blocking WAIT there would stall them all). The
# servers are in $WRITER_SERVERS (ports). Each round (every 50 ms) the
# thread reads INFO replication of every server, notes how many writes
# are acknowledged so far, and reads INFO again: the second read names the
# masters (port, replication id, offset) and which servers do not answer.
# The writes acknowledged between two rounds' notes form a window; if the
# set of masters and of silent servers is the same in three reads in a
# row around it (a replication id changes with every promotion), those
# writes were acknowledged by these masters, each at most at the offset
# it had at the last read. The window is replicated once, in some later
# round where each of these masters is still the same master, a server
# following it (same master port and replication id) has at least that
# offset. A window around a failover or a silent master stays
# unconfirmed: it is not counted. NAME.replicated gets "FIRST LAST" per
# window, positions in NAME.acked.
# Speaks RESP itself (no client library needed).
import os
import socket
import sys
import threading
import time
import zlib


# encode() of t/lib-resp.py (its Conn is another client)
_resp = {}
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "lib-resp.py")).read(), _resp)
encode = _resp["encode"]


class Conn:
    """A tiny blocking RESP client: command() returns the reply, raises
    OSError on a broken connection and RuntimeError on an error reply."""

    def __init__(self, port, timeout):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=2)
        self.s.settimeout(timeout)
        self.f = self.s.makefile("rb")

    def command(self, *args):
        self.s.sendall(encode(*args))
        return self.reply()

    def reply(self):
        line = self.f.readline()
        if not line.endswith(b"\r\n"):
            raise OSError("connection closed")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest
        if kind == b"-":
            raise RuntimeError(rest.decode(errors="replace"))
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self.f.read(n + 2)[:-2]
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.reply() for _ in range(n)]
        raise OSError("bad reply %r" % line)

    def close(self):
        self.s.close()


def info(port):
    """INFO replication of the server on 'port' as a dict, or None."""
    try:
        c = Conn(port, 0.5)
        try:
            text = c.command("INFO", "replication")
        finally:
            c.close()
    except (OSError, RuntimeError, socket.timeout):
        return None
    fields = {}
    for line in text.decode(errors="replace").split("\r\n"):
        if ":" in line:
            k, v = line.split(":", 1)
            fields[k] = v
    return fields


def masters_now(ports):
    """(masters, silent): {port: (replid, offset)} of the servers that
    are masters, the ports that did not answer, and {port: info}."""
    masters, silent, infos = {}, set(), {}
    for p in ports:
        f = info(p)
        if f is None:
            silent.add(p)
            continue
        infos[p] = f
        if f.get("role") == "master":
            masters[p] = (f.get("master_replid"),
                          int(f.get("master_repl_offset", "-1")))
    return masters, silent, infos


def replicated_offset(master, replid, infos):
    """The highest offset a server following 'master' with 'replid' has."""
    best = -1
    for f in infos.values():
        if (f.get("role") == "slave" and f.get("master_port") == str(master)
                and f.get("master_replid") == replid):
            best = max(best, int(f.get("slave_repl_offset", "-1")))
    return best


def confirm(ports, acked, done, name):
    """The thread that finds the replicated windows (see the top)."""
    out = open(name + ".replicated", "w", buffering=1)
    pending = []  # (first, last, {port: (replid, offset)})
    ids = []      # the last three reads' (masters' ids, silent)
    lo = 0
    while not done.is_set():
        hi = len(acked)
        masters, silent, infos = masters_now(ports)
        ident = (frozenset((p, m[0]) for p, m in masters.items()),
                 frozenset(silent))
        ids = (ids + [ident])[-3:]
        if hi > lo and len(ids) == 3 and ids[0] == ids[1] == ids[2]:
            pending.append((lo, hi - 1, dict(masters)))
        lo = hi
        kept = []
        for first, last, ms in pending:
            same = all(masters.get(p, (None,))[0] == m[0]
                       for p, m in ms.items())
            if not same:
                continue  # a master changed: never known
            if all(replicated_offset(p, m[0], infos) >= m[1]
                   for p, m in ms.items()):
                out.write("%d %d\n" % (first, last))
            else:
                kept.append((first, last, ms))
        pending = kept
        time.sleep(0.05)
    out.close()


def write(port, name):
    stop = name + ".stop"
    ports = [int(p) for p in os.environ.get("WRITER_SERVERS", "").split()]
    nkeys = int(os.environ.get("WRITER_KEYS", "0"))
    acked = []
    done = threading.Event()
    confirmer = threading.Thread(target=confirm,
                                 args=(ports, acked, done, name))
    confirmer.start()
    log = open(name + ".acked", "w", buffering=1)
    errors = open(name + ".errors", "w", buffering=1)
    r = None
    i = 0
    while not os.path.exists(stop):
        try:
            if r is None:
                r = Conn(port, 10)
            key = "%s:%d" % (name, i % nkeys if nkeys else i)
            if r.command("SET", key, i) == b"OK":
                log.write("%d %.3f\n" % (i, time.time()))
                acked.append(i)
            i += 1
        except (RuntimeError, OSError) as e:
            errors.write("%.3f %d %s\n" % (time.time(), i, e))
            i += 1  # a failed write may or may not have happened
            if r is not None and isinstance(e, OSError):
                r.close()
                r = None
            time.sleep(0.02)
    log.close()
    done.set()
    confirmer.join()


def check(port, name):
    acked = []
    for line in open(name + ".acked"):
        i, t = line.split()
        acked.append((int(i), float(t)))
    replicated = set()
    for line in open(name + ".replicated"):
        first, last = line.split()
        replicated.update(range(int(first), int(last) + 1))
    # the last acknowledged write of each key: with $WRITER_KEYS its value
    # may only have grown since (a write that failed may have happened)
    nkeys = int(os.environ.get("WRITER_KEYS", "0"))
    def key_of(i):
        return i % nkeys if nkeys else i
    last = {}      # key: its last acknowledged value
    last_rep = {}  # key: its last value known to have reached a replica
    for pos, (i, _) in enumerate(acked):
        last[key_of(i)] = i
        if pos in replicated:
            last_rep[key_of(i)] = i
    r = Conn(port, 30)
    lost = lost_replicated = 0
    items = sorted(last.items())
    for start in range(0, len(items), 500):
        chunk = items[start:start + 500]
        keys = ["%s:%d" % (name, k) for k, _ in chunk]
        for (k, i), v in zip(chunk, r.command("MGET", *keys)):
            have = int(v) if v is not None and v.isdigit() else -1
            if have < i:
                lost += 1
                was = have < last_rep.get(k, -1)
                lost_replicated += was
                print("lost %s:%d=%d%s: %r" % (name, k, i,
                                            " (replicated)" if was else "",
                                            v))
    # unavailability per half of the slots (group 1: 0-511, group 2:
    # 512-1023 in the t/70xx cluster)
    gaps = []
    for low, high in ((0, 512), (512, 1024)):
        times = [t for i, t in acked
                 if low <= zlib.crc32(b"%s:%d" % (name.encode(), key_of(i)))
                 % 1024 < high]
        gaps.append(max([b - a for a, b in zip(times, times[1:])] or [0]))
    print("acked %d lost %d replicated %d lost %d gap %.1f %.1f"
          % (len(acked), lost, len(replicated), lost_replicated, gaps[0],
             gaps[1]))


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](int(sys.argv[2]),
                                                  sys.argv[3])
