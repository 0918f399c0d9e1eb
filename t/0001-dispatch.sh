#!/bin/sh
test_description='codis picks its role from argv[0] or the first argument'
. "$(dirname "$0")/lib.sh"

test_expect_success 'bare codis prints usage and fails' '
    test_expect_code 1 codis 2>err &&
    grep "usage: codis <role>" err
'

test_expect_success 'codis --help lists the roles and succeeds' '
    codis --help >out &&
    grep "^roles:" out
'

test_expect_success 'every role answers --version, by name and by symlink' '
    codis --version >out &&
    grep "^codis version [^ ]* (built 20[0-9-]*)$" out &&
    codis -v >out2 &&
    test_cmp out out2 &&
    for role in proxy dashboard config ha demo
    do
        codis $role --version >out &&
        grep "^codis-$role version [^ ]" out &&
        "$CODIS_BIN_DIR/codis-$role" -v >out2 &&
        test_cmp out out2 || return 1
    done &&
    codis server --version >out &&
    grep "^codis-server v=7.0.15 (Redis-compatible), codis version [^ ]* (built 20[0-9-]*)$" out &&
    "$CODIS_BIN_DIR/codis-server" -v >out2 && test_cmp out out2
'

test_expect_success 'an unknown role is named, exit 127' '
    test_expect_code 127 codis frobnicate 2>err &&
    grep "'"'"'frobnicate'"'"' is not a codis role" err &&
    grep "codis --help" err
'

test_expect_success 'an unknown codis-<name> symlink is named, exit 127' '
    ln -s "$CODIS_BIN_DIR/codis" codis-nosuch &&
    test_expect_code 127 ./codis-nosuch 2>err &&
    grep "'"'"'nosuch'"'"' is not a codis role" err
'

test_done
