/* The dashboard's GET /metrics: cluster figures for Prometheus. */
#ifndef CODIS_DASHBOARD_METRICS_H
#define CODIS_DASHBOARD_METRICS_H

#include "roles/dashboard/dashboard.h"

/* GET /metrics (a worker route): groups, servers, slots and proxies by
 * state, the migration queue and progress, the proxies' ops, as
 * Prometheus text. */
void metrics_get(struct http_request *req, void *arg);

#endif
