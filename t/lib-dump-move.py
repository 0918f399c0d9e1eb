#!/usr/bin/python3
# t/lib-dump-move.py: copy KEY from one server to another by DUMP and
# RESTORE ... REPLACE, so a test can check that a value written by one
# server reads the same on the other (redis-server <-> codis-server).
#
#   lib-dump-move.py FROM_PORT TO_PORT KEY
#
# Prints RESTORE's reply; exits 1 if the key is missing or RESTORE fails.
import os, sys
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "lib-resp.py")).read())
src, dst, key = Conn(int(sys.argv[1])), Conn(int(sys.argv[2])), sys.argv[3]
src.send("DUMP", key)
payload = src._reply()
if payload is None:
    print("no key", key)
    sys.exit(1)
dst.send("RESTORE", key, "0", payload.encode("latin-1"), "REPLACE")
r = dst.read()
print(r)
sys.exit(0 if r == "OK" else 1)
