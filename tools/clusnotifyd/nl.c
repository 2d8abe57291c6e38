// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's side of libclusnotify's producer API: one feed, the dry run
 * (every request logged, none sent), and the log lines of failures with
 * the kernel's extended ack message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <clusnotify_feed.h>

#include "log.h"
#include "nl.h"

static struct clusnotify_feed *feed;
static bool dry;
static bool dry_open;

const char *cnd_type_name(uint32_t type)
{
	static const char *const names[] = {
		[CLUSNOTIFY_OBJ_CLUSTER] = "cluster",
		[CLUSNOTIFY_OBJ_GROUP] = "group",
		[CLUSNOTIFY_OBJ_RESOURCE] = "resource",
		[CLUSNOTIFY_OBJ_RESOURCE_TYPE] = "resource_type",
		[CLUSNOTIFY_OBJ_NETWORK_INTERFACE] = "netinterface",
		[CLUSNOTIFY_OBJ_NETWORK] = "network",
		[CLUSNOTIFY_OBJ_NODE] = "node",
		[CLUSNOTIFY_OBJ_REGISTRY] = "registry",
		[CLUSNOTIFY_OBJ_QUORUM] = "quorum",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "?";
}

/* Logs a failed request with the library's (the kernel's) words. */
static int failed(const char *what, int ret)
{
	if (ret)
		log_err("%s: %s", what, feed ? clusnotify_feed_errmsg(feed) :
			strerror(-ret));
	return ret;
}

int cnd_nl_open(bool dry_run)
{
	int ret;

	dry = dry_run;
	if (dry) {
		dry_open = true;
		return 0;
	}
	ret = clusnotify_feed_open(&feed, 0);
	if (ret == -ENOENT)
		log_err("generic netlink family " CLUSNOTIFY_GENL_NAME
			" not found: is clusnotify.ko loaded?");
	else if (ret)
		log_err("netlink: %s", strerror(-ret));
	if (ret)
		feed = NULL;
	return ret ? -EIO : 0;
}

void cnd_nl_close(void)
{
	dry_open = false;
	clusnotify_feed_close(feed);
	feed = NULL;
}

bool cnd_nl_is_open(void)
{
	return feed || dry_open;
}

int cnd_nl_fd(void)
{
	return feed ? clusnotify_feed_fd(feed) : -1;
}

/* Nothing is asked between requests: what comes is an error, or the end. */
int cnd_nl_drain(void)
{
	char buf[4096];
	ssize_t n;

	if (!feed)
		return 0;
	while ((n = recv(clusnotify_feed_fd(feed), buf, sizeof(buf),
			 MSG_DONTWAIT)) > 0)
		;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	log_err("netlink socket: %s", n ? strerror(errno) : "closed");
	return -EIO;
}

int cnd_nl_register(const char *name, uint32_t *id)
{
	*id = 0;
	if (dry) {
		log_notice("dry-run: register cluster '%s'", name);
		*id = 1;
		return 0;
	}
	return failed("CLUSTER_REGISTER", clusnotify_feed_register(feed, name, id));
}

struct dump {
	void (*fn)(const struct cnd_obj *obj, void *arg);
	void *arg;
};

static int on_object(const struct clusnotify_object_entry *e, void *arg)
{
	struct dump *d = arg;
	struct cnd_obj o;

	o.type = e->object_type;
	o.state = e->state;
	memcpy(o.id, e->id, sizeof(o.id));
	memcpy(o.name, e->name, sizeof(o.name));
	memcpy(o.parent, e->parent_id, sizeof(o.parent));
	memcpy(o.type_name, e->type_name, sizeof(o.type_name));
	d->fn(&o, d->arg);
	return 0;
}

int cnd_nl_objects(uint32_t cluster,
		   void (*fn)(const struct cnd_obj *obj, void *arg), void *arg)
{
	struct dump d = { fn, arg };

	if (dry)
		return 0;
	return failed("OBJECT_GET",
		      clusnotify_feed_objects(feed, cluster, on_object, &d));
}

static const char *opt(const char *s)
{
	return s[0] ? s : NULL;
}

static int objects_apply(uint32_t cluster, const struct cnd_obj *objs,
			 size_t n, bool del)
{
	struct clusnotify_feed_object *v;
	size_t j;
	int ret;

	if (dry) {
		for (j = 0; j < n; j++)
			log_notice("dry-run: %s %s id='%s' name='%s' parent='%s' type='%s' state=%d",
				   del ? "del" : "set", cnd_type_name(objs[j].type),
				   objs[j].id, objs[j].name, objs[j].parent,
				   objs[j].type_name, objs[j].state);
		return 0;
	}
	if (!n)
		return 0;
	v = calloc(n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (j = 0; j < n; j++)
		v[j] = (struct clusnotify_feed_object){
			.type = objs[j].type, .id = objs[j].id,
			.name = opt(objs[j].name), .parent_id = opt(objs[j].parent),
			.type_name = opt(objs[j].type_name),
			.flags = CLUSNOTIFY_FEED_OBJ_STATE, .state = objs[j].state,
		};
	ret = del ? clusnotify_feed_del_objects(feed, cluster, v, n, NULL) :
		    clusnotify_feed_set_objects(feed, cluster, v, n, NULL);
	free(v);
	return failed(del ? "OBJECT_DEL" : "OBJECT_SET", ret);
}

int cnd_nl_object_set(uint32_t cluster, const struct cnd_obj *objs, size_t n)
{
	return objects_apply(cluster, objs, n, false);
}

int cnd_nl_object_del(uint32_t cluster, const struct cnd_obj *objs, size_t n)
{
	return objects_apply(cluster, objs, n, true);
}

static void log_event(const char *how, const struct clusnotify_feed_event *e,
		      int prio)
{
	char pl[3 * 16 + 1] = "";
	size_t k;

	for (k = 0; k < e->payload_len && k < 16; k++)
		sprintf(pl + 3 * k, "%02x ", ((const unsigned char *)e->payload)[k]);
	cnd_log(prio, "%s: %s flag=%#llx id='%s' name='%s' parent='%s' payload=[%s]",
		how, cnd_type_name(e->type), (unsigned long long)e->flag,
		e->id ?: "", e->name ?: "", e->parent_id ?: "", pl);
}

int cnd_nl_post(uint32_t cluster, const struct clusnotify_feed_event *evs,
		size_t n)
{
	size_t j;

	for (j = 0; j < n; j++)
		log_event(dry ? "dry-run: post" : "post", &evs[j],
			  dry ? LOG_NOTICE : LOG_DEBUG);
	if (dry || !n)
		return 0;
	return failed("EVENT_POST",
		      clusnotify_feed_post(feed, cluster, evs, n, NULL, NULL));
}
