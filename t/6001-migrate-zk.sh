#!/bin/sh
# The suite of t/6000-migrate.sh (migration, kill -9 and SIGTERM of the
# dashboard mid-task, rebalance) on a real ZooKeeper: the same script,
# run with DASHBOARD_COORD=zookeeper.
DASHBOARD_COORD=zookeeper
. "$(dirname "$0")/6000-migrate.sh"
