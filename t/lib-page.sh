# t/lib-page.sh: drive the dashboard page in a headless chromium.
#
#   start_browser   start the one browser of the script, driven by
#                   t/lib-cdp.py through two FIFOs (fd 7 steps in, fd 8
#                   results out), on http://$DASHBOARD_ADDR/admin/
#   page <<EOF      run the steps of stdin on a fresh load of the page
#                   (see t/lib-cdp.py); what they print goes to cdp.out;
#                   fails if a step does

start_browser() {
    mkfifo cdp.in cdp.results || return 1
    python3 "$TEST_DIRECTORY/lib-cdp.py" "http://$DASHBOARD_ADDR/admin/" \
        <cdp.in >cdp.results 2>>cdp.err &
    cdp_pid=$!
    test_atexit "stop_pid $cdp_pid"
    exec 7>cdp.in 8<cdp.results
}

page() {
    : >cdp.out
    { cat && echo run; } >&7 || return 1
    while IFS= read -r page_line <&8; do
        case "$page_line" in
        "status 0") return 0 ;;
        "status "*) echo "page: ${page_line#status 1 }" >&2; return 1 ;;
        *) printf '%s\n' "$page_line" >>cdp.out ;;
        esac
    done
    echo "page: the browser driver stopped; its errors:" >&2
    cat cdp.err >&2
    return 1
}
