# t/lib-function-restore.py: FUNCTION RESTORE of payloads with several
# libraries under every policy (FLUSH, APPEND, REPLACE, none) onto every
# starting set of libraries, on codis-server and on redis-server: the
# replies and the libraries afterwards (FUNCTION LIST, sorted: Redis
# lists them in hash order) must be the same.
#
#   python3 lib-function-restore.py REF_PORT OUR_PORT
#
# Payloads are made by FUNCTION DUMP on redis-server. A failed restore
# must change nothing. When several libraries or functions conflict, Redis
# names the first in its hash order (seeded at random on each start), so
# the name in "Library/Function X already exists" is not compared.
# Exits 1 at the first difference.
import itertools
import os
import re
import sys

exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "lib-script-diff.py")).read().split("def main")[0])


def lib(name, *fns):
    body = "".join("redis.register_function('%s', function() return '%s' "
                   "end)\n" % (f, name + "." + f) for f in fns)
    return "#!lua name=%s\n%s" % (name, body)


LIBS = {
    "a": lib("a", "fa1", "fa2"),
    "a2": lib("a", "fa3"),         # library a again, other functions
    "b": lib("b", "fb"),
    "c": lib("c", "fc"),
    "cfa": lib("c", "fa1"),        # library c taking a's function name
    "d": lib("d", "fd", "fb"),     # d taking b's function name
}
STARTS = [[], ["a"], ["a", "b"], ["b", "c"], ["cfa"], ["a", "c"]]
PAYLOADS = [[], ["a"], ["a", "b"], ["a2", "c"], ["c", "d"], ["c"],
            ["cfa", "b"], ["a2"], ["d"]]
POLICIES = [[], ["FLUSH"], ["APPEND"], ["REPLACE"], ["flush"], ["BAD"]]

ref, ours = Raw(int(sys.argv[1])), Raw(int(sys.argv[2]))


def load(conn, names):
    conn.call("FUNCTION", "FLUSH")
    for n in names:
        r = conn.call("FUNCTION", "LOAD", LIBS[n])
        assert r.startswith(b"$"), r


def payload(names):
    load(ref, names)
    r = ref.call("FUNCTION", "DUMP")
    return r[r.index(b"\r\n") + 2:-2]


def state(conn):
    """The libraries (each a sorted list of its functions and its code)
    and what FCALL of every function name answers."""
    libs = set()
    for name in LIBS:
        r = conn.call("FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME",
                      name[0])
        r, _, code = r.partition(b"$12\r\nlibrary_code\r\n")
        parts = r.split(b"*6\r\n$4\r\nname\r\n")
        libs.add((parts[0], tuple(sorted(parts[1:])), code))
    calls = [conn.call("FCALL", f, "0") for f in
             ("fa1", "fa2", "fa3", "fb", "fc", "fd")]
    return sorted(libs), calls


def unnamed(reply):
    return re.sub(rb"^-ERR (Library|Function) \S+ already exists",
                  rb"-ERR \1 ? already exists", reply)


cases = 0
for pay in PAYLOADS:
    data = payload(pay)
    for start, policy in itertools.product(STARTS, POLICIES):
        for conn in (ref, ours):
            load(conn, start)
        want = unnamed(ref.call("FUNCTION", "RESTORE", data, *policy))
        got = unnamed(ours.call("FUNCTION", "RESTORE", data, *policy))
        cases += 1
        if want != got or state(ref) != state(ours):
            print("start", start, "payload", pay, "policy", policy)
            print("  redis-server:", want, state(ref))
            print("  codis-server:", got, state(ours))
            sys.exit(1)
# A damaged payload changes nothing either.
for conn in (ref, ours):
    load(conn, ["a", "b"])
data = payload(["c", "d"])
bad = data[:5] + b"x" + data[6:]
for damaged in (bad, data[:-1], b"", data[:-10] + data[-10:-8] + b"\0" * 8):
    want = ref.call("FUNCTION", "RESTORE", damaged)
    load(ref, ["a", "b"])
    got = ours.call("FUNCTION", "RESTORE", damaged)
    cases += 1
    if want != got or state(ref) != state(ours):
        print("damaged payload", damaged, "\n  redis-server:", want,
              "\n  codis-server:", got)
        sys.exit(1)
print("%d restores answer and end the same" % cases)
