#!/usr/bin/env python3
# tools/gen-cmdspec.py: print the generated tables of lib/cmdspec.c (sub)
# and lib/cmdspec_redis.c (flags, keyflags, acl) from a running
# redis-server 7.0 (the facts are Redis's; writing them by hand
# invites typos):
#
#   redis-server --port 6399 &
#   tools/gen-cmdspec.py 6399 sub   # the subcommand rows
#   tools/gen-cmdspec.py 6399 acl   # the ACL category rows
#   tools/gen-cmdspec.py 6399 flags      # COMMAND INFO's flag words
#   tools/gen-cmdspec.py 6399 keyflags   # key-spec flags (GETKEYSANDFLAGS)
#
# Subcommand rows come out served (no NS): mark NS by hand the ones the
# server does not implement. Top-level rows are not generated: they carry
# our routing facts.
import os
import sys

exec(open(os.path.join(os.path.dirname(__file__), "..", "t",
                       "lib-resp.py")).read())

FLAGS = [("write", "W"), ("readonly", "R"), ("denyoom", "M"),
         ("admin", "A"), ("pubsub", "P"), ("noscript", "S"),
         ("blocking", "B"), ("fast", "F"), ("no_auth", "NA"),
         ("no_mandatory_keys", "NMK"), ("may_replicate", "MR")]


def cstr(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrap(text):
    """'text' as C string literals of at most 70 characters each."""
    parts, line = [], ""
    for word in text.split(" "):
        if line and len(line) + len(word) > 68:
            parts.append(cstr(line))
            line = ""
        line += word + " "
    parts.append(cstr(line[:-1]))
    return "\n      ".join(parts)


def flags_of(names):
    out = [short for name, short in FLAGS if name in names]
    loading, stale = "loading" in names, "stale" in names
    if loading and stale:
        out.append("ANY")
    elif loading:
        out.append("L")
    elif stale:
        out.append("ST")
    return " | ".join(out) if out else "0"


def main():
    conn = Conn(int(sys.argv[1]))
    what = sys.argv[2]
    infos = conn._send_and_raw("COMMAND", "INFO")
    entries = []
    for info in infos:
        entries.append(info)
        for sub in info[9]:
            entries.append(sub)
    entries.sort(key=lambda e: e[0])
    if what == "keyflags":
        for e in entries:
            specs = []
            for ks in e[8]:
                ks = dict(zip(ks[0::2], ks[1::2]))
                specs.append(" ".join(ks["flags"]))
            if specs:
                print("    { %s, %s }," % (cstr(e[0]), cstr(";".join(specs))))
        return
    if what == "flags":
        for e in entries:
            print("    { %s, %s }," % (cstr(e[0]), cstr(" ".join(e[2]))))
        return
    if what == "acl":
        for e in entries:
            cats = " | ".join("C_" + c[1:].upper() for c in e[6])
            print("    { %s, %s }," % (cstr(e[0]), cats or "0"))
        return
    for e in entries:
        if "|" not in e[0]:
            continue
        docs = conn._send_and_raw("COMMAND", "DOCS", e[0])
        doc = dict(zip(docs[1][0::2], docs[1][1::2])) if docs else {}
        keys = ("NOKEYS" if e[3] == 0 else
                "KEYS(%d, %d, %d)" % (e[3], e[4], e[5]))
        row = "    { %s, %d, %s, %s, NO(NULL), %s,\n      %s }," % (
            cstr(e[0]), e[1], flags_of(e[2]), keys,
            cstr(doc.get("group", "server")),
            wrap(doc.get("summary", "")))
        print(row)


def send_and_raw(self, *args):
    self.send(*args)
    return self._reply()


Conn._send_and_raw = send_and_raw
main()
