// SPDX-License-Identifier: GPL-2.0
/*
 * A sample in-kernel consumer of clusnotify: subscribes to one cluster's
 * membership, logs each change and keeps every event it saw, so a test can
 * compare it with what a userspace port saw.
 *
 * debugfs clusnotify_sample/events: one line per event, in delivery order:
 *   <seq> <type> <flag> <flags> <object id> <state or ->
 * debugfs clusnotify_sample/stats: count and the subscription's counters.
 *
 * Namespaces: writing a cluster name to clusnotify_sample/netns_sub makes
 * two more subscriptions to that cluster of the writer's network namespace,
 * one with a CLUSTER STATE filter and one with none, kept (not tied to the
 * namespace) until the module goes. clusnotify_sample/netns reads
 *   exits <times this module's pernet exit ran>
 *   sub <i> filters <0|1> events <n> deleted <n> subs <n> clusters <n>
 * so a test can see that a kernel subscription does not keep its namespace
 * alive, and what it got when the namespace went.
 */

#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <net/net_namespace.h>

#include "kernel/clusnotify.h"

#define SAMPLE_LOG_MAX 4096

static char *cluster = "";
module_param(cluster, charp, 0444);
MODULE_PARM_DESC(cluster, "Cluster to watch (default: the local one)");

static bool snapshot = true;
module_param(snapshot, bool, 0444);
MODULE_PARM_DESC(snapshot, "Ask for the current state first");

struct sample_entry {
	u64 seq;
	u32 type;
	u64 flag;
	u32 flags;
	s64 state;
	char id[CLUSNOTIFY_ID_MAX];
};

/* The subscriber's context: freed right after clusnotify_unsubscribe(). */
struct sample {
	struct mutex lock;
	u64 count;
	unsigned int n;
	struct sample_entry log[SAMPLE_LOG_MAX];
};

#define SAMPLE_NS_SUBS 8

/* A subscription made in another namespace, and what it saw. */
struct sample_ns_sub {
	struct clusnotify_sub *sub;
	bool filtered;
	atomic_t events;
	atomic_t deleted;
};

static struct sample_ns_sub sample_ns[SAMPLE_NS_SUBS];
static unsigned int sample_nns;
static DEFINE_MUTEX(sample_ns_lock);
static atomic_t sample_net_exits = ATOMIC_INIT(0);

static struct sample *sample;
static struct clusnotify_cluster *sample_cluster;
static struct clusnotify_sub *sample_sub;
static struct dentry *sample_dir;

static void sample_event(struct clusnotify_sub *sub,
			 const struct clusnotify_event *ev, void *ctx)
{
	struct sample *s = ctx;
	s64 state = S64_MIN;
	struct sample_entry *e;

	if (ev->payload_len == sizeof(u32))
		state = *(const s32 *)ev->payload;
	if (ev->object_type == CLUSNOTIFY_OBJ_NODE &&
	    ev->flag == CLUSNOTIFY_NODE_STATE)
		pr_info("clusnotify_sample: node %s (%s) is now %lld%s\n",
			ev->object_id, ev->name, state,
			ev->flags & CLUSNOTIFY_RECORD_SNAPSHOT ? " (snapshot)" : "");

	mutex_lock(&s->lock);
	s->count++;
	if (s->n < SAMPLE_LOG_MAX) {
		e = &s->log[s->n++];
		e->seq = ev->seq;
		e->type = ev->object_type;
		e->flag = ev->flag;
		e->flags = ev->flags;
		e->state = state;
		strscpy(e->id, ev->object_id, sizeof(e->id));
	}
	mutex_unlock(&s->lock);
}

static const struct clusnotify_sub_ops sample_ops = {
	.event = sample_event,
};

static int events_show(struct seq_file *m, void *v)
{
	unsigned int i;

	mutex_lock(&sample->lock);
	for (i = 0; i < sample->n; i++) {
		const struct sample_entry *e = &sample->log[i];

		seq_printf(m, "%llu %u 0x%llx 0x%x %s ", e->seq, e->type,
			   e->flag, e->flags, e->id[0] ? e->id : "-");
		if (e->state == S64_MIN)
			seq_puts(m, "-\n");
		else
			seq_printf(m, "%lld\n", e->state);
	}
	mutex_unlock(&sample->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(events);

static int stats_show(struct seq_file *m, void *v)
{
	struct clusnotify_port_stats st;

	clusnotify_sub_stats(sample_sub, &st);
	mutex_lock(&sample->lock);
	seq_printf(m, "count %llu\n", sample->count);
	mutex_unlock(&sample->lock);
	seq_printf(m, "matched %llu\ndelivered %llu\nlost %llu\n",
		   st.matched, st.delivered, st.lost);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static void ns_event(struct clusnotify_sub *sub,
		     const struct clusnotify_event *ev, void *ctx)
{
	struct sample_ns_sub *s = ctx;

	atomic_inc(&s->events);
	if (ev->object_type == CLUSNOTIFY_OBJ_CLUSTER &&
	    ev->flag == CLUSNOTIFY_CLUSTER_STATE &&
	    ev->payload_len == sizeof(u32) &&
	    *(const u32 *)ev->payload == CLUSNOTIFY_CLUSTER_DELETED)
		atomic_inc(&s->deleted);
}

static const struct clusnotify_sub_ops ns_ops = {
	.event = ns_event,
};

static ssize_t netns_sub_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	static const struct clusnotify_filter f = {
		CLUSNOTIFY_OBJ_CLUSTER, 0, CLUSNOTIFY_CLUSTER_STATE,
	};
	struct clusnotify_cluster *cl;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	ssize_t ret;
	int i;

	if (len >= sizeof(name))
		return -EINVAL;
	if (copy_from_user(name, ubuf, len))
		return -EFAULT;
	name[len] = '\0';
	strim(name);
	cl = clusnotify_cluster_get(current->nsproxy->net_ns, name);
	if (!cl)
		return -ENOENT;
	mutex_lock(&sample_ns_lock);
	ret = -ENOSPC;
	if (sample_nns + 2 > SAMPLE_NS_SUBS)
		goto out;
	for (i = 0; i < 2; i++) {
		struct sample_ns_sub *s = &sample_ns[sample_nns];

		s->filtered = !i;
		s->sub = clusnotify_subscribe(cl, &f, s->filtered, 0x6e73,
					      &ns_ops, s);
		if (IS_ERR(s->sub)) {
			ret = PTR_ERR(s->sub);
			s->sub = NULL;
			goto out;
		}
		sample_nns++;
	}
	ret = len;
out:
	mutex_unlock(&sample_ns_lock);
	clusnotify_cluster_put(cl);
	return ret;
}

static const struct file_operations netns_sub_fops = {
	.owner = THIS_MODULE,
	.write = netns_sub_write,
};

static int netns_show(struct seq_file *m, void *v)
{
	struct clusnotify_port_stats st;
	unsigned int i;

	seq_printf(m, "exits %d\n", atomic_read(&sample_net_exits));
	mutex_lock(&sample_ns_lock);
	for (i = 0; i < sample_nns; i++) {
		clusnotify_sub_stats(sample_ns[i].sub, &st);
		seq_printf(m, "sub %u filters %d events %d deleted %d subs %u clusters %u\n",
			   i, sample_ns[i].filtered,
			   atomic_read(&sample_ns[i].events),
			   atomic_read(&sample_ns[i].deleted),
			   st.filters + st.registrations, st.clusters);
	}
	mutex_unlock(&sample_ns_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(netns);

/* Runs only once nothing holds the namespace any more. */
static void __net_exit sample_net_exit(struct net *net)
{
	atomic_inc(&sample_net_exits);
}

static struct pernet_operations sample_net_ops = {
	.exit = sample_net_exit,
};

static void sample_ns_end(void)
{
	unsigned int i;

	for (i = 0; i < sample_nns; i++)
		clusnotify_unsubscribe(sample_ns[i].sub);
	sample_nns = 0;
}

static int __init sample_init(void)
{
	static const struct clusnotify_filter filters[] = {
		{ CLUSNOTIFY_OBJ_NODE, 0, CLUSNOTIFY_NODE_STATE |
			CLUSNOTIFY_NODE_DELETED },
		{ CLUSNOTIFY_OBJ_CLUSTER, 0, CLUSNOTIFY_CLUSTER_MEMBERSHIP |
			CLUSNOTIFY_CLUSTER_NODE_ADDED | CLUSNOTIFY_CLUSTER_STATE |
			CLUSNOTIFY_CLUSTER_RECONNECT },
		{ CLUSNOTIFY_OBJ_QUORUM, 0, CLUSNOTIFY_QUORUM_STATE },
	};
	int ret;

	sample = kzalloc(sizeof(*sample), GFP_KERNEL);
	if (!sample)
		return -ENOMEM;
	mutex_init(&sample->lock);

	sample_cluster = clusnotify_cluster_get(&init_net, cluster);
	if (!sample_cluster) {
		pr_err("clusnotify_sample: no cluster '%s'\n", cluster);
		ret = -ENODEV;
		goto err_free;
	}
	sample_sub = clusnotify_subscribe(sample_cluster, filters,
					  ARRAY_SIZE(filters), 0x5a5a, &sample_ops,
					  sample);
	if (IS_ERR(sample_sub)) {
		ret = PTR_ERR(sample_sub);
		goto err_cluster;
	}
	if (snapshot) {
		ret = clusnotify_sub_snapshot(sample_sub);
		if (ret)
			goto err_sub;
	}
	ret = register_pernet_subsys(&sample_net_ops);
	if (ret)
		goto err_sub;
	sample_dir = debugfs_create_dir("clusnotify_sample", NULL);
	debugfs_create_file("events", 0400, sample_dir, NULL, &events_fops);
	debugfs_create_file("stats", 0400, sample_dir, NULL, &stats_fops);
	debugfs_create_file("netns_sub", 0200, sample_dir, NULL, &netns_sub_fops);
	debugfs_create_file("netns", 0400, sample_dir, NULL, &netns_fops);
	return 0;

err_sub:
	clusnotify_unsubscribe(sample_sub);
err_cluster:
	clusnotify_cluster_put(sample_cluster);
err_free:
	kfree(sample);
	return ret;
}

static void __exit sample_exit(void)
{
	debugfs_remove_recursive(sample_dir);
	sample_ns_end();
	unregister_pernet_subsys(&sample_net_ops);
	clusnotify_unsubscribe(sample_sub);
	/* No callback runs any more: the context can go. */
	kfree(sample);
	clusnotify_cluster_put(sample_cluster);
}

module_init(sample_init);
module_exit(sample_exit);
MODULE_DESCRIPTION("clusnotify sample in-kernel consumer");
MODULE_LICENSE("GPL");
CLUSNOTIFY_IMPORT_NS();
