#!/bin/sh
test_description='the dashboard'"'"'s GET /metrics: groups, servers, slots, proxies and the migration queue in Prometheus text, following the cluster'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/lib-server.sh"
. "$TEST_DIRECTORY/lib-dashboard.sh"

# metric LINE: /metrics has exactly LINE ("name{labels} value").
metric() {
    curl -sf "http://$DASHBOARD_ADDR/metrics" >metrics &&
    grep -qx "$1" metrics
}

test_expect_success 'a dashboard with no groups: every slot unassigned' '
    write_dashboard_config &&
    start_dashboard && ok_json &&
    curl -sf -D headers "http://$DASHBOARD_ADDR/metrics" >metrics &&
    grep -i "^content-type: text/plain; version=0.0.4" headers &&
    grep -x "# TYPE codis_slots gauge" metrics &&
    grep -x "codis_groups 0" metrics &&
    grep -x "codis_slots{state=\"unassigned\"} 1024" metrics &&
    grep -x "codis_proxies{state=\"online\"} 0" metrics &&
    grep -x "codis_migrate_tasks 0" metrics
'

test_expect_success 'groups, servers and slots are counted by state' '
    start_codis_server && A=$SERVER_ADDR &&
    start_codis_server && B=$SERVER_ADDR &&
    codis-config server add 1 $A master >out && test_cmp expect_ok out &&
    codis-config server add 2 $B master >out && test_cmp expect_ok out &&
    codis-config slot init >out && test_cmp expect_ok out &&
    codis-config slot range-set 0 99 1 online >out &&
    test_cmp expect_ok out &&
    metric "codis_groups 2" &&
    metric "codis_servers{type=\"master\"} 2" &&
    metric "codis_servers{type=\"slave\"} 0" &&
    metric "codis_slots{state=\"online\"} 100" &&
    metric "codis_slots{state=\"offline\"} 924" &&
    metric "codis_slots{state=\"unassigned\"} 0"
'

test_expect_success 'a held migration shows as queued tasks, then as slots done' '
    keys_for_slots 0 3 5 >keys &&
    fill ${A#*:} keys &&
    dashboard_api POST /api/migrate/pause >out &&
    codis-config slot migrate 0 3 2 >out && migrate_queued out &&
    wait_until migrate_held &&
    metric "codis_migrate_paused 1" &&
    grep -x "codis_migrate_tasks [1-4]" metrics &&
    dashboard_api POST /api/migrate/resume >out &&
    wait_until tasks_done &&
    metric "codis_migrate_tasks 0" &&
    grep -x "codis_migrate_paused 0" metrics &&
    grep -x "codis_migrate_slots_done 4" metrics &&
    grep -x "codis_migrate_keys_moved [1-9][0-9]*" metrics
'

test_done
