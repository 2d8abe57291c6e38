// SPDX-License-Identifier: GPL-2.0
/*
 * Connects the corosync sources in order (cmap first: it names the cluster
 * and the nodes) and drops them all when any one of them fails, since that
 * means corosync is gone.
 */
#include <errno.h>
#include <string.h>

#include "conf.h"
#include "corosync.h"
#include "log.h"
#include "view.h"

static const struct cnd_source *const sources[] = {
	&cnd_cmap_source, &cnd_cfg_source, &cnd_quorum_source, &cnd_cpg_source,
	&cnd_votequorum_source,
};
#define NSOURCES (sizeof(sources) / sizeof(sources[0]))

static bool connected;
static char cluster_name[CLUSNOTIFY_CLUSTER_NAME_MAX];
static uint32_t local_nodeid;

const char *cnd_cs_cluster_name(void)
{
	return cluster_name;
}

uint32_t cnd_cs_local_nodeid(void)
{
	return local_nodeid;
}

void cnd_cfg_set_local(uint32_t nodeid)
{
	local_nodeid = nodeid;
}

bool cnd_cs_connected(void)
{
	return connected;
}

void cnd_cs_disconnect(void)
{
	size_t i = NSOURCES;

	while (i--)
		sources[i]->stop();
	connected = false;
	cnd_view_reset();
}

int cnd_cs_connect(void)
{
	size_t i;
	int ret;

	cnd_view_reset();
	for (i = 0; i < NSOURCES; i++) {
		ret = sources[i]->start();
		if (ret) {
			log_info("corosync: %s not available", sources[i]->name);
			while (i--)
				sources[i]->stop();
			cnd_view_reset();
			return ret;
		}
		if (sources[i] == &cnd_cmap_source) {
			if (cnd_conf.cluster_name[0])
				strcpy(cluster_name, cnd_conf.cluster_name);
			else if (cnd_cmap_cluster_name(cluster_name,
						       sizeof(cluster_name)))
				strcpy(cluster_name, "corosync");
		}
	}
	connected = true;
	log_notice("connected to corosync: cluster '%s', local node %u",
		   cluster_name, local_nodeid);
	return 0;
}

size_t cnd_cs_pollfds(struct pollfd *fds, size_t max)
{
	size_t i, n = 0;

	if (!connected)
		return 0;
	for (i = 0; i < NSOURCES && n < max; i++) {
		fds[n].fd = sources[i]->fd();
		fds[n].events = POLLIN;
		fds[n].revents = 0;
		n++;
	}
	return n;
}

int cnd_cs_dispatch(const struct pollfd *fds, size_t n)
{
	size_t i;

	if (!connected)
		return 0;
	for (i = 0; i < NSOURCES && i < n; i++) {
		if (!fds[i].revents)
			continue;
		if (sources[i]->dispatch() < 0) {
			log_warn("corosync: lost the %s connection", sources[i]->name);
			return -ECONNRESET;
		}
	}
	return 0;
}
