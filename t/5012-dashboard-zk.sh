#!/bin/sh
# The suite of t/5010-dashboard.sh (the Codis 2 tutorial's management
# steps through codis-config and the dashboard) on a real ZooKeeper:
# the same script, run with DASHBOARD_COORD=zookeeper.
DASHBOARD_COORD=zookeeper
. "$(dirname "$0")/5010-dashboard.sh"
