/* Clock helpers shared by the dashboard's threads and the libraries that
 * wait: milliseconds of the monotonic clock (for intervals and timeouts),
 * and the absolute CLOCK_REALTIME deadline pthread_cond_timedwait wants. */
#ifndef CODIS_CLOCK_H
#define CODIS_CLOCK_H

#include <time.h>

/* Milliseconds of CLOCK_MONOTONIC: only differences mean anything. */
long long clock_now_ms(void);

/* The CLOCK_REALTIME instant 'ms' milliseconds from now, for
 * pthread_cond_timedwait on a condition variable of default attributes. */
struct timespec clock_deadline_in(long long ms);

#endif
