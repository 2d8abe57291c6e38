/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Logging to stderr (foreground) or syslog (daemon).
 */
#ifndef CLUSNOTIFYD_LOG_H
#define CLUSNOTIFYD_LOG_H

#include <stdbool.h>
#include <syslog.h>

void cnd_log_init(bool to_syslog, int verbosity);
void cnd_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool cnd_log_debug_enabled(void);

#define log_err(...)	cnd_log(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	cnd_log(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	cnd_log(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	cnd_log(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	cnd_log(LOG_DEBUG, __VA_ARGS__)

#endif /* CLUSNOTIFYD_LOG_H */
