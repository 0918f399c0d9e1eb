#!/usr/bin/env python3
# tools/gen-config.py: print redis/config.c's table of the parameters we
# only store, probed from a scratch redis-server 7.0 (it changes and
# restores them: never point it at a server that matters):
#
#   tools/gen-config.py REDIS_PORT
#
# Every parameter redis-server's CONFIG GET * lists that the directive
# table of redis/config.c does not (names and aliases) becomes a row: its default, how its value is checked (what error Redis
# gives for a bad value) and whether CONFIG SET may change it.
import os
import re
import sys

exec(open(os.path.join(os.path.dirname(__file__), "..", "t",
                       "lib-resp.py")).read())


def raw(c, *a):
    c.send(*a)
    return c._reply()


def cstr(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


ref = Conn(int(sys.argv[1]))
theirs = raw(ref, "CONFIG", "GET", "*")
source = open(os.path.join(os.path.dirname(__file__), "..", "redis",
                           "config.c")).read()
source = source[source.index("config_table[] = {"):
                source.index("config_stored_table[] = {")]
known = set()
for m in re.finditer(r'(?:\{ |SPECIAL\()"([a-z_-]+)", (?:"([a-z_-]+)"|NULL)',
                     source):
    known.update(x for x in m.groups() if x)
values = dict(zip(theirs[0::2], theirs[1::2]))
def probe(name, value):
    err = raw(ref, "CONFIG", "SET", name, "zz-invalid")
    kind, lo, hi, choices, flags = "STR", 0, 0, "NULL", "0"
    if err == "OK":
        raw(ref, "CONFIG", "SET", name, value)
    elif "immutable" in err:
        flags = "CONFIG_IMMUTABLE"
        if value in ("yes", "no"):
            kind = "BOOL"
        elif re.fullmatch(r"-?[0-9]+", value):
            kind, lo, hi = "INT", -(2**63), 2**63 - 1
    elif "protected" in err:
        flags = "CONFIG_PROTECTED"
    elif "'yes' or 'no'" in err:
        kind = "BOOL"
    elif "memory or percent" in err:
        kind = "STR"  # checked by config_check_memory_or_percent
    elif "one of the following" in err:
        kind = "ENUM"
        choices = cstr(err.split("following: ", 1)[1].replace(",", ""))
    elif "integer" in err or "memory value" in err:
        kind = "INT" if "integer" in err else "MEM"
        low = "0" if kind == "MEM" else "-9223372036854775807"
        m = re.search(r"between (-?[0-9]+) and (-?[0-9]+)",
                      raw(ref, "CONFIG", "SET", name, low))
        raw(ref, "CONFIG", "SET", name, value)
        lo, hi = (int(m.group(1)), int(m.group(2))) if m else (
            0 if kind == "MEM" else -(2**63), 2**63 - 1)
    else:
        kind = "STR"  # a checked list (latency-tracking-info-percentiles)
    rows.append([name, kind, value, lo, hi, choices, flags, None])


def changed(row):
    """A valid value other than the default, or None."""
    name, kind, value, lo, hi, choices = row[:6]
    if kind == "BOOL":
        return "no" if value == "yes" else "yes"
    if kind in ("INT", "MEM") and int(value) + 1 <= hi:
        return str(int(value) + 1)
    if kind == "ENUM":
        return [c for c in choices.strip('"').split() if c != value][0]
    return None


# Aliases: two names of one parameter (hash-max-ziplist-entries and
# hash-max-listpack-entries): setting one changes the other. The newer
# name keeps the row, the older becomes its alias.
rows = []
for name in sorted(values):
    if name in known:
        continue
    probe(name, values[name])
by_name = {r[0]: r for r in rows}
for a in rows:
    if a[6] != "0" or a[7] is not None or changed(a) is None:
        continue
    raw(ref, "CONFIG", "SET", a[0], changed(a))
    after = raw(ref, "CONFIG", "GET", "*")
    after = dict(zip(after[0::2], after[1::2]))
    raw(ref, "CONFIG", "SET", a[0], a[2])
    for b in rows:
        if b is not a and b[7] is None and after[b[0]] != values[b[0]]:
            newer = "listpack" in b[0] or "replica" in b[0]
            keep, old = (b, a) if newer else (a, b)
            keep[7] = old[0]
            old[7] = "dropped"
for r in rows:
    if r[7] == "dropped":
        continue
    lo = "LLONG_MIN" if r[3] <= -(2**63) + 1 else str(r[3])
    hi = "LLONG_MAX" if r[4] >= 2**63 - 1 else str(r[4])
    alias = cstr(r[7]) if r[7] else "NULL"
    print("    STORED(%s, %s, %s, %s,\n           %s, %s, %s, %s)," % (
        cstr(r[0]), alias, r[1], cstr(r[2]), lo, hi, r[5], r[6]))
