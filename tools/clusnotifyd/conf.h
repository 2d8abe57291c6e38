/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configuration file: see clusnotifyd(8).
 */
#ifndef CLUSNOTIFYD_CONF_H
#define CLUSNOTIFYD_CONF_H

#include <stdbool.h>

#include <linux/clusnotify.h>

#define CND_DEFAULT_CONF	"/etc/clusnotifyd.conf"
#define CND_PREFIXES_MAX	16

enum cnd_pacemaker { CND_PCMK_NO, CND_PCMK_AUTO, CND_PCMK_YES };
enum cnd_log_target { CND_LOG_AUTO, CND_LOG_STDERR, CND_LOG_SYSLOG };

struct cnd_conf {
	char cluster_name[CLUSNOTIFY_CLUSTER_NAME_MAX];	/* "": totem.cluster_name */
	char *registry_prefix[CND_PREFIXES_MAX];
	int nprefixes;
	int link_poll_ms;		/* 0: off */
	enum cnd_pacemaker pacemaker;
	int reconnect_min_ms;
	int reconnect_max_ms;
	enum cnd_log_target log;
};

extern struct cnd_conf cnd_conf;

/* Reads @path; a missing file is an error only if @must_exist. */
int cnd_conf_load(const char *path, bool must_exist);
void cnd_conf_free(void);

#endif /* CLUSNOTIFYD_CONF_H */
