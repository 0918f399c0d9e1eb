#!/bin/sh
test_description='every role prints its usage on --help and exits 2 on a bad flag'
. "$(dirname "$0")/lib.sh"

for role in server proxy dashboard config ha demo; do
    test_expect_success "codis-$role --help prints its usage, exit 0" "
        codis-$role --help >out 2>err &&
        grep -i '^usage: codis' out
    "
    test_expect_success "codis $role --no-such-flag: usage on stderr, exit 2" "
        test_expect_code 2 codis $role --no-such-flag >out 2>err &&
        grep -i 'usage: codis' err
    "
done

test_expect_success 'codis demo refuses bad values, exit 2, before starting anything' '
    test_expect_code 2 codis demo --dir="$TRASH_DIRECTORY/run" --groups=9 2>err &&
    grep "groups takes 1 to 8" err &&
    test_expect_code 2 codis demo --dir="$TRASH_DIRECTORY/run" \
        --coordinator=etcd 2>err &&
    grep "filesystem or zookeeper" err &&
    test_expect_code 2 codis demo --dir="$TRASH_DIRECTORY/run" \
        --coordinator=zookeeper 2>err &&
    grep "needs --zk" err &&
    ! ls "$TRASH_DIRECTORY/run"/*.pid 2>/dev/null
'

test_done
