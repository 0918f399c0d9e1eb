#!/bin/sh
# Install the Debian packages codis needs to build and test, if missing.
# Usage: tools/deps.sh PKG...   As root it runs apt-get (update once, then
# install); otherwise it lists what is missing and fails.
missing=
for p in "$@"; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)
    [ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "deps: missing Debian packages:$missing" >&2
    echo "deps: run 'make deps' as root, or: apt-get install$missing" >&2
    exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# An empty package list means apt-get update never ran on this machine.
if [ -z "$(ls /var/lib/apt/lists/ 2>/dev/null | grep -v -e lock -e partial)" ]; then
    apt-get update -q || exit 1
fi
apt-get install -y -q $missing || { apt-get update -q && apt-get install -y -q $missing; }
