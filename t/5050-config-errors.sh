#!/bin/sh
test_description='config files: each error names the file and the key, unknown keys are
warned once each, an unresolvable host says so'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"

# role_fails ROLE ARGS...: run `codis ROLE ARGS` (config: then `server
# list`), expect exit 1, keep the first line of stderr in 'err' (the
# proxy logs "proxy stopped" after its error).
role_fails() {
    role=$1
    shift
    if test "$role" = config; then
        set -- "$@" server list
    fi
    test_expect_code 1 codis $role "$@" 2>err.all &&
    head -n 1 err.all >err
}

# proxy_refuses FILE CONTENT MESSAGE: with CONTENT (a printf format) in
# FILE, `codis proxy -c FILE` exits 1 and its first line of stderr is
# "codis-proxy: 'FILE' MESSAGE".
proxy_refuses() {
    printf "$2" >"$1" &&
    role_fails proxy -c "$1" &&
    echo "codis-proxy: '$1' $3" >expect &&
    test_cmp expect err
}

# no_log_prefix FILE: FILE's lines without the log's "date time level
# role[pid] " prefix (ha reports through its log).
no_log_prefix() {
    sed -e 's/^[0-9-]* [0-9:.]* [a-z]* *[a-z]*\[[0-9]*\] //' "$1"
}

test_expect_success 'a missing -c file is an error for every role, with its path' '
    for role in dashboard proxy config; do
        role_fails $role -c nosuch.ini &&
        echo "codis-$role: cannot read '"'"'nosuch.ini'"'"': No such file or directory" \
            >expect &&
        test_cmp expect err || return 1
    done &&
    test_expect_code 1 codis ha -c nosuch.ini 2>err &&
    no_log_prefix err >actual &&
    echo "cannot read '"'"'nosuch.ini'"'"': No such file or directory" >expect &&
    test_cmp expect actual
'

test_expect_success 'codis config: only the default config.ini may be absent' '
    ! test -e config.ini &&
    test_expect_code 1 codis config server list 2>err &&
    grep "cannot reach the dashboard at '"'"'localhost:18087'"'"'" err
'

test_expect_success 'an unreadable -c file (a directory) is an error, with its path' '
    mkdir adir &&
    for role in dashboard proxy config; do
        role_fails $role -c adir &&
        echo "codis-$role: cannot read '"'"'adir'"'"': Is a directory" >expect &&
        test_cmp expect err || return 1
    done
'

test_expect_success 'a bad value names the file, the line and the key' '
    printf "product=test\nzk_session_timeout=abc\n" >bad.ini &&
    test_expect_code 1 codis dashboard -c bad.ini 2>err &&
    echo "codis-dashboard: '"'"'bad.ini'"'"' line 2: '"'"'zk_session_timeout'"'"' must be a non-negative integer, not '"'"'abc'"'"'" \
        >expect &&
    test_cmp expect err &&
    printf "# c\ncoordinator=etcd\n" >bad.ini &&
    test_expect_code 1 codis config -c bad.ini server list 2>err &&
    echo "codis-config: '"'"'bad.ini'"'"' line 2: '"'"'coordinator'"'"' must be zookeeper or filesystem, not '"'"'etcd'"'"'" \
        >expect &&
    test_cmp expect err &&
    proxy_refuses bad.ini "product=a/b\n" \
        "line 1: '"'"'product'"'"' must be a name of letters, digits, '"'"'_'"'"', '"'"'.'"'"' and '"'"'-'"'"', not '"'"'a/b'"'"'" &&
    proxy_refuses bad.ini "proxy_id=p\nsession_max_pipeline=-1\n" \
        "line 2: '"'"'session_max_pipeline'"'"' must be a non-negative integer, not '"'"'-1'"'"'" &&
    printf "dashboard_addr=nocolon\n" >bad.ini &&
    test_expect_code 1 codis ha -c bad.ini 2>err &&
    no_log_prefix err >actual &&
    echo "'"'"'bad.ini'"'"' line 1: '"'"'dashboard_addr'"'"': bad address '"'"'nocolon'"'"': no port in '"'"'nocolon'"'"'" \
        >expect &&
    test_cmp expect actual
'

test_expect_success 'a malformed line names the file and the line' '
    printf "product=test\njust words\n" >bad.ini &&
    test_expect_code 1 codis dashboard -c bad.ini 2>err &&
    echo "codis-dashboard: '"'"'bad.ini'"'"' line 2: expected key=value" >expect &&
    test_cmp expect err
'

test_expect_success 'a line longer than 4 KB is one setting' '
    long=$(printf "%06000d" 5) &&
    { echo "product=test" && echo "# $long" &&
      echo "colour=$long" && echo "product=test2"; } >long.ini &&
    test_expect_code 1 codis dashboard -c long.ini --addr=not-an-addr \
        2>err.all &&
    ! grep "expected key=value" err.all &&
    grep "line 3: unknown key .colour. ignored" err.all
'

test_expect_success 'unknown keys: one warning each, at the first line; keys of other roles are not unknown' '
    write_dashboard_config &&
    cat >>config.ini <<-EOF &&
	colour=blue
	proxy_id=proxy_1
	session_max_pipeline=100
	colour=red
	flavour=mint
	EOF
    start_dashboard &&
    grep "unknown key" dashboard.log >warnings &&
    no_log_prefix warnings >actual &&
    cat >expect <<-EOF &&
	'"'"'config.ini'"'"' line 7: unknown key '"'"'colour'"'"' ignored
	'"'"'config.ini'"'"' line 11: unknown key '"'"'flavour'"'"' ignored
	EOF
    test_cmp expect actual &&
    codis config -c config.ini server list >out 2>err &&
    no_log_prefix err >actual &&
    test_cmp expect actual
'

test_expect_success 'an unresolvable ZooKeeper host says so' '
    printf "coordinator=zookeeper\nzk=nosuchhost.invalid:2181\n" >zk.ini &&
    test_expect_code 1 codis dashboard -c zk.ini --addr=127.0.0.1:$(free_port) 2>err &&
    sed -e "s/\(cannot resolve host .nosuchhost.invalid.\): .*/\1: REASON/" err >actual &&
    echo "codis-dashboard: cannot connect to zookeeper '"'"'nosuchhost.invalid:2181'"'"': cannot resolve host '"'"'nosuchhost.invalid'"'"': REASON" \
        >expect &&
    test_cmp expect actual &&
    ! grep "No route to host" err
'

test_expect_success 'an unresolvable dashboard host says so' '
    printf "dashboard_addr=nosuchhost.invalid:18087\n" >dash.ini &&
    test_expect_code 1 codis config -c dash.ini server list 2>err &&
    grep "^codis-config: cannot reach the dashboard at '"'"'nosuchhost.invalid:18087'"'"': .*Could not resolve host: nosuchhost.invalid" err
'

test_expect_success 'Codis 3.2 TOML: a bad value names the file, the line and the key' '
    proxy_refuses bad.toml "product_name = \"demo\"\nbackend_ping_period = \"soon\"\n" \
        "line 2: '"'"'backend_ping_period'"'"' must be a duration like \"5s\" or \"30m\", not '"'"'soon'"'"'" &&
    proxy_refuses bad.toml "session_max_pipeline = \"many\"\n" \
        "line 1: '"'"'session_max_pipeline'"'"' must be a non-negative integer, not '"'"'many'"'"'" &&
    proxy_refuses bad.toml "session_recv_timeout = \"1500ms\"\n" \
        "line 1: '"'"'session_recv_timeout'"'"' must be whole seconds here, not '"'"'1500ms'"'"'" &&
    proxy_refuses bad.toml "session_recv_bufsize = \"lots\"\n" \
        "line 1: '"'"'session_recv_bufsize'"'"' must be a size like \"128kb\", not '"'"'lots'"'"'"
'

test_expect_success 'Codis 3.2 TOML: a value the role rejects names the key as written' '
    printf "product_name = \"x\"\n\ncoordinator_name = \"etcd\"\n" >bad.toml &&
    test_expect_code 1 codis dashboard -c bad.toml 2>err &&
    echo "codis-dashboard: '"'"'bad.toml'"'"' line 3: '"'"'coordinator_name'"'"' must be zookeeper or filesystem, not '"'"'etcd'"'"'" \
        >expect &&
    test_cmp expect err
'

test_expect_success 'Codis 3.2 TOML: syntax errors name the file and the line' '
    printf "product_name = codis\n" >bad.toml &&
    test_expect_code 1 codis dashboard -c bad.toml 2>err &&
    echo "codis-dashboard: '"'"'bad.toml'"'"' line 1: expected a string, an integer or true/false" \
        >expect &&
    test_cmp expect err &&
    printf "product_name = \"a\"\nproduct_name = \"b\"\n" >bad.toml &&
    test_expect_code 1 codis config -c bad.toml server list 2>err &&
    echo "codis-config: '"'"'bad.toml'"'"' line 2: '"'"'product_name'"'"' is set twice (also line 1)" \
        >expect &&
    test_cmp expect err
'

test_expect_success 'proxy limits and protocol name the file and the key' '
    proxy_refuses bad.ini "proxy_id=p\nsession_max_pipeline=0\n" \
        "line 2: '"'"'session_max_pipeline'"'"' must be at least 1" &&
    proxy_refuses bad.toml "session_max_bufsize = \"512b\"\n" \
        "line 1: '"'"'session_max_bufsize'"'"' must be at least 1024" &&
    proxy_refuses bad.toml "proxy_id = \"p\"\nproto_type = \"unix\"\n" \
        "line 2: '"'"'proto_type'"'"' must be tcp, tcp4 or tcp6, not '"'"'unix'"'"'"
'

test_expect_success 'codis config warns about typos in a dashboard.toml, not about 3.2 keys' '
    printf "migration_method = \"semi-async\"\ncolor = \"x\"\ndashboard_addr = \"127.0.0.1:1\"\n" \
        >warn.toml &&
    test_expect_code 1 codis config -c warn.toml server list 2>err &&
    grep "warn" err >warnings &&
    no_log_prefix warnings >actual &&
    echo "'"'"'warn.toml'"'"' line 2: unknown key '"'"'color'"'"' ignored" >expect &&
    test_cmp expect actual
'

test_expect_success 'a TOML file not named .toml is still read as TOML' '
    printf "# 3.2\nsentinel_quorum = 2\nproduct_name = \"a/b\"\n" >codis.conf &&
    test_expect_code 1 codis dashboard -c codis.conf 2>err &&
    echo "codis-dashboard: '"'"'codis.conf'"'"' line 3: '"'"'product_name'"'"' must be a name of letters, digits, '"'"'_'"'"', '"'"'.'"'"' and '"'"'-'"'"', not '"'"'a/b'"'"'" \
        >expect &&
    test_cmp expect err
'

test_done
