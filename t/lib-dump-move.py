#!/usr/bin/python3
# t/lib-dump-move.py: copy keys from one server to another by DUMP and
# RESTORE ... REPLACE, so a test can check that a value written by one
# server reads the same on the other (redis-server <-> codis-server).
#
#   lib-dump-move.py FROM_PORT TO_PORT KEY...
#
# Prints RESTORE's reply for each key; exits 1 at the first key that is
# missing or whose RESTORE fails.
import os, sys
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "lib-resp.py")).read())
src, dst = Conn(int(sys.argv[1])), Conn(int(sys.argv[2]))
for key in sys.argv[3:]:
    src.send("DUMP", key)
    payload = src._reply()
    if payload is None:
        print("no key", key)
        sys.exit(1)
    dst.send("RESTORE", key, "0", payload.encode("latin-1"), "REPLACE")
    r = dst.read()
    print(r)
    if r != "OK":
        sys.exit(1)
