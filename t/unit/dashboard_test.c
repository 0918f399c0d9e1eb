/* Unit tests for roles/dashboard/dashboard.c: the HTTP status of each
 * model_store result, told by code rather than by message text. */
#include "t/unit/tap.h"

#include "lib/coord.h"
#include "lib/model_store.h"
#include "roles/dashboard/dashboard.h"

int main(void)
{
    tap_int(dashboard_store_status(COORD_NONODE), 404, "no node: 404");
    tap_int(dashboard_store_status(COORD_EXISTS), 409, "exists: 409");
    tap_int(dashboard_store_status(COORD_LOCKED), 409, "locked: 409");
    tap_int(dashboard_store_status(COORD_NOTEMPTY), 409, "not empty: 409");
    tap_int(dashboard_store_status(MODEL_STORE_FENCED), 409,
            "stale proxy fences: 409");
    tap_int(dashboard_store_status(MODEL_STORE_TIMEOUT), 504,
            "proxies did not acknowledge: 504");
    tap_int(dashboard_store_status(COORD_ERROR), 500, "anything else: 500");
    tap_int(dashboard_store_status(COORD_BADVERSION), 500,
            "a lost compare-and-set: 500");
    return tap_done();
}
