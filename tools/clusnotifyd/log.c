// SPDX-License-Identifier: GPL-2.0
/*
 * Logging: stderr in the foreground, syslog otherwise. -v raises the level
 * from notice to info, -vv to debug.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"

static bool use_syslog;
static int max_prio = LOG_NOTICE;

void cnd_log_init(bool to_syslog, int verbosity)
{
	use_syslog = to_syslog;
	max_prio = LOG_NOTICE + verbosity;
	if (max_prio > LOG_DEBUG)
		max_prio = LOG_DEBUG;
	if (use_syslog)
		openlog("clusnotifyd", LOG_PID, LOG_DAEMON);
}

bool cnd_log_debug_enabled(void)
{
	return max_prio >= LOG_DEBUG;
}

void cnd_log(int prio, const char *fmt, ...)
{
	static const char *const names[] = {
		"emerg", "alert", "crit", "error", "warning", "notice", "info",
		"debug",
	};
	struct timespec ts;
	va_list ap;

	if (prio > max_prio)
		return;
	va_start(ap, fmt);
	if (use_syslog) {
		vsyslog(prio, fmt, ap);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		fprintf(stderr, "clusnotifyd[%lld.%03ld] %s: ",
			(long long)ts.tv_sec, ts.tv_nsec / 1000000, names[prio & 7]);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}
