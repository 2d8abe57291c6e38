// SPDX-License-Identifier: GPL-2.0
/*
 * The CIB: one query at connection, then the diff notifications applied to
 * that copy (a full query again if a diff does not apply). After each turn
 * of the loop that changed it, libpe_status unpacks the copy into nodes and
 * resources with their roles, as crm_mon does.
 *
 * A primitive is a RESOURCE (type "class:provider:type"), its group or
 * clone a GROUP owned by the node the group runs on (the first one for a
 * clone). Resource states: a pending start or promote is OnlinePending, a
 * pending stop or demote OfflinePending, a failure Failed, a started
 * (promoted, unpromoted) role Online, stopped Offline.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <crm/cib.h>
#include <crm/common/xml.h>
#include <crm/pengine/status.h>

#include "inventory.h"
#include "log.h"
#include "pacemaker.h"
#include "props.h"
#include "view.h"

#ifndef F_CIB_UPDATE_RESULT
#define F_CIB_UPDATE_RESULT	"cib_update_result"
#endif

/* CLUSTER_GROUP_STATE, CLUSTER_RESOURCE_STATE */
enum { GRP_ONLINE = 0, GRP_OFFLINE = 1, GRP_FAILED = 2, GRP_PARTIAL = 3,
       GRP_PENDING = 4 };
enum { RSC_ONLINE = 2, RSC_OFFLINE = 3, RSC_FAILED = 4, RSC_PENDING = 128,
       RSC_ONLINE_PENDING = 129, RSC_OFFLINE_PENDING = 130 };

static cib_t *cib;
static bool connected, lost, dirty;
static xmlNode *current;
static GMainContext *ctx;
static GPollFD *gfds;
static gint ngfds_alloc, ngfds, max_prio;

int cnd_pcmk_init(void)
{
	/* Gives every XML node the private data that patching needs. */
	crm_xml_init();
	ctx = g_main_context_default();
	if (!g_main_context_acquire(ctx)) {
		log_err("cannot own GLib's main context");
		return -EBUSY;
	}
	return 0;
}

void cnd_pcmk_exit(void)
{
	cnd_pcmk_disconnect();
	g_main_context_release(ctx);
	g_free(gfds);
	crm_xml_cleanup();
}

bool cnd_pcmk_connected(void)
{
	return connected;
}

bool cnd_pcmk_lost(void)
{
	return lost;
}

static int query(void)
{
	xmlNode *out = NULL;
	int rc;

	rc = cib->cmds->query(cib, NULL, &out, cib_scope_local | cib_sync_call);
	if (rc != pcmk_ok) {
		log_warn("pacemaker: CIB query: %s", pcmk_strerror(rc));
		return -EIO;
	}
	if (current)
		free_xml(current);
	current = out;
	dirty = true;
	return 0;
}

static void on_diff(const char *event, xmlNode *msg)
{
	xmlNode *diff = get_message_xml(msg, F_CIB_UPDATE_RESULT);
	int rc;

	(void)event;
	if (current && diff) {
		rc = xml_apply_patchset(current, diff, TRUE);
		if (rc == pcmk_ok) {
			dirty = true;
			return;
		}
		log_info("pacemaker: CIB diff does not apply (%s): query again",
			 pcmk_strerror(rc));
	}
	free_xml(current);
	current = NULL;
	if (query())
		lost = true;
}

static void on_lost(gpointer data)
{
	(void)data;
	log_warn("pacemaker: lost the CIB connection");
	lost = true;
}

int cnd_pcmk_connect(void)
{
	int rc;

	cib = cib_new();
	if (!cib)
		return -ENOMEM;
	rc = cib->cmds->signon(cib, "clusnotifyd", cib_query);
	if (rc != pcmk_ok) {
		log_info("pacemaker: no CIB: %s", pcmk_strerror(rc));
		cib_delete(cib);
		cib = NULL;
		return -ECONNREFUSED;
	}
	if (cib->cmds->set_connection_dnotify(cib, on_lost) != pcmk_ok ||
	    cib->cmds->add_notify_callback(cib, T_CIB_DIFF_NOTIFY, on_diff) != pcmk_ok ||
	    query()) {
		log_warn("pacemaker: cannot watch the CIB");
		cnd_pcmk_disconnect();
		return -EIO;
	}
	connected = true;
	lost = false;
	log_notice("connected to pacemaker's CIB");
	return 0;
}

void cnd_pcmk_disconnect(void)
{
	if (cib) {
		cib->cmds->del_notify_callback(cib, T_CIB_DIFF_NOTIFY, on_diff);
		cib->cmds->signoff(cib);
		cib_delete(cib);
		cib = NULL;
	}
	free_xml(current);
	current = NULL;
	connected = lost = false;
}

size_t cnd_pcmk_prepare(struct pollfd *fds, size_t max, int *timeout)
{
	gint n, i;

	g_main_context_prepare(ctx, &max_prio);
	while ((n = g_main_context_query(ctx, max_prio, timeout, gfds,
					 ngfds_alloc)) > ngfds_alloc) {
		g_free(gfds);
		ngfds_alloc = n;
		gfds = g_new(GPollFD, n);
	}
	ngfds = n;
	for (i = 0; i < n && (size_t)i < max; i++) {
		fds[i].fd = gfds[i].fd;
		fds[i].events = (short)gfds[i].events;
		fds[i].revents = 0;
	}
	return (size_t)i;
}

void cnd_pcmk_dispatch(const struct pollfd *fds, size_t n)
{
	gint i;

	for (i = 0; i < ngfds; i++)
		gfds[i].revents = (size_t)i < n ? (gushort)fds[i].revents : 0;
	if (g_main_context_check(ctx, max_prio, gfds, ngfds))
		g_main_context_dispatch(ctx);
}

void cnd_pcmk_republish(void)
{
	if (connected)
		dirty = true;
}

static int32_t rsc_state(const pe_resource_t *r)
{
	const char *t = r->pending_task;

	if (t && (!strcmp(t, "start") || !strcmp(t, "promote") ||
		  !strcmp(t, "migrate_from")))
		return RSC_ONLINE_PENDING;
	if (t && (!strcmp(t, "stop") || !strcmp(t, "demote") ||
		  !strcmp(t, "migrate_to")))
		return RSC_OFFLINE_PENDING;
	if (r->flags & pe_rsc_failed)
		return RSC_FAILED;
	switch (r->role) {
	case RSC_ROLE_STARTED:
	case RSC_ROLE_PROMOTED:
	case RSC_ROLE_UNPROMOTED:
		return RSC_ONLINE;
	case RSC_ROLE_STOPPED:
		return RSC_OFFLINE;
	default:
		return CLUSNOTIFY_STATE_UNKNOWN;
	}
}

struct group_acc {
	int n, online, offline, failed, pending;
};

static int32_t group_state(const struct group_acc *a)
{
	if (a->failed)
		return GRP_FAILED;
	if (a->pending)
		return GRP_PENDING;
	if (a->n && a->online == a->n)
		return GRP_ONLINE;
	if (a->online)
		return GRP_PARTIAL;
	return GRP_OFFLINE;
}

static void publish_resource(const pe_resource_t *r, const char *group,
			     struct group_acc *acc)
{
	const char *cls = crm_element_value(r->xml, "class");
	const char *prov = crm_element_value(r->xml, "provider");
	const char *type = crm_element_value(r->xml, "type");
	const struct cnd_obj *old;
	char old_group[CLUSNOTIFY_ID_MAX];
	struct cnd_obj o;

	memset(&o, 0, sizeof(o));
	o.type = CLUSNOTIFY_OBJ_RESOURCE;
	snprintf(o.id, sizeof(o.id), "%s", r->id);
	snprintf(o.name, sizeof(o.name), "%s", r->id);
	snprintf(o.parent, sizeof(o.parent), "%s", group);
	snprintf(o.type_name, sizeof(o.type_name), "%s%s%s%s%s", cls ?: "",
		 prov ? ":" : "", prov ?: "", type ? ":" : "", type ?: "");
	o.state = rsc_state(r);
	old = cnd_inv_get(o.type, o.id);
	if (old)
		strcpy(old_group, old->parent);
	cnd_inv_set(&o);
	if (old && strcmp(old_group, o.parent)) {
		cnd_inv_post_str(CLUSNOTIFY_OBJ_RESOURCE, CLUSNOTIFY_RESOURCE_OWNER_GROUP,
				 o.id, o.parent);
		if (old_group[0])
			cnd_inv_post_str(CLUSNOTIFY_OBJ_GROUP,
					 CLUSNOTIFY_GROUP_RESOURCE_LOST, old_group, o.id);
		if (o.parent[0])
			cnd_inv_post_str(CLUSNOTIFY_OBJ_GROUP,
					 CLUSNOTIFY_GROUP_RESOURCE_GAINED, o.parent, o.id);
	}
	acc->n++;
	acc->online += o.state == RSC_ONLINE;
	acc->offline += o.state == RSC_OFFLINE;
	acc->failed += o.state == RSC_FAILED;
	acc->pending += o.state >= RSC_PENDING;
}

static void publish_primitives(const pe_resource_t *r, const char *group,
			       struct group_acc *acc)
{
	GList *l;

	if (r->variant == pe_native) {
		publish_resource(r, group, acc);
		return;
	}
	for (l = r->children; l; l = l->next)
		publish_primitives(l->data, group, acc);
}

static void publish_group(const pe_resource_t *g)
{
	struct group_acc acc = { 0 };
	const struct cnd_obj *old;
	char old_owner[CLUSNOTIFY_ID_MAX];
	const pe_node_t *node;
	struct cnd_obj o;

	publish_primitives(g, g->id, &acc);
	memset(&o, 0, sizeof(o));
	o.type = CLUSNOTIFY_OBJ_GROUP;
	snprintf(o.id, sizeof(o.id), "%s", g->id);
	snprintf(o.name, sizeof(o.name), "%s", g->id);
	node = g->running_on ? g->running_on->data : NULL;
	if (node && node->details->id)
		snprintf(o.parent, sizeof(o.parent), "%s", node->details->id);
	o.state = group_state(&acc);
	old = cnd_inv_get(o.type, o.id);
	if (old)
		strcpy(old_owner, old->parent);
	if (cnd_inv_set(&o)) {
		cnd_inv_post(CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_GROUP_ADDED,
			     o.id, o.parent, o.name, NULL, 0);
		if (o.parent[0])
			cnd_inv_post_str(CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_GROUP_GAINED,
					 o.parent, o.id);
		return;
	}
	if (!strcmp(old_owner, o.parent))
		return;
	cnd_inv_post_str(CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_OWNER_NODE, o.id,
			 o.parent);
	if (old_owner[0])
		cnd_inv_post_str(CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_GROUP_LOST,
				 old_owner, o.id);
	if (o.parent[0])
		cnd_inv_post_str(CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_GROUP_GAINED,
				 o.parent, o.id);
}

static void group_gone(const struct cnd_obj *o)
{
	cnd_inv_post(CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_DELETED, o->id, NULL,
		     NULL, NULL, 0);
	if (o->parent[0])
		cnd_inv_post_str(CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_GROUP_LOST,
				 o->parent, o->id);
}

static void resource_gone(const struct cnd_obj *o)
{
	cnd_inv_post_str(CLUSNOTIFY_OBJ_RESOURCE, CLUSNOTIFY_RESOURCE_DELETED,
			 o->id, o->parent);
}

static void publish_nodes(GList *nodes)
{
	const pe_node_t *n;
	unsigned long id;
	char *end;
	GList *l;

	for (l = nodes; l; l = l->next) {
		n = l->data;
		if (!n->details->id || n->details->type != node_member)
			continue;
		id = strtoul(n->details->id, &end, 10);
		if (*end || !id)
			continue;
		cnd_view_set_pcmk((uint32_t)id, n->details->standby,
				  n->details->online && n->details->pending);
	}
}

/*
 * The version of the CIB copy the events just queued come from
 * (admin_epoch, epoch, num_updates, as cibadmin shows them), after them.
 */
static void post_cib_version(void)
{
	static const char *const attr[] = { "admin_epoch", "epoch", "num_updates" };
	static const char *const prop[] = { "CibAdminEpoch", "CibEpoch",
					    "CibNumUpdates" };
	static struct cnd_props props;
	const char *v;
	unsigned long n;
	char *end;
	size_t i;

	for (i = 0; i < sizeof(attr) / sizeof(attr[0]); i++) {
		v = crm_element_value(current, attr[i]);
		if (!v)
			continue;
		errno = 0;
		n = strtoul(v, &end, 10);
		if (!errno && !*end && end != v && n <= UINT32_MAX)
			cnd_props_dword(&props, prop[i], (uint32_t)n);
	}
	cnd_props_post(&props);
}

void cnd_pcmk_publish(void)
{
	struct group_acc none = { 0 };
	pe_working_set_t *ds;
	pe_resource_t *r;
	size_t queued;
	GList *l;

	if (!dirty || !current || !cnd_inv_registered())
		return;
	dirty = false;
	queued = cnd_inv_queued_events();
	ds = pe_new_working_set();
	if (!ds)
		return;
	ds->input = copy_xml(current);
	cluster_status(ds);
	publish_nodes(ds->nodes);
	cnd_inv_sweep_begin(CLUSNOTIFY_OBJ_GROUP);
	cnd_inv_sweep_begin(CLUSNOTIFY_OBJ_RESOURCE);
	for (l = ds->resources; l; l = l->next) {
		r = l->data;
		if (r->variant == pe_native)
			publish_resource(r, "", &none);
		else if (r->variant == pe_group || r->variant == pe_clone)
			publish_group(r);
		else
			log_debug("pacemaker: %s: bundles are not published", r->id);
	}
	cnd_inv_sweep_end(CLUSNOTIFY_OBJ_RESOURCE, resource_gone);
	cnd_inv_sweep_end(CLUSNOTIFY_OBJ_GROUP, group_gone);
	pe_free_working_set(ds);
	if (cnd_inv_queued_events() != queued)
		post_cib_version();
}

static void unknown(const struct cnd_obj *o, void *arg)
{
	struct cnd_obj u = *o;

	(void)arg;
	u.state = CLUSNOTIFY_STATE_UNKNOWN;
	cnd_inv_set(&u);
}

void cnd_pcmk_forget(void)
{
	cnd_view_clear_pcmk();
	cnd_inv_foreach(CLUSNOTIFY_OBJ_GROUP, unknown, NULL);
	cnd_inv_foreach(CLUSNOTIFY_OBJ_RESOURCE, unknown, NULL);
}
