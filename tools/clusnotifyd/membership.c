// SPDX-License-Identifier: GPL-2.0
/*
 * Membership and quorum. CPG's totem configuration change callback says who
 * is in the ring as soon as it forms (we join a CPG group of our own so that
 * the current ring is delivered at once); the quorum service says whether the
 * partition is quorate, with its member list too.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <corosync/cpg.h>
#include <corosync/quorum.h>

#include "corosync.h"
#include "log.h"
#include "view.h"

#define CPG_GROUP	"clusnotifyd"

static cpg_handle_t cpg;
static int cpg_fd = -1;
static quorum_handle_t quorum;
static int quorum_fd = -1;

static void log_members(const char *what, size_t n, const uint32_t *ids)
{
	char buf[256];
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && off < sizeof(buf) - 12; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, " %u", ids[i]);
	log_info("%s: members%s", what, buf);
}

static void on_totem(cpg_handle_t h, struct cpg_ring_id ring, uint32_t n,
		     const uint32_t *members)
{
	(void)h;
	log_members("cpg totem ring", n, members);
	cnd_view_set_ring(ring.nodeid, ring.seq);
	cnd_view_set_members(members, n);
}

static void on_confchg(cpg_handle_t h, const struct cpg_name *group,
		       const struct cpg_address *m, size_t nm,
		       const struct cpg_address *l, size_t nl,
		       const struct cpg_address *j, size_t nj)
{
	(void)h, (void)group, (void)m, (void)nm, (void)l, (void)nl, (void)j, (void)nj;
}

static void on_deliver(cpg_handle_t h, const struct cpg_name *group,
		       uint32_t nodeid, uint32_t pid, void *msg, size_t len)
{
	(void)h, (void)group, (void)nodeid, (void)pid, (void)msg, (void)len;
}

static int cpg_start(void)
{
	cpg_model_v1_data_t model = {
		.model = CPG_MODEL_V1,
		.cpg_deliver_fn = on_deliver,
		.cpg_confchg_fn = on_confchg,
		.cpg_totem_confchg_fn = on_totem,
		.flags = CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF,
	};
	struct cpg_name name;
	cs_error_t err;

	if (cpg_model_initialize(&cpg, CPG_MODEL_V1, (cpg_model_data_t *)&model,
				 NULL) != CS_OK)
		return -ECONNREFUSED;
	if (cpg_fd_get(cpg, &cpg_fd) != CS_OK)
		goto err;
	name.length = strlen(CPG_GROUP);
	memcpy(name.value, CPG_GROUP, name.length);
	do
		err = cpg_join(cpg, &name);
	while (err == CS_ERR_TRY_AGAIN);
	if (err != CS_OK) {
		log_err("cpg_join: error %d", err);
		goto err;
	}
	return 0;
err:
	cpg_finalize(cpg);
	cpg_fd = -1;
	return -EIO;
}

static void cpg_stop(void)
{
	if (cpg_fd < 0)
		return;
	cpg_finalize(cpg);
	cpg_fd = -1;
}

static int cpg_get_fd(void)
{
	return cpg_fd;
}

static int cpg_run(void)
{
	cs_error_t err = cpg_dispatch(cpg, CS_DISPATCH_ALL);

	return err == CS_OK || err == CS_ERR_TRY_AGAIN ? 0 : -EIO;
}

const struct cnd_source cnd_cpg_source = {
	.name = "cpg",
	.start = cpg_start,
	.stop = cpg_stop,
	.fd = cpg_get_fd,
	.dispatch = cpg_run,
};

static void on_quorum(quorum_handle_t h, uint32_t quorate,
		      struct quorum_ring_id ring, uint32_t n,
		      const uint32_t *members)
{
	(void)h;
	log_info("quorum: %s", quorate ? "quorate" : "not quorate");
	log_members("quorum", n, members);
	cnd_view_set_ring(ring.nodeid, ring.seq);
	cnd_view_set_members(members, n);
	cnd_view_set_quorum(quorate);
}

static void on_nodelist(quorum_handle_t h, struct quorum_ring_id ring,
			uint32_t n, const uint32_t *members,
			uint32_t nj, const uint32_t *joined,
			uint32_t nl, const uint32_t *left)
{
	(void)h, (void)nj, (void)joined, (void)nl, (void)left;
	log_members("quorum nodelist", n, members);
	cnd_view_set_ring(ring.nodeid, ring.seq);
	cnd_view_set_members(members, n);
}

static int quorum_start(void)
{
	quorum_model_v1_data_t model = {
		.model = QUORUM_MODEL_V1,
		.quorum_notify_fn = on_quorum,
		.nodelist_notify_fn = on_nodelist,
	};
	uint32_t type;

	if (quorum_model_initialize(&quorum, QUORUM_MODEL_V1,
				    (quorum_model_data_t *)&model, &type,
				    NULL) != CS_OK)
		return -ECONNREFUSED;
	if (quorum_fd_get(quorum, &quorum_fd) != CS_OK ||
	    quorum_trackstart(quorum, CS_TRACK_CHANGES | CS_TRACK_CURRENT) != CS_OK) {
		quorum_finalize(quorum);
		quorum_fd = -1;
		return -EIO;
	}
	if (type == QUORUM_FREE) {
		/* No provider: every partition is quorate. */
		cnd_view_set_provider("none");
		cnd_view_set_quorum(true);
	}
	return 0;
}

static void quorum_stop(void)
{
	if (quorum_fd < 0)
		return;
	quorum_finalize(quorum);
	quorum_fd = -1;
}

static int quorum_get_fd(void)
{
	return quorum_fd;
}

static int quorum_run(void)
{
	cs_error_t err = quorum_dispatch(quorum, CS_DISPATCH_ALL);

	return err == CS_OK || err == CS_ERR_TRY_AGAIN ? 0 : -EIO;
}

const struct cnd_source cnd_quorum_source = {
	.name = "quorum",
	.start = quorum_start,
	.stop = quorum_stop,
	.fd = quorum_get_fd,
	.dispatch = quorum_run,
};
